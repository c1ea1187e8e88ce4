"""Reminders for clients: what is due now, made once each, shown in the portal and e-mailed.

`make_due_reminders(now)` (run by `openipt manage remind` every few minutes) finds what should be
reminded at the times clients chose: sessions coming up, reading not yet read, worksheets a
therapist assigned and not yet started, and what the client planned to try (from the last
signed session note), and questionnaires due (from `openipt.measures.api.due_for_client`, for
clients with a portal login, checked in the half hour after their chosen time). Each reminder has
a key (the thing it reminds about), unique per client, so running again makes no duplicates; an
e-mail is queued once per reminder through the task queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from openipt.accounts import language, zones
from openipt.audit import actions as audit
from openipt.clients.models import Client
from openipt.core.errors import ActionError
from openipt.courses.models import OPEN_STATUSES, Attendance, NoteStatus, Session, SessionNote
from openipt.measures import api as measures_api
from openipt.practice import access
from openipt.practice.actions import (
    REMINDER_DISMISSED,
    REMINDER_EMAILED,
    REMINDERS_MADE,
    own_client_or_refuse,
)
from openipt.practice.models import (
    ClientPractice,
    EmailState,
    ReadingAssignment,
    Reminder,
    ReminderKind,
    Worksheet,
    WorksheetStatus,
)

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

DEFAULTS = ClientPractice()
SESSION_WINDOW = timedelta(days=4)
TASK_LOOKBACK = timedelta(days=14)
QUESTIONNAIRE_WINDOW = timedelta(minutes=30)


@dataclass(frozen=True)
class Due:
    client_id: int
    key: str
    kind: str
    text: str
    url: str
    due_at: datetime
    email: bool


def _at_chosen_time(day: date, chosen: time | None, zone: tzinfo | None = None) -> datetime:
    return timezone.make_aware(datetime.combine(day, chosen or DEFAULTS.reminder_time), zone)


PREF_FIELDS = ("reminders_enabled", "reminder_email", "reminder_time", "session_days_before")


def _prefs(row: dict[str, Any], prefix: str) -> tuple[bool, bool, time, int]:
    enabled = row[f"{prefix}practice__reminders_enabled"]
    email = row[f"{prefix}practice__reminder_email"]
    chosen = row[f"{prefix}practice__reminder_time"]
    days = row[f"{prefix}practice__session_days_before"]
    return (DEFAULTS.reminders_enabled if enabled is None else enabled,
            DEFAULTS.reminder_email if email is None else email,
            chosen or DEFAULTS.reminder_time,
            DEFAULTS.session_days_before if days is None else days)


def _wants(prefix: str) -> Q:
    """Clients who have not turned reminders off and can receive one (a portal login or an e-mail)."""
    return ((Q(**{f"{prefix}practice__isnull": True}) | Q(**{f"{prefix}practice__reminders_enabled": True}))
            & (Q(**{f"{prefix}user__isnull": False}) | ~Q(**{f"{prefix}email": ""})))


def _values(prefix: str) -> list[str]:
    return [f"{prefix}practice__{f}" for f in PREF_FIELDS] + [f"{prefix}email", f"{prefix}id"]


def _language_of(client_id: int, known: dict[int, str]) -> str:
    """The client's language for reminders they read (their preferred one when OpenIPT has it)."""
    if client_id not in known:
        client = Client.objects.select_related("organisation").filter(pk=client_id).first()
        known[client_id] = language.for_code(client.preferred_language if client else "",
                                             client.organisation if client else None)
    return known[client_id]


def _session_reminders(now: datetime) -> list[Due]:
    rows = (Session.objects.filter(attendance=Attendance.SCHEDULED, scheduled_start__gt=now,
                                   scheduled_start__lte=now + SESSION_WINDOW,
                                   course__status__in=[s.value for s in OPEN_STATUSES])
            .filter(_wants("course__client__"))
            .values("pk", "scheduled_start", "mode", "course__client__site__time_zone", *_values("course__client__")))
    found = []
    known: dict[int, str] = {}
    for row in rows:
        enabled, email, chosen, days = _prefs(row, "course__client__")
        # The time the client reads, and "the day before" at their chosen time, are their site's (issue 18).
        zone = zones.first_zone(row["course__client__site__time_zone"])
        start = timezone.localtime(row["scheduled_start"], zone)
        due_at = _at_chosen_time(start.date() - timedelta(days=days), chosen, zone)
        if due_at > now:
            continue
        with translation.override(_language_of(row["course__client__id"], known)):
            when = formats.date_format(start, "l j F") + ", " + start.strftime("%H:%M")
            text = _("Your next session is on %(when)s.") % {"when": when}
        # The key names the session's time in the default zone, as before sites had zones: no reminder twice.
        key = f"session:{row['pk']}:{timezone.localtime(row['scheduled_start']):%Y%m%d%H%M}"
        found.append(Due(row["course__client__id"], key, ReminderKind.SESSION,
                         text, "/me/", due_at, bool(email and row["course__client__email"])))
    return found


