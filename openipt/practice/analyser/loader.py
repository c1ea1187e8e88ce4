"""Read and check the analyser's pattern file, so a typo in content fails loudly with its line.

The patterns are clinical content that a clinic or translator may extend without touching
code (see docs/practice/communication-analyser.md). Everything is checked when the file is
loaded: unknown keys, families, word lists and pattern references, and phrases that are not
valid in the pattern language, each reported as "file:line: what is wrong".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .rules import Phrase, PhraseError, Rule, compile_phrase
from .yamlsource import DataError, Source, load_file, load_text

FAMILIES = ("helpful", "hurtful")
DEFAULT_PATTERNS = Path(__file__).with_name("patterns.yaml")

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_WORD_RE = re.compile(r"^[a-z0-9]+$")
_PATTERN_KEYS = {"id", "family", "label", "feedback", "suggestion", "suppressed_by", "rules"}
_TEXT_KEYS = ("label", "feedback", "suggestion")
_CONTEXT_KEYS = ("before", "not_before", "after", "not_after", "sentence_has", "sentence_lacks")
_RULE_KEYS = {"match", "question", *_CONTEXT_KEYS}


@dataclass(frozen=True)
class Pattern:
    """One communication pattern: what it is called, its family, advice, and how to find it."""

    id: str
    family: str
    label: str
    feedback: str
    suggestion: str
    rules: tuple[Rule, ...]
    suppressed_by: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PatternSet:
    """All patterns from one file, in file order (which is also the order of feedback)."""

    patterns: tuple[Pattern, ...]
    source: str = ""
    hold: tuple[Phrase, ...] = ()
    by_id: Mapping[str, Pattern] = field(default_factory=dict, compare=False)
    by_first_word: Mapping[str, tuple[tuple[int, int], ...]] = field(default_factory=dict, compare=False)
    any_start: tuple[tuple[int, int], ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {p.id: p for p in self.patterns})
        index: dict[str, list[tuple[int, int]]] = {}
        anywhere: list[tuple[int, int]] = []
        for pi, pattern in enumerate(self.patterns):
            for ri, rule in enumerate(pattern.rules):
                first = rule.match.first_words
                if first is None:
                    anywhere.append((pi, ri))
                else:
                    for word in first:
                        index.setdefault(word, []).append((pi, ri))
        object.__setattr__(self, "by_first_word", {w: tuple(v) for w, v in index.items()})
        object.__setattr__(self, "any_start", tuple(anywhere))

    def rules_for(self, words: set[str]) -> list[tuple[int, int]]:
        """Return (pattern, rule) positions of the rules that could match a sentence with `words`."""
        found = set(self.any_start)
        for word in words:
            found.update(self.by_first_word.get(word, ()))
        return sorted(found)


class _Checker:
    def __init__(self, src: Source):
        self.src = src
        self.problems: list[str] = []

    def fail(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(f"{self.src.where(path)}: {message}")

    def text(self, value: Any, path: tuple[Any, ...], what: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"{what} must be non-empty text")
            return ""
        return value.strip()

    def words(self, data: Any) -> dict[str, frozenset[str]]:
        classes: dict[str, frozenset[str]] = {}
        if data is None:
            return classes
        if not isinstance(data, dict):
            self.fail(("words",), "'words' must map list names to lists of words")
            return classes
        for name, items in data.items():
            path = ("words", name)
            if not isinstance(name, str) or not _ID_RE.match(name):
                self.fail(path, f"word list name {name!r} must be lower-case letters, digits and _")
                continue
            if not isinstance(items, list) or not items:
                self.fail(path, f"word list {name!r} must be a non-empty list")
                continue
            good: set[str] = set()
            for i, word in enumerate(items):
                if not isinstance(word, str) or not _WORD_RE.match(word):
                    self.fail(path + (i,), f"{word!r} in {name!r} must be one lower-case word without apostrophes")
                else:
                    good.add(word)
            classes[name] = frozenset(good)
        return classes

    def phrase(self, value: Any, path: tuple[Any, ...], classes: Mapping[str, frozenset[str]],
               fixed: bool = False) -> Phrase | None:
        try:
            phrase = compile_phrase(value, classes)
        except PhraseError as exc:
            self.fail(path, f"phrase {value!r}: {exc}")
            return None
        if fixed and not phrase.edge and not phrase.fixed_length:
            self.fail(path, f"phrase {value!r}: phrases in 'before' and 'not_before' cannot have gaps or optional words")
            return None
        return phrase

    def rule(self, raw: Any, path: tuple[Any, ...], classes: Mapping[str, frozenset[str]]) -> Rule | None:
        if isinstance(raw, str):
            raw = {"match": raw}
        if not isinstance(raw, dict):
            self.fail(path, "a rule must be a phrase or a mapping with 'match'")
            return None
        for key in raw:
            if key not in _RULE_KEYS:
                self.fail(path + (key,), f"unknown rule key {key!r} (allowed: {', '.join(sorted(_RULE_KEYS))})")
        if "match" not in raw:
            self.fail(path, "a rule needs 'match'")
            return None
        match = self.phrase(raw["match"], path + ("match",), classes)
        if match is not None and match.edge:
            self.fail(path + ("match",), "'match' must be words, not ^ or $")
            match = None
        question = raw.get("question")
        if question is not None and not isinstance(question, bool):
            self.fail(path + ("question",), "'question' must be true or false")
        context: dict[str, tuple[Phrase, ...]] = {}
        for key in _CONTEXT_KEYS:
            items = raw.get(key, [])
            if isinstance(items, str):
                items = [items]
            if not isinstance(items, list):
                self.fail(path + (key,), f"{key!r} must be a phrase or a list of phrases")
                continue
            fixed = key in ("before", "not_before")
            compiled = [self.phrase(p, path + (key, i), classes, fixed) for i, p in enumerate(items)]
            context[key] = tuple(p for p in compiled if p is not None)
        if match is None:
            return None
        return Rule(match=match, question=question if isinstance(question, bool) else None, **context)

    def patterns(self, data: Any, classes: Mapping[str, frozenset[str]]) -> list[Pattern]:
        if not isinstance(data, list) or not data:
            self.fail(("patterns",), "'patterns' must be a non-empty list")
            return []
        seen: dict[str, int] = {}
        out: list[Pattern] = []
        pending_refs: list[tuple[tuple[Any, ...], str]] = []
        for index, raw in enumerate(data):
            path = ("patterns", index)
            if not isinstance(raw, dict):
                self.fail(path, "each pattern must be a mapping")
                continue
            for key in raw:
                if key not in _PATTERN_KEYS:
                    self.fail(path + (key,), f"unknown pattern key {key!r}")
            pid = raw.get("id")
            if not isinstance(pid, str) or not _ID_RE.match(pid):
                self.fail(path + ("id",), f"pattern id {pid!r} must be lower-case letters, digits and _")
                continue
            if pid in seen:
                self.fail(path + ("id",), f"pattern id {pid!r} is used twice")
                continue
            seen[pid] = index
            family = raw.get("family")
            if family not in FAMILIES:
                self.fail(path + ("family",), f"family {family!r} must be one of {', '.join(FAMILIES)}")
            texts = {k: self.text(raw.get(k), path + (k,), k) for k in _TEXT_KEYS}
            refs = raw.get("suppressed_by", [])
            if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
                self.fail(path + ("suppressed_by",), "'suppressed_by' must be a list of pattern ids")
                refs = []
            for i, ref in enumerate(refs):
                pending_refs.append((path + ("suppressed_by", i), ref))
                if ref == pid:
                    self.fail(path + ("suppressed_by", i), "a pattern cannot suppress itself")
            raw_rules = raw.get("rules")
            if not isinstance(raw_rules, list) or not raw_rules:
                self.fail(path + ("rules",), "'rules' must be a non-empty list")
                raw_rules = []
            rules = [self.rule(r, path + ("rules", i), classes) for i, r in enumerate(raw_rules)]
            out.append(Pattern(id=pid, family=str(family), label=texts["label"], feedback=texts["feedback"],
                               suggestion=texts["suggestion"], rules=tuple(r for r in rules if r is not None),
                               suppressed_by=frozenset(refs)))
        for path, ref in pending_refs:
            if ref not in seen:
                self.fail(path, f"unknown pattern {ref!r} in 'suppressed_by'")
        return out


def parse(src: Source) -> PatternSet:
    """Check loaded pattern data and compile it; raise DataError listing every problem."""
    checker = _Checker(src)
    data = src.data
    if not isinstance(data, dict):
        raise DataError([f"{src.where(())}: the file must be a mapping with 'version', 'words' and 'patterns'"])
    for key in data:
        if key not in ("version", "words", "hold", "patterns"):
            checker.fail((key,), f"unknown top-level key {key!r}")
    if data.get("version") != 1:
        checker.fail(("version",), "'version' must be 1")
    classes = checker.words(data.get("words"))
    raw_hold = data.get("hold", [])
    if not isinstance(raw_hold, list):
        checker.fail(("hold",), "'hold' must be a list of phrases")
        raw_hold = []
    hold = [checker.phrase(p, ("hold", i), classes) for i, p in enumerate(raw_hold)]
    patterns = checker.patterns(data.get("patterns"), classes)
    if checker.problems:
        raise DataError(checker.problems)
    return PatternSet(patterns=tuple(patterns), source=src.file, hold=tuple(p for p in hold if p is not None))


def load_patterns(path: str | Path = DEFAULT_PATTERNS) -> PatternSet:
    """Load and check a pattern file (the shipped one by default)."""
    return parse(load_file(path))


def parse_patterns_text(text: str, name: str = "<patterns>") -> PatternSet:
    """Load and check pattern data given as YAML text (used by tests and tools)."""
    return parse(load_text(text, name))
