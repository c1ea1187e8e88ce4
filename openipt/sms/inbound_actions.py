"""What comes in from the gateway: replies from members, and delivery reports for what we sent.

Every incoming message is stored (`SmsReply`) whatever it says, in the transaction that acts on it:
a check-in answer becomes a questionnaire on the member's course (PHQ-2 with the safety question,
PHQ-9 question 9, scored and checked by the safety rules there, so an answer above 0 on question 9
raises an alert at once); any words are scanned by the risk detector (`source="sms"`); STOP stops
every message at once. What we send back depends on the risk: crisis numbers only to a member who
chose them at consent, and never for a kind of risk where the phone may be shared with the person
who hurts them; otherwise a neutral "someone will contact you". A reply that is not an answer gets a
short help message and waits on the SMS page for a person; a body that cannot be read at all is kept
raw for a person too. Nothing is sent from here: the outbox sends it (`outbox_actions`).
"""

from __future__ import annotations

import hmac
import logging
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.measures.actions import record_remote_answers
from openipt.safety import api as safety_api
from openipt.safety.access import crisis_contacts_for
from openipt.sms import gateways, replies, texts
from openipt.sms.actions import phone_key
from openipt.sms.models import Kind, Outcome, SmsConsent, SmsMessage, SmsReply, SmsSettings, Status
from openipt.sms.outbox_actions import queue

logger = logging.getLogger("openipt.sms")

REPLY_RECEIVED = register("sms.reply_received", "SMS reply received from a member")
STOPPED = register("sms.stopped", "Member replied STOP: no more text messages")
STARTED = register("sms.started", "Member replied START: text messages on again")
DELIVERY_REPORTED = register("sms.delivery_reported", "SMS gateway reported a delivery")

# Kinds of risk where the phone may be in the hands of the person who is the danger: only neutral words.
NEUTRAL_ONLY_KINDS = {"being_harmed", "child_safeguarding", "harm_to_others"}
MAX_TEXT = 1600


def settings_by_token(token: object) -> SmsSettings | None:
    """The organisation whose secret callback address this is, or None.

    Compared in constant time (`hmac.compare_digest`), never by the database's `=`, so the time an answer takes
    says nothing about how much of a guessed address was right. There is one row per organisation.
    """
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        return None
    given = token.encode("utf-8", "replace")
    found = None
    for row in SmsSettings.objects.exclude(inbound_token="").order_by("pk"):
        if hmac.compare_digest(row.inbound_token.encode("utf-8", "replace"), given) and found is None:
            found = row
    return found


def _find_consent(organisation_id: int, sender: str) -> SmsConsent | None:
    number = replies.normalise_phone(sender)
    if number is None:
        return None
    return (SmsConsent.objects.filter(organisation_id=organisation_id, phone_key=phone_key(number))
            .order_by("-active", "-recorded_at").select_related("client").first())


def _unknown_is_worrying(organisation_id: int, reply: SmsReply) -> None:
    """Scan words from a number we do not know: no client to raise an alert for, so the reply is marked urgent
    (first on the SMS page, for an admin) and the server log says so."""
    if reply.text and safety_api.text_signals_risk(organisation_id, reply.text, source="sms"):
        reply.urgent, reply.needs_person = True, True
        logger.warning("sms: worrying words from a number we do not know (reply kept for an admin on the SMS page)")


# One follow-up per check-in (or, without one, per member) while it is open: further unreadable replies add to it.
UNREADABLE_RULE = "sms_checkin_unreadable"


def _unreadable_follow_up(reply: SmsReply, consent: SmsConsent, text: str, now: datetime) -> list[Any]:
    """A reply that is not an answer: if it may hold an answer to question 9, or any words, a person must read it.

    Raised as a follow-up alert for the member's care team (their clinician, or their group's facilitator), as a
    paper PHQ-9 whose question 9 was left blank is (HAZ-022, HAZ-036): it shows the reply's words to staff, escalates
    and stays until a person acts. Looked at today when the reply has numbers in it, at the next contact otherwise.
    """
    found = replies.unreadable_kind(text)
    if found is None:
        return []
    checkin = (SmsMessage.objects.filter(consent=consent, kind=Kind.CHECKIN)
               .exclude(status__in=[Status.CANCELLED, Status.SKIPPED, Status.QUEUED, Status.HELD])
               .order_by("-created_at", "-pk").first())
    reason = _("A text message from this member could not be read as check-in answers. It may hold an answer to "
               "the question about suicide and self-harm (question 9). Read it below and ask the member about it: "
               "today if it has numbers in it, at the latest at the next contact. Write down what they said.")
    return list(safety_api.raise_follow_up(
        client=consent.client, rule_id=UNREADABLE_RULE, severity="medium" if found == "answer" else "low",
        reason=reason, source="sms", item="q9", value="could not be read",
        obj=checkin if checkin is not None else consent, text=text, now=now) or [])