def _task_reminders(now: datetime) -> list[Due]:
    found = []
    since = now - TASK_LOOKBACK
    readings = (ReadingAssignment.objects.filter(active=True, read_at__isnull=True, created_at__gte=since)
                .filter(_wants("client__")).values("pk", "created_at", *_values("client__")))
    sheets = (Worksheet.objects.filter(status=WorksheetStatus.ASSIGNED, created_at__gte=since)
              .filter(_wants("client__")).values("pk", "created_at", *_values("client__")))
    notes = (SessionNote.objects.filter(status=NoteStatus.SIGNED, signed_at__gte=since,
                                        session__course__status__in=[s.value for s in OPEN_STATUSES])
             .exclude(client_will_try="").filter(_wants("session__course__client__"))
             .values("pk", "signed_at", *_values("session__course__client__")))
    sources = [
        (readings, "client__", "created_at", "reading", gettext_noop("You have something new to read."), "/me/reading/"),
        (sheets, "client__", "created_at", "worksheet", gettext_noop("Your therapist gave you a worksheet to fill in."),
         "/me/worksheets/"),
        (notes, "session__course__client__", "signed_at", "try",
         gettext_noop("A reminder of what you planned to try before your next session."), "/me/"),
    ]
    known: dict[int, str] = {}
    for rows, prefix, stamp, label, text, url in sources:
        for row in rows:
            enabled, email, chosen, _days = _prefs(row, prefix)
            due_at = _at_chosen_time(timezone.localtime(row[stamp]).date() + timedelta(days=1), chosen)
            if due_at > now:
                continue
            with translation.override(_language_of(row[f"{prefix}id"], known)):
                said = _(text)
            found.append(Due(row[f"{prefix}id"], f"{label}:{row['pk']}", ReminderKind.TASK, said, url, due_at,
                             bool(email and row[f"{prefix}email"])))
    return found


def _latest_chosen_moment(now: datetime, chosen: time | None) -> datetime:
    """The last time the clock showed the client's chosen time, at or before `now`."""
    local = timezone.localtime(now)
    moment = _at_chosen_time(local.date(), chosen)
    return moment if moment <= now else _at_chosen_time(local.date() - timedelta(days=1), chosen)


def _questionnaire_reminders(now: datetime) -> list[Due]:
    """Questionnaires due for portal clients whose chosen time passed in the last half hour.

    The measures app answers per client, so only clients in that window are asked: each client is
    looked at a few times a day at most, however often `remind` runs.
    """
    due_for_client = getattr(measures_api, "due_for_client", None)
    if due_for_client is None:
        return []
    rows = (Client.objects.filter(user__isnull=False, courses__status__in=[s.value for s in OPEN_STATUSES])
            .filter(Q(practice__isnull=True) | Q(practice__reminders_enabled=True))
            .values("id", "email", "practice__reminder_email", "practice__reminder_time").distinct())
    found = []
    for row in rows:
        chosen = row["practice__reminder_time"] or DEFAULTS.reminder_time
        moment = _latest_chosen_moment(now, chosen)
        if now - moment >= QUESTIONNAIRE_WINDOW:
            continue
        email = DEFAULTS.reminder_email if row["practice__reminder_email"] is None else row["practice__reminder_email"]
        client = Client.objects.select_related("organisation").get(pk=row["id"])
        for item in due_for_client(client):
            with translation.override(language.for_code(client.preferred_language, client.organisation)):
                text = _("A questionnaire is waiting for you: %(name)s.") % {"name": item.get("name", "")}
            found.append(Due(row["id"], f"questionnaire:{item['key']}"[:80], ReminderKind.QUESTIONNAIRE, text,
                             str(item.get("url") or "/me/")[:300], moment, bool(email and row["email"])))
    return found


