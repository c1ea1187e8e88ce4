"""Changes admins make to their organisation's safety settings: rules, escalation timing, crisis contacts.

Each function takes the Actor first, refuses anyone but an admin of the organisation, runs in a
transaction and records an audit event (types registered in `actions.py`). A shipped rule can
be switched off only with a written reason, and switched back on at any time; nothing is deleted.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.accounts.models import Membership, Role
from openipt.audit import actions as audit
from openipt.core.errors import ActionError, ConflictError, ErrorCode
from openipt.safety import access
from openipt.safety.actions import (
    CONTACT_ADDED,
    CONTACT_CHANGED,
    RULE_ADDED,
    RULE_CHANGED,
    RULE_SWITCHED,
    SAFEGUARDING_LEAD_SET,
    TIMING_CHANGED,
)
from openipt.safety.catalogue import instrument_catalogue
from openipt.safety.models import (
    CrisisContact,
    OrganisationRule,
    PolicyTiming,
    RuleSwitch,
    SafetySettings,
    Severity,
)
from openipt.safety.rules import OPERATORS, DataError, load_rules, load_shipped
from openipt.safety.ruleset import rule_rows

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openipt.accounts.actor import Actor
    from openipt.accounts.models import Membership

CODE = re.compile(r"^[a-z][a-z0-9_]*$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
MAX_MINUTES = 7 * 24 * 60


def _admin(actor: Actor) -> None:
    if not access.can_manage_safety_settings(actor):
        raise ActionError(_("Only an admin can change the safety settings."), code=ErrorCode.FORBIDDEN)


def _text(value: object, field: str, message: str, limit: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ActionError(message, field=field)
    if len(text) > limit:
        raise ActionError(_("Shorten this to %(max)d characters or fewer.") % {"max": limit}, field=field)
    return text


def _known_item(instrument: str, item: str) -> None:
    try:
        registry = instrument_catalogue()
    except Exception:  # noqa: BLE001 - the measures content is optional here
        return
    if instrument not in registry:
        return
    found = registry.get(instrument)
    ids = [i.id for i in found.items]
    if item not in ids:
        raise ActionError(
            _("%(name)s has no item %(item)s. Its items are: %(items)s.") % {"name": found.short_name, "item": item, "items": ", ".join(ids)},
            field="item")


def _clean_rule(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    instrument = (data.get("instrument") or "").strip().lower() if isinstance(data.get("instrument"), str) else ""
    if not CODE.match(instrument) or len(instrument) > 40:
        raise ActionError(_("Enter the instrument's code in small letters, such as phq9 or epds."), field="instrument")
    item = (data.get("item") or "").strip().lower() if isinstance(data.get("item"), str) else ""
    if not CODE.match(item) or len(item) > 40:
        raise ActionError(_("Enter the item's id as the instrument names it, such as q9 or q10."), field="item")
    _known_item(instrument, item)
    operator = data.get("operator")
    if operator not in OPERATORS:
        raise ActionError(_("Choose how the answer is compared with the threshold."), field="operator")
    threshold = data.get("threshold")
    if isinstance(threshold, bool) or not isinstance(threshold, int) or not -1000 <= threshold <= 1000:
        raise ActionError(_("Enter the threshold as a whole number, such as 1."), field="threshold")
    severity = data.get("severity")
    if severity not in Severity.values:
        raise ActionError(_("Choose review, medium or high."), field="severity")
    policy = data.get("policy")
    if policy not in load_shipped().policies:
        raise ActionError(_("Choose one of the listed escalation policies."), field="policy")
    reason = _text(data.get("reason"), "reason", _("Say what staff should know and do when this rule raises an alert."), 1000)
    return {"instrument": instrument, "item": item, "operator": operator, "threshold": threshold, "severity": severity,
            "policy": policy, "reason": reason}


def _check_loads(organisation_id: int, candidate: dict[str, Any], exclude_pk: int | None = None) -> None:
    others = OrganisationRule.objects.filter(organisation_id=organisation_id)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    rows = [r.as_data() for r in others]
    try:
        load_rules(rows + [candidate])
    except DataError as exc:
        field = (exc.field or "").rsplit(".", 1)[-1]
        raise ActionError(_("This rule cannot be used: %(why)s") % {"why": exc}, field=field or None) from None


def _new_rule_id(organisation_id: int, instrument: str, item: str) -> str:
    taken = set(OrganisationRule.objects.filter(organisation_id=organisation_id).values_list("rule_id", flat=True))
    taken |= {r.id for r in load_shipped().rules}
    base = f"site_{instrument}_{item}"[:70]
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}"
    return candidate


@transaction.atomic
def add_rule(actor: Actor, data: dict[str, Any]) -> OrganisationRule:
    """Add a rule on one questionnaire item, such as "EPDS item 10 at 1 or more is high risk"."""
    _admin(actor)
    cleaned = _clean_rule(actor, data)
    rule_id = _new_rule_id(actor.organisation_id, cleaned["instrument"], cleaned["item"])
    _check_loads(actor.organisation_id, {"id": rule_id, "kind": "instrument_item", **cleaned})
    rule = OrganisationRule.objects.create(organisation_id=actor.organisation_id, rule_id=rule_id, created_by=actor.membership, **cleaned)
    audit.record(RULE_ADDED.code, actor=actor, obj=rule, details={"rule": rule_id, **cleaned})
    return rule


@transaction.atomic
def change_rule(actor: Actor, rule_pk: int | str, data: dict[str, Any], *, expected_version: int) -> OrganisationRule:
    """Change one of the organisation's own rules, refusing a change based on an older version."""
    _admin(actor)
    rule = OrganisationRule.objects.select_for_update().filter(organisation_id=actor.organisation_id, pk=rule_pk).first()
    if rule is None:
        raise ActionError(_("That rule does not exist in this organisation."), code=ErrorCode.NOT_FOUND)
    if rule.version != expected_version:
        raise ConflictError(_("Someone else changed this rule while you were editing. Their version is shown; check and save again."),
                            current=rule)
    cleaned = _clean_rule(actor, data)
    _check_loads(actor.organisation_id, {"id": rule.rule_id, "kind": "instrument_item", **cleaned}, exclude_pk=rule.pk)
    before = {name: getattr(rule, name) for name in cleaned}
    changed = {name: value for name, value in cleaned.items() if before[name] != value}
    if not changed:
        return rule
    OrganisationRule.objects.filter(pk=rule.pk).update(**cleaned, version=F("version") + 1, updated_at=timezone.now())
    rule.refresh_from_db()
    audit.record(RULE_CHANGED.code, actor=actor, obj=rule,
                 details={"rule": rule.rule_id, "before": {k: before[k] for k in changed}, "after": changed})
    return rule