def _safety_body(consent: SmsConsent, alerts: list[Any]) -> str:
    kinds = {str(getattr(alert, "kind", "")) for alert in alerts}
    numbers: list[str] = []
    if consent.crisis_texts and not kinds & NEUTRAL_ONLY_KINDS:
        for contact in crisis_contacts_for(consent.organisation_id, consent.language):
            number = contact.text_number or contact.phone
            if number and number not in numbers:
                numbers.append(number)
    if numbers:
        return texts.render("safety_numbers", consent.language, name=consent.neutral_name, numbers=", ".join(numbers[:2]))
    return texts.render("safety", consent.language, name=consent.neutral_name)


def _answer(reply: SmsReply, consent: SmsConsent, answer: replies.CheckinAnswer, now: datetime) -> list[Any]:
    """Store a check-in answer on the course it was asked for (or, without one, still check it for risk)."""
    client = consent.client
    checkin = (SmsMessage.objects.select_for_update().filter(consent=consent, kind=Kind.CHECKIN, course__isnull=False)
               .exclude(status__in=[Status.CANCELLED, Status.QUEUED, Status.HELD]).order_by("-created_at", "-pk").first())
    course = checkin.course if checkin is not None else None
    if checkin is None or checkin.answered_at is not None or course is None:
        # Not asked, or already answered: kept for a person, and the safety question still counts.
        reply.outcome, reply.needs_person = Outcome.TEXT, True
        # PHQ-2's question 9 is PHQ-9's, and the risk rules are written for PHQ-9 (as measures' linked items).
        return list(safety_api.raise_for_answers(client=client, instrument_code="phq9", answers={"q9": answer.q9},
                                                 obj=reply, text=reply.text) or [])
    administration, alerts = record_remote_answers(client, course, instrument_code="phq2",
                                                   answers=answer.answers(), when=now)
    SmsMessage.objects.filter(pk=checkin.pk).update(answered_at=now)
    late = checkin.session_at is not None and now > checkin.session_at
    reply.checkin, reply.administration = checkin, administration
    reply.outcome = Outcome.LATE if late else Outcome.SCORED
    return list(alerts)


