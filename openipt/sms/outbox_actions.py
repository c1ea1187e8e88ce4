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
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from openipt.accounts import zones
from openipt.accounts.models import Site
from openipt.core.sealed import Unreadable, seal, unseal
from openipt.courses.models import OPEN_STATUSES, Attendance, Session
from openipt.groups.models import GroupSession, GroupStatus, Member, MemberStatus
from openipt.sms import gateways, texts, urgent_actions
from openipt.sms.actions import settings_for
from openipt.sms.models import Backend, Kind, SmsConsent, SmsMessage, SmsSettings, Status

MAX_ATTEMPTS = 8
LONGEST_PAUSE = timedelta(hours=6)
LEASE = timedelta(minutes=2)
BATCH = 200
# Kinds that go to a number even after it said STOP: the one confirmation that it stopped (also past the daily limit).
AFTER_STOP = {Kind.STOPPED}
# Answers to a message the member has just sent (help, thanks, stop and start confirmed) go at any hour while
# they are fresh: the member is awake and waiting, and a stop must be confirmed at once. One that is retried
# later than this after the member wrote is an ordinary message again and waits for the morning.
ANSWERS = {Kind.HELP, Kind.THANKS, Kind.STOPPED, Kind.STARTED}
FRESH_ANSWER = timedelta(minutes=15)


def backoff(attempt: int) -> timedelta:
    """The pause after the `attempt`-th failed try: 1, 2, 4, 8 ... minutes, never more than six hours."""
    return min(timedelta(minutes=2 ** max(attempt - 1, 0)), LONGEST_PAUSE)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0, 0)))


def member_zone(group_site: Site | None, client_site: Site | None) -> tzinfo:
    """The one rule for the zone of a member's message: the zone of the group's site (where the session is), else
    of the client's own site, else the organisation's default. A reminder or check-in is scheduled in it (its "day
    before at the sending hour" and the time it names), and, kept on the message, it is the zone whose night and
    whose next morning hold the message when it is sent (`message_zone`), so a reminder never goes in the night of
    the zone it was scheduled in, whatever the client's own site says."""
    return zones.first_zone(group_site.time_zone if group_site is not None else "",
                            client_site.time_zone if client_site is not None else "")


def message_zone(message: SmsMessage) -> tzinfo:
    """The zone a queued message's night and daily-limit morning are read in: the one it was scheduled in, kept on
    it; for a message made for no session (an answer to a reply) or kept before the zone was, `member_zone` of the
    member with no group (their site's, else the default)."""
    if message.time_zone:
        return zones.zone_named(message.time_zone)
    return member_zone(None, message.client.site if message.client is not None else None)


def queue(consent: SmsConsent, kind: str, body: str, *, key: str, safety: bool = False,
          session_at: datetime | None = None, course_id: int | None = None,
          now: datetime | None = None, zone: tzinfo | None = None) -> tuple[SmsMessage, bool]:
    """Put one message in the outbox (in the caller's transaction); a second call with the same key adds nothing.
    `zone` is the one the message was scheduled in (`member_zone`), kept for its night and daily-limit holds."""
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
                         to_hint=consent.phone_hint, session_at=session_at, created_at=now, next_attempt_at=now,
                         time_zone=str(getattr(zone, "key", ""))[:64] if zone is not None else "")
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:  # another runner queued it this instant
        return SmsMessage.objects.get(key=key[:120]), False
    return message, True


# -- what is due -------------------------------------------------------------------------------------

# How far back the sender looks for reminders and check-ins it never made (the server was down): those whose
# session has passed are recorded as not sent, with the reason, on the SMS page.
CATCH_UP = timedelta(days=7)
# A reminder made late still goes if the session is at least this far away; a check-in (answered before the
# session, for the facilitator to read) only if there are at least two hours left.
LEAD: dict[str, timedelta] = {Kind.REMINDER: timedelta(minutes=30), Kind.CHECKIN: timedelta(hours=2)}
# Messages made late are not sent in the night: from 22:00 to 7:00 in the zone they are scheduled in (`member_zone`)
# they wait for the morning.
QUIET_FROM, QUIET_UNTIL = 22, 7
TOO_LATE = "Not sent: the sender did not run between the sending hour and the session (the server may have been down)."
TOO_CLOSE = ("Not sent: the sender did not run in time, and by then the session was too close "
             "(a reminder needs 30 minutes, a check-in 2 hours).")


@dataclass
class Due:
    consent: SmsConsent
    kind: str
    key: str
    session_at: datetime
    course_id: int | None
    zone: tzinfo
    upcoming: bool = True  # False: a past session, or one recorded as held or cancelled (only a record of a miss)


def _consents(client_ids: set[int]) -> dict[int, SmsConsent]:
    rows = SmsConsent.objects.filter(client_id__in=client_ids, active=True, stopped_at__isnull=True)
    return {c.client_id: c for c in rows if c.reminders or c.checkins}


