"""Sending secure messages, marking them read, the reply-time setting, and the e-mail that says one came.

Each function takes the Actor first, checks permission (`access.py`), runs in a transaction and
records an audit event. Every message a client sends is scanned through
`openipt.safety.api.raise_for_text` inside the transaction that stores it, so a risk signal is
stored with the message or not at all. The e-mail telling the other side about a new message
holds no words of the message: only that there is one, and a link to sign in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from openipt.accounts import language
from openipt.accounts.models import CARE_ROLES, Membership
from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients.models import Client
from openipt.core.errors import ActionError, ConflictError, ErrorCode
from openipt.messaging import access
from openipt.messaging.errors import MessagingCode
from openipt.messaging.models import (
    MAX_LENGTH,
    REPLY_DAYS_MAX,
    REPLY_DAYS_MIN,
    Message,
    MessagingSettings,
)
from openipt.safety import api as safety_api

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.safety.models import Alert

SENT = register("messaging.sent", "Secure message sent")
READ = register("messaging.read", "Secure messages opened and marked read")
VIEWED = register("messaging.viewed", "A client's messages looked at by staff")
EMAILED = register(
    "messaging.emailed", "E-mail sent to say a secure message is waiting (no message words in it)"
)
SETTINGS = register("messaging.settings", "Message reply time changed")

SOURCE = "messaging.message"

log = logging.getLogger("openipt.messaging")

# How much of a refused (unsent) message is checked for risk: far more than a message may hold, so an
# over-long message is checked whole, but bounded so a huge post cannot tie up the risk scan.
UNSENT_SCAN_MAX = MAX_LENGTH * 25


@dataclass
class Sent:
    """A message just stored, and the risk alerts its words raised (none for most messages)."""

    message: Message
    alerts: list[Alert] = field(default_factory=list)


def clean_text(value: object) -> str:
    """Return the message as typed (line ends made plain), or refuse an empty or over-long one."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    text = text.replace("\r\n", "\n").replace("\x00", "").strip()
    if not text:
        raise ActionError(_("Write your message first."), field="body")
    if len(text) > MAX_LENGTH:
        raise ActionError(
            _(
                "This message is %(n)s characters long; the most is %(max)s. Please make it shorter, or send it "
                "in two parts. Your words are still in the box."
            )
            % {"n": f"{len(text):,}", "max": f"{MAX_LENGTH:,}"},
            field="body",
        )
    return text


def _refuse() -> ActionError:
    return ActionError(
        _("Only the client and the staff caring for them can write in this conversation."),
        code=ErrorCode.FORBIDDEN,
    )


def _store(actor: Actor, client: Client, text: str, *, from_client: bool) -> Message:
    now = timezone.now()
    message = Message.objects.create(
        organisation_id=client.organisation_id,
        client=client,
        from_client=from_client,
        sender=actor.membership,
        body=text,
        sent_at=now,
    )
    audit.record(
        SENT.code,
        actor=actor,
        client=client,
        obj=message,
        details={"from": "client" if from_client else "care team", "length": len(text)},
    )
    transaction.on_commit(partial(_queue_email, message.pk))
    return message


@transaction.atomic
def send_from_client(actor: Actor, text: object) -> Sent:
    """A client writes to their care team; the words are scanned for risk in the same transaction."""
    client = access.own_client(actor)
    if client is None or not access.can_send(actor, client):
        raise _refuse()
    body = clean_text(text)
    if not access.has_care_team(client):
        raise ActionError(
            _(
                "Nobody from your care team is linked to your messages yet, so this message was not sent. Please "
                "phone the clinic, or tell your therapist at your next session. Your words are still in the box."
            ),
            field="body",
            code=MessagingCode.NO_CARE_TEAM,
        )
    message = _store(actor, client, body, from_client=True)
    alerts = safety_api.raise_for_text(client=client, text=body, source=SOURCE, obj=message, actor=actor)
    return Sent(message, list(alerts))


@transaction.atomic
def screen_unsent(actor: Actor, text: object) -> list[Alert]:
    """Check a message that could not be sent for risk all the same, so a risk signal is never dropped.

    The page calls this after any refusal (too long, empty, no care team, a conflict), outside the
    transaction that was rolled back, with the words as posted. Nothing is stored but the alert.
    """
    client = access.own_client(actor)
    if client is None or not isinstance(text, str):
        return []
    words = text.replace("\r\n", "\n").replace("\x00", "").strip()[:UNSENT_SCAN_MAX]
    if not words:
        return []
    return list(safety_api.raise_for_text(client=client, text=words, source=SOURCE, actor=actor))


@transaction.atomic
def reply(actor: Actor, client_id: object, text: object) -> Message:
    """A member of the client's care team writes to the client."""
    client = access.staff_thread_client(actor, client_id)
    if client is None or not access.can_send(actor, client):
        raise _refuse()
    return _store(actor, client, clean_text(text), from_client=False)


