"""SMS consent and the gateway settings: the changes staff and admins make (audited, permission-checked).

The outbox and what comes in from the gateway are in `outbox_actions.py` and `inbound_actions.py`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients.models import Client
from openipt.core.errors import ActionError, ConflictError, ErrorCode
from openipt.core.languages import LANGUAGE_NAMES
from openipt.core.numbers import as_id
from openipt.core.sealed import seal
from openipt.sms import access, replies
from openipt.sms.models import Backend, SmsConsent, SmsMessage, SmsReply, SmsSettings, Status

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

CONSENT_RECORDED = register("sms.consent_recorded", "SMS consent recorded or changed by staff")
CONSENT_ENDED = register("sms.consent_ended", "SMS consent ended by staff: no more messages")
SETTINGS_SAVED = register("sms.settings_saved", "SMS gateway settings saved")
REPLY_HANDLED = register("sms.reply_handled", "SMS reply read and dealt with by staff")
CONSENT_VIEWED = register("sms.consent_viewed", "SMS consent of a client viewed")

NAME_MAX = 40
FORBIDDEN_IN_NAME = ("depress", "phq", "suicid", "therap", "ipt", "mental", "psych", "crisis", "risk", "score",
                     "clinic", "counsel", "trauma", "violence", "abuse")


def phone_key(phone: str) -> str:
    """A keyed hash of an E.164 number: finds the sender of a reply without unsealing every number."""
    key = hashlib.sha256(b"openipt sms phone v1\0" + settings.SECRET_KEY.encode("utf-8")).digest()
    return hmac.new(key, phone.encode("ascii"), hashlib.sha256).hexdigest()


def settings_for(organisation_id: int) -> SmsSettings:
    """The organisation's SMS settings, or the defaults (console gateway) when an admin never saved them."""
    found = SmsSettings.objects.filter(organisation_id=organisation_id).first()
    return found or SmsSettings(organisation_id=organisation_id)


def _neutral_name(value: object) -> str:
    name = " ".join(value.split()) if isinstance(value, str) else ""
    if not name:
        raise ActionError(_("Give the name the messages will use, for example \"Tuesday group\"."), field="neutral_name")
    if len(name) > NAME_MAX:
        raise ActionError(_("Keep the name to %(n)d characters: it starts every message.") % {"n": NAME_MAX},
                          field="neutral_name")
    folded = name.casefold()
    if any(word in folded for word in FORBIDDEN_IN_NAME):
        raise ActionError(_("Choose a name that says nothing about health or treatment: the phone may be shared. "
                            "For example \"Tuesday group\"."), field="neutral_name")
    return name