@transaction.atomic
def switch_rule(actor: Actor, rule_id: str, *, off: bool, reason: str) -> RuleSwitch:
    """Switch a rule off (a reason is required) or back on, for this organisation."""
    _admin(actor)
    rows = {row.rule.id: row for row in rule_rows(actor.organisation_id)}
    if rule_id not in rows:
        raise ActionError(_("That rule does not exist in this organisation."), code=ErrorCode.NOT_FOUND)
    if off:
        reason = _text(reason, "reason", _("Write why this rule is switched off here (for example: the clinic does not use this questionnaire)."), 2000)
    else:
        reason = (reason or "").strip()[:2000] if isinstance(reason, str) else ""
        reason = reason or _("Switched back on.")
    switch = RuleSwitch.objects.select_for_update().filter(organisation_id=actor.organisation_id, rule_id=rule_id).first()
    was_off = bool(switch and switch.is_off)
    if switch is None:
        switch = RuleSwitch(organisation_id=actor.organisation_id, rule_id=rule_id)
    switch.is_off, switch.reason, switch.changed_by, switch.changed_at = off, reason, actor.membership, timezone.now()
    switch.save()
    if was_off != off:
        audit.record(RULE_SWITCHED.code, actor=actor, obj=switch,
                     details={"rule": rule_id, "off": off, "shipped": rows[rule_id].shipped, "reason": reason})
    return switch


@transaction.atomic
def set_timing(actor: Actor, policy_id: str, minutes: list[Any]) -> PolicyTiming:
    """Set the minutes between an escalation policy's steps for this organisation."""
    _admin(actor)
    policy = load_shipped().policies.get(policy_id)
    if policy is None:
        raise ActionError(_("That escalation policy does not exist."), code=ErrorCode.NOT_FOUND)
    steps = policy.steps[1:]
    if not isinstance(minutes, list | tuple) or len(minutes) != len(steps):
        raise ActionError(_("Give a time for every step."), field="step_1")
    cleaned = []
    for index, (value, step) in enumerate(zip(minutes, steps, strict=True), start=1):
        lowest = 0 if step.after_minutes == 0 else 1  # a step shipped "at once" (the safeguarding lead) may stay at once
        if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= MAX_MINUTES:
            raise ActionError(_("Enter a whole number of minutes from 1 to %(max)d (one week).") % {"max": MAX_MINUTES},
                              field=f"step_{index}")
        cleaned.append(value)
    timing = PolicyTiming.objects.select_for_update().filter(organisation_id=actor.organisation_id, policy_id=policy_id).first()
    before = timing.minutes if timing else [s.after_minutes for s in steps]
    if timing is None:
        timing = PolicyTiming(organisation_id=actor.organisation_id, policy_id=policy_id)
    timing.minutes, timing.changed_by, timing.changed_at = cleaned, actor.membership, timezone.now()
    timing.save()
    if before != cleaned:
        audit.record(TIMING_CHANGED.code, actor=actor, obj=timing, details={"policy": policy_id, "before": before, "after": cleaned})
    return timing


