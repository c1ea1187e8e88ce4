"""Load, check and compile a free-text risk pattern file (one file per language).

The words that suggest risk are clinical data, not code: they live in ``patterns/<language>.yaml``
so a clinician can read them and a site can add a language without touching Python. This module
validates such a file strictly before anything uses it, and every error names the file, the line
and the field.

Patterns are regular expressions in a deliberately small dialect, so that scanning always takes
time linear in the length of the text, whatever the text:

* no unbounded repeats (``*``, ``+``, ``{n,}``): every pattern matches a bounded number of
  characters, so the work at each position of the text is bounded. Runs of letters and spaces are
  already squeezed by normalisation, so nothing needs ``+``;
* no back-references, look-behinds, named groups or inline flags;
* written in the canonical form of ``normalise.py``: lower case, no apostrophes (write
  ``do not``, not ``don't``), hyphens as spaces;
* placeholders in angle brackets (``<self>``, ``<pills>``) come from the file's ``placeholders``
  and ``persons`` sections. A ``persons`` placeholder records who the words are about ("myself"
  or "himself"), which the detector uses to mark reported speech.

Each rule is wrapped so it only matches whole words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openipt.core.content import LocDict, LocList

from .kinds import DEFAULT_KIND, family_kinds
from .normalise import Normaliser
from .yamlsource import DataError, line_of, load_yaml, start_line

SCHEMA = "openipt-riskdetect/1"
SEVERITIES: tuple[str, ...] = ("low", "medium", "high")
SEVERITY_RANK: dict[str, int] = {name: rank for rank, name in enumerate(SEVERITIES, start=1)}
MODIFIERS: tuple[str, ...] = ("negated", "reported", "hypothetical", "past")
PATTERN_DIR = Path(__file__).with_name("patterns")

_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
_PLACEHOLDER = re.compile(r"<([a-z_]+)>")
_TOP_KEYS = {
    "schema",
    "language",
    "version",
    "description",
    "families",
    "modifier_caps",
    "keep_severity",
    "lexicon",
    "context",
    "placeholders",
    "persons",
    "idioms",
    "rules",
    "kinds",
}


@dataclass(frozen=True)
class Rule:
    """One compiled detector rule."""

    id: str
    family: str
    severity: str
    explanation: str
    topic: bool
    regex: re.Pattern[str]
    who_groups: tuple[str, ...]
    pattern: str
    line: int | None


@dataclass(frozen=True)
class Idiom:
    """A phrase that sounds like risk but is everyday speech; matches inside it are set aside."""

    id: str
    regex: re.Pattern[str]
    note: str


@dataclass(frozen=True)
class Context:
    """Word lists the detector uses to judge the words around a match."""

    max_gap: int
    transparent: frozenset[str]
    negation_cues: tuple[tuple[str, ...], ...]
    negation_blockers: frozenset[str]
    hypothetical_cues: tuple[tuple[str, ...], ...]
    subject_window: int
    first_person: frozenset[str]
    third_person: frozenset[str]
    third_person_nouns: frozenset[str]
    noun_reach: int
    clause_breaks: frozenset[str]
    past_cues: re.Pattern[str]
    past_cancel: re.Pattern[str]
    media_cues: frozenset[str]
    topic_context_cues: frozenset[str]


@dataclass(frozen=True)
class PatternSet:
    """Everything the detector needs for one language, checked and compiled."""

    language: str
    version: str
    source: str
    families: Mapping[str, str]
    modifier_caps: Mapping[str, str]
    keep_severity: Mapping[str, frozenset[str]]
    normaliser: Normaliser
    context: Context
    rules: tuple[Rule, ...]
    idioms: tuple[Idiom, ...]
    third_person_words: frozenset[str]
    family_kind: Mapping[str, str] = None  # type: ignore[assignment]  # {family: kind of risk}

    def kind_of(self, family: str) -> str:
        """Return the kind of risk a family belongs to."""
        return (self.family_kind or {}).get(family, DEFAULT_KIND)


def load_pattern_file(path: str | Path) -> PatternSet:
    """Read, validate and compile the pattern file at path."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read the file ({exc})", source=str(path)) from exc
    return parse_pattern_text(text, source=str(path))


