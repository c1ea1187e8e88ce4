"""Every change in couples IPT: linking partner two to a couples course, and each partner's view.

Each function takes the Actor first, checks permission, runs in a transaction and records an
audit event. Text a client writes goes through the safety free-text check in the same
transaction (`openipt.safety.api.raise_for_text`), so a risk signal is stored with the words.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients.access import visible_clients
from openipt.core.errors import ActionError, ConflictError, ErrorCode
from openipt.couples import access
from openipt.couples.models import Couple, Entry, EntryKind, PartnerView
from openipt.courses import access as course_access
from openipt.courses.models import OPEN_STATUSES
from openipt.safety import api as safety_api

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.clients.models import Client

LINKED = register("couples.partner_linked", "Second partner linked to a couples course")
VIEW_SAVED = register("couples.view_saved", "Partner's view of the relationship saved")
VIEW_READ = register("couples.viewed", "Couples session page viewed")
ENTRY_OPENED = register("couples.entry_opened", "Relationship entry opened by a partner")

COUPLES_FORMAT = "couples"
MAX_TEXT = 5000
AUTOSAVE_AUDIT_GAP = timedelta(minutes=10)
KINDS = tuple(EntryKind.values)


@transaction.atomic
def link_partner(actor: Actor, course_id: int | str, *, record_number: str) -> Couple:
    """Add partner two (found by record number among the clients the actor can see) to a couples course."""
    course = course_access.get_course_for_change(actor, course_id, lock=True)
    if course is None:
        raise ActionError(_("That course was not found."), code=ErrorCode.NOT_FOUND)
    if not course_access.can_change_course(actor, course):
        raise PermissionDenied
    if course.format_id != COUPLES_FORMAT:
        raise ActionError(_("Only a couples course can have a second partner."), field="record_number")
    if not course.is_open:
        raise ActionError(_("This course has ended; start a new couples course instead."), field="record_number")
    number = (record_number or "").strip().upper()
    if not number:
        raise ActionError(_("Enter the second partner's record number."), field="record_number")
    partner = visible_clients(actor).filter(record_number=number).first()
    if partner is None:
        raise ActionError(
            _("No client with record number %(n)s is on your caseload in this organisation. Check the number, or ask "
              "an admin to add the client and assign them to you first.") % {"n": number},
            field="record_number",
        )
    if partner.pk == course.client_id:
        raise ActionError(_("That is the first partner. Enter the other person's record number."), field="record_number")
    with transaction.atomic():
        if Couple.objects.select_for_update().filter(course=course).exists():
            raise ActionError(_("This course already has a second partner."), field="record_number")
        busy = Couple.objects.filter(
            Q(partner_one_id__in=[partner.pk, course.client_id]) | Q(partner_two_id__in=[partner.pk, course.client_id]),
            course__status__in=[s.value for s in OPEN_STATUSES],
        ).exclude(course=course)
        if busy.exists():
            raise ActionError(
                _("%(name)s is already in an open couples course. End that course before starting another.")
                % {"name": partner.display_name if busy.filter(Q(partner_one=partner) | Q(partner_two=partner)).exists()
                   else course.client.display_name},
                field="record_number",
            )
        couple = Couple.objects.create(organisation_id=course.organisation_id, course=course, partner_one_id=course.client_id,
                                       partner_two=partner, created_by=actor.membership, created_at=timezone.now())
        audit.record(LINKED.code, actor=actor, client=partner, obj=couple,
                     details={"course": course.pk, "partner_one": course.client_id})
    return couple


def _own_couple(actor: Actor) -> tuple[Client, Couple]:
    client = access.own_client(actor)
    if client is None:
        raise PermissionDenied
    couple = access.client_couple(client)
    if couple is None:
        raise ActionError(_("You are not in a couples course at the moment."), code=ErrorCode.NOT_FOUND)
    return client, couple


def own_view(client: Client, couple: Couple) -> PartnerView:
    """Return the client's view in the couple, creating the empty one the first time."""
    view, _created = PartnerView.objects.get_or_create(couple=couple, author=client, defaults={"version": 1})
    return view


def save_view(actor: Actor, data: dict[str, Any], *, expected_version: int, autosave: bool = False) -> PartnerView:
    """Save the signed-in partner's three entries and whether each one is shared with the other partner.

    `data` has, for each kind, the text under the kind's name and the sharing choice under
    "<kind>_shared". A save from another window since this one opened raises ConflictError.
    """
    client, couple = _own_couple(actor)
    cleaned = {}
    for kind in KINDS:
        text = data.get(kind, "")
        text = "" if text is None else str(text).replace("\r\n", "\n").strip()
        if len(text) > MAX_TEXT:
            raise ActionError(_("Please keep each answer under %(n)d characters.") % {"n": MAX_TEXT}, field=kind)
        cleaned[kind] = (text, bool(data.get(f"{kind}_shared")))
    with transaction.atomic():
        own_view(client, couple)
        view = PartnerView.objects.select_for_update().get(couple=couple, author=client)
        if expected_version != view.version:
            raise ConflictError(
                _("Your answers were saved from another window or device while you were writing. Your words are "
                  "kept here; the saved copy is shown below. Combine them and save again."),
                current=view,
            )
        now = timezone.now()
        existing = {e.kind: e for e in Entry.objects.filter(view=view)}
        changed_text = []
        changed = False
        for kind, (text, shared) in cleaned.items():
            entry = existing.get(kind)
            if entry is None:
                if not text and not shared:
                    continue
                Entry.objects.create(view=view, kind=kind, text=text, shared=shared, updated_at=now)
                changed = True
                if text:
                    changed_text.append(text)
            elif entry.text != text or entry.shared != shared:
                if entry.text != text and text:
                    changed_text.append(text)
                entry.text, entry.shared, entry.updated_at = text, shared, now
                entry.save(update_fields=["text", "shared", "updated_at"])
                changed = True
        if not changed:
            return view
        quiet = autosave and view.edited_at is not None and now - view.edited_at < AUTOSAVE_AUDIT_GAP
        view.version += 1
        view.edited_at = now
        view.save(update_fields=["version", "edited_at"])
        if changed_text:
            safety_api.raise_for_text(client=client, text="\n".join(changed_text), source="couples.view", obj=view,
                                      actor=actor)
        if not quiet:
            audit.record(VIEW_SAVED.code, actor=actor, client=client, obj=view,
                         details={"autosave": autosave, "shared": [k for k, (_t, s) in cleaned.items() if s]})
    return view


def record_session_view(actor: Actor, couple: Couple) -> None:
    with transaction.atomic():
        audit.record(VIEW_READ.code, actor=actor, client=couple.partner_one, obj=couple,
                     details={"partner_two": couple.partner_two_id})


def record_entry_opened(actor: Actor, client: Client, entry: Entry) -> None:
    with transaction.atomic():
        audit.record(ENTRY_OPENED.code, actor=actor, client=client, obj=entry,
                     details={"author": entry.view.author_id, "own": entry.view.author_id == client.pk})