def due_between(organisation_id: int, start: datetime, end: datetime) -> list[Due]:
    """The reminders and check-ins for the sessions starting from `start` to before `end` (members who agreed).

    Each carries the time zone it is read in: the group's site's, else the client's site's, else the default.
    """
    sessions = list(GroupSession.objects.filter(group__organisation_id=organisation_id,
                                                scheduled_start__gte=start, scheduled_start__lt=end)
                    .exclude(group__status=GroupStatus.ENDED).select_related("group__site").order_by("pk"))
    members = list(Member.objects.filter(group_id__in={s.group_id for s in sessions}, status=MemberStatus.ACTIVE)
                   .select_related("client__site").only("pk", "group_id", "client_id", "course_id",
                                                        "client__site__time_zone"))
    singles = list(Session.objects.filter(course__organisation_id=organisation_id, course__status__in=OPEN_STATUSES,
                                          scheduled_start__gte=start, scheduled_start__lt=end)
                   .exclude(attendance=Attendance.CANCELLED).select_related("course__client__site").order_by("pk"))
    consents = _consents({m.client_id for m in members} | {s.course.client_id for s in singles})
    found: list[Due] = []
    for session in sessions:
        for member in members:
            consent = consents.get(member.client_id)
            if member.group_id != session.group_id or consent is None:
                continue
            found += _reasons(consent, f"g{session.pk}", session.scheduled_start, member.course_id,
                              member_zone(session.group.site, member.client.site), upcoming=not session.held)
    for single in singles:
        consent = consents.get(single.course.client_id)
        if consent is not None:
            found += _reasons(consent, f"s{single.pk}", single.scheduled_start, single.course_id,
                              member_zone(None, single.course.client.site),
                              upcoming=single.attendance == Attendance.SCHEDULED)
    return found


def _reasons(consent: SmsConsent, session_key: str, at: datetime, course_id: int | None, zone: tzinfo, *,
             upcoming: bool) -> list[Due]:
    reasons = []
    if consent.reminders:
        reasons.append(Due(consent, Kind.REMINDER, f"reminder:{session_key}:{consent.pk}", at, None, zone, upcoming))
    if consent.checkins and course_id is not None:
        reasons.append(Due(consent, Kind.CHECKIN, f"checkin:{session_key}:{consent.pk}", at, course_id, zone, upcoming))
    return reasons


def due_at(due: Due, send_hour: int) -> datetime:
    """When a reminder or check-in is due: the sending hour of the day before the session, in the session's zone."""
    day = due.session_at.astimezone(due.zone).date() - timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(send_hour, 0)), due.zone)


def _body(due: Due, now: datetime) -> str:
    consent = due.consent
    if due.kind == Kind.REMINDER:
        local = due.session_at.astimezone(due.zone)
        template = "reminder_today" if local.date() == now.astimezone(due.zone).date() else "reminder"
        return texts.render(template, consent.language, name=consent.neutral_name,
                            **texts.session_words(consent.language, due.session_at, due.zone))
    return texts.render("checkin", consent.language, name=consent.neutral_name)


def _record_skipped(due: Due, reason: str, now: datetime) -> bool:
    """Keep a reminder or check-in that was never sent, with why, so staff see it on the SMS page (and it never goes)."""
    with transaction.atomic():
        message, created = queue(due.consent, due.kind, _body(due, now), key=due.key, session_at=due.session_at,
                                 course_id=due.course_id, now=now, zone=due.zone)
        if created:
            SmsMessage.objects.filter(pk=message.pk).update(status=Status.SKIPPED, next_attempt_at=None,
                                                            last_error=reason)
    return created


def queue_due(now: datetime | None = None) -> int:
    """Queue the reminders and check-ins whose time has come for every organisation; return how many were queued.

    Each is due at the organisation's sending hour on the day before its session, in the session's time zone (the
    site's). One the sender did not make in time (it did not run) is made on the next run while its session is far
    enough away (`LEAD`), never in the night; otherwise it is recorded as not sent, with the reason.
    """
    now = now or timezone.now()
    organisation_ids = set(SmsConsent.objects.filter(active=True, stopped_at__isnull=True)
                           .values_list("organisation_id", flat=True))
    made = 0
    for organisation_id in sorted(organisation_ids):
        hour = settings_for(organisation_id).send_hour
        # Tomorrow in the zone furthest ahead ends at most 2 days and 14 hours from now.
        candidates = [d for d in due_between(organisation_id, now - CATCH_UP, now + timedelta(days=2, hours=14))
                      if due_at(d, hour) <= now]
        known = set(SmsMessage.objects.filter(key__in=[d.key for d in candidates]).values_list("key", flat=True))
        for due in candidates:
            if due.key in known:
                continue
            missed = due.consent.recorded_at <= due_at(due, hour)  # it was ours to send (consent came before)
            if not due.upcoming or due.session_at <= now:
                if missed:
                    _record_skipped(due, TOO_LATE, now)
                continue
            if due.session_at - now < LEAD[due.kind]:
                if missed:
                    _record_skipped(due, TOO_CLOSE, now)
                continue
            if in_the_night(now, due.zone):
                continue  # the night: made on the first run after 7:00, with the right words for that day
            with transaction.atomic():
                _message, created = queue(due.consent, due.kind, _body(due, now), key=due.key,
                                          session_at=due.session_at, course_id=due.course_id, now=now, zone=due.zone)
            made += int(created)
    return made


