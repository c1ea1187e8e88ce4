"""Find helpful and hurtful communication patterns in a message, with where they are and advice.

This is the core of IPT's communication analysis in OpenIPT: a client writes what they said
(or want to say) and gets back what helps, what hurts, and what to try instead. It is plain
rule matching over the words in `patterns.yaml` (English) or `patterns.<lang>.yaml` (Spanish
and Swahili today), with no network and no model, so it is predictable, explainable and fast;
it misses much that a person would hear (tone, most sarcasm). A language with no pattern
file gets no findings and says that tips are not available in it yet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from .feedback import EMPTY, HELD, NOT_AVAILABLE, compose
from .loader import DEFAULT_PATTERNS, PatternSet, load_patterns, pattern_file
from .rules import SentenceIndex
from .tokens import sentences
from .yamlsource import DataError

MAX_CHARS = 100_000


@dataclass(frozen=True)
class Finding:
    """One pattern found in the text: which, where (character offsets), and advice."""

    pattern: str
    family: str
    start: int
    end: int
    text: str
    suggestion: str
    label: str = ""

    @property
    def span(self) -> tuple[int, int]:
        """Return (start, end) offsets into the analysed text."""
        return (self.start, self.end)

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready mapping."""
        return {"pattern": self.pattern, "family": self.family, "label": self.label,
                "span": [self.start, self.end], "text": self.text, "suggestion": self.suggestion}


@dataclass(frozen=True)
class Analysis:
    """The result of analysing one message."""

    findings: tuple[Finding, ...]
    helpful: int
    hurtful: int
    feedback: str
    english: bool = True  # False: no words the patterns could read (another script, or a language with no patterns)
    truncated: bool = False
    held: bool = False  # True: possibly about harm, so no tips were given (see patterns.yaml "hold")
    language: str = "en"  # the language of the pattern file used (or asked for, when there is none)
    supported: bool = True  # False: no pattern file for that language, so no tips at all

    @property
    def patterns(self) -> frozenset[str]:
        """Return the ids of every pattern found at least once."""
        return frozenset(f.pattern for f in self.findings)

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready mapping."""
        return {"findings": [f.to_dict() for f in self.findings], "helpful": self.helpful,
                "hurtful": self.hurtful, "feedback": self.feedback, "english": self.english,
                "truncated": self.truncated, "held": self.held, "language": self.language,
                "supported": self.supported}


@lru_cache(maxsize=1)
def default_patterns() -> PatternSet:
    """Return the shipped pattern set, loaded and checked once."""
    return load_patterns(DEFAULT_PATTERNS)


def language_code(language: str | None) -> str:
    """Return the primary code of a language ("es-MX" gives "es"); English when none is given."""
    return (language or "en").replace("_", "-").split("-")[0].strip().lower() or "en"


@lru_cache(maxsize=16)
def patterns_for(language: str | None) -> PatternSet | None:
    """Return the shipped pattern set for a language, loaded and checked once, or None if it has none."""
    code = language_code(language)
    if code == "en":
        return default_patterns()
    path = pattern_file(code)
    if path is None:
        return None
    pset = load_patterns(path)
    if pset.language != code:
        raise DataError([f"{path}: says language {pset.language!r}, but its name says {code!r}"])
    return pset


def _unsupported(text: str, code: str, screen: Callable[[str], bool] | None) -> Analysis:
    """The result for a language with no pattern file: no findings, and a plain word that tips are not available."""
    if not text.strip():
        return Analysis((), 0, 0, EMPTY, language=code, supported=False)
    if _screened(screen, text):
        return Analysis((), 0, 0, HELD, held=True, language=code, supported=False)
    return Analysis((), 0, 0, NOT_AVAILABLE, english=False, language=code, supported=False)


def _non_overlapping(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Keep the earliest (then longest) of any overlapping token ranges."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(ranges, key=lambda r: (r[0], -r[1])):
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end))
    return kept


def _screened(screen: Callable[[str], bool] | None, text: str) -> bool:
    if screen is None:
        return False
    try:
        return bool(screen(text))
    except Exception:  # noqa: BLE001 - a failing screen must fail closed
        return True


def analyse(text: str, patterns: PatternSet | None = None,
            screen: Callable[[str], bool] | None = None, language: str | None = None) -> Analysis:
    """Analyse one message and return its findings, counts and overall feedback.

    `language` (a code such as "es"; English when not given) chooses the shipped pattern file
    for the text's language; `patterns` overrides it. A language with no pattern file gets no
    findings and feedback saying tips are not available in it yet (`supported` False).
    `screen` (optional, e.g. the risk detector) returns True for text that may be about harm;
    such text, like text matching the pattern file's "hold" phrases, gets no tips.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    pset = patterns or patterns_for(language)
    if pset is None:
        return _unsupported(text, language_code(language), screen)
    return _analyse(text, pset, screen)


def _analyse(text: str, pset: PatternSet, screen: Callable[[str], bool] | None) -> Analysis:
    lang = pset.language
    truncated = len(text) > MAX_CHARS
    body = text[:MAX_CHARS] if truncated else text
    if not body.strip():
        return Analysis((), 0, 0, compose((), pset, empty=True), language=lang)
    if _screened(screen, text):
        return Analysis((), 0, 0, pset.messages.held, truncated=truncated, held=True, language=lang)
    parsed = sentences(body, lang, pset.question_words)
    for sentence in parsed:
        index = SentenceIndex(sentence)
        if any(index.contains(phrase) for phrase in pset.hold):
            return Analysis((), 0, 0, pset.messages.held, truncated=truncated, held=True, language=lang)
    words = [t.norm for s in parsed for t in s.tokens if t.is_word]
    latin = sum(1 for w in words if any("a" <= ch <= "z" for ch in w))
    if latin == 0:
        return Analysis((), 0, 0, compose((), pset, english=False), english=False, truncated=truncated,
                        language=lang)
    findings: list[Finding] = []
    for sentence in parsed:
        index = SentenceIndex(sentence)
        hits: dict[str, list[tuple[int, int]]] = {}
        for pi, ri in pset.rules_for(set(index.positions)):
            pattern = pset.patterns[pi]
            found = pattern.rules[ri].find(index)
            if found:
                hits.setdefault(pattern.id, []).extend(found)
        raw = {pid: _non_overlapping(ranges) for pid, ranges in hits.items()}
        for pattern in pset.patterns:
            if pattern.id not in raw or pattern.suppressed_by & raw.keys():
                continue
            for first, last in raw[pattern.id]:
                start, end = sentence.tokens[first].start, sentence.tokens[last - 1].end
                findings.append(Finding(pattern.id, pattern.family, start, end, body[start:end],
                                        pattern.suggestion, pattern.label))
    order = {p.id: i for i, p in enumerate(pset.patterns)}
    findings.sort(key=lambda f: (f.start, order[f.pattern]))
    helpful = sum(1 for f in findings if f.family == "helpful")
    feedback = compose(findings, pset, mixed=latin < len(words) / 2, truncated=truncated)
    return Analysis(tuple(findings), helpful, len(findings) - helpful, feedback, True, truncated, language=lang)
