"""A hook for an optional second opinion that can add a flag but never remove one.

A site may want a language model (or any other checker) to read texts the patterns did not flag,
because patterns miss new slang and unusual phrasing. This module defines the hook only: there is
no network code here and nothing is called unless the caller passes a function.

The rule is one-way. The second opinion can raise a flag or raise its severity; it can never
clear a flag or lower a severity the patterns found, because a missed risk costs far more than
a second look. If the function fails, returns something unexpected or is slow to the point of
raising, the pattern result stands and a note says the second opinion was not used.

`scan_text` is the one scan every part of the app uses: the patterns, then the built-in word
model of the text's pattern language (model.py for English, lang_model.py for Spanish and Swahili)
as a second opinion. A model flag is medium at most, names the
kind of risk, shows the words that weighed most as its evidence, and says it is a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from .detector import Match, ScanResult, highest, scan
from .kinds import DEFAULT_KIND
from .model import KindGuess, Model, shipped_model
from .patternschema import SEVERITIES
from .patternset import SEVERITY_RANK, PatternSet

SECOND_OPINION_RULE = "second_opinion"


@dataclass(frozen=True)
class Opinion:
    """What a second opinion says about a text."""

    flag: bool
    severity: str = "medium"
    reason: str = ""
    kind: str = DEFAULT_KIND
    rule_id: str = SECOND_OPINION_RULE
    evidence: str = ""
    language: str = "en"  # the language the opinion read the text in (a word model's language)


SecondOpinion = Callable[[str, ScanResult], "Opinion | Sequence[Opinion] | None"]


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
    """Return result with the second opinion's flags added when it gives any."""
    try:
        given = second_opinion(text, result)
    except Exception as exc:  # noqa: BLE001 - any failure must leave the pattern result intact
        return _note(result, f"second opinion failed ({type(exc).__name__}); pattern result kept")
    if given is None:
        return result
    opinions = (given,) if isinstance(given, Opinion) else given
    if not isinstance(opinions, Sequence) or not all(isinstance(o, Opinion) for o in opinions):
        return _note(result, "second opinion returned something unexpected; pattern result kept")
    added = tuple(_match(o, text) for o in opinions if o.flag)
    if not added:
        return result
    matches = result.matches + added
    return replace(result, flag=True, severity=highest([m.severity for m in matches]), matches=matches)


def _note(result: ScanResult, note: str) -> ScanResult:
    return replace(result, notes=result.notes + (note,))


def _match(opinion: Opinion, text: str) -> Match:
    severity = opinion.severity if opinion.severity in SEVERITIES else "medium"
    reason = (opinion.reason or "A second opinion flagged this text.").strip()[:500]
    return Match(
        rule_id=opinion.rule_id or SECOND_OPINION_RULE,
        family=SECOND_OPINION_RULE,
        severity=severity,
        rule_severity=severity,
        start=0,
        end=len(text),
        text=(opinion.evidence or text)[:200],
        modifiers=(),
        explanation=reason,
        kind=opinion.kind,
        language=opinion.language,
    )


def model_guesses(model: Model, text: str, result: ScanResult) -> list[KindGuess]:
    """Return the kinds a word model flags that the patterns left open (the one-way rule of every word model).

    A kind the patterns flagged at medium or above is left as it is. A kind they flagged low only
    because they read it as negated, reported, hypothetical or past is left too: the patterns read
    those words in context, the model does not. A plain low flag may be raised to medium.
    """
    settled = {m.kind for m in result.matches if m.modifiers or SEVERITY_RANK[m.severity] >= SEVERITY_RANK["medium"]}
    return [guess for guess in model.guess(text) if guess.flagged and guess.kind not in settled]


def model_opinion(model: Model | None = None) -> SecondOpinion:
    """Return a second opinion from the English word model: a medium flag per kind the patterns left open
    (see model_guesses)."""

    def opinion(text: str, result: ScanResult) -> tuple[Opinion, ...]:
        chosen = model if model is not None else shipped_model()
        return tuple(
            Opinion(
                flag=True,
                severity="medium",
                kind=guess.kind,
                rule_id=f"model:{guess.kind}",
                evidence=", ".join(guess.evidence),
                reason=(
                    f"A statistical guess, not a rule: words like {', '.join(repr(w) for w in guess.evidence)} "
                    f"often appear in sentences about {guess.kind.replace('_', ' ')}. "
                    "A person should read the text and decide."
                ),
            )
            for guess in model_guesses(chosen, text, result)
        )

    return opinion


def scan_text(text: str, patterns: PatternSet | None = None, *, model: Model | None = None) -> ScanResult:
    """Scan text with the patterns and the built-in word model of their language (en, es, sw) as a second opinion."""
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", errors="replace")
    result = scan(text, patterns)
    if result.language != "en":
        from .lang_model import language_opinion  # Spanish and Swahili have their own word models

        other = language_opinion(result.language)
        return result if other is None else add_opinion(result, text if isinstance(text, str) else "", other)
    return add_opinion(result, text if isinstance(text, str) else "", model_opinion(model))