@transaction.atomic
def record_consent(actor: Actor, client_id: object, *, phone: object, reminders: bool, checkins: bool,
                   crisis_texts: bool, language: object, neutral_name: object,
                   expected_version: int | None = None) -> SmsConsent:
    """Record (or change) what the client agreed to by SMS. Recording again turns messages back on.

    When changing, an empty `phone` keeps the number saved.
    """
    client = access.client_for_staff(actor, client_id)
    if client is None:
        raise ActionError(_("This client does not exist, or is not yours to see."), code=ErrorCode.NOT_FOUND)
    if not access.can_record_consent(actor, client):
        raise ActionError(_("Only an admin or the client's care staff can record what they agreed to."),
                          code=ErrorCode.FORBIDDEN)
    Client.objects.select_for_update().filter(pk=client.pk).first()
    consent = SmsConsent.objects.select_for_update().filter(client=client).first()
    keep_number = consent is not None and (not isinstance(phone, str) or not phone.strip())
    number = None if keep_number else replies.normalise_phone(phone)
    if number is None and not keep_number:
        raise ActionError(_("Write the number with + and the country code, for example +254 712 345 678."),
                          field="phone")
    if not isinstance(language, str) or language not in LANGUAGE_NAMES:
        raise ActionError(_("Choose one of the languages listed."), field="language")
    name = _neutral_name(neutral_name)
    now = timezone.now()
    created = consent is None
    if consent is None:
        consent = SmsConsent(organisation_id=client.organisation_id, client=client, recorded_by=actor.membership,
                             recorded_at=now)
    elif expected_version is not None and consent.version != expected_version:
        raise ConflictError(_("Someone else changed this client's SMS choices while you were writing. Their choices "
                              "are shown; check them and save again."), current=consent)
    else:
        consent.version += 1
    if number is not None:
        consent.phone, consent.phone_key, consent.phone_hint = seal(number), phone_key(number), replies.mask_phone(number)
    consent.reminders, consent.checkins, consent.crisis_texts = bool(reminders), bool(checkins), bool(crisis_texts)
    consent.language, consent.neutral_name = language, name
    consent.active, consent.recorded_by, consent.recorded_at = True, actor.membership, now
    try:
        with transaction.atomic():
            consent.save()
    except IntegrityError:
        raise ActionError(_("This number already gets messages for another client. Each client needs their own "
                            "number, so that a reply reaches the right record."), field="phone") from None
    audit.record(CONSENT_RECORDED.code, actor=actor, client=client, obj=consent,
                 details={"created": created, "phone": consent.phone_hint, "reminders": consent.reminders,
                          "checkins": consent.checkins, "crisis_texts": consent.crisis_texts,
                          "language": consent.language, "name": name, "stopped": consent.stopped_at is not None})
    return consent


@transaction.atomic
def end_consent(actor: Actor, client_id: object) -> SmsConsent:
    """The client no longer agrees: nothing more is sent to them (messages waiting are not sent)."""
    client = access.client_for_staff(actor, client_id)
    if client is None:
        raise ActionError(_("This client does not exist, or is not yours to see."), code=ErrorCode.NOT_FOUND)
    if not access.can_record_consent(actor, client):
        raise ActionError(_("Only an admin or the client's care staff can change what they agreed to."),
                          code=ErrorCode.FORBIDDEN)
    consent = SmsConsent.objects.select_for_update().filter(client=client).first()
    if consent is None or not consent.active:
        raise ActionError(_("No text messages are being sent to this client."), code=ErrorCode.CONFLICT)
    consent.active = False
    consent.version += 1
    consent.save(update_fields=["active", "version"])
    cancelled = SmsMessage.objects.filter(consent=consent, status__in=[Status.QUEUED, Status.HELD]).update(
        status=Status.CANCELLED, next_attempt_at=None, last_error="Consent ended by staff.")
    audit.record(CONSENT_ENDED.code, actor=actor, client=client, obj=consent, details={"cancelled": cancelled})
    return consent


def record_view(actor: Actor, client: Client) -> None:
    """Opening a client's SMS page is a read of their record (audited)."""
    audit.record(CONSENT_VIEWED.code, actor=actor, client=client, details={})