# -- sending -----------------------------------------------------------------------------------------

def _gateway(row: SmsSettings) -> gateways.Gateway:
    try:
        key = unseal(row.api_key)
    except Unreadable:
        key = ""
    callback = ""
    if row.backend == Backend.TWILIO and row.inbound_token:  # Twilio posts its delivery reports where we ask
        callback = settings.SITE_URL.rstrip("/") + reverse("sms:delivery", args=[row.inbound_token])
    return gateways.Gateway(row.backend, row.username, key, row.sender, row.sandbox, status_callback=callback)


def sent_today(organisation_id: int, now: datetime) -> int:
    """Messages of the organisation accepted by the gateway since local midnight (safety messages too)."""
    start = _day_start(timezone.localtime(now).date())
    return SmsMessage.objects.filter(organisation_id=organisation_id, sent_at__gte=start).count()


# A message held by the daily limit is tried again the next morning at this hour, never in the night.
HELD_UNTIL_HOUR = 7


def _fresh_answer(message: SmsMessage, now: datetime) -> bool:
    return message.kind in ANSWERS and now - message.created_at <= FRESH_ANSWER


def in_the_night(when: datetime, zone: tzinfo) -> bool:
    """True from 22:00 to before 7:00 in `zone`, when no ordinary message is sent."""
    return not QUIET_UNTIL <= when.astimezone(zone).hour < QUIET_FROM


def next_morning(when: datetime, zone: tzinfo) -> datetime:
    """The first 7:00 in `zone` after `when`."""
    local = when.astimezone(zone)
    day = local.date() if local.hour < QUIET_UNTIL else local.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(QUIET_UNTIL, 0)), zone)


def _hold(message: SmsMessage, until: datetime) -> None:
    SmsMessage.objects.filter(pk=message.pk).update(
        status=Status.HELD, next_attempt_at=until,
        last_error="The organisation's daily limit of messages was reached: this one waits until 7:00 tomorrow.")


def attempt(message_id: int, now: datetime | None = None) -> str | None:
    """Try one due message once, if no other runner claimed it; return what became of it (None if not ours)."""
    now = now or timezone.now()
    claimed = SmsMessage.objects.filter(pk=message_id, status__in=[Status.QUEUED, Status.HELD],
                                        next_attempt_at__lte=now).update(next_attempt_at=now + LEASE)
    if not claimed:
        return None
    message = SmsMessage.objects.select_related("consent", "client__site").get(pk=message_id)
    consent = message.consent
    if consent is not None and (not consent.active or (consent.stopped_at is not None and message.kind not in AFTER_STOP)):
        SmsMessage.objects.filter(pk=message.pk).update(status=Status.CANCELLED, next_attempt_at=None,
                                                        last_error="The member stopped messages, or consent ended.")
        return "cancelled"
    if message.kind in (Kind.REMINDER, Kind.CHECKIN) and message.session_at is not None and message.session_at <= now:
        SmsMessage.objects.filter(pk=message.pk).update(status=Status.SKIPPED, next_attempt_at=None,
                                                        last_error="Too late: the session has started.")
        return "cancelled"
    zone = message_zone(message)  # the zone it was scheduled in: its night, and the morning a hold waits for
    if not message.safety and not _fresh_answer(message, now) and in_the_night(now, zone):
        # A retry or a held message that comes due in the night waits for the morning; safety messages and fresh
        # answers to the member's own message go at once.
        SmsMessage.objects.filter(pk=message.pk).update(next_attempt_at=next_morning(now, zone))
        return "night"
    row = settings_for(message.organisation_id)
    if not message.safety and message.kind not in AFTER_STOP and sent_today(message.organisation_id, now) >= row.daily_limit:
        _hold(message, next_morning(now, zone))
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
        retry_at = at + backoff(number)
        if not message.safety and not _fresh_answer(message, retry_at) and in_the_night(retry_at, zone):
            retry_at = next_morning(retry_at, zone)
        changes.update(status=Status.QUEUED, next_attempt_at=retry_at)
        result = "retry"
    SmsMessage.objects.filter(pk=message.pk).update(**changes)
    return result


@dataclass
class Round:
    queued: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {"sent": 0, "held": 0, "retry": 0, "failed": 0,
                                                            "cancelled": 0, "night": 0})
    urgent: dict[str, int] = field(default_factory=dict)  # e-mails about worrying words from unknown numbers


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
    """One round of `openipt sms send-due`: queue what is due, send what is waiting, and e-mail the admins about
    urgent messages from unknown numbers that they were not told of yet."""
    done = Round(queued=queue_due(now))
    done.counts = deliver_due(now)
    done.urgent = urgent_actions.notify_due(now)
    return done
