"""The rows of the alert pages beyond the alert itself: its kind of risk under the organisation's rules."""

from __future__ import annotations

from openipt.safety.ruleset import rules_for


def kind_of(alert):
    """Return the alert's kind of risk (label, what the clinician is asked to do), or None when unknown."""
    return rules_for(alert.organisation_id).kinds.get(alert.kind)