def load_language(language: str = "en") -> PatternSet:
    """Load the shipped pattern file for a language code such as "en"."""
    if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", language or ""):
        raise LookupError(f"not a language code: {language!r}")
    path = PATTERN_DIR / f"{language}.yaml"
    if not path.exists():
        raise LookupError(f"no risk pattern file for language {language!r} (looked for {path})")
    return load_pattern_file(path)


def available_languages() -> list[str]:
    """Return the language codes that have a shipped pattern file."""
    return sorted(p.stem for p in PATTERN_DIR.glob("*.yaml"))


def parse_pattern_text(text: str, source: str = "<pattern text>") -> PatternSet:
    """Validate and compile pattern-file YAML text; raise DataError naming file, line and field."""
    data = load_yaml(text, source)
    return _Builder(source).build(data)


class _Builder:
    def __init__(self, source: str) -> None:
        self.source = source

    # -- small checking helpers -------------------------------------------------------------
    def fail(
        self, message: str, container: Any = None, key: Any = None, field: str | None = None
    ) -> DataError:
        return DataError(message, source=self.source, line=line_of(container, key), field=field)

    def mapping(self, value: Any, where: str, container: Any = None, key: Any = None) -> LocDict:
        if not isinstance(value, dict):
            raise self.fail("must be a mapping", container, key, where)
        return value if isinstance(value, LocDict) else LocDict(value)

    def str_list(self, parent: LocDict, key: str, where: str) -> list[str]:
        value = parent.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail("must be a non-empty list of text", parent, key, where)
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.fail("every item must be non-empty text", value, i, f"{where}[{i}]")
            if item != item.lower() or "'" in item:
                raise self.fail("write words in lower case without apostrophes", value, i, f"{where}[{i}]")
        return [item.strip() for item in value]

    def text(self, parent: LocDict, key: str, where: str) -> str:
        value = parent.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail("must be non-empty text", parent, key, where)
        return value.strip()

    def severity(self, parent: LocDict, key: str, where: str) -> str:
        value = parent.get(key)
        if value not in SEVERITIES:
            raise self.fail(f"must be one of {', '.join(SEVERITIES)} (got {value!r})", parent, key, where)
        return value

    # -- the document -------------------------------------------------------------------------
    def build(self, data: Any) -> PatternSet:
        doc = self.mapping(data, "document")
        unknown = sorted(set(doc) - _TOP_KEYS)
        if unknown:
            raise self.fail(
                f"unknown top-level key (allowed: {', '.join(sorted(_TOP_KEYS))})",
                doc,
                unknown[0],
                unknown[0],
            )
        if doc.get("schema") != SCHEMA:
            raise self.fail(f"must be {SCHEMA!r}", doc, "schema", "schema")
        language = self.text(doc, "language", "language")
        version = doc.get("version")
        if not isinstance(version, str) or not version.strip():
            raise self.fail('must be text such as "1.0.0" (quote it)', doc, "version", "version")
        families = self.families(doc)
        caps = self.modifier_caps(doc)
        keep = self.keep_severity(doc, families)
        normaliser = self.lexicon(doc)
        placeholders, third = self.placeholders(doc)
        context = self.context(doc)
        idioms = self.idioms(doc, placeholders)
        rules = self.rules(doc, families, placeholders)
        return PatternSet(
            language=language,
            version=version.strip(),
            source=self.source,
            families=families,
            modifier_caps=caps,
            keep_severity=keep,
            normaliser=normaliser,
            context=context,
            rules=rules,
            idioms=idioms,
            third_person_words=third,
            family_kind=family_kinds(self, doc, families),
        )

    def families(self, doc: LocDict) -> dict[str, str]:
        fams = self.mapping(doc.get("families"), "families", doc, "families")
        if not fams:
            raise self.fail("must list at least one family", doc, "families", "families")
        result: dict[str, str] = {}
        for name, description in fams.items():
            if not _ID.match(name):
                raise self.fail(
                    "family names are lower_case_with_underscores", fams, name, f"families.{name}"
                )
            if not isinstance(description, str) or not description.strip():
                raise self.fail("needs a short description", fams, name, f"families.{name}")
            result[name] = description.strip()
        return result

    def modifier_caps(self, doc: LocDict) -> dict[str, str]:
        caps = self.mapping(doc.get("modifier_caps"), "modifier_caps", doc, "modifier_caps")
        result = {}
        for name in MODIFIERS:
            if name not in caps:
                raise self.fail(f"must give a cap for {name!r}", caps, None, "modifier_caps")
            result[name] = self.severity(caps, name, f"modifier_caps.{name}")
        extra = sorted(set(caps) - set(MODIFIERS))
        if extra:
            raise self.fail(
                f"unknown modifier (known: {', '.join(MODIFIERS)})",
                caps,
                extra[0],
                f"modifier_caps.{extra[0]}",
            )
        return result

    def keep_severity(self, doc: LocDict, families: Mapping[str, str]) -> dict[str, frozenset[str]]:
        raw = doc.get("keep_severity") or LocDict()
        keep = self.mapping(raw, "keep_severity", doc, "keep_severity")
        result = {}
        for family in keep:
            if family not in families:
                raise self.fail("unknown family", keep, family, f"keep_severity.{family}")
            names = self.str_list(keep, family, f"keep_severity.{family}")
            for name in names:
                if name not in MODIFIERS:
                    raise self.fail(f"unknown modifier {name!r}", keep, family, f"keep_severity.{family}")
            result[family] = frozenset(names)
        return result

    def lexicon(self, doc: LocDict) -> Normaliser:
        lex = self.mapping(doc.get("lexicon"), "lexicon", doc, "lexicon")
        expansions = self.mapping(lex.get("expansions"), "lexicon.expansions", lex, "expansions")
        clean: dict[str, str] = {}
        for word, replacement in expansions.items():
            where = f"lexicon.expansions.{word}"
            if not re.fullmatch(r"[a-z0-9]+('[a-z0-9]+)*", word):
                raise self.fail(
                    "keys are single lower-case words (an apostrophe inside is allowed)",
                    expansions,
                    word,
                    where,
                )
            if not isinstance(replacement, str) or not re.fullmatch(r"[a-z0-9]+( [a-z0-9]+)*", replacement):
                raise self.fail(
                    "must be lower-case words separated by single spaces", expansions, word, where
                )
            clean[word] = replacement
        is_after = self.str_list(lex, "apostrophe_s_is", "lexicon.apostrophe_s_is")
        return Normaliser(expansions=clean, is_after=frozenset(is_after))

    def placeholders(self, doc: LocDict) -> tuple[dict[str, tuple[str, bool]], frozenset[str]]:
        """Return name -> (regex fragment, captures person) and all third-person words."""
        result: dict[str, tuple[str, bool]] = {}
        plain = self.mapping(doc.get("placeholders") or LocDict(), "placeholders", doc, "placeholders")
        for name, fragment in plain.items():
            where = f"placeholders.{name}"
            if not re.fullmatch(r"[a-z_]+", name):
                raise self.fail("placeholder names are lower_case", plain, name, where)
            if not isinstance(fragment, str) or not fragment:
                raise self.fail("must be a regular expression", plain, name, where)
            self.check_dialect(fragment, plain, name, where, allow_placeholders=False)
            result[name] = (f"(?:{fragment})", False)
        persons = self.mapping(doc.get("persons"), "persons", doc, "persons")
        third_all: set[str] = set()
        for name, sides in persons.items():
            where = f"persons.{name}"
            if name in result:
                raise self.fail("name already used under placeholders", persons, name, where)
            sides = self.mapping(sides, where, persons, name)
            if set(sides) != {"first", "third"}:
                raise self.fail("needs exactly the keys first and third", persons, name, where)
            first = self.str_list(sides, "first", f"{where}.first")
            third = self.str_list(sides, "third", f"{where}.third")
            for word in first + third:
                if not re.fullmatch(r"[a-z]+( [a-z]+)*", word):
                    raise self.fail(f"{word!r} must be plain lower-case words", sides, None, where)
            third_all.update(third)
            words = sorted(set(first + third), key=lambda w: (-len(w), w))
            result[name] = ("|".join(re.escape(w) for w in words), True)
        return result, frozenset(third_all)

    def context(self, doc: LocDict) -> Context:
        ctx = self.mapping(doc.get("context"), "context", doc, "context")
        max_gap = ctx.get("max_gap")
        window = ctx.get("subject_window")
        reach = ctx.get("noun_reach")
        for key, value in (("max_gap", max_gap), ("subject_window", window), ("noun_reach", reach)):
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 30:
                raise self.fail("must be a whole number from 0 to 30", ctx, key, f"context.{key}")

        def phrases(key: str) -> tuple[tuple[str, ...], ...]:
            return tuple(tuple(p.split()) for p in self.str_list(ctx, key, f"context.{key}"))

        def words(key: str) -> frozenset[str]:
            return frozenset(self.str_list(ctx, key, f"context.{key}"))

        def alternation(key: str) -> re.Pattern[str]:
            items = self.str_list(ctx, key, f"context.{key}")
            for i, item in enumerate(items):
                self.check_dialect(item, ctx[key], i, f"context.{key}[{i}]", allow_placeholders=False)
            return re.compile(r"(?<![a-z0-9])(?:" + "|".join(f"(?:{p})" for p in items) + r")(?![a-z0-9])")

        return Context(
            max_gap=max_gap,
            transparent=words("transparent"),
            negation_cues=phrases("negation_cues"),
            negation_blockers=words("negation_blockers"),
            hypothetical_cues=phrases("hypothetical_cues"),
            subject_window=window,
            first_person=words("first_person"),
            third_person=words("third_person"),
            third_person_nouns=words("third_person_nouns"),
            noun_reach=reach,
            clause_breaks=words("clause_breaks"),
            past_cues=alternation("past_cues"),
            past_cancel=alternation("past_cancel"),
            media_cues=words("media_cues"),
            topic_context_cues=words("topic_context_cues"),
        )

    def idioms(self, doc: LocDict, placeholders: Mapping[str, tuple[str, bool]]) -> tuple[Idiom, ...]:
        items = doc.get("idioms")
        if not isinstance(items, list):
            raise self.fail("must be a list", doc, "idioms", "idioms")
        seen: set[str] = set()
        result = []
        for i, raw in enumerate(items):
            entry = self.mapping(raw, f"idioms[{i}]", items, i)
            idiom_id = self.rule_id(entry, seen, items, i, "idioms")
            where = f"idioms[{idiom_id}]"
            extra = sorted(set(entry) - {"id", "pattern", "note"})
            if extra:
                raise self.fail("unknown key", entry, extra[0], f"{where}.{extra[0]}")
            pattern = self.pattern_text(entry, f"{where}.pattern")
            regex, _ = self.compile(pattern, placeholders, entry, f"{where}.pattern")
            result.append(Idiom(id=idiom_id, regex=regex, note=self.text(entry, "note", f"{where}.note")))
        return tuple(result)

    def rules(
        self, doc: LocDict, families: Mapping[str, str], placeholders: Mapping[str, tuple[str, bool]]
    ) -> tuple[Rule, ...]:
        items = doc.get("rules")
        if not isinstance(items, list) or not items:
            raise self.fail("must be a non-empty list", doc, "rules", "rules")
        seen: set[str] = set()
        result = []
        for i, raw in enumerate(items):
            entry = self.mapping(raw, f"rules[{i}]", items, i)
            rule_id = self.rule_id(entry, seen, items, i, "rules")
            where = f"rules[{rule_id}]"
            extra = sorted(set(entry) - {"id", "family", "severity", "pattern", "explanation", "topic"})
            if extra:
                raise self.fail("unknown key", entry, extra[0], f"{where}.{extra[0]}")
            family = entry.get("family")
            if family not in families:
                raise self.fail(
                    f"unknown family {family!r} (add it under families)", entry, "family", f"{where}.family"
                )
            topic = entry.get("topic", False)
            if not isinstance(topic, bool):
                raise self.fail("must be true or false", entry, "topic", f"{where}.topic")
            pattern = self.pattern_text(entry, f"{where}.pattern")
            regex, who = self.compile(pattern, placeholders, entry, f"{where}.pattern")
            result.append(
                Rule(
                    id=rule_id,
                    family=family,
                    severity=self.severity(entry, "severity", f"{where}.severity"),
                    explanation=self.text(entry, "explanation", f"{where}.explanation"),
                    topic=topic,
                    regex=regex,
                    who_groups=who,
                    pattern=pattern,
                    line=start_line(entry),
                )
            )
        return tuple(result)

    def rule_id(self, entry: LocDict, seen: set[str], items: LocList, index: int, section: str) -> str:
        rule_id = entry.get("id")
        if not isinstance(rule_id, str) or not _ID.match(rule_id):
            raise self.fail(
                "needs an id like family.short_name (lower case)", entry, "id", f"{section}[{index}].id"
            )
        if rule_id in seen:
            raise self.fail("this id is used twice", entry, "id", f"{section}[{index}].id")
        seen.add(rule_id)
        return rule_id

    # -- patterns -----------------------------------------------------------------------------
    def pattern_text(self, entry: LocDict, where: str) -> str:
        """Return the pattern: one expression, or a list of alternatives joined with |."""
        value = entry.get("pattern")
        if isinstance(value, list) and value:
            for i, item in enumerate(value):
                if not isinstance(item, str) or not item.strip():
                    raise self.fail("every alternative must be non-empty text", value, i, f"{where}[{i}]")
                self.check_dialect(item, value, i, f"{where}[{i}]", allow_placeholders=True)
            return "|".join(f"(?:{item.strip()})" for item in value)
        if isinstance(value, str) and value.strip():
            return value.strip()
        raise self.fail("must be a regular expression or a list of them", entry, "pattern", where)

    def check_dialect(
        self, pattern: str, container: Any, key: Any, where: str, *, allow_placeholders: bool
    ) -> None:
        no_escapes = re.sub(r"\\.", "", pattern)
        bare = re.sub(r"\[[^\]]*\]", "[]", no_escapes)
        if allow_placeholders:
            bare = _PLACEHOLDER.sub("", bare)
        problems = [
            (
                "*" in bare or "+" in bare or re.search(r"\{\d*,\}", bare),
                "unbounded repeats (*, + or {n,}) are not allowed; use ? or {0,N}",
            ),
            ("(?<" in bare or "(?P" in bare, "look-behinds and named groups are not allowed"),
            (re.search(r"\(\?[a-zA-Z]", bare), "inline flags are not allowed"),
            (re.search(r"\\[1-9]", pattern), "back-references are not allowed"),
            ("'" in no_escapes, 'normalised text has no apostrophes: write "do not", "i am", "mums"'),
            (re.search(r"[A-Z]", bare), "normalised text is lower case: write patterns in lower case"),
            (not allow_placeholders and _PLACEHOLDER.search(bare), "placeholders cannot be used here"),
        ]
        for failed, message in problems:
            if failed:
                raise self.fail(message, container, key, where)

    def compile(
        self, pattern: str, placeholders: Mapping[str, tuple[str, bool]], entry: LocDict, where: str
    ) -> tuple[re.Pattern[str], tuple[str, ...]]:
        self.check_dialect(pattern, entry, "pattern", where, allow_placeholders=True)
        who: list[str] = []

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in placeholders:
                raise self.fail(f"unknown placeholder <{name}>", entry, "pattern", where)
            fragment, captures = placeholders[name]
            if not captures:
                return fragment
            group = f"who{len(who)}"
            who.append(group)
            return f"(?P<{group}>{fragment})"

        body = _PLACEHOLDER.sub(substitute, pattern)
        try:
            regex = re.compile(r"(?<![a-z0-9])(?:" + body + r")(?![a-z0-9])")
        except re.error as exc:
            raise self.fail(f"not a valid regular expression ({exc})", entry, "pattern", where) from exc
        if regex.fullmatch("") or regex.search(" "):
            raise self.fail(
                "matches empty text; every pattern must need at least one word", entry, "pattern", where
            )
        return regex, tuple(who)