CONTACT_FIELDS = ("language", "name", "phone", "text_number", "website", "hours", "description", "order", "is_active")


def _clean_contact(data: dict[str, Any]) -> dict[str, Any]:
    def text(name: str, limit: int) -> str:
        value = data.get(name, "")
        value = value.strip() if isinstance(value, str) else ""
        if len(value) > limit:
            raise ActionError(_("Shorten this to %(max)d characters or fewer.") % {"max": limit}, field=name)
        return value

    language = text("language", 12).lower()
    if not LANGUAGE.match(language):
        raise ActionError(_("Enter a language code such as en, es or pt-br."), field="language")
    name = text("name", 120)
    if not name:
        raise ActionError(_("Enter the name clients will see, such as the name of the crisis line."), field="name")
    website = text("website", 200)
    if website:
        try:
            URLValidator(schemes=["https", "http"])(website)
        except ValidationError:
            raise ActionError(_("Enter a full web address starting with https://"), field="website") from None
    cleaned: dict[str, Any] = {"language": language, "name": name, "phone": text("phone", 40), "text_number": text("text_number", 40),
               "website": website, "hours": text("hours", 120), "description": text("description", 300)}
    if not (cleaned["phone"] or cleaned["text_number"] or cleaned["website"]):
        raise ActionError(_("Give at least one way to reach them: a phone number, a text number or a web address."), field="phone")
    order = data.get("order", 10)
    if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 999:
        raise ActionError(_("Enter the order as a whole number from 0 to 999."), field="order")
    cleaned["order"] = order
    cleaned["is_active"] = bool(data.get("is_active", True))
    return cleaned


@transaction.atomic
def add_contact(actor: Actor, data: dict[str, Any]) -> CrisisContact:
    """Add a crisis contact clients of one language see."""
    _admin(actor)
    cleaned = _clean_contact(data)
    contact = CrisisContact.objects.create(organisation_id=actor.organisation_id, **cleaned)
    audit.record(CONTACT_ADDED.code, actor=actor, obj=contact, details=cleaned)
    return contact


@transaction.atomic
def change_contact(actor: Actor, contact_id: int | str, data: dict[str, Any], *, expected_version: int) -> CrisisContact:
    """Change a crisis contact (untick "shown to clients" to take it away; nothing is deleted)."""
    _admin(actor)
    contact = access.visible_contacts(actor).select_for_update().filter(pk=contact_id).first()
    if contact is None:
        raise ActionError(_("That crisis contact does not exist in this organisation."), code=ErrorCode.NOT_FOUND)
    if contact.version != expected_version:
        raise ConflictError(_("Someone else changed this contact while you were editing. Their version is shown; check and save again."),
                            current=contact)
    cleaned = _clean_contact(data)
    before = {name: getattr(contact, name) for name in cleaned}
    changed = {name: value for name, value in cleaned.items() if before[name] != value}
    if not changed:
        return contact
    CrisisContact.objects.filter(pk=contact.pk).update(**cleaned, version=F("version") + 1, updated_at=timezone.now())
    contact.refresh_from_db()
    audit.record(CONTACT_CHANGED.code, actor=actor, obj=contact, details={"before": {k: before[k] for k in changed}, "after": changed})
    return contact


def safeguarding_lead_choices(organisation_id: int) -> QuerySet[Membership]:
    """Return the active staff (not facilitators or clients) who may be named safeguarding lead."""
    return (Membership.objects.filter(organisation_id=organisation_id, is_active=True,
                                      role__in=[Role.ADMIN, Role.SUPERVISOR, Role.THERAPIST])
            .select_related("user").order_by("user__first_name", "user__last_name", "pk"))


def set_safeguarding_lead(actor: Actor, membership_id: int | str | None) -> SafetySettings:
    """Name (or clear, with None) the member of staff told at once about child safeguarding alerts."""
    _admin(actor)
    lead = None
    if membership_id not in (None, ""):
        try:
            pk = int(membership_id)
        except (TypeError, ValueError):
            pk = 0
        lead = safeguarding_lead_choices(actor.organisation_id).filter(pk=pk).first()
        if lead is None:
            raise ActionError(_("Choose an active admin, supervisor or therapist of this organisation."), field="lead")
    with transaction.atomic():
        row = SafetySettings.objects.select_for_update().filter(organisation_id=actor.organisation_id).first()
        before = row.safeguarding_lead_id if row else None
        if row is None:
            row = SafetySettings(organisation_id=actor.organisation_id)
        elif before == (lead.pk if lead else None):
            return row
        else:
            row.version = F("version") + 1
        row.safeguarding_lead, row.changed_by, row.changed_at = lead, actor.membership, timezone.now()
        row.save()
        row.refresh_from_db()
        audit.record(SAFEGUARDING_LEAD_SET.code, actor=actor, obj=row,
                     details={"before": before, "after": lead.pk if lead else None})
    return row