@transaction.atomic
def receive(row: SmsSettings, fields: dict[str, str] | None, raw: bytes, now: datetime | None = None) -> SmsReply:
    """Store and act on one incoming message (Africa's Talking fields: from, to, text, date, id, linkId)."""
    now = now or timezone.now()
    organisation_id = row.organisation_id
    if fields is None or "from" not in fields:
        reply = SmsReply.objects.create(organisation_id=organisation_id, outcome=Outcome.UNREADABLE, needs_person=True,
                                        raw=raw[:5000].decode("utf-8", "replace").replace("\x00", "\ufffd"),
                                        received_at=now)
        audit.record(REPLY_RECEIVED.code, organisation_id=organisation_id, obj=reply,
                     details={"outcome": reply.outcome}, system_label="sms gateway")
        return reply
    text = fields.get("text", "")[:MAX_TEXT]
    sender = fields.get("from", "")
    gateway_id = fields.get("id", "")[:100]
    if gateway_id:
        # The gateway sends a message again when it missed our answer: the first delivery is the one acted on.
        earlier = SmsReply.objects.select_for_update().filter(organisation_id=organisation_id,
                                                               gateway_id=gateway_id).first()
        if earlier is not None:
            return earlier
    consent = _find_consent(organisation_id, sender)
    reply = SmsReply(organisation_id=organisation_id, consent=consent, client=consent.client if consent else None,
                     gateway_id=gateway_id, from_hint=replies.mask_phone(sender), text=text,
                     received_at=now, outcome=Outcome.UNKNOWN, needs_person=True)
    if consent is None:
        _unknown_is_worrying(organisation_id, reply)
        reply.save()
        audit.record(REPLY_RECEIVED.code, organisation_id=organisation_id, obj=reply,
                     details={"outcome": reply.outcome, "urgent": reply.urgent}, system_label="sms gateway")
        return reply
    reply.save()
    client = consent.client
    alerts: list[Any] = []
    follow_ups: list[Any] = []  # a reply nobody could read: a person looks, but the member still gets the help text
    answer_back: tuple[str, str] | None = None  # (kind, body)
    if replies.is_stop(text):
        reply.outcome, reply.needs_person = Outcome.STOP, False
        if consent.stopped_at is None:
            SmsConsent.objects.filter(pk=consent.pk).update(stopped_at=now)
            SmsMessage.objects.filter(consent=consent, status__in=[Status.QUEUED, Status.HELD]).update(
                status=Status.CANCELLED, next_attempt_at=None, last_error="The member replied STOP.")
            consent.stopped_at = now
            audit.record(STOPPED.code, client=client, obj=consent, details={"reply": reply.pk}, system_label="sms gateway")
            answer_back = (Kind.STOPPED, texts.render("stopped", consent.language, name=consent.neutral_name))
    elif replies.is_start(text):
        reply.outcome = Outcome.START
        if consent.active and consent.stopped_at is not None:
            SmsConsent.objects.filter(pk=consent.pk).update(stopped_at=None)
            consent.stopped_at = None
            reply.needs_person = False
            audit.record(STARTED.code, client=client, obj=consent, details={"reply": reply.pk}, system_label="sms gateway")
            answer_back = (Kind.STARTED, texts.render("started", consent.language, name=consent.neutral_name))
        # otherwise staff consent has ended (or messages were never stopped): a person reads it
        reply.needs_person = reply.needs_person and not consent.active
    else:
        answer = replies.parse_checkin(text)
        if answer is not None:
            alerts += _answer(reply, consent, answer, now)
            alerts += list(safety_api.raise_for_text(client=client, text=answer.rest, source="sms", obj=reply) or [])
            if reply.outcome in (Outcome.SCORED, Outcome.LATE):
                reply.needs_person = bool(answer.rest)
                answer_back = (Kind.THANKS, texts.render("thanks", consent.language, name=consent.neutral_name))
        else:
            reply.outcome, reply.needs_person = Outcome.NOT_UNDERSTOOD, True
            alerts += list(safety_api.raise_for_text(client=client, text=text, source="sms", obj=reply) or [])
            follow_ups = _unreadable_follow_up(reply, consent, text, now)
            answer_back = (Kind.HELP, texts.render("help", consent.language, name=consent.neutral_name))
    reply.alerts = len(alerts) + len(follow_ups)
    if alerts:
        reply.needs_person = True
        answer_back = (Kind.SAFETY, _safety_body(consent, alerts))
    reply.save()
    audit.record(REPLY_RECEIVED.code, client=client, obj=reply,
                 details={"outcome": reply.outcome, "alerts": len(alerts), "follow_up": len(follow_ups),
                          "administration": reply.administration_id}, system_label="sms gateway")
    if answer_back is not None:
        kind, body = answer_back
        may = consent.active and (consent.stopped_at is None or kind == Kind.STOPPED)
        if may:
            queue(consent, kind, body, key=f"{kind}:reply{reply.pk}", safety=kind == Kind.SAFETY, now=now)
    return reply


def _check_kept(row: SmsSettings, reply: SmsReply, fields: dict[str, str]) -> tuple[SmsConsent | None, list[Any]]:
    """For a reply kept after acting on it failed: match the sender again and still run the safety checks
    (question 9 of a check-in answer, the risk detector on the words), attaching the reply to the member."""
    text = reply.text
    consent = _find_consent(row.organisation_id, fields.get("from", ""))
    if consent is None:
        _unknown_is_worrying(row.organisation_id, reply)
        SmsReply.objects.filter(pk=reply.pk).update(urgent=reply.urgent)
        return None, []
    client = consent.client
    alerts: list[Any] = []
    answer = replies.parse_checkin(text)
    if answer is not None:
        alerts += list(safety_api.raise_for_answers(client=client, instrument_code="phq9", answers={"q9": answer.q9},
                                                    obj=reply, text=text) or [])
        words = answer.rest
    else:
        words = text
    alerts += list(safety_api.raise_for_text(client=client, text=words, source="sms", obj=reply) or [])
    follow_ups = [] if answer is not None or replies.is_stop(text) or replies.is_start(text) else \
        _unreadable_follow_up(reply, consent, text, timezone.now())
    count = len(alerts) + len(follow_ups)
    reply.consent, reply.client, reply.alerts = consent, client, count
    SmsReply.objects.filter(pk=reply.pk).update(consent=consent, client=client, alerts=count)
    audit.record(REPLY_RECEIVED.code, client=client, obj=reply,
                 details={"outcome": reply.outcome, "failed": True, "alerts": len(alerts)}, system_label="sms gateway")
    return consent, alerts


