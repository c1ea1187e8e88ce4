"""Demo and synthetic courses.

The demo gives the demo therapist's clients courses at every phase and status, in several
formats, with past sessions, signed notes, goals and ratings (idempotent: a client that already
has a course of that format is left alone). Past sessions cannot be made through the actions
(a new session cannot be in the past), so history is written directly, with one audit event per
demo course. The synthetic generator writes courses in bulk for active clients.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone

from openipt.audit import actions as audit
from openipt.clients.models import Assignment, Client, ClientStatus
from openipt.courses import lifecycle
from openipt.courses.actions import COURSE_STARTED
from openipt.courses.models import (
    Attendance,
    Course,
    CourseStatus,
    Goal,
    GoalRating,
    NoteStatus,
    Phase,
    PhaseTransition,
    RiskLevel,
    Session,
    SessionMode,
    SessionNote,
)
from openipt.courses.plans import PlanError, build_session_plan
from openipt.courses.present import protocol
from openipt.courses.screening_actions import add_demo_screening
from openipt.courses.session_ratings_seed import add_demo_session_ratings, add_synthetic_session_ratings

FREQ_DAYS = {"weekly": 7, "fortnightly": 14, "monthly": 30}

# client, format, sessions, status, phase, held, area, stage, missed session numbers, start offset days
DEMO_COURSES = [
    ("Amara Haddad", "individual", 12, "active", "middle", 4, "role_transition", "", (), 0),
    ("Daniel Kowalski", "brief", 8, "active", "initial", 1, "", "", (), 0),
    ("Fatima Yusuf", "perinatal", 12, "active", "termination", 10, "role_dispute", "renegotiation", (6,), 0),
    ("Tomás Herrera", "ipc", 6, "completed", "termination", 6, "grief", "", (), 30),
    ("Joseph Mensah", "individual", 12, "maintenance", "termination", 12, "interpersonal_deficits", "", (3,), 40),
    ("Hannah Schmidt", "individual", 12, "ended_early", "middle", 5, "role_dispute", "impasse", (5,), 90),
    ("Mei Lin", "individual", 12, "planned", "initial", 0, "", "", (), -9),
    ("Ravi Shah", "couples", 16, "planned", "initial", 0, "", "", (), -12),
]

RATIONALE = {
    "role_transition": "The low mood began a few months after moving city for a new job and leaving friends behind.",
    "role_dispute": "Arguments at home about money and chores keep coming back and the mood drops after each one.",
    "grief": "The depression started after his father died last winter; he has not talked about the loss with anyone.",
    "interpersonal_deficits": "Few close relationships for years; weekends alone are the hardest times.",
}
GOALS = {
    "role_transition": ["Make one new friend in the new city.", "Feel more sure of myself at work."],
    "role_dispute": ["Talk about money without shouting.", "Say clearly what I need at home."],
    "grief": ["Talk about my father with my sister.", "Go back to the football club."],
    "interpersonal_deficits": ["See someone outside work every week.", "Join a walking group."],
}


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _bounds(fmt, total):
    try:
        return lifecycle.phase_bounds(fmt, total)
    except ValueError:
        return None


def _plan_ids(format_id, phase, number, total, area, stage) -> list[str]:
    try:
        plan = build_session_plan(protocol(), format_id, phase, number, total, area=area or None, stage=stage or None)
    except PlanError:
        return []
    return list(plan.step_ids)


def _note_texts(phase: str, number: int) -> dict:
    if phase == "initial":
        return {
            "mood": "Low most days, sleeping badly.",
            "events": "Started the course; talked about the last few months.",
            "people": "Partner, mother, a close friend who moved away.",
            "strategy_work": f"Session {number}: symptom review, gave the sick role, started the interpersonal inventory.",
            "client_will_try": "Notice when the mood drops and what happened just before.",
        }
    if phase == "middle":
        return {
            "mood": "A little better this week, 5 out of 10.",
            "events": "A difficult conversation at home on Sunday; a good day out on Wednesday.",
            "people": "Partner; a colleague.",
            "strategy_work": "Communication analysis of Sunday's conversation; looked at other ways to say what was meant.",
            "client_will_try": "Ask a colleague to lunch.\nSay one thing I need, calmly, at home.",
        }
    return {
        "mood": "Much steadier; sleeping better.",
        "events": "Planning for life after the sessions end.",
        "people": "Partner and sister.",
        "strategy_work": "Reviewed gains and credited them to the client's own work; worked on the relapse plan.",
        "client_will_try": "Keep the weekly call with my sister.",
    }


def _demo_course(world, client: Client, spec) -> Course | None:
    _name, format_id, total, status, phase, held, area, stage, missed, offset = spec
    if Course.objects.filter(client=client, format_id=format_id).exists():
        return None
    therapist = world.members["therapist"]
    fmt = protocol().format(format_id)
    step = FREQ_DAYS[fmt.frequency]
    today = timezone.localdate()
    start = today - timedelta(days=step * held - 2 + offset)
    bounds = _bounds(fmt, total)
    ended = status in (CourseStatus.COMPLETED, CourseStatus.ENDED_EARLY)
    agreed = held >= (bounds.initial_count if bounds else 1) or phase != Phase.INITIAL
    course = Course.objects.create(
        organisation=world.organisation, client=client, format_id=format_id, therapist=therapist, start_date=start,
        sessions_planned=total, frequency=fmt.frequency, planned_end_date=lifecycle.planned_end_date(start, fmt.frequency, total),
        contract_agreed_on=start + timedelta(days=step * 2) if agreed else None,
        primary_area=area, primary_rationale=RATIONALE.get(area, ""), dispute_stage=stage,
        status=status, phase=phase, created_by=therapist,
        end_reason="Moved abroad for work; referred to a local service." if status == CourseStatus.ENDED_EARLY else "",
        ended_on=(start + timedelta(days=step * (held - 1))) if ended else None,
        relapse_warning_signs="Staying in bed at weekends; stopping calls to friends." if phase == "termination" else "",
        relapse_what_helps="Walking every morning; telling my sister how I feel." if phase == "termination" else "",
        relapse_contacts="GP surgery; the clinic duty line; my sister." if phase == "termination" else "",
        end_review=("Mood much better; the client repaired two friendships through her own effort." if status in (
            CourseStatus.COMPLETED, CourseStatus.MAINTENANCE) else ""),
    )
    moves: list[tuple[str, str]] = [("", CourseStatus.PLANNED if status == CourseStatus.PLANNED else CourseStatus.ACTIVE)]
    if phase in ("middle", "termination"):
        moves.append(("initial", "middle"))
    if phase == "termination":
        moves.append(("middle", "termination"))
    if status in (CourseStatus.COMPLETED, CourseStatus.MAINTENANCE):
        moves.append(("active", "completed"))
    if status == CourseStatus.MAINTENANCE:
        moves.append(("completed", "maintenance"))
        course.sessions_planned, course.frequency = total + 3, "monthly"
        course.planned_end_date = lifecycle.planned_session_date(today, "monthly", 4)
        course.save(update_fields=["sessions_planned", "frequency", "planned_end_date"])
    if status == CourseStatus.ENDED_EARLY:
        moves.append(("active", "ended_early"))
    PhaseTransition.objects.bulk_create([
        PhaseTransition(course=course, from_value=a, to_value=b, at=_at(start), by=therapist) for a, b in moves
    ])
    goals = [Goal(course=course, area=area, text=text, order=i + 1) for i, text in enumerate(GOALS.get(area, []))]
    Goal.objects.bulk_create(goals)
    goals = list(Goal.objects.filter(course=course))
    for number in range(1, held + 1):
        session_phase = bounds.phase_of(number) if bounds and number <= bounds.total else phase
        if session_phase == "middle" and phase == "initial":
            session_phase = "initial"
        attended = number not in missed
        planned_ids = _plan_ids(format_id, session_phase, number, total, area if session_phase != "initial" else "", stage)
        session = Session.objects.create(
            course=course, number=number, scheduled_start=_at(start + timedelta(days=step * (number - 1))),
            duration_minutes=fmt.minutes_max, mode=SessionMode.VIDEO if number % 3 == 0 else SessionMode.IN_PERSON,
            attendance=Attendance.ATTENDED if attended else Attendance.DID_NOT_ATTEND, phase=session_phase,
            planned_step_ids=planned_ids, done_step_ids=planned_ids[:-1] if attended else [],
        )
        texts = _note_texts(session_phase, number) if attended else {"events": "Did not attend; phoned and left a message."}
        SessionNote.objects.create(
            session=session, risk_reviewed=True, risk_level=RiskLevel.NONE, status=NoteStatus.SIGNED,
            signed_by=therapist, signed_at=session.scheduled_start + timedelta(hours=2), last_edited_by=therapist, **texts,
            techniques=["exploration", "communication_analysis"] if session_phase == "middle" else ["psychoeducation"],
        )
        if attended and goals and session_phase != "initial":
            GoalRating.objects.bulk_create([
                GoalRating(goal=g, session=session, rating=min(10, 2 + number // 2 + i), by=therapist, at=session.scheduled_start)
                for i, g in enumerate(goals)
            ])
    if course.is_open:
        upcoming = 2 if status != CourseStatus.PLANNED else 1
        next_day = start + timedelta(days=step * held) if status != CourseStatus.MAINTENANCE else today + timedelta(days=5)
        for extra in range(upcoming):
            number = held + 1 + extra
            if number > course.sessions_planned:
                break
            Session.objects.create(
                course=course, number=number, scheduled_start=_at(next_day + timedelta(days=step * extra), 10 + extra),
                duration_minutes=fmt.minutes_max, phase=Phase.MIDDLE if status == CourseStatus.MAINTENANCE else phase,
            )
    audit.record(COURSE_STARTED.code, actor=world.actor("therapist"), client=client, obj=course,
                 details={"format": format_id, "demo": True})
    return course


def add_demo_courses(world) -> None:
    """Give the demo therapist's clients courses at every phase and status (idempotent)."""
    for spec in DEMO_COURSES:
        client = world.clients.get(spec[0])
        if client is not None:
            _demo_course(world, client, spec)


