"""What is due, overdue or missed: questionnaires asked for by a course's schedules.

A questionnaire asked for at a session opens `OPENS_BEFORE` ahead of the session's start (so the
client can fill it in beforehand), is *due* until the session starts, then *overdue* for
`OVERDUE_FOR`; after that, if still not done, it counts as *missed* and leaves the lists (it stays
visible on the course page). One on a set date works the same way around that date. Cancelled
sessions ask for nothing.

Lists across a caseload are worked out in the database (one query, whatever the caseload), so
the due page and the count in the navigation stay fast; a single course is worked out here in
Python from rows the caller loads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import DateTimeField, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Mod
from django.utils import timezone

from openipt.courses import participants
from openipt.courses.models import OPEN_STATUSES, Attendance
from openipt.measures.models import Administration, Rule, Schedule, ScheduleDate, Status

OPENS_BEFORE = timedelta(days=3)
OVERDUE_FOR = timedelta(days=14)
KEY_RE = re.compile(r"^c(?P<course>[0-9]{1,12})\.(?:s(?P<session>[0-9]{1,4})|d(?P<date>[0-9]{8}))\.(?P<code>[a-z0-9_]{1,40})$")

STATE_WORDS = {
    "done": "Done", "due": "Due", "overdue": "Overdue", "missed": "Missed", "upcoming": "Coming up",
    "skipped": "Not needed (session cancelled)",
}


def key_for(course_id: int, code: str, *, session: int | None = None, on: date | None = None) -> str:
    """Return the key of one due questionnaire: c<course>.s<session>.<code> or c<course>.d<yyyymmdd>.<code>."""
    if session is not None:
        return f"c{course_id}.s{session}.{code}"
    assert on is not None
    return f"c{course_id}.d{on:%Y%m%d}.{code}"


@dataclass(frozen=True)
class ParsedKey:
    course_id: int
    code: str
    session: int | None
    on: date | None


def parse_key(key: str) -> ParsedKey | None:
    """Return the parts of a due key, or None when it is malformed."""
    m = KEY_RE.match(key or "")
    if m is None:
        return None
    on = None
    if m.group("date"):
        try:
            on = datetime.strptime(m.group("date"), "%Y%m%d").date()
        except ValueError:
            return None
    session = int(m.group("session")) if m.group("session") else None
    if session == 0:
        return None
    return ParsedKey(int(m.group("course")), m.group("code"), session, on)


def date_start(on: date) -> datetime:
    """Return the start of a day in the site's time zone."""
    return timezone.make_aware(datetime.combine(on, time(0, 0)))


def state_at(at: datetime | None, now: datetime, *, done: bool = False, cancelled: bool = False) -> str:
    """Return the state of a questionnaire due at `at` (None: not scheduled yet) as seen at `now`."""
    if done:
        return "done"
    if cancelled:
        return "skipped"
    if at is None or at >= now + OPENS_BEFORE:
        return "upcoming"
    if at > now:
        return "due"
    if at > now - OVERDUE_FOR:
        return "overdue"
    return "missed"


# ---- lists across many courses, in the database

APPLIES = (
    Q(rule=Rule.EVERY_SESSION)
    | Q(rule=Rule.EVERY_N, n_mod=0)
    | Q(rule=Rule.EVERY_N, at_start=True, number=1)
    | Q(rule=Rule.EVERY_N, at_end=True, number=F("planned"))
    | Q(rule=Rule.START_END, number=1)
    | Q(rule=Rule.START_END, number=F("planned"))
)


def _client_of(qs: QuerySet, course_ref: str, *, second: bool, client_id: int | None, clients: QuerySet | None) -> QuerySet:
    """Annotate `cl`, the answering client: the course's client, or (second=True) partner two of a couples course."""
    if not second:
        qs = qs.annotate(cl=F(f"{course_ref}__client_id"))
    else:
        qs = qs.annotate(cl=participants.second_participant_id(f"{course_ref}_id")).filter(cl__isnull=False)
        if clients is not None:
            qs = qs.filter(cl__in=clients)
    if client_id is not None:
        qs = qs.filter(cl=client_id)
    return qs


def _session_rows(courses: QuerySet, lo: datetime, hi: datetime, codes: set[str] | None, **who) -> QuerySet:
    qs = Schedule.objects.filter(course__in=courses).exclude(rule=Rule.DATES)
    if codes is not None:
        qs = qs.filter(instrument_code__in=sorted(codes))
    qs = _client_of(qs, "course", **who)
    done = Administration.objects.filter(
        client_id=OuterRef("cl"), course_id=OuterRef("course_id"), session_number=OuterRef("number"),
        instrument_code=OuterRef("instrument_code"), status=Status.COMPLETED,
    )
    return (
        qs.annotate(number=F("course__sessions__number"), at=F("course__sessions__scheduled_start"),
                    attendance=F("course__sessions__attendance"), planned=F("course__sessions_planned"))
        .filter(at__gte=lo, at__lt=hi)
        .exclude(attendance=Attendance.CANCELLED)
        .annotate(n_mod=Mod("number", "every_n"))
        .filter(APPLIES)
        .annotate(done=Exists(done))
        .filter(done=False)
        .order_by()
        .values(c_id=F("course_id"), cl_id=F("cl"), code=F("instrument_code"), num=F("number"),
                on_day=Cast(Value(None), output_field=DateTimeField()), when=F("at"))
    )


