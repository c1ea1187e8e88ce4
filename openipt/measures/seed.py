"""Demo and synthetic questionnaire data.

The demo gives the demo courses PHQ-9 and GAD-7 scores that tell four familiar stories: an
improver, a late responder (no change until after session 6), a non-responder and a
deteriorator, plus a clinician-rated HAM-D. They are stored through `actions.complete`, so they
are scored, checked by the safety rules and set the caseload signals exactly as real answers
would (idempotent: a course that already has scores is left alone).

The synthetic generator writes realistic trajectories for every synthetic course in bulk
(plain multi-row INSERTs, no per-row audit), fast enough for 100,000 clients.
"""

from __future__ import annotations

import json
import math
import random
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from openipt.audit import actions as audit
from openipt.clients.models import Client, ClientSignal
from openipt.courses.models import OPEN_STATUSES, Attendance, Course, Session
from openipt.measures import actions, due, instruments, outcome_actions
from openipt.measures.engine import classify
from openipt.measures.engine.model import Instrument
from openipt.measures.models import Administration, MeasurePlan, Schedule, Source, Status
from openipt.measures.queries import outcomes

# client -> the story their PHQ-9 tells, session by session (None: no score that session)
DEMO_STORIES: dict[str, tuple[str, list[int | None]]] = {
    "Tomás Herrera": ("improver", [18, 15, 12, 9, 7, 5]),
    "Fatima Yusuf": ("late responder", [19, 19, 20, 18, 18, None, 17, 12, 9, 7]),
    "Hannah Schmidt": ("non-responder", [15, 15, 16, 14, None]),
    "Amara Haddad": ("deteriorator", [12, 14, 17, 19]),
    "Joseph Mensah": ("improver", [16, 14, None, 12, 11, 9, 8, 7, 6, 5, 5, 4]),
    "Daniel Kowalski": ("first score", [13]),
}
GAD7_SHARE = 0.7  # GAD-7 roughly follows the PHQ-9 at this fraction of its score
HAMD_DEMO = {"Fatima Yusuf": {1: 21, 10: 9}}


