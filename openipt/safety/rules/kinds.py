"""Read the ``risk_kinds`` section of a rules file: each kind's wording, routing and client page.

A kind id is the name the detector's pattern file gives a group of families
(``being_harmed``...). A site may add kinds of its own (for a family in its own pattern file),
never replace a shipped one. The shape of an entry is declared in `schema.Kind`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .model import SEVERITIES, EscalationPolicy, RiskKind
from .schema import Kind


def parse_kinds(
    checker: Any, specs: Sequence[Kind], allow_shipped: bool, policies: Mapping[str, EscalationPolicy],
    base: Mapping[str, RiskKind],
) -> dict[str, RiskKind]:
    """Return the base kinds plus the checked `specs`; raise DataError naming the field on a mistake."""
    result = dict(base)
    for index, spec in enumerate(specs):
        where, path = f"risk_kinds[{spec.id}]", ("risk_kinds", index)
        if spec.id in result:
            raise checker.fail("a kind with this id already exists (shipped kinds cannot be replaced)",
                               f"{where}.id", path + ("id",))
        if set(spec.policy_by_severity) != set(SEVERITIES):
            raise checker.fail("must name a policy for each of low, medium and high", f"{where}.policy_by_severity",
                               path + ("policy_by_severity",))
        for severity, policy in spec.policy_by_severity.items():
            if not isinstance(policy, str) or policy not in policies:
                raise checker.fail(f"unknown policy {policy!r}", f"{where}.policy_by_severity.{severity}",
                                   path + ("policy_by_severity", severity))
        result[spec.id] = RiskKind(
            id=spec.id,
            label=spec.label,
            alert=spec.alert,
            clinician_action=spec.clinician_action,
            policy_by_severity=dict(spec.policy_by_severity),
            client_page=spec.client_page,
            shipped=checker.shipped(spec.shipped, allow_shipped, where, path),
        )
    return result
