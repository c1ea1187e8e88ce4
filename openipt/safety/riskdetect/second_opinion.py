"""A hook for an optional second opinion that can add a flag but never remove one.

A site may want a language model (or any other checker) to read texts the patterns did not flag,
because patterns miss new slang and unusual phrasing. This module defines the hook only: there is
no network code here and nothing is called unless the caller passes a function.

The rule is one-way. The second opinion can raise a flag or raise its severity; it can never
clear a flag or lower a severity the patterns found, because a missed risk costs far more than
a second look. If the function fails, returns something unexpected or is slow to the point of
raising, the pattern result stands and a note says the second opinion was not used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from .detector import Match, ScanResult, highest, scan
from .patternset import SEVERITIES, PatternSet

SECOND_OPINION_RULE = "second_opinion"


@dataclass(frozen=True)
class Opinion:
    """What a second opinion says about a text."""

    flag: bool
    severity: str = "medium"
    reason: str = ""


SecondOpinion = Callable[[str, ScanResult], "Opinion | None"]


def scan_with_second_opinion(
    text: str,
    second_opinion: SecondOpinion | None = None,
    *,
    patterns: PatternSet | None = None,
) -> ScanResult:
    """Scan text, then let an optional second opinion add (never remove) a flag."""
    result = scan(text, patterns)
    if second_opinion is None:
        return result
    return add_opinion(result, text if isinstance(text, str) else "", second_opinion)


def add_opinion(result: ScanResult, text: str, second_opinion: SecondOpinion) -> ScanResult:
    """Return result with the second opinion's flag added when it gives one."""
    try:
        opinion = second_opinion(text, result)
    except Exception as exc:  # noqa: BLE001 - any failure must leave the pattern result intact
        return replace(
            result,
            notes=result.notes + (f"second opinion failed ({type(exc).__name__}); pattern result kept",),
        )
    if opinion is None or not isinstance(opinion, Opinion):
        if opinion is not None:
            return replace(
                result,
                notes=result.notes + ("second opinion returned something unexpected; pattern result kept",),
            )
        return result
    if not opinion.flag:
        return result
    severity = opinion.severity if opinion.severity in SEVERITIES else "medium"
    reason = (opinion.reason or "A second opinion flagged this text.").strip()[:500]
    added = Match(
        rule_id=SECOND_OPINION_RULE,
        family=SECOND_OPINION_RULE,
        severity=severity,
        rule_severity=severity,
        start=0,
        end=len(text),
        text=text[:200],
        modifiers=(),
        explanation=reason,
    )
    matches = result.matches + (added,)
    return replace(
        result,
        flag=True,
        severity=highest([m.severity for m in matches]),
        matches=matches,
    )