def _date_rows(courses: QuerySet, lo: datetime, hi: datetime, codes: set[str] | None, **who) -> QuerySet:
    dates = ScheduleDate.objects.filter(
        schedule__course__in=courses, schedule__rule=Rule.DATES,
        on__gte=timezone.localtime(lo).date(), on__lt=timezone.localtime(hi).date(),
    )
    if codes is not None:
        dates = dates.filter(schedule__instrument_code__in=sorted(codes))
    dates = _client_of(dates, "schedule__course", **who)
    done = Administration.objects.filter(
        client_id=OuterRef("cl"), course_id=OuterRef("schedule__course_id"), due_on=OuterRef("on"),
        instrument_code=OuterRef("schedule__instrument_code"), status=Status.COMPLETED,
    )
    return (
        dates.annotate(done=Exists(done)).filter(done=False).order_by()
        .values(
            c_id=F("schedule__course_id"), cl_id=F("cl"),
            code=F("schedule__instrument_code"), num=Value(None, output_field=IntegerField()),
            on_day=Cast("on", output_field=DateTimeField()), when=Cast("on", output_field=DateTimeField()),
        )
    )


def open_items(courses: QuerySet, now: datetime | None = None, *, codes: set[str] | None = None,
               client_id: int | None = None, clients: QuerySet | None = None) -> QuerySet:
    """Return rows of the questionnaires due or overdue now in `courses` and not yet done, oldest first.

    `courses` must already be limited to what the actor may see. Each partner of a couples course
    answers for themselves, so such a course gives a row for each partner, done or not on its own.
    `client_id` keeps only the rows that client answers (the portal); `clients` limits partner
    two's rows to the clients the actor may see (the staff lists). Each row is a dict with c_id
    (course), cl_id (the answering client), code, num (session number or None), on_day and when.
    One query, whatever the caseload.
    """
    now = now or timezone.now()
    lo, hi = now - OVERDUE_FOR, now + OPENS_BEFORE
    courses = courses.filter(status__in=[s.value for s in OPEN_STATUSES])
    parts = [rows(courses, lo, hi, codes, second=second, client_id=client_id, clients=clients)
             for second in (False, True) for rows in (_session_rows, _date_rows)]
    return parts[0].union(*parts[1:], all=True).order_by("when", "c_id", "cl_id", "code")


def row_item(row: dict, now: datetime) -> DueItem:
    """Turn one row of `open_items` into a DueItem."""
    on = None
    at = row["when"]
    if row["num"] is None:
        raw = row["on_day"]
        on = raw.date() if isinstance(raw, datetime) else raw
        if isinstance(on, str):  # some databases hand back text from a union
            on = date.fromisoformat(on[:10])
        at = date_start(on)
    return DueItem(
        key=key_for(row["c_id"], row["code"], session=row["num"], on=on),
        course_id=row["c_id"], client_id=row["cl_id"], instrument_code=row["code"],
        session_number=row["num"], on=on, at=at, state=state_at(at, now),
    )


@dataclass(frozen=True)
class DueItem:
    """One questionnaire a course asks for, and where it stands."""

    key: str
    course_id: int
    client_id: int
    instrument_code: str
    session_number: int | None
    on: date | None
    at: datetime | None
    state: str
    administration: object | None = None

    @property
    def is_open(self) -> bool:
        """Return True when the questionnaire can be filled in now (due or overdue)."""
        return self.state in ("due", "overdue")


# ---- one course, in Python


def course_items(course, schedules, sessions, administrations, now: datetime | None = None, *,
                 client_id: int | None = None) -> list[DueItem]:
    """Return every questionnaire the course's schedules ask `client_id` for (default: the course's
    client), session by session, with its state.

    `schedules` (with `dates` prefetched), `sessions` and completed `administrations` are the
    course's rows, already loaded. Only the client's own administrations count as done: in a
    couples course each partner answers for themselves.
    """
    now = now or timezone.now()
    client_id = client_id or course.client_id
    by_session = {s.number: s for s in sessions}
    done: dict[str, object] = {}
    for a in administrations:
        if a.status != Status.COMPLETED or a.client_id != client_id:
            continue
        if a.session_number is not None:
            done.setdefault(key_for(course.pk, a.instrument_code, session=a.session_number), a)
        elif a.due_on is not None:
            done.setdefault(key_for(course.pk, a.instrument_code, on=a.due_on), a)
    items: list[DueItem] = []
    planned = course.sessions_planned
    last = max([planned, *by_session])
    for schedule in schedules:
        code = schedule.instrument_code
        if schedule.rule == Rule.DATES:
            for d in schedule.dates.all():
                key = key_for(course.pk, code, on=d.on)
                admin = done.get(key)
                at: datetime | None = date_start(d.on)
                items.append(DueItem(key, course.pk, client_id, code, None, d.on, at,
                                     state_at(at, now, done=admin is not None), admin))
            continue
        for number in range(1, last + 1):
            if not schedule.applies_to(number, planned):
                continue
            session = by_session.get(number)
            key = key_for(course.pk, code, session=number)
            admin = done.get(key)
            at = session.scheduled_start if session else None
            cancelled = session is not None and session.attendance == Attendance.CANCELLED
            items.append(DueItem(key, course.pk, client_id, code, number, None, at,
                                 state_at(at, now, done=admin is not None, cancelled=cancelled), admin))
    items.sort(key=lambda i: (i.at is None, i.at or now, i.session_number or 0, i.instrument_code))
    return items