def keep_unsigned(row: SmsSettings, fields: dict[str, str] | None, raw: bytes) -> SmsReply:
    """A message the gateway should have signed and did not (or not with this account's token): kept for an admin,
    never matched to a member, scored or answered. Its words are still read for risk: if they are worrying, it is
    urgent as one from an unknown number is (admins and the safeguarding lead e-mailed, open until closed with a
    note), so a wrong site address in the gateway's settings cannot silently bury a member's cry for help."""
    with transaction.atomic():
        reply = receive(row, None, raw)
        text = ((fields or {}).get("Body") or "")[:MAX_TEXT]
        if text:
            reply.text, reply.from_hint = text, replies.mask_phone((fields or {}).get("From", ""))
            _unknown_is_worrying(row.organisation_id, reply)
            SmsReply.objects.filter(pk=reply.pk).update(text=reply.text, from_hint=reply.from_hint,
                                                        urgent=reply.urgent, needs_person=True)
    return reply


def receive_kept(row: SmsSettings, fields: dict[str, str] | None, raw: bytes) -> SmsReply:
    """`receive`, and if acting on the message fails for any reason, still keep it for a person (never lost).

    The kept reply is stored in a transaction of its own; then, in another, the sender is matched again and the
    safety checks still run on it (alerts for the member). If even that fails, the reply stays kept for a person.
    """
    gateway_id = ((fields or {}).get("id") or "")[:100]
    try:
        return receive(row, fields, raw)
    except IntegrityError:
        # Two deliveries of the same message at once: the other one stored it (and acted on it).
        earlier = SmsReply.objects.filter(organisation_id=row.organisation_id, gateway_id=gateway_id).first()
        if gateway_id and earlier is not None:
            return earlier
        logger.exception("sms: an incoming message could not be acted on; it is kept for a person")
    except Exception:  # noqa: BLE001 - whatever went wrong, the member's words must reach a person
        logger.exception("sms: an incoming message could not be acted on; it is kept for a person")
    with transaction.atomic():
        sender = (fields or {}).get("from", "")
        if SmsReply.objects.filter(organisation_id=row.organisation_id, gateway_id=gateway_id).exists():
            gateway_id = ""  # (only when an id is empty or the failure was a clash of ids: kept again, unmarked)
        reply = SmsReply.objects.create(
            organisation_id=row.organisation_id, outcome=Outcome.UNREADABLE, needs_person=True, gateway_id=gateway_id,
            from_hint=replies.mask_phone(sender), text=(fields or {}).get("text", "")[:MAX_TEXT],
            raw=raw[:5000].decode("utf-8", "replace").replace("\x00", "\ufffd"), received_at=timezone.now())
        audit.record(REPLY_RECEIVED.code, organisation_id=row.organisation_id, obj=reply,
                     details={"outcome": reply.outcome, "failed": True}, system_label="sms gateway")
    if fields is None or "from" not in fields:
        return reply
    try:
        with transaction.atomic():
            consent, alerts = _check_kept(row, reply, fields)
    except Exception:  # noqa: BLE001 - the reply is kept for a person whatever happens here
        logger.exception("sms: the safety checks of a kept message failed too; a person must read it")
        reply.refresh_from_db()
        return reply
    if consent is not None and alerts and consent.active and consent.stopped_at is None:
        try:  # the member still hears that someone will contact them; the alerts are already stored
            with transaction.atomic():
                queue(consent, Kind.SAFETY, _safety_body(consent, alerts), key=f"{Kind.SAFETY}:reply{reply.pk}",
                      safety=True)
        except Exception:  # noqa: BLE001
            logger.exception("sms: the safety answer to a kept message could not be queued")
    return reply


@transaction.atomic
def delivery_report(row: SmsSettings, fields: dict[str, str] | None) -> bool:
    """Record what the gateway says became of a message (fields: id, status, failureReason ...); True if it matched."""
    if not fields or not fields.get("id"):
        return False
    message = SmsMessage.objects.select_for_update().filter(organisation_id=row.organisation_id,
                                                            gateway_id=fields["id"][:100]).first()
    if message is None:
        return False
    state = gateways.delivery_state(fields.get("status", ""))
    changes: dict[str, Any] = {}
    if state == "delivered" and message.status != Status.DELIVERED:
        changes.update(status=Status.DELIVERED, delivered_at=timezone.now(), last_error="")
    elif state == "failed" and message.status != Status.FAILED:
        reason = fields.get("failureReason", "") or fields.get("status", "")
        changes.update(status=Status.FAILED, last_error=f"The network did not deliver it: {reason}"[:300])
    if fields.get("cost") and not message.cost:
        changes["cost"] = fields["cost"][:40]
    if changes:
        SmsMessage.objects.filter(pk=message.pk).update(**changes)
        audit.record(DELIVERY_REPORTED.code, organisation_id=row.organisation_id, obj=message,
                     details={"status": changes.get("status", message.status)}, system_label="sms gateway")
    return True
