"""Read and check the analyser's pattern file, so a typo in content fails loudly with its line.

The patterns are clinical content that a clinic or translator may extend without touching
code (see docs/practice/communication-analyser.md). Everything is checked when the file is
loaded: unknown keys, families, word lists and pattern references, and phrases that are not
valid in the pattern language, each reported as "file:line: field: what is wrong". The file's
shape is declared in ``schema``; this module compiles the phrases and checks what links patterns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openipt.core.content import PathKey

from .feedback import ENGLISH, Messages
from .rules import Phrase, PhraseError, Rule, compile_phrase
from .schema import FAMILIES, PatternFileSpec, PatternSpec, RuleSpec
from .yamlsource import DataError, Source, checked, load_file, load_text, problem_at

__all__ = ["FAMILIES", "Pattern", "PatternSet", "languages", "load_patterns", "parse", "parse_patterns_text",
           "pattern_file"]
DEFAULT_PATTERNS = Path(__file__).with_name("patterns.yaml")
_CONTEXT_KEYS = ("before", "not_before", "after", "not_after", "sentence_has", "sentence_lacks")


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
    language: str = "en"
    messages: Messages = ENGLISH
    question_words: frozenset[str] | None = None  # None: the English question words (see tokens)
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


class _Compiler:
    """Compiles the phrases of a checked file; collects every problem as "file:line: field: message"."""

    def __init__(self, src: Source, classes: Mapping[str, frozenset[str]]):
        self.src = src
        self.classes = classes
        self.problems: list[str] = []

    def fail(self, path: PathKey, message: str) -> None:
        self.problems.append(problem_at(self.src, path, message))

    def phrase(self, value: Any, path: PathKey, fixed: bool = False) -> Phrase | None:
        try:
            phrase = compile_phrase(value, self.classes)
        except PhraseError as exc:
            self.fail(path, f"phrase {value!r}: {exc}")
            return None
        if fixed and not phrase.edge and not phrase.fixed_length:
            self.fail(path, f"phrase {value!r}: phrases in 'before' and 'not_before' cannot have gaps or optional words")
            return None
        return phrase

    def phrases(self, values: tuple[Any, ...], path: PathKey, fixed: bool = False) -> tuple[Phrase, ...]:
        compiled = [self.phrase(value, path + (i,), fixed) for i, value in enumerate(values)]
        return tuple(p for p in compiled if p is not None)

    def rule(self, spec: RuleSpec, path: PathKey) -> Rule | None:
        match = self.phrase(spec.match, path + ("match",))
        if match is not None and match.edge:
            self.fail(path + ("match",), "'match' must be words, not ^ or $")
            match = None
        context = {key: self.phrases(getattr(spec, key), path + (key,), key in ("before", "not_before"))
                   for key in _CONTEXT_KEYS}
        return None if match is None else Rule(match=match, question=spec.question, **context)

    def patterns(self, specs: tuple[PatternSpec, ...]) -> list[Pattern]:
        seen: set[str] = set()
        out: list[Pattern] = []
        for index, spec in enumerate(specs):
            path = ("patterns", index)
            if spec.id in seen:
                self.fail(path + ("id",), f"pattern id {spec.id!r} is used twice")
            seen.add(spec.id)
            rules = [self.rule(rule, path + ("rules", i)) for i, rule in enumerate(spec.rules)]
            out.append(Pattern(id=spec.id, family=spec.family, label=spec.label, feedback=spec.feedback,
                               suggestion=spec.suggestion, rules=tuple(r for r in rules if r is not None),
                               suppressed_by=frozenset(spec.suppressed_by)))
        for index, spec in enumerate(specs):
            for i, ref in enumerate(spec.suppressed_by):
                if ref == spec.id:
                    self.fail(("patterns", index, "suppressed_by", i), "a pattern cannot suppress itself")
                elif ref not in seen:
                    self.fail(("patterns", index, "suppressed_by", i), f"unknown pattern {ref!r} in 'suppressed_by'")
        return out


def parse(src: Source) -> PatternSet:
    """Check loaded pattern data and compile it; raise DataError listing every problem."""
    if not isinstance(src.data, dict):
        raise DataError([f"{src.where(())}: the file must be a mapping with 'version', 'words' and 'patterns'"])
    spec = checked(PatternFileSpec, src)
    compiler = _Compiler(src, {name: frozenset(words) for name, words in (spec.words or {}).items()})
    hold = compiler.phrases(spec.hold, ("hold",))
    patterns = compiler.patterns(spec.patterns)
    if spec.language != "en" and spec.messages is None:
        compiler.fail(("language",), "a file not in English needs 'messages' in its language")
    if spec.language != "en" and not spec.question_words:
        compiler.fail(("language",), "a file not in English needs 'question_words' in its language")
    if compiler.problems:
        raise DataError(compiler.problems)
    messages = Messages(**spec.messages.model_dump()) if spec.messages is not None else ENGLISH
    questions = frozenset(spec.question_words) if spec.language != "en" or spec.question_words else None
    return PatternSet(patterns=tuple(patterns), source=src.file, hold=hold, language=spec.language,
                      messages=messages, question_words=questions)


def pattern_file(language: str) -> Path | None:
    """Return the shipped pattern file for a language code ("es", "sw-KE" as "sw"), or None if there is none."""
    code = (language or "").split("-")[0].split("_")[0].strip().lower()
    if code == "en":
        return DEFAULT_PATTERNS
    if not code.isalpha():
        return None
    path = DEFAULT_PATTERNS.with_name(f"patterns.{code}.yaml")
    return path if path.is_file() else None


def languages() -> tuple[str, ...]:
    """Return the codes of the languages the analyser has a shipped pattern file for, English first."""
    return ("en",) + tuple(sorted(p.name.split(".")[1] for p in DEFAULT_PATTERNS.parent.glob("patterns.*.yaml")))


def load_patterns(path: str | Path = DEFAULT_PATTERNS) -> PatternSet:
    """Load and check a pattern file (the shipped one by default)."""
    return parse(load_file(path))


def parse_patterns_text(text: str, name: str = "<patterns>") -> PatternSet:
    """Load and check pattern data given as YAML text (used by tests and tools)."""
    return parse(load_text(text, name))
