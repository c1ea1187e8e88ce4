"""Scan free text for words that may point to risk, and say exactly which words and why.

Clients type into worksheets, mood logs, rehearsal messages and inventory notes. Some of what
they type may show that they are thinking of suicide or self-harm. This scanner raises a flag so
that a person looks; it does not decide anything. It is transparent by design: every flag names
the rule that matched, the family and severity of that rule, the exact span of the original text,
and any modifiers (negated, reported, hypothetical, past) that lowered the severity.

The scan is pure Python with no network and no model. It never raises on any string and runs in
time linear in the length of the text (see patternset.py for why the patterns guarantee that).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from .context import TextContext
from .dispatch import RuleIndex
from .patternset import SEVERITY_RANK, PatternSet, load_language


@dataclass(frozen=True)
class Match:
    """One rule matching one span of the original text."""

    rule_id: str
    family: str
    severity: str
    rule_severity: str
    start: int
    end: int
    text: str
    modifiers: tuple[str, ...]
    explanation: str
    kind: str = "suicide_self_harm"
    language: str = "en"  # the language of the pattern set whose rule matched


@dataclass(frozen=True)
class SetAside:
    """A rule match that was not counted, with the reason (an idiom, a film, a medical context)."""

    rule_id: str
    start: int
    end: int
    text: str
    reason: str


@dataclass(frozen=True)
class ScanResult:
    """What the scanner found in one text. `flag` is True when any match counts."""

    flag: bool
    severity: str | None
    matches: tuple[Match, ...]
    version: str
    language: str
    set_aside: tuple[SetAside, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def kinds(self) -> dict[str, str]:
        """Return {kind of risk: highest severity among its matches}, highest first."""
        found: dict[str, str] = {}
        for m in self.matches:
            if m.kind not in found or SEVERITY_RANK[m.severity] > SEVERITY_RANK[found[m.kind]]:
                found[m.kind] = m.severity
        return dict(sorted(found.items(), key=lambda kv: -SEVERITY_RANK[kv[1]]))

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the result."""
        return {
            "flag": self.flag,
            "severity": self.severity,
            "kinds": self.kinds,
            "version": self.version,
            "language": self.language,
            "matches": [{**asdict(m), "modifiers": list(m.modifiers)} for m in self.matches],
            "set_aside": [asdict(s) for s in self.set_aside],
            "notes": list(self.notes),
        }


@lru_cache(maxsize=8)
def default_patterns(language: str = "en") -> PatternSet:
    """Return the shipped pattern set for a language, loaded once."""
    return load_language(language)


_INDEXES: OrderedDict[int, tuple[PatternSet, RuleIndex]] = OrderedDict()


def rule_index(patterns: PatternSet) -> RuleIndex:
    """Return the first-word index of a pattern set's rules, built once per pattern set."""
    entry = _INDEXES.get(id(patterns))
    if entry is None or entry[0] is not patterns:
        entry = (patterns, RuleIndex(patterns.rules))
        _INDEXES[id(patterns)] = entry
        if len(_INDEXES) > 8:
            _INDEXES.popitem(last=False)
    return entry[1]


def highest(severities: list[str]) -> str | None:
    """Return the highest of the given severities, or None when there are none."""
    if not severities:
        return None
    return max(severities, key=lambda s: SEVERITY_RANK[s])


def scan(text: str, patterns: PatternSet | None = None) -> ScanResult:
    """Scan one text and return what matched, where, and how severe it looks."""
    pattern_set = patterns if patterns is not None else default_patterns()
    if text is None:
        text = ""
    elif isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", errors="replace")
    elif not isinstance(text, str):
        raise TypeError(f"scan() needs text (str), not {type(text).__name__}")
    found: dict[tuple[str, int, int], Match] = {}
    aside: dict[tuple[str, int, int], SetAside] = {}
    index = rule_index(pattern_set)
    for view in pattern_set.normaliser.views(text):
        context = TextContext(view, pattern_set)
        for rule, m in index.finditer(view.text):
            start, end = view.original_span(m.start(), m.end())
            key = (rule.id, start, end)
            if key in found or key in aside:
                continue
            finding = context.judge(rule, m)
            if finding.set_aside is not None:
                aside[key] = SetAside(rule.id, start, end, text[start:end], finding.set_aside)
                continue
            found[key] = Match(
                rule_id=rule.id,
                family=rule.family,
                severity=_effective_severity(pattern_set, rule.family, rule.severity, finding.modifiers),
                rule_severity=rule.severity,
                start=start,
                end=end,
                text=text[start:end],
                modifiers=finding.modifiers,
                explanation=rule.explanation,
                kind=pattern_set.kind_of(rule.family),
                language=pattern_set.language,
            )
    matches = _drop_covered(sorted(found.values(), key=lambda m: (m.start, -m.end, m.rule_id)))
    return ScanResult(
        flag=bool(matches),
        severity=highest([m.severity for m in matches]),
        matches=tuple(matches),
        version=pattern_set.version,
        language=pattern_set.language,
        set_aside=tuple(sorted(aside.values(), key=lambda s: (s.start, s.end, s.rule_id))),
    )


def _effective_severity(patterns: PatternSet, family: str, severity: str, modifiers: tuple[str, ...]) -> str:
    kept = patterns.keep_severity.get(family, frozenset())
    result = severity
    for modifier in modifiers:
        if modifier in kept:
            continue
        cap = patterns.modifier_caps[modifier]
        if SEVERITY_RANK[cap] < SEVERITY_RANK[result]:
            result = cap
    return result


def _drop_covered(matches: list[Match]) -> list[Match]:
    """Drop a match lying inside another at least as severe, to keep reports short.

    `matches` is sorted by start, then longest first, so a covering match always comes earlier.
    Only the previous 50 matches are checked, which keeps this linear; missing a cover only
    leaves a redundant match in the report.
    """
    kept: list[Match] = []
    for i, m in enumerate(matches):
        covered = False
        for j in range(i - 1, max(-1, i - 51), -1):
            other = matches[j]
            if (
                other.end >= m.end
                and (other.start, other.end) != (m.start, m.end)
                and SEVERITY_RANK[other.severity] >= SEVERITY_RANK[m.severity]
                and other.kind == m.kind
            ):
                covered = True
                break
        if not covered:
            kept.append(m)
    return kept
