"""Read the ``risk_kinds`` section of a rules file: each kind's wording, routing and client page.

A kind id is the name the detector's pattern file gives a group of families
(``being_harmed``...). A site may add kinds of its own (for a family in its own pattern file),
never replace a shipped one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .model import CLIENT_PAGES, SEVERITIES, EscalationPolicy, RiskKind

KIND_KEYS = {"id", "shipped", "label", "alert", "clinician_action", "policy_by_severity", "client_page"}


def parse_kinds(
    checker: Any, data: Mapping[str, Any], allow_shipped: bool, policies: Mapping[str, EscalationPolicy],
    base: Mapping[str, RiskKind],
) -> dict[str, RiskKind]:
    """Return the base kinds plus those in `data`; raise DataError naming the field on a mistake."""
    result = dict(base)
    for i, entry, _ in checker.entries(data, "risk_kinds"):
        kind_id = checker.ident(entry, "risk_kinds", i)
        where = f"risk_kinds[{kind_id}]"
        if kind_id in result:
            raise checker.fail("a kind with this id already exists (shipped kinds cannot be replaced)", entry, "id", f"{where}.id")
        for key in entry:
            if key not in KIND_KEYS:
                raise checker.fail(f"unknown key (allowed: {', '.join(sorted(KIND_KEYS))})", entry, key, f"{where}.{key}")
        mapping = entry.get("policy_by_severity")
        if not isinstance(mapping, Mapping) or set(mapping) != set(SEVERITIES):
            raise checker.fail("must name a policy for each of low, medium and high", entry, "policy_by_severity",
                               f"{where}.policy_by_severity")
        for severity, policy in mapping.items():
            if policy not in policies:
                raise checker.fail(f"unknown policy {policy!r}", mapping, severity, f"{where}.policy_by_severity.{severity}")
        page = entry.get("client_page", "crisis")
        if page not in CLIENT_PAGES:
            raise checker.fail(f"must be one of {', '.join(CLIENT_PAGES)}", entry, "client_page", f"{where}.client_page")
        result[kind_id] = RiskKind(
            id=kind_id,
            label=checker.text(entry, "label", where),
            alert=checker.text(entry, "alert", where),
            clinician_action=checker.text(entry, "clinician_action", where),
            policy_by_severity=dict(mapping),
            client_page=page,
            shipped=checker.flag(entry, allow_shipped, where),
        )
    return result
