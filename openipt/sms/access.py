"""Who may see and do what with SMS.

Staff see a client's SMS consent when they may see the client (the organisation boundary and the
care-team rule of `openipt.clients.access`); recording or changing it is for those who may change
the record (admin, assigned care staff). The SMS page lists messages and replies of the clients the
person may see; messages from numbers we do not know are an admin's. The gateway settings are an
admin's. A client (a person receiving care) has no SMS page: their choices are made with staff.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from openipt.accounts.access import is_admin
from openipt.accounts.models import STAFF_ROLES
from openipt.clients.access import can_edit_client, can_view_client, visible_clients
from openipt.clients.models import Client
from openipt.core.numbers import as_id
from openipt.safety.models import SafetySettings
from openipt.sms.models import SmsMessage, SmsReply

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def is_staff_member(actor: Actor | None) -> bool:
    """Any member of staff (not a client, not a programme manager without records)."""
    return actor is not None and actor.role in STAFF_ROLES


def client_for_staff(actor: Actor | None, client_id: object) -> Client | None:
    """A client this member of staff may see, or None (the page answers 404)."""
    pk = as_id(client_id)
    if pk is None or not is_staff_member(actor):
        return None
    return visible_clients(actor).filter(pk=pk).first()


def can_view_consent(actor: Actor | None, client: Client) -> bool:
    """Staff who may see the record see what the client agreed to by SMS."""
    return is_staff_member(actor) and bool(can_view_client(actor, client))


def can_record_consent(actor: Actor | None, client: Client) -> bool:
    """Staff who may change the record (admin, assigned care staff) record or change SMS consent."""
    return is_staff_member(actor) and bool(can_edit_client(actor, client))


def can_manage_settings(actor: Actor | None) -> bool:
    """The gateway, its key, the daily limit and the sending hour are an admin's."""
    return is_admin(actor)


def can_view_outbox(actor: Actor | None) -> bool:
    """Staff open the SMS page; each sees the rows of the clients they may see."""
    return is_staff_member(actor)


def is_safeguarding_lead(actor: Actor | None) -> bool:
    """The organisation's safeguarding lead (safety settings), who handles urgent texts with the admins."""
    if actor is None or actor.membership is None or not actor.membership.is_active:
        return False
    return SafetySettings.objects.filter(
        organisation_id=actor.organisation_id, safeguarding_lead_id=actor.membership.pk
    ).exists()


def can_handle_unknown(actor: Actor | None) -> bool:
    """Messages from numbers we do not know (and the urgent ones among them) are the admins' and the safety lead's.

    They never name a client: a number we do not know may be a member's new phone or someone else's, so only the
    last three digits and the words are shown, never a guess at whose it is.
    """
    return is_admin(actor) or (is_staff_member(actor) and is_safeguarding_lead(actor))


def _rows_filter(actor: Actor) -> Q:
    seen = Q(client__in=visible_clients(actor))
    return seen | Q(client__isnull=True) if can_handle_unknown(actor) else seen


def visible_messages(actor: Actor | None) -> QuerySet[SmsMessage]:
    """Messages of the actor's organisation to clients they may see (all of them for an admin)."""
    if actor is None or not can_view_outbox(actor):
        return SmsMessage.objects.none()
    seen = Q(client__in=visible_clients(actor))
    return SmsMessage.objects.filter(organisation_id=actor.organisation_id).filter(
        seen | Q(client__isnull=True) if is_admin(actor) else seen
    )


def visible_replies(actor: Actor | None) -> QuerySet[SmsReply]:
    """Replies from clients the actor may see; replies from unknown numbers for an admin."""
    if actor is None or not can_view_outbox(actor):
        return SmsReply.objects.none()
    return SmsReply.objects.filter(organisation_id=actor.organisation_id).filter(_rows_filter(actor))
