"""The SMS outbox: what is due (reminders and check-ins the day before a session), and sending it.

`openipt sms send-due` calls `send_due`: it queues the reminders and check-ins that are due (one row
per reason, by a unique key, so running it twice queues and sends once), then sends every queued
message whose time has come, outside any transaction, claiming each row first (as the webhook sender
does, `openipt/api/webhook_actions.py`). A failed try is retried with growing pauses, up to a cap,
and the error is shown on the SMS page. The daily limit of the organisation holds ordinary messages
until the next day (they say so on the page); a safety message is never held.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from openipt.core.sealed import Unreadable, seal, unseal
from openipt.courses.models import OPEN_STATUSES, Attendance, Session
from openipt.groups.models import GroupSession, GroupStatus, Member, MemberStatus
from openipt.sms import gateways, texts
from openipt.sms.actions import settings_for
from openipt.sms.models import Kind, SmsConsent, SmsMessage, SmsSettings, Status

MAX_ATTEMPTS = 8
LONGEST_PAUSE = timedelta(hours=6)
LEASE = timedelta(minutes=2)
BATCH = 200
# Kinds that go to a number even after it said STOP: the one confirmation that it stopped.
AFTER_STOP = {Kind.STOPPED}


def backoff(attempt: int) -> timedelta:
    """The pause after the `attempt`-th failed try: 1, 2, 4, 8 ... minutes, never more than six hours."""
    return min(timedelta(minutes=2 ** max(attempt - 1, 0)), LONGEST_PAUSE)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0, 0)))


def queue(consent: SmsConsent, kind: str, body: str, *, key: str, safety: bool = False,
          session_at: datetime | None = None, course_id: int | None = None,
          now: datetime | None = None) -> tuple[SmsMessage, bool]:
    """Put one message in the outbox (in the caller's transaction); a second call with the same key adds nothing."""
    now = now or timezone.now()
    found = SmsMessage.objects.filter(key=key).first()
    if found is not None:
        return found, False
    try:
        to = unseal(consent.phone)
    except Unreadable:
        to = ""
    message = SmsMessage(organisation_id=consent.organisation_id, client_id=consent.client_id, consent=consent,
                         course_id=course_id, kind=kind, safety=safety, key=key[:120], body=body, to=seal(to),
                         to_hint=consent.phone_hint, session_at=session_at, created_at=now, next_attempt_at=now)
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:  # another runner queued it this instant
        return SmsMessage.objects.get(key=key[:120]), False
    return message, True


# -- what is due -------------------------------------------------------------------------------------

@dataclass
class Due:
    consent: SmsConsent
    kind: str
    key: str
    session_at: datetime
    course_id: int | None


def _consents(client_ids: set[int]) -> dict[int, SmsConsent]:
    rows = SmsConsent.objects.filter(client_id__in=client_ids, active=True, stopped_at__isnull=True)
    return {c.client_id: c for c in rows if c.reminders or c.checkins}


def due_for_day(organisation_id: int, day: date) -> list[Due]:
    """The reminders and check-ins for the sessions on `day` (the members who agreed to them)."""
    start, end = _day_start(day), _day_start(day + timedelta(days=1))
    found: list[Due] = []
    sessions = list(GroupSession.objects.filter(group__organisation_id=organisation_id, held=False,
                                                scheduled_start__gte=start, scheduled_start__lt=end)
                    .exclude(group__status=GroupStatus.ENDED).order_by("pk"))
    members = list(Member.objects.filter(group_id__in={s.group_id for s in sessions}, status=MemberStatus.ACTIVE)
                   .only("pk", "group_id", "client_id", "course_id"))
    singles = list(Session.objects.filter(course__organisation_id=organisation_id, attendance=Attendance.SCHEDULED,
                                          course__status__in=OPEN_STATUSES, scheduled_start__gte=start,
                                          scheduled_start__lt=end).select_related("course").order_by("pk"))
    consents = _consents({m.client_id for m in members} | {s.course.client_id for s in singles})
    for session in sessions:
        for member in members:
            consent = consents.get(member.client_id)
            if member.group_id != session.group_id or consent is None:
                continue
            found += _reasons(consent, f"g{session.pk}", session.scheduled_start, member.course_id)
    for single in singles:
        consent = consents.get(single.course.client_id)
        if consent is not None:
            found += _reasons(consent, f"s{single.pk}", single.scheduled_start, single.course_id)
    return found


def _reasons(consent: SmsConsent, session_key: str, at: datetime, course_id: int | None) -> list[Due]:
    reasons = []
    if consent.reminders:
        reasons.append(Due(consent, Kind.REMINDER, f"reminder:{session_key}:{consent.pk}", at, None))
    if consent.checkins and course_id is not None:
        reasons.append(Due(consent, Kind.CHECKIN, f"checkin:{session_key}:{consent.pk}", at, course_id))
    return reasons


def _body(due: Due) -> str:
    consent = due.consent
    if due.kind == Kind.REMINDER:
        return texts.render("reminder", consent.language, name=consent.neutral_name,
                            **texts.session_words(consent.language, due.session_at))
    return texts.render("checkin", consent.language, name=consent.neutral_name)


def queue_due(now: datetime | None = None) -> int:
    """Queue tomorrow's reminders and check-ins for every organisation whose sending hour has come; return how many."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    organisation_ids = set(SmsConsent.objects.filter(active=True, stopped_at__isnull=True)
                           .values_list("organisation_id", flat=True))
    made = 0
    for organisation_id in sorted(organisation_ids):
        hour = settings_for(organisation_id).send_hour
        if local.hour < hour:
            continue
        for due in due_for_day(organisation_id, local.date() + timedelta(days=1)):
            with transaction.atomic():
                _message, created = queue(due.consent, due.kind, _body(due), key=due.key, session_at=due.session_at,
                                          course_id=due.course_id, now=now)
            made += int(created)
    return made


# -- sending -----------------------------------------------------------------------------------------

def _gateway(row: SmsSettings) -> gateways.Gateway:
    try:
        key = unseal(row.api_key)
    except Unreadable:
        key = ""
    return gateways.Gateway(row.backend, row.username, key, row.sender, row.sandbox)


def sent_today(organisation_id: int, now: datetime) -> int:
    """Messages of the organisation accepted by the gateway since local midnight (safety messages too)."""
    start = _day_start(timezone.localtime(now).date())
    return SmsMessage.objects.filter(organisation_id=organisation_id, sent_at__gte=start).count()


# A message held by the daily limit is tried again the next morning at this hour, never in the night.
HELD_UNTIL_HOUR = 7


def _hold(message: SmsMessage, now: datetime) -> None:
    tomorrow = _day_start(timezone.localtime(now).date() + timedelta(days=1)) + timedelta(hours=HELD_UNTIL_HOUR)
    SmsMessage.objects.filter(pk=message.pk).update(
        status=Status.HELD, next_attempt_at=tomorrow,
        last_error="The organisation's daily limit of messages was reached: this one waits until 7:00 tomorrow.")


def attempt(message_id: int, now: datetime | None = None) -> str | None:
    """Try one due message once, if no other runner claimed it; return what became of it (None if not ours)."""
    now = now or timezone.now()
    claimed = SmsMessage.objects.filter(pk=message_id, status__in=[Status.QUEUED, Status.HELD],
                                        next_attempt_at__lte=now).update(next_attempt_at=now + LEASE)
    if not claimed:
        return None
    message = SmsMessage.objects.select_related("consent").get(pk=message_id)
    consent = message.consent
    if consent is not None and (not consent.active or (consent.stopped_at is not None and message.kind not in AFTER_STOP)):
        SmsMessage.objects.filter(pk=message.pk).update(status=Status.CANCELLED, next_attempt_at=None,
                                                        last_error="The member stopped messages, or consent ended.")
        return "cancelled"
    if message.kind in (Kind.REMINDER, Kind.CHECKIN) and message.session_at is not None and message.session_at <= now:
        SmsMessage.objects.filter(pk=message.pk).update(status=Status.CANCELLED, next_attempt_at=None,
                                                        last_error="Too late: the session has started.")
        return "cancelled"
    row = settings_for(message.organisation_id)
    if not message.safety and sent_today(message.organisation_id, now) >= row.daily_limit:
        _hold(message, now)
        return "held"
    try:
        to = unseal(message.to)
    except Unreadable:
        to = ""
    if not to:
        outcome = gateways.Sent(False, error="The number cannot be read (the site's key changed): record the number again.",
                                retry=False)
    else:
        outcome = gateways.send(_gateway(row), to, message.body, reference=f"{message.to_hint} #{message.pk}")
    at = now
    number = message.attempts + 1
    changes: dict[str, Any] = {"attempts": number, "last_error": outcome.error, "backend": row.backend}
    if outcome.ok:
        changes.update(status=Status.SENT, sent_at=at, next_attempt_at=None, gateway_id=outcome.gateway_id,
                       cost=outcome.cost, last_error="")
        if row.backend == "console":
            changes.update(status=Status.DELIVERED, delivered_at=at)
        result = "sent"
    elif not outcome.retry or number >= MAX_ATTEMPTS:
        changes.update(status=Status.FAILED, next_attempt_at=None)
        result = "failed"
    else:
        changes.update(status=Status.QUEUED, next_attempt_at=at + backoff(number))
        result = "retry"
    SmsMessage.objects.filter(pk=message.pk).update(**changes)
    return result


@dataclass
class Round:
    queued: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {"sent": 0, "held": 0, "retry": 0, "failed": 0,
                                                            "cancelled": 0})


def deliver_due(now: datetime | None = None, *, limit: int = BATCH) -> dict[str, int]:
    """Try every message that is due: safety messages first, then oldest first."""
    now = now or timezone.now()
    ids = list(SmsMessage.objects.filter(Q(status=Status.QUEUED) | Q(status=Status.HELD), next_attempt_at__lte=now)
               .order_by("-safety", "next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    counts = Round().counts
    for pk in ids:
        result = attempt(pk, now)
        if result is not None:
            counts[result] += 1
    return counts


def send_due(now: datetime | None = None) -> Round:
    """One round of `openipt sms send-due`: queue what is due, then send what is waiting."""
    done = Round(queued=queue_due(now))
    done.counts = deliver_due(now)
    return done
