"""The shapes of risk rules, escalation policies and the signals they raise.

Risk rules are data a clinic can read and extend: "PHQ-9 item 9 above 0 is high risk, escalate
by the standard policy". These frozen dataclasses are what the loader builds from that data and
what the evaluator hands back, so nothing downstream can change a rule or a signal by accident.
"""

from __future__ import annotations

import operator as op
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

SEVERITIES: tuple[str, ...] = ("low", "medium", "high")
SEVERITY_RANK: dict[str, int] = {name: rank for rank, name in enumerate(SEVERITIES, start=1)}
NOTIFY_TARGETS: tuple[str, ...] = ("assigned_staff", "supervisor", "admins", "safeguarding_lead")
CLIENT_PAGES: tuple[str, ...] = ("crisis", "discreet", "none")  # "none": no box for the client
DEFAULT_KIND = "suicide_self_harm"

OPERATORS: dict[str, Callable[[int, int], bool]] = {
    ">": op.gt,
    ">=": op.ge,
    "==": op.eq,
    "!=": op.ne,
    "<": op.lt,
    "<=": op.le,
}


@dataclass(frozen=True)
class EscalationStep:
    """Tell `notify` this many minutes after the previous step (0 for the first step)."""

    after_minutes: int
    notify: str


@dataclass(frozen=True)
class EscalationPolicy:
    """Who is told about an unacknowledged alert, and when."""

    id: str
    description: str
    steps: tuple[EscalationStep, ...]
    shipped: bool

    def schedule(self) -> tuple[tuple[int, str], ...]:
        """Return (minutes after the alert was raised, who is told) for every step."""
        total = 0
        result = []
        for step in self.steps:
            total += step.after_minutes
            result.append((total, step.notify))
        return tuple(result)


@dataclass(frozen=True)
class InstrumentItemRule:
    """Raise a signal when one questionnaire item's answer passes a threshold."""

    kind: ClassVar[str] = "instrument_item"
    id: str
    instrument: str
    item: str
    operator: str
    threshold: int
    severity: str
    policy: str
    reason: str
    shipped: bool

    def fires(self, value: int) -> bool:
        """Return True when this answer value passes the rule's threshold."""
        return OPERATORS[self.operator](value, self.threshold)


@dataclass(frozen=True)
class FreeTextRule:
    """Raise a signal when the free-text detector flags a text at or above `min_severity`."""

    kind: ClassVar[str] = "free_text"
    id: str
    language: str
    min_severity: str
    severity_map: Mapping[str, str]
    policy: str
    policy_by_severity: Mapping[str, str]
    sources: frozenset[str] | None
    reason: str
    shipped: bool

    def policy_for(self, severity: str) -> str:
        """Return the escalation policy id for a signal of this severity."""
        return self.policy_by_severity.get(severity, self.policy)


@dataclass(frozen=True)
class RiskReviewRule:
    """Raise a signal from a therapist's risk review; the concern level sets the severity."""

    kind: ClassVar[str] = "risk_review"
    id: str
    levels: Mapping[str, str | None]
    policy: str
    policy_by_severity: Mapping[str, str]
    reason: str
    shipped: bool

    def policy_for(self, severity: str) -> str:
        """Return the escalation policy id for a signal of this severity."""
        return self.policy_by_severity.get(severity, self.policy)


Rule = InstrumentItemRule | FreeTextRule | RiskReviewRule


@dataclass(frozen=True)
class RiskKind:
    """A kind of risk (being harmed, unable to keep safe...): its wording, routing and client page.

    `policy_by_severity` names the escalation policy for a free-text signal of this kind and
    severity (it replaces the free-text rule's own choice); `client_page` is what the client sees
    while such an alert is open: the crisis box, or a discreet support box that names no abuse.
    """

    id: str
    label: str
    alert: str
    clinician_action: str
    policy_by_severity: Mapping[str, str]
    client_page: str
    shipped: bool


@dataclass(frozen=True)
class RuleSet:
    """Shipped rules plus a site's own, with the escalation policies they refer to."""

    version: str
    rules: tuple[Rule, ...]
    policies: Mapping[str, EscalationPolicy]
    kinds: Mapping[str, RiskKind] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def rule(self, rule_id: str) -> Rule:
        """Return the rule with this id; raise KeyError when there is none."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


@dataclass(frozen=True)
class Evidence:
    """What raised a signal: an answer, a span of text, or a review's concern level."""

    kind: str
    item: str | None = None
    value: int | str | None = None
    start: int | None = None
    end: int | None = None
    text: str | None = None
    detector_rule: str | None = None
    modifiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Signal:
    """A risk signal for staff: which rule, how severe, which policy, why, and the evidence."""

    rule_id: str
    severity: str
    policy: str
    reason: str
    evidence: tuple[Evidence, ...]
    source: str
    kind: str = DEFAULT_KIND
