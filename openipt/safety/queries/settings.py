"""The rows of the safety settings pages: escalation timings, the safeguarding lead, rules and crisis contacts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from openipt.safety import access
from openipt.safety.models import CrisisContact, OrganisationRule, PolicyTiming, SafetySettings

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def timings(organisation_id: int) -> dict[str, list[int]]:
    """The organisation's own escalation timings, minutes per step, by policy (those it left alone are missing)."""
    return dict(PolicyTiming.objects.filter(organisation_id=organisation_id).values_list("policy_id", "minutes"))


def safety_settings(organisation_id: int, *, with_lead: bool = False) -> SafetySettings | None:
    """The organisation's saved safety settings (with the lead's name when asked), or None before any were saved."""
    qs = SafetySettings.objects.filter(organisation_id=organisation_id)
    if with_lead:
        qs = qs.select_related("safeguarding_lead__user")
    return qs.first()


def contacts(actor: Actor) -> list[CrisisContact]:
    """The organisation's crisis contacts in the order clients see them, by language."""
    return list(access.visible_contacts(actor).order_by("language", "order", "name", "pk"))


def contact(actor: Actor, contact_id: str | int) -> CrisisContact | None:
    """One of the organisation's crisis contacts, or None."""
    return access.visible_contacts(actor).filter(pk=contact_id).first()


def own_rule(organisation_id: int, rule_pk: str | int) -> OrganisationRule | None:
    """One of the organisation's own rules, or None."""
    return OrganisationRule.objects.filter(organisation_id=organisation_id, pk=rule_pk).first()