def spread(inst, total: int, rng: random.Random, *, zero: tuple[str, ...] = ()) -> dict[str, int | None]:
    """Return answers to every item whose scored items add up to `total` (items in `zero` stay 0)."""
    scored = [i for i in inst.scored_items if i.id not in zero]
    cap = sum(i.max_value for i in scored)
    total = max(0, min(total, cap))
    values = {i.id: 0 for i in inst.items if i.scored}
    left = total
    order = scored[:]
    while left > 0:
        rng.shuffle(order)
        for item in order:
            if left and values[item.id] < item.max_value:
                values[item.id] += 1
                left -= 1
    out: dict[str, int | None] = dict(values)
    for item in inst.items:
        if not item.scored:
            out[item.id] = min(item.max_value, total // 8)
    return out


def _instrument(code: str) -> Instrument:
    inst = instruments.get(code)
    if inst is None:
        raise LookupError(f"the demo needs the questionnaire {code!r}, which is not loaded")
    return inst


def _at(session) -> datetime:
    return session.scheduled_start - timedelta(hours=20)


def _demo_one(world, name: str, rng: random.Random) -> int:
    client = world.clients.get(name)
    if client is None:
        return 0
    course = Course.objects.filter(client=client).select_related("client").order_by("-start_date").first()
    if course is None or Administration.objects.filter(course=course).exists():
        return 0
    actions.ensure_default_schedule(course)
    _story, totals = DEMO_STORIES[name]
    sessions = {s.number: s for s in Session.objects.filter(course=course)}
    phq9, gad7, hamd = (_instrument(c) for c in ("phq9", "gad7", "hamd17"))
    gad_plan = next((s for s in Schedule.objects.filter(course=course, instrument_code="gad7")), None)
    therapist = world.members["therapist"]
    made = 0
    for number, total in enumerate(totals, start=1):
        session = sessions.get(number)
        if session is None or total is None or session.attendance != Attendance.ATTENDED:
            continue
        plan = [(phq9, total)]
        if gad_plan is not None and gad_plan.applies_to(number, course.sessions_planned):
            plan.append((gad7, round(total * GAD7_SHARE)))
        if number in HAMD_DEMO.get(name, {}):
            plan.append((hamd, HAMD_DEMO[name][number]))
        for inst, score in plan:
            # Item 9 (thoughts of being better off dead) stays 0: the safety app's demo shows alerts.
            answers = spread(inst, score, rng, zero=("q9", "q3") if inst.code in ("phq9", "hamd17") else ())
            staff = inst.kind == "clinician" or number == 1
            admin = Administration(
                organisation_id=client.organisation_id, client=client, course=course, session=session,
                session_number=number, due_key=due.key_for(course.pk, inst.code, session=number),
                instrument_code=inst.code, instrument_version=inst.version,
                source=Source.STAFF if staff else Source.PORTAL, entered_by=therapist if staff else None,
                entered_by_role=therapist.role if staff else "client", started_at=_at(session))
            actions.complete(admin, inst, answers, client=client, when=_at(session) + timedelta(minutes=6))
            made += 1
    outcome_actions.refresh_signal(client.pk, client.organisation_id)
    audit.record(actions.COMPLETED.code, actor=world.actor("therapist"), client=client, obj=course,
                 details={"demo": True, "story": _story, "administrations": made})
    return made


@transaction.atomic
def add_demo_measures(world) -> None:
    """Give the demo courses their scores (idempotent) and default schedules."""
    rng = random.Random(5)
    for name in DEMO_STORIES:
        _demo_one(world, name, rng)
    for course in Course.objects.filter(organisation=world.organisation, measure_plan__isnull=True).select_related("client"):
        actions.ensure_default_schedule(course)


# ---- synthetic data


def _trajectory(kind: str, base: int, s: int, rng: random.Random) -> int:
    noise = rng.choice((-2, -1, -1, 0, 0, 0, 1, 1, 2))
    if kind == "improver":
        value = base * (1 - 0.55 * (1 - math.exp(-0.25 * (s - 1))))
    elif kind == "late":
        value = base if s <= 6 else base * (1 - 0.6 * (1 - math.exp(-0.45 * (s - 6))))
    elif kind == "deteriorator":
        value = base + 0.8 * (s - 1)
    else:
        value = base + 0.1 * (s - 1)
    return int(round(value)) + (noise if s > 1 else 0)


KINDS = ["improver"] * 50 + ["late"] * 15 + ["non"] * 25 + ["deteriorator"] * 10


class _Pools:
    """Item splits for every total of an instrument, made once, picked at random (fast at scale)."""

    def __init__(self, inst, rng, per_total: int = 12):
        self.inst = inst
        self.pools = [[json.dumps(spread(inst, t, rng, zero=("q9",) if inst.code == "phq9" else ()))
                       for _ in range(per_total)] for t in range(inst.max_total + 1)]
        self.bands = [(inst.band_for(t).id if inst.band_for(t) else "") for t in range(inst.max_total + 1)]

    def pick(self, total: int, rng) -> tuple[int, str, str]:
        total = max(0, min(total, self.inst.max_total))
        if self.inst.code == "phq9":
            total = min(total, self.inst.max_total - 3)  # q9 stays 0 in synthetic data
        return total, rng.choice(self.pools[total]), self.bands[total]


ADMIN_COLUMNS = ("uuid", "organisation", "client", "course", "session", "session_number", "due_key", "instrument_code",
                 "instrument_version", "answers", "status", "total", "band", "prorated", "flags", "sex_used", "source",
                 "entered_by", "entered_by_role", "external_id", "safety_followup", "started_at", "completed_at",
                 "updated_at")


def _insert(model, columns, rows, batch=2000) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        for i in range(0, len(rows), batch):
            cursor.executemany(sql, rows[i:i + batch])


def add_synthetic_measures(world, batch: int = 2000) -> None:
    """Default schedules and PHQ-9/GAD-7 trajectories for every synthetic course, written in bulk."""
    course_ids = list(getattr(world, "course_ids", []) or [])
    world.measures_administrations = 0
    if not course_ids:
        return
    rng = random.Random(world.rng.random())
    phq9, gad7 = instruments.get("phq9"), instruments.get("gad7")
    pools = {"phq9": _Pools(phq9, rng), "gad7": _Pools(gad7, rng)}
    sqlite = connection.vendor == "sqlite"

    def when(value: datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ") if sqlite else value

    def uid():
        # Random, not drawn from rng: two synthetic organisations made from the same seed share a database.
        u = uuid.uuid4()
        return u.hex if sqlite else u

    now = timezone.now()
    now_db = when(now)
    org_id = world.organisation.pk
    settings = outcomes.org_settings(org_id)
    tables = {c: outcomes.default_trajectory(c) for c in ("phq9", "gad7")}
    for start in range(0, len(course_ids), batch):
        ids = course_ids[start:start + batch]
        courses = {c[0]: c for c in Course.objects.filter(pk__in=ids).values_list(
            "pk", "client_id", "sessions_planned", "status", "therapist_id", "client__sex")}
        _insert(MeasurePlan, ("course", "created_at", "defaults_applied"), [(c, now_db, True) for c in courses])
        schedule_rows = []
        for c in courses:
            for row in instruments.DEFAULT_SCHEDULE:
                schedule_rows.append((c, row["instrument_code"], row["rule"], row["every_n"], row["at_start"],
                                      row["at_end"], now_db))
        _insert(Schedule, ("course", "instrument_code", "rule", "every_n", "at_start", "at_end", "created_at"),
                schedule_rows)
        sessions = defaultdict(list)
        for pk, course_id, number, start_at in (
                Session.objects.filter(course_id__in=ids, attendance=Attendance.ATTENDED)
                .order_by("course_id", "number").values_list("pk", "course_id", "number", "scheduled_start")):
            sessions[course_id].append((pk, number, start_at))
        rows, signals = [], {}
        for course_id, held in sessions.items():
            client_id, planned, status, therapist, sex = courses[course_id][1:]
            kind = rng.choice(KINDS)
            base = {"phq9": rng.randint(8, 23)}
            base["gad7"] = max(3, min(20, round(base["phq9"] * GAD7_SHARE) + rng.randint(-2, 2)))
            latest = {}
            for session_id, number, start_at in held:
                codes = ["phq9"]
                if number % 4 == 0 or number == 1 or number == planned:
                    codes.append("gad7")
                for code in codes:
                    total, answers, band = pools[code].pick(_trajectory(kind, base[code], number, rng), rng)
                    if code not in latest:
                        first = total
                        latest[code] = [first, number, total]
                    else:
                        latest[code][1:] = [number, total]
                    staff = rng.random() < 0.1
                    done_db = when(start_at - timedelta(hours=rng.randint(2, 40)))
                    rows.append((
                        uid(), org_id, client_id, course_id, session_id, number,
                        due.key_for(course_id, code, session=number), code, pools[code].inst.version, answers,
                        Status.COMPLETED, total, band, False, "[]", sex if sex in ("female", "male") else "",
                        Source.STAFF if staff else Source.PORTAL, therapist if staff else None,
                        "therapist" if staff else "client", "", False, done_db, done_db, now_db))
            if status in [s.value for s in OPEN_STATUSES]:
                worst, worst_code = 0, ""
                for code, (first, number, total) in latest.items():
                    inst = pools[code].inst
                    if number == held[0][1]:
                        continue
                    zone = classify(inst, tables[code], first, number, total, wait_sessions=settings.wait_sessions).zone
                    level = {"red": 2, "amber": 1}.get(zone, 0)
                    if level > worst:
                        worst, worst_code = level, inst.short_name
                if worst:
                    signals[client_id] = (worst, course_id, worst_code)
        _insert(Administration, ADMIN_COLUMNS, rows)
        world.measures_administrations += len(rows)
        _signals(signals)


def _signals(signals: dict[int, tuple[int, int, str]]) -> None:
    if not signals:
        return
    words = {2: "not on track", 1: "slower than expected"}
    ClientSignal.objects.bulk_create(
        [ClientSignal(client_id=c, source=outcomes.SIGNAL_SOURCE, level=lvl, label=f"{name}: {words[lvl]}",
                      url=f"/measures/course/{course}/#track") for c, (lvl, course, name) in signals.items()],
        ignore_conflicts=True, batch_size=2000)
    for level in (1, 2):
        ids = [c for c, (lvl, _course, _name) in signals.items() if lvl == level]
        for i in range(0, len(ids), 900):
            Client.objects.filter(pk__in=ids[i:i + 900]).update(attention=Greatest(F("attention"), Value(level)))


# Found by openipt.seed.steps when `openipt demo` or `openipt synth` runs; nothing imports this module at start-up.
DEMO_STEPS = (add_demo_measures,)
SYNTH_STEPS = (add_synthetic_measures,)
