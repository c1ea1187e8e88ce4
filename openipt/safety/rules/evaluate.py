"""Turn answers, free text and risk reviews into risk signals, using rules given as data.

These functions are pure: they read rules and inputs and return signals, and they store,
notify and log nothing. The safety app's actions call them inside the same transaction that
saves the answers or the text, so a signal is never lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..riskdetect import Match, ScanResult, can_read, default_patterns, scan_languages, scan_text
from ..riskdetect.languages import BASE_LANGUAGE, reads_in_part
from .loader import load_shipped
from .model import (
    SEVERITY_RANK,
    Evidence,
    FreeTextRule,
    InstrumentItemRule,
    RiskKind,
    RiskReviewRule,
    Rule,
    Signal,
)


def evaluate_answers(
    rules: Iterable[Rule], instrument_code: str, answers: Mapping[str, int | None]
) -> list[Signal]:
    """Return a signal for every instrument_item rule of this instrument that the answers pass.

    A missing or None answer raises no signal (the measures app decides whether an item may be
    skipped). A value that is not a whole number is a programming error and raises TypeError.
    """
    signals = []
    for rule in rules:
        if not isinstance(rule, InstrumentItemRule) or rule.instrument != instrument_code:
            continue
        value = answers.get(rule.item)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(
                f"{instrument_code} {rule.item}: answer must be a whole number or None, not {value!r}"
            )
        if rule.fires(value):
            signals.append(
                Signal(
                    rule_id=rule.id,
                    severity=rule.severity,
                    policy=rule.policy,
                    reason=rule.reason,
                    evidence=(Evidence(kind="answer", item=rule.item, value=value),),
                    source=instrument_code,
                )
            )
    return signals


UNREADABLE_KIND = "unreadable_language"


def evaluate_text(
    rules: Iterable[Rule], text: str, source: str, *, result: ScanResult | None = None, language: str | None = None
) -> list[Signal]:
    """Return a signal for every free_text rule whose detector result reaches its minimum severity.

    `source` names where the text came from ("worksheet", "mood_log", "rehearsal"...). `language`
    is the writer's language (a client's preferred language, a group's language). Pass `result`
    when the text was already scanned; otherwise an English rule reads the text with English, the
    writer's language and any shipped language whose words appear (riskdetect.scan_languages, with
    the built-in model as a second opinion for English), and a rule for another language with that
    language's patterns.

    When the writer's language has no pattern set and nothing was flagged, one low "read this"
    signal of kind ``unreadable_language`` is returned instead: such a text is never taken as safe.
    """
    signals = []
    scans: dict[str, ScanResult] = {}
    kinds = getattr(rules, "kinds", None) or load_shipped().kinds
    first_rule: FreeTextRule | None = None
    for rule in rules:
        if not isinstance(rule, FreeTextRule):
            continue
        if rule.sources is not None and source not in rule.sources:
            continue
        first_rule = first_rule or rule
        found = result
        if found is None:
            if rule.language not in scans:
                scans[rule.language] = (scan_languages(text, language) if rule.language == BASE_LANGUAGE
                                        else scan_text(text, default_patterns(rule.language)))
            found = scans[rule.language]
        if not found.flag or found.severity is None:
            continue
        if SEVERITY_RANK[found.severity] < SEVERITY_RANK[rule.min_severity]:
            continue
        signals.extend(_text_signals(rule, found, source, kinds))
    if not signals and first_rule is not None and language and (text or "").strip():
        if not can_read(language):
            signals.append(_unreadable_signal(first_rule, language, source, kinds))
        elif reads_in_part(language):
            signals.append(_unreadable_signal(first_rule, language, source, kinds, in_part=True))
    return signals


def _unreadable_signal(rule: FreeTextRule, language: str, source: str, kinds: Mapping[str, RiskKind], *,
                       in_part: bool = False) -> Signal:
    """A low signal asking a person to read a text in a language the detector cannot read, or reads only in part."""
    kind = kinds.get(UNREADABLE_KIND)
    severity = "low"
    policy = kind.policy_by_severity.get(severity, rule.policy_for(severity)) if kind else rule.policy_for(severity)
    lead = f"{kind.alert} " if kind else ""
    return Signal(
        rule_id=rule.id,
        severity=severity,
        policy=policy,
        reason=(f"{lead}Language: {language.strip()[:20]}. The risk check found nothing, but it reads this language "
                "only in part (on new text by another writer it missed 1 to 3 in every 10 risk sentences)." if in_part else
                f"{lead}Language: {language.strip()[:20]}. The risk check found nothing, but it cannot read this language."),
        evidence=(Evidence(kind="language", value=language.strip()[:20]),),
        source=source,
        kind=UNREADABLE_KIND,
    )


def _text_signals(rule: FreeTextRule, found: ScanResult, source: str, kinds: Mapping[str, RiskKind]) -> list[Signal]:
    """Return one signal per kind of risk found at or above the rule's minimum severity."""
    signals = []
    for kind_id, kind_severity in found.kinds.items():
        if SEVERITY_RANK[kind_severity] < SEVERITY_RANK[rule.min_severity]:
            continue
        matches = [m for m in found.matches if m.kind == kind_id]
        severity = rule.severity_map[kind_severity]
        kind = kinds.get(kind_id)
        policy = kind.policy_by_severity.get(severity, rule.policy_for(severity)) if kind else rule.policy_for(severity)
        evidence = tuple(
            Evidence(kind="text", start=m.start, end=m.end, text=m.text, detector_rule=m.rule_id, modifiers=m.modifiers)
            for m in matches
        )
        lead = f"{kind.alert} " if kind else ""
        signals.append(
            Signal(
                rule_id=rule.id,
                severity=severity,
                policy=policy,
                reason=f"{lead}{rule.reason} {_describe(matches)}",
                evidence=evidence,
                source=source,
                kind=kind_id,
            )
        )
    return signals


def evaluate_review(rules: Iterable[Rule], concern_level: str) -> list[Signal]:
    """Return a signal for every risk_review rule that maps this concern level to a severity.

    Raise ValueError naming the allowed levels when a rule does not know the level.
    """
    level = concern_level.strip().lower() if isinstance(concern_level, str) else concern_level
    signals = []
    for rule in rules:
        if not isinstance(rule, RiskReviewRule):
            continue
        if level not in rule.levels:
            raise ValueError(
                f"unknown concern level {concern_level!r}; rule {rule.id} knows {', '.join(rule.levels)}"
            )
        severity = rule.levels[level]
        if severity is None:
            continue
        signals.append(
            Signal(
                rule_id=rule.id,
                severity=severity,
                policy=rule.policy_for(severity),
                reason=f"{rule.reason} Concern level: {level}.",
                evidence=(Evidence(kind="review", value=level),),
                source="risk_review",
            )
        )
    return signals


def _describe(matches: Iterable[Match]) -> str:
    """Say in plain words which families of risk words were found and how they were read."""
    families = []
    for m in matches:
        label = m.family.replace("_", " ")
        if m.language != BASE_LANGUAGE:
            label += f" [{m.language}]"
        if m.modifiers:
            label += f" ({', '.join(m.modifiers)})"
        if label not in families:
            families.append(label)
    shown = "; ".join(families[:5])
    more = f"; and {len(families) - 5} more" if len(families) > 5 else ""
    return f"Found: {shown}{more}."