# Synthetic data ------------------------------------------------------------------------------

SYNTH_FORMATS = ["individual"] * 10 + ["brief"] * 3 + ["ipc"] * 3 + ["perinatal"] * 2 + ["ipt_a", "couples", "maintenance"]
AREAS = ["grief", "role_dispute", "role_transition", "interpersonal_deficits"]
STAGES = ["renegotiation", "impasse", "dissolution"]


def add_synthetic_courses(world, batch: int = 2000) -> None:
    """Create courses for active clients across formats and phases, with sessions, notes and ratings.

    Rows are written with plain multi-row INSERTs (Django's bulk_create spends most of its time
    preparing values one by one), then their keys are read back by course and number.
    """
    org = world.organisation
    staff_of = dict(Assignment.objects.filter(client__organisation=org).values_list("client_id", "staff_id"))
    active = list(Client.objects.filter(organisation=org, status=ClientStatus.ACTIVE).order_by("pk").values_list("pk", flat=True))
    world.course_ids = []
    writer = _Writer(batch)
    for i in range(0, len(active), batch):
        _synth_batch(world, org, world.rng, active[i:i + batch], staff_of, writer)


class _Writer:
    """Plain INSERTs of prepared rows, with dates and times as each database wants them."""

    def __init__(self, batch: int):
        self.batch = batch
        self.sqlite = connection.vendor == "sqlite"
        self.now = self.when(timezone.now())

    def when(self, value: datetime):
        if self.sqlite:
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
        return value

    def day(self, value: date | None):
        if value is None:
            return None
        return value.isoformat() if self.sqlite else value

    def insert(self, model, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        quote = connection.ops.quote_name
        names = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"
        with connection.cursor() as cursor:
            for i in range(0, len(rows), self.batch):
                cursor.executemany(sql, rows[i:i + self.batch])


COURSE_COLUMNS = (
    "created_at", "updated_at", "organisation", "client", "format_id", "therapist", "created_by", "start_date",
    "sessions_planned", "frequency", "initial_sessions", "planned_end_date", "contract_agreed_on", "primary_area",
    "primary_rationale", "dispute_stage", "secondary_area", "secondary_rationale", "status", "phase", "early_termination_reason", "end_reason", "ended_on",
    "relapse_warning_signs", "relapse_what_helps", "relapse_contacts", "end_review", "version",
)
SESSION_COLUMNS = ("created_at", "updated_at", "course", "number", "scheduled_start", "duration_minutes", "mode",
                   "attendance", "phase", "planned_step_ids", "done_step_ids", "version")
NOTE_COLUMNS = ("created_at", "updated_at", "session", "mood", "events", "people", "strategy_work", "techniques",
                "client_will_try", "risk_reviewed", "risk_level", "risk_text", "status", "signed_by", "signed_at",
                "last_edited_by", "version")
GOAL_COLUMNS = ("created_at", "updated_at", "course", "area", "text", "order", "active")
RATING_COLUMNS = ("goal", "session", "rating", "comment", "by", "at")


def _synth_batch(world, org, rng, client_ids, staff_of, w: _Writer) -> None:
    today = timezone.localdate()
    formats = {f.id: f for f in protocol().formats()}
    course_rows, plans = [], {}
    for client_id in client_ids:
        therapist = staff_of.get(client_id)
        if therapist is None:
            continue
        fmt = formats[rng.choice(SYNTH_FORMATS)]
        total = fmt.sessions.default
        roll = rng.random()
        held = 0 if roll < 0.1 else (total if roll > 0.92 else rng.randint(1, total - 1))
        status = CourseStatus.PLANNED if held == 0 else CourseStatus.ACTIVE
        if held == total:
            status = CourseStatus.COMPLETED
        elif held and rng.random() < 0.05:
            status = CourseStatus.ENDED_EARLY
        bounds = _bounds(fmt, total)
        phase = bounds.phase_of(min(held + 1, total)) if bounds else Phase.INITIAL
        area = rng.choice(AREAS) if phase != Phase.INITIAL else ""
        step = FREQ_DAYS[fmt.frequency]
        start = today - timedelta(days=step * held - rng.randint(1, 6))
        ended = status in (CourseStatus.COMPLETED, CourseStatus.ENDED_EARLY)
        course_rows.append((
            w.now, w.now, org.pk, client_id, fmt.id, therapist, therapist, w.day(start), total, fmt.frequency, None,
            w.day(lifecycle.planned_end_date(start, fmt.frequency, total)), w.day(start) if phase != Phase.INITIAL else None,
            area, "Synthetic rationale." if area else "", rng.choice(STAGES) if area == "role_dispute" else "", "", "",
            status, phase, "",
            "Synthetic early ending." if status == CourseStatus.ENDED_EARLY else "", w.day(today) if ended else None,
            "", "", "", "", 1,
        ))
        plans[client_id] = (held, step, start, bounds, phase, fmt.minutes_max, status, total, area, therapist)
    w.insert(Course, COURSE_COLUMNS, course_rows)
    course_of = dict(Course.objects.filter(organisation=org, client_id__in=list(plans)).values_list("client_id", "pk"))
    world.course_ids.extend(course_of[c] for c in client_ids if c in course_of)
    session_rows, goal_rows = [], []
    attended_of: dict[int, list[int]] = {}
    for client_id, (held, step, start, bounds, phase, minutes, status, total, area, _therapist) in plans.items():
        course_id = course_of[client_id]
        for number in range(1, held + 1):
            roll = rng.random()
            attendance = Attendance.ATTENDED if roll < 0.85 else (Attendance.DID_NOT_ATTEND if roll < 0.93 else Attendance.CANCELLED)
            if attendance == Attendance.ATTENDED:
                attended_of.setdefault(course_id, []).append(number)
            when = _at(start + timedelta(days=step * (number - 1)), 9 + number % 8)
            session_rows.append((w.now, w.now, course_id, number, w.when(when), minutes, SessionMode.IN_PERSON, attendance,
                                 bounds.phase_of(number) if bounds else Phase.INITIAL, "[]", "[]", 1))
        if status in (CourseStatus.ACTIVE, CourseStatus.PLANNED) and held < total:
            when = _at(max(start + timedelta(days=step * held), today), 9 + rng.randint(0, 8))
            session_rows.append((w.now, w.now, course_id, held + 1, w.when(when), minutes, SessionMode.VIDEO,
                                 Attendance.SCHEDULED, phase, "[]", "[]", 1))
        if area:
            goal_rows += [(w.now, w.now, course_id, area, text, i + 1, True)
                          for i, text in enumerate(("Synthetic goal one.", "Synthetic goal two."))]
    w.insert(Session, SESSION_COLUMNS, session_rows)
    w.insert(Goal, GOAL_COLUMNS, goal_rows)
    ids = list(course_of.values())
    session_of = {(c, n): (pk, start) for pk, c, n, start in
                  Session.objects.filter(course_id__in=ids).values_list("pk", "course_id", "number", "scheduled_start")}
    goals_of: dict[int, list[int]] = {}
    for pk, course_id in Goal.objects.filter(course_id__in=ids).order_by("order").values_list("pk", "course_id"):
        goals_of.setdefault(course_id, []).append(pk)
    therapist_of = {course_of[c]: plan[9] for c, plan in plans.items()}
    note_rows, rating_rows = [], []
    for course_id, numbers in attended_of.items():
        therapist = therapist_of[course_id]
        for number in numbers[-2:]:
            session_id, when = session_of[(course_id, number)]
            note_rows.append((w.now, w.now, session_id, "Synthetic mood.", "", "", "Synthetic strategy work.", "[]", "", True,
                              RiskLevel.NONE, "", NoteStatus.SIGNED, therapist, w.when(when), therapist, 2))
            rating_rows += [(goal_id, session_id, rng.randint(2, 9), "", therapist, w.when(when))
                            for goal_id in goals_of.get(course_id, [])]
    w.insert(SessionNote, NOTE_COLUMNS, note_rows)
    w.insert(GoalRating, RATING_COLUMNS, rating_rows)


# Found by openipt.seed.steps when `openipt demo` or `openipt synth` runs; nothing imports this module at start-up.
DEMO_STEPS = (add_demo_courses, add_demo_screening, add_demo_session_ratings)
SYNTH_STEPS = (add_synthetic_courses, add_synthetic_session_ratings)