def due_now(now: datetime | None = None) -> list[Due]:
    """Return every reminder that is due at `now` (made or not)."""
    now = now or timezone.now()
    return _session_reminders(now) + _task_reminders(now) + _questionnaire_reminders(now)


def make_due_reminders(now: datetime | None = None, *, dry_run: bool = False) -> tuple[int, int]:
    """Make the reminders that are due and queue their e-mails; return (made, queued). Safe to repeat."""
    from openipt.practice.tasks import send_reminder_email

    now = now or timezone.now()
    due = due_now(now)
    if dry_run:
        existing = set(Reminder.objects.filter(key__in=[d.key for d in due]).values_list("client_id", "key"))
        return len([d for d in due if (d.client_id, d.key) not in existing]), 0
    with transaction.atomic():
        Reminder.objects.bulk_create([
            Reminder(client_id=d.client_id, key=d.key, kind=d.kind, text=d.text[:300], url=d.url, due_at=d.due_at,
                     created_at=now, email_state=EmailState.PENDING if d.email else EmailState.SKIPPED)
            for d in due], ignore_conflicts=True, batch_size=500)
    made = Reminder.objects.filter(created_at=now).count()
    queued = 0
    for pk in list(Reminder.objects.filter(email_state=EmailState.PENDING, enqueued_at__isnull=True)
                   .values_list("pk", flat=True)[:5000]):
        with transaction.atomic():
            claimed = Reminder.objects.filter(pk=pk, enqueued_at__isnull=True).update(enqueued_at=timezone.now())
            if claimed:
                queued += 1
                transaction.on_commit(partial(send_reminder_email.enqueue, pk))
    if made or queued:
        audit.record(REMINDERS_MADE.code, details={"made": made, "queued": queued}, system_label="openipt remind")
    return made, queued


def email_reminder(reminder_id: int) -> str:
    """Send one reminder by e-mail (run by the task queue); return its new e-mail state."""
    from django.conf import settings
    from django.core.mail import send_mail

    with transaction.atomic():
        reminder = (Reminder.objects.select_for_update(of=("self",)).select_related("client", "client__organisation")
                    .filter(pk=reminder_id).first())
        if reminder is None or reminder.email_state != EmailState.PENDING:
            return reminder.email_state if reminder else "missing"
        client = reminder.client
        prefs = access.settings_for(client)
        if not (prefs.reminders_enabled and prefs.reminder_email and client.email):
            Reminder.objects.filter(pk=reminder.pk).update(email_state=EmailState.SKIPPED)
            return EmailState.SKIPPED
    greeting = client.preferred_name or client.given_name
    with translation.override(language.for_code(client.preferred_language, client.organisation)):
        body = "\n\n".join([
            _("Hello %(name)s,") % {"name": greeting},
            reminder.text,
            _("Sign in to see more: %(url)s") % {"url": settings.SITE_URL + (reminder.url or "/me/")},
            _("You can turn these e-mails off under “Reminders” when you sign in."),
        ])
        subject = _("A reminder from OpenIPT")
    try:
        send_mail(subject, body, None, [client.email], fail_silently=False)
    except Exception:  # noqa: BLE001 - a mail server problem is recorded, never raised into the queue
        Reminder.objects.filter(pk=reminder.pk).update(email_state=EmailState.FAILED)
        return EmailState.FAILED
    with transaction.atomic():
        Reminder.objects.filter(pk=reminder.pk).update(email_state=EmailState.SENT, emailed_at=timezone.now())
        audit.record(REMINDER_EMAILED.code, client=client, obj=reminder, details={"kind": reminder.kind},
                     system_label="reminder e-mail")
    return EmailState.SENT


@transaction.atomic
def dismiss_reminder(actor: Actor, reminder_id: int | str) -> Reminder:
    client = own_client_or_refuse(actor)
    reminder = access.get_reminder(actor, reminder_id)
    if reminder is None or reminder.client_id != client.pk:
        raise ActionError(_("This reminder is not yours."))
    Reminder.objects.filter(pk=reminder.pk).update(seen_at=timezone.now())
    audit.record(REMINDER_DISMISSED.code, actor=actor, client=client, obj=reminder)
    return reminder
