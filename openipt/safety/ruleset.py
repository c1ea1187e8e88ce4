"""An organisation's risk rules: the shipped rules plus its own, minus those it switched off, with its timing.

The pure loader (`openipt.safety.rules`) checks every field; this module only gathers the
organisation's rows and hands them over. A rule row that no longer loads (which the settings
actions prevent) is skipped and logged rather than stopping the save of a client's answers:
the shipped rules always stay in force.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from openipt.safety.models import OrganisationRule, PolicyTiming, RuleSwitch
from openipt.safety.rules import DataError, EscalationStep, Rule, RuleSet, load_rules, load_shipped

log = logging.getLogger("openipt.safety")

TARGET_WORDS = {
    "assigned_staff": "the assigned staff",
    "supervisor": "their supervisor",
    "admins": "the organisation's admins",
    "safeguarding_lead": "the organisation's safeguarding lead",
}


def _with_timing(ruleset: RuleSet, timings: dict[str, list[int]]) -> RuleSet:
    if not timings:
        return ruleset
    policies = dict(ruleset.policies)
    for policy_id, minutes in timings.items():
        policy = policies.get(policy_id)
        if policy is None or len(minutes) != len(policy.steps) - 1:
            continue
        steps = (policy.steps[0],) + tuple(
            EscalationStep(after_minutes=int(m), notify=step.notify) for m, step in zip(minutes, policy.steps[1:], strict=True)
        )
        policies[policy_id] = replace(policy, steps=steps)
    return replace(ruleset, policies=policies)


def _load_with_org_rules(rows: list[OrganisationRule]) -> RuleSet:
    if not rows:
        return load_shipped()
    try:
        return load_rules([row.as_data() for row in rows], source="organisation rules")
    except DataError:
        good = []
        for row in rows:
            try:
                load_rules([row.as_data()])
            except DataError as exc:
                log.error("organisation %s rule %s does not load and is skipped: %s", row.organisation_id, row.rule_id, exc)
                continue
            good.append(row.as_data())
        return load_rules(good) if good else load_shipped()


def rules_for(organisation_id: int) -> RuleSet:
    """Return the rules in force for an organisation, with its escalation timing."""
    rows = list(OrganisationRule.objects.filter(organisation_id=organisation_id).order_by("pk"))
    off = set(RuleSwitch.objects.filter(organisation_id=organisation_id, is_off=True).values_list("rule_id", flat=True))
    timings = dict(PolicyTiming.objects.filter(organisation_id=organisation_id).values_list("policy_id", "minutes"))
    ruleset = _load_with_org_rules(rows)
    ruleset = _with_timing(ruleset, timings)
    if off:
        ruleset = replace(ruleset, rules=tuple(r for r in ruleset.rules if r.id not in off))
    return ruleset


@dataclass(frozen=True)
class RuleRow:
    """A rule as the settings page shows it."""

    rule: Rule
    shipped: bool
    switch: RuleSwitch | None
    org_rule: OrganisationRule | None

    @property
    def is_off(self) -> bool:
        return bool(self.switch and self.switch.is_off)


def rule_rows(organisation_id: int) -> list[RuleRow]:
    """Return every rule (shipped first, then the organisation's), with whether it is switched off."""
    rows = list(OrganisationRule.objects.filter(organisation_id=organisation_id).order_by("pk"))
    switches = {
        s.rule_id: s
        for s in RuleSwitch.objects.filter(organisation_id=organisation_id).select_related("changed_by__user")
    }
    ruleset = _load_with_org_rules(rows)
    by_id = {row.rule_id: row for row in rows}
    return [RuleRow(rule, rule.shipped, switches.get(rule.id), by_id.get(rule.id)) for rule in ruleset.rules]


def policy_schedule(ruleset: RuleSet, policy_id: str) -> list[list]:
    """Return [[minutes after raising, who is told], ...] for a policy (the standard one if unknown)."""
    policy = ruleset.policies.get(policy_id) or ruleset.policies["standard"]
    return [[minutes, target] for minutes, target in policy.schedule()]
