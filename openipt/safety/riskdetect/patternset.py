"""Load, check and compile a free-text risk pattern file (one file per language).

The words that suggest risk are clinical data, not code: they live in ``patterns/<language>.yaml``
so a clinician can read them and a site can add a language without touching Python. This module
validates such a file strictly before anything uses it (its shape is declared in
``patternschema``), and every error names the file, the line and the field.

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

from openipt.core.content import ContentFileError, Document, PathKey, Problem, check, dotted, parse_yaml

from .kinds import DEFAULT_KIND, family_kinds
from .normalise import Normaliser
from .patternschema import ID, MODIFIERS, PLACEHOLDER, SEVERITIES, PatternFile
from .yamlsource import DataError

SEVERITY_RANK: dict[str, int] = {name: rank for rank, name in enumerate(SEVERITIES, start=1)}
PATTERN_DIR = Path(__file__).with_name("patterns")

_ID = re.compile(ID)


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
    markers: frozenset[str] = frozenset()  # words that show the language is present in a text
    coverage: str = "full"  # "partial": unflagged text in this language still goes to a person

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
    document, problems = parse_yaml(text, source)
    if problems:
        raise _error(document, problems[0])
    if not isinstance(document.data, Mapping):
        raise DataError("must be a mapping", source=source, line=document.line(), field="document")
    try:
        spec = check(PatternFile, document.data, document)
    except ContentFileError as exc:
        raise _error(document, exc.problems[0]) from None
    return _Builder(document, spec).build()


def _error(document: Document, problem: Problem) -> DataError:
    return DataError(problem.message, source=document.file, line=problem.line,
                     field=_named(document.data, problem.field) or None)


def _named(data: Any, field: str) -> str:
    """Name a rule or idiom by its id rather than its place in the list: rules[3].family -> rules[x.y].family."""
    for section in ("rules", "idioms"):
        entries = data.get(section) if isinstance(data, Mapping) else None
        if isinstance(entries, list) and field.startswith(f"{section}["):
            index, rest = int(field[len(section) + 1 : field.index("]")]), field[field.index("]") + 1 :]
            entry = entries[index] if index < len(entries) else None
            ident = entry.get("id") if isinstance(entry, Mapping) else None
            if isinstance(ident, str) and _ID.fullmatch(ident) and rest != ".id":
                return f"{section}[{ident}]{rest}"
    return field


class _Builder:
    """Compiles a checked file; checks what links entries together, naming file, line and field."""

    def __init__(self, document: Document, spec: PatternFile) -> None:
        self.document = document
        self.spec = spec

    def fail(self, message: str, path: PathKey) -> DataError:
        return DataError(message, source=self.document.file, line=self.document.line(path),
                         field=_named(self.document.data, dotted(path)))

    def build(self) -> PatternSet:
        spec = self.spec
        families = dict(spec.families)
        keep = self.keep_severity(families)
        placeholders, third = self.placeholders()
        return PatternSet(
            language=spec.language,
            version=spec.version,
            source=self.document.file,
            families=families,
            modifier_caps={name: getattr(spec.modifier_caps, name) for name in MODIFIERS},
            keep_severity=keep,
            normaliser=Normaliser(expansions=dict(spec.lexicon.expansions),
                                  is_after=frozenset(spec.lexicon.apostrophe_s_is)),
            context=self.context(),
            rules=self.rules(families, placeholders),
            idioms=self.idioms(placeholders),
            third_person_words=third,
            family_kind=family_kinds(spec.kinds or {}, families, self.fail),
            markers=self.markers(),
            coverage=self.spec.coverage,
        )

    def markers(self) -> frozenset[str]:
        for i, word in enumerate(self.spec.markers or ()):
            if not re.fullmatch(r"[a-z0-9]+", word):
                raise self.fail("a marker is one word of letters and digits in canonical form", ("markers", i))
        return frozenset(self.spec.markers or ())

    def keep_severity(self, families: Mapping[str, str]) -> dict[str, frozenset[str]]:
        for family in self.spec.keep_severity or {}:
            if family not in families:
                raise self.fail("unknown family", ("keep_severity", family))
        return {family: frozenset(names) for family, names in (self.spec.keep_severity or {}).items()}

    def placeholders(self) -> tuple[dict[str, tuple[str, bool]], frozenset[str]]:
        """Return name -> (regex fragment, captures person) and all third-person words."""
        result = {name: (f"(?:{fragment})", False) for name, fragment in (self.spec.placeholders or {}).items()}
        third_all: set[str] = set()
        for name, person in self.spec.persons.items():
            if name in result:
                raise self.fail("name already used under placeholders", ("persons", name))
            third_all.update(person.third)
            words = sorted(set(person.first + person.third), key=lambda w: (-len(w), w))
            result[name] = ("|".join(re.escape(w) for w in words), True)
        return result, frozenset(third_all)

    def context(self) -> Context:
        ctx = self.spec.context

        def alternation(items: tuple[str, ...]) -> re.Pattern[str]:
            return re.compile(r"(?<![a-z0-9])(?:" + "|".join(f"(?:{p})" for p in items) + r")(?![a-z0-9])")

        return Context(
            max_gap=ctx.max_gap,
            transparent=frozenset(ctx.transparent),
            negation_cues=tuple(tuple(p.split()) for p in ctx.negation_cues),
            negation_blockers=frozenset(ctx.negation_blockers),
            hypothetical_cues=tuple(tuple(p.split()) for p in ctx.hypothetical_cues),
            subject_window=ctx.subject_window,
            first_person=frozenset(ctx.first_person),
            third_person=frozenset(ctx.third_person),
            third_person_nouns=frozenset(ctx.third_person_nouns),
            noun_reach=ctx.noun_reach,
            clause_breaks=frozenset(ctx.clause_breaks),
            past_cues=alternation(ctx.past_cues),
            past_cancel=alternation(ctx.past_cancel),
            media_cues=frozenset(ctx.media_cues),
            topic_context_cues=frozenset(ctx.topic_context_cues),
        )

    def idioms(self, placeholders: Mapping[str, tuple[str, bool]]) -> tuple[Idiom, ...]:
        self.unique_ids("idioms")
        result = []
        for i, entry in enumerate(self.spec.idioms):
            regex, _ = self.compile(_joined(entry.pattern), placeholders, ("idioms", i, "pattern"))
            result.append(Idiom(id=entry.id, regex=regex, note=entry.note))
        return tuple(result)

    def rules(self, families: Mapping[str, str], placeholders: Mapping[str, tuple[str, bool]]) -> tuple[Rule, ...]:
        self.unique_ids("rules")
        result = []
        for i, entry in enumerate(self.spec.rules):
            if not isinstance(entry.family, str) or entry.family not in families:
                raise self.fail(f"unknown family {entry.family!r} (add it under families)", ("rules", i, "family"))
            pattern = _joined(entry.pattern)
            regex, who = self.compile(pattern, placeholders, ("rules", i, "pattern"))
            result.append(Rule(id=entry.id, family=entry.family, severity=entry.severity, explanation=entry.explanation,
                               topic=entry.topic, regex=regex, who_groups=who, pattern=pattern,
                               line=self.document.line(("rules", i))))
        return tuple(result)

    def unique_ids(self, section: str) -> None:
        seen: set[str] = set()
        for i, entry in enumerate(getattr(self.spec, section)):
            if entry.id in seen:
                raise self.fail("this id is used twice", (section, i, "id"))
            seen.add(entry.id)

    def compile(
        self, pattern: str, placeholders: Mapping[str, tuple[str, bool]], path: PathKey
    ) -> tuple[re.Pattern[str], tuple[str, ...]]:
        who: list[str] = []

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in placeholders:
                raise self.fail(f"unknown placeholder <{name}>", path)
            fragment, captures = placeholders[name]
            if not captures:
                return fragment
            group = f"who{len(who)}"
            who.append(group)
            return f"(?P<{group}>{fragment})"

        body = PLACEHOLDER.sub(substitute, pattern)
        try:
            regex = re.compile(r"(?<![a-z0-9])(?:" + body + r")(?![a-z0-9])")
        except re.error as exc:
            raise self.fail(f"not a valid regular expression ({exc})", path) from exc
        if regex.fullmatch("") or regex.search(" "):
            raise self.fail("matches empty text; every pattern must need at least one word", path)
        return regex, tuple(who)


def _joined(pattern: str | tuple[str, ...]) -> str:
    """Return the pattern: one expression, or a list of alternatives joined with |."""
    return pattern if isinstance(pattern, str) else "|".join(f"(?:{item})" for item in pattern)