@transaction.atomic
def open_thread(actor: Actor, client: Client) -> int:
    """Record that this person opened the thread: the other side's unread messages become read by them.

    A client reads their care team's replies; a member of the care team reads the client's
    messages. A supervisor who is not on the care team only looks: nothing is marked read, and the
    look is in the audit log. Returns how many messages were marked read.
    """
    if not access.can_read(actor, client):
        raise _refuse()
    if not access.can_mark_read(actor, client):
        audit.record(VIEWED.code, actor=actor, client=client, obj=client)
        return 0
    from_client = not actor.is_client
    unread = Message.objects.filter(client_id=client.pk, from_client=from_client, read_at__isnull=True)
    ids = list(unread.values_list("pk", flat=True))
    if ids:
        Message.objects.filter(pk__in=ids, read_at__isnull=True).update(
            read_at=timezone.now(), read_by=actor.membership
        )
        audit.record(
            READ.code,
            actor=actor,
            client=client,
            obj=client,
            details={"messages": len(ids), "from": "client" if from_client else "care team"},
        )
    if actor.is_staff:
        audit.record(VIEWED.code, actor=actor, client=client, obj=client)
    return len(ids)


def reply_days(organisation_id: int) -> int:
    """How many working days the organisation promises to reply in (the default when none was saved)."""
    found = (
        MessagingSettings.objects.filter(organisation_id=organisation_id)
        .values_list("reply_days", flat=True)
        .first()
    )
    return found if found is not None else MessagingSettings._meta.get_field("reply_days").get_default()


@transaction.atomic
def set_reply_days(actor: Actor, days: object, *, expected_version: int) -> MessagingSettings:
    """An admin sets how soon the clinic replies, shown to clients above the message box."""
    if not access.can_manage_settings(actor):
        raise ActionError(_("Only an admin can change this."), code=ErrorCode.FORBIDDEN)
    try:
        number = int(str(days))
    except (TypeError, ValueError):
        number = 0
    if not REPLY_DAYS_MIN <= number <= REPLY_DAYS_MAX:
        raise ActionError(
            _("Choose a number of working days from %(min)d to %(max)d.")
            % {"min": REPLY_DAYS_MIN, "max": REPLY_DAYS_MAX},
            field="reply_days",
        )
    current, _made = MessagingSettings.objects.select_for_update().get_or_create(
        organisation_id=actor.organisation_id, defaults={"version": 0}
    )
    if current.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed this setting while you were looking. The form now shows what "
                "they saved; press Save again to keep yours."
            ),
            current=current,
        )
    MessagingSettings.objects.filter(pk=current.pk).update(
        reply_days=number, version=F("version") + 1, updated_at=timezone.now(), updated_by=actor.membership
    )
    current.refresh_from_db()
    audit.record(SETTINGS.code, actor=actor, obj=current, details={"reply_days": number})
    return current


# -- the e-mail that says a message is waiting ----------------------------------------------------


def _queue_email(message_id: int) -> None:
    from openipt.messaging.tasks import email_new_message

    email_new_message.enqueue(message_id)


def recipients(message: Message) -> list[str]:
    """Who hears by e-mail: the client's care team for a client's message; the client for a reply."""
    if not message.from_client:
        return [message.client.email] if message.client.email else []
    team = (
        Membership.objects.filter(
            assignments__client_id=message.client_id, role__in=CARE_ROLES, is_active=True
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .order_by("pk")
    )
    return list(dict.fromkeys(team))


def notification(message: Message) -> tuple[str, str]:
    """The subject and text of the e-mail: that a message is waiting and where to read it; never its words.

    The subject is the same for everyone and names no one (no name, no record number): a subject
    line shows on lock screens and in mail previews.
    """
    subject = _("You have a new message in OpenIPT")
    if message.from_client:
        url = settings.SITE_URL + reverse("messaging:thread", args=[message.client_id])
        lead = _("A client you look after has sent a new message.")
    else:
        url = settings.SITE_URL + reverse("messaging:mine")
        lead = _("Your care team has sent you a new message.")
    body = "\n\n".join(
        [
            _("Hello,"),
            lead,
            _("Sign in to read it: %(url)s") % {"url": url},
            _("For your privacy, this e-mail never includes the message itself."),
        ]
    )
    return subject, body


def email_new_message(message_id: int) -> int:
    """Send the e-mails for one new message (run by the task queue); return how many were sent."""
    message = Message.objects.select_related("client", "client__organisation").filter(pk=message_id).first()
    if message is None:
        return 0
    addresses = recipients(message)
    if not addresses:
        return 0
    # A reply goes to the client, in their language; a client's message goes to staff, in the organisation's.
    code = message.client.preferred_language if not message.from_client else ""
    with translation.override(language.for_code(code, message.client.organisation)):
        subject, body = notification(message)
    sent = 0
    for address in addresses:
        try:
            sent += send_mail(subject, body, None, [address], fail_silently=False)
        except Exception:  # noqa: BLE001 - a mail server problem never loses the message, which is stored already
            log.exception("new-message e-mail failed")
    with transaction.atomic():
        audit.record(
            EMAILED.code,
            client=message.client,
            obj=message,
            system_label="messaging e-mail",
            details={
                "to": "care team" if message.from_client else "client",
                "sent": sent,
                "failed": len(addresses) - sent,
            },
        )
    return sent