def _int_in(value: object, low: int, high: int, field: str, message: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ActionError(message, field=field)
    return value


@transaction.atomic
def save_settings(actor: Actor, *, backend: object, username: object, api_key: object, sender: object,
                  sandbox: bool, daily_limit: object, send_hour: object, new_inbound_address: bool = False,
                  expected_version: int | None = None) -> SmsSettings:
    """Save the organisation's gateway and limits. An empty API key keeps the one stored."""
    if not access.can_manage_settings(actor):
        raise ActionError(_("Only an admin can change the SMS settings."), code=ErrorCode.FORBIDDEN)
    if backend not in Backend.values:
        raise ActionError(_("Choose one of the gateways listed."), field="backend")
    username = username.strip() if isinstance(username, str) else ""
    key = api_key.strip() if isinstance(api_key, str) else ""
    sender = sender.strip() if isinstance(sender, str) else ""
    if len(username) > 100:
        raise ActionError(_("Keep the user name to 100 characters."), field="username")
    if len(key) > 200:
        raise ActionError(_("This key is too long to be a gateway key. Copy it again."), field="api_key")
    if len(sender) > 20:
        raise ActionError(_("Keep the sender name or short code to 20 characters."), field="sender")
    limit = _int_in(daily_limit, 1, 100000, "daily_limit", _("Give a number of messages from 1 to 100,000."))
    hour = _int_in(send_hour, 6, 21, "send_hour", _("Choose an hour from 6 (in the morning) to 21 (in the evening)."))
    row = SmsSettings.objects.select_for_update().filter(organisation_id=actor.organisation_id).first()
    if row is None:
        row = SmsSettings(organisation_id=actor.organisation_id, inbound_token=secrets.token_urlsafe(32))
    elif expected_version is not None and row.version != expected_version:
        raise ConflictError(_("Another admin saved these settings while you were writing. Their settings are shown; "
                              "check them and save again."), current=row)
    else:
        row.version += 1
    if backend == Backend.AFRICASTALKING and not username:
        raise ActionError(_("Give the user name of your Africa's Talking account (\"sandbox\" for the sandbox)."),
                          field="username")
    if backend == Backend.AFRICASTALKING and not key and not row.api_key:
        raise ActionError(_("Give the API key from your Africa's Talking account."), field="api_key")
    if backend == Backend.TWILIO:
        if not username.startswith("AC") or len(username) != 34 or not username.isalnum():
            raise ActionError(_("Give your Twilio Account SID: 34 letters and numbers starting with AC."),
                              field="username")
        if not key and not row.api_key:
            raise ActionError(_("Give the Auth Token from your Twilio account."), field="api_key")
        if not sender:
            raise ActionError(_("Give the Twilio number the messages come from, with + and the country code."),
                              field="sender")
    if key:
        row.api_key, row.api_key_hint = seal(key), key[:4] + "…"
    if new_inbound_address:
        row.inbound_token = secrets.token_urlsafe(32)
    row.backend, row.username, row.sender, row.sandbox = str(backend), username, sender, bool(sandbox)
    row.daily_limit, row.send_hour = limit, hour
    row.updated_at, row.updated_by = timezone.now(), actor.membership
    row.save()
    audit.record(SETTINGS_SAVED.code, actor=actor, obj=row,
                 details={"backend": row.backend, "sandbox": row.sandbox, "daily_limit": limit, "send_hour": hour,
                          "key_changed": bool(key), "new_inbound_address": new_inbound_address})
    return row


NOTE_MAX = 2000


@transaction.atomic
def mark_handled(actor: Actor, reply_id: object, note: object = "") -> SmsReply:
    """A person read a reply that needed one, and dealt with it.

    An urgent one (worrying words from a number we do not know) is closed only by an admin or the safeguarding lead,
    with a note of what they did, as an alert is resolved: it stays on the SMS page and on Today until then.
    """
    reply = access.visible_replies(actor).select_for_update().filter(pk=as_id(reply_id) or 0).first()
    if reply is None:
        raise ActionError(_("This reply does not exist, or is not yours to see."), code=ErrorCode.NOT_FOUND)
    text = " ".join(note.split()) if isinstance(note, str) else ""
    if len(text) > NOTE_MAX:
        raise ActionError(_("Keep the note to %(n)d characters.") % {"n": NOTE_MAX}, field="note")
    if reply.urgent and reply.handled_at is None:
        if not access.can_handle_unknown(actor):
            raise ActionError(_("Only an admin or the safeguarding lead can close an urgent message."),
                              code=ErrorCode.FORBIDDEN)
        if not text:
            raise ActionError(_("Write what you did about this message (for example, who you called), then press "
                                "Dealt with again."), field="note")
    if reply.handled_at is None:
        reply.handled_at, reply.handled_by, reply.handled_note = timezone.now(), actor.membership, text
        reply.save(update_fields=["handled_at", "handled_by", "handled_note"])
        audit.record(REPLY_HANDLED.code, actor=actor, client=reply.client, obj=reply,
                     details={"outcome": reply.outcome, "urgent": reply.urgent, "with_note": bool(text)})
    return reply
