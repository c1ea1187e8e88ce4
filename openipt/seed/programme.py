"""A synthetic group IPT programme at national scale, for the programme dashboard's benchmark.

`openipt synth --programme` makes one organisation (a community programme) with sites, facilitators,
their supervisors (one per site, limited to it), a programme manager, cohorts of groups with their
sessions, members with pre-group meetings and PHQ-9s, attendance, symptom checks, risk alerts and
supervisors' fidelity ratings. Everything is written with bulk_create, the same for the same seed; one
audit event records the run. Nothing here runs in a live site (the `seed` import contract).
"""

from __future__ import annotations

import random
import time as clock
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from openipt.accounts.models import Membership, Organisation, OrganisationKind, Role, Site, SiteKind, User
from openipt.audit import actions as audit
from openipt.clients.access import normalise_search
from openipt.clients.models import Assignment, Client, ClientStatus
from openipt.core.db import refresh_statistics
from openipt.courses.models import Course, CourseStatus
from openipt.groups.models import (
    Attendance,
    Group,
    GroupSession,
    GroupStatus,
    Meeting,
    MeetingKind,
    Member,
    MemberStatus,
    Outcome,
    Programme,
    QuickCheck,
)
from openipt.measures.models import Administration, Source, Status
from openipt.safety.models import Alert, AlertStatus
from openipt.seed.synth import FAMILY, GIVEN, SYNTH_EVENT
from openipt.supervision.competency_tools import tool as competency_tool
from openipt.supervision.models import CompetencyAssessment, CompetencyFlag, FidelityRating, SignOff

ZONES = ["Africa/Kampala", "Africa/Nairobi", "Africa/Dar_es_Salaam", "Africa/Lagos", "Asia/Kolkata"]
SESSIONS = 8
CHECKED_SESSIONS = (1, 4, 8)  # the sessions with a PHQ-9 symptom check
ESCALATION = [[0, "care_team"], [30, "supervisor"], [120, "admin"]]


@dataclass
class ProgrammeWorld:
    organisation: Organisation
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    manager_username: str = ""


def _ids(model: type, **where: object) -> list[int]:
    return list(model.objects.filter(**where).order_by("pk").values_list("pk", flat=True))  # type: ignore[attr-defined]


@transaction.atomic
def generate_programme(seed: int = 1, *, sites: int = 50, facilitators: int = 1000, groups: int = 5000,
                       members: int = 60000, slug: str | None = None, batch: int = 5000) -> ProgrammeWorld:
    """Create the programme; `members` are spread evenly over `groups` (at least 4 each)."""
    if min(sites, facilitators, groups) < 1 or members < 4 * groups:
        raise ValueError("give at least one site, facilitator and group, and four members per group")
    started = clock.monotonic()
    rng = random.Random(seed)
    slug = slug or f"programme-{seed}"
    if Organisation.objects.filter(slug=slug).exists():
        raise ValueError(f"an organisation called {slug!r} already exists; choose another seed or slug")
    org = Organisation.objects.create(name=f"Synthetic Programme {seed}", slug=slug, record_prefix="P",
                                      kind=OrganisationKind.PROGRAMME)
    world = ProgrammeWorld(org)
    Site.objects.bulk_create([
        Site(organisation=org, name=f"Site {i + 1:02d}", kind=[SiteKind.DISTRICT, SiteKind.VILLAGE, SiteKind.CLINIC][i % 3],
             time_zone=ZONES[i % len(ZONES)], report_code=f"OU_{slug.upper().replace('-', '_')}_{i + 1:02d}")
        for i in range(sites)])
    site_ids = _ids(Site, organisation=org)

    password = make_password(None)
    plan = [(Role.ADMIN, 2), (Role.MANAGER, 1), (Role.SUPERVISOR, sites), (Role.FACILITATOR, facilitators)]
    User.objects.bulk_create([User(username=f"{slug}-{role}-{i + 1}", display_name=f"{role.label} {i + 1}",
                                   password=password) for role, n in plan for i in range(n)], batch_size=batch)
    users = dict(User.objects.filter(username__startswith=f"{slug}-").values_list("username", "pk"))
    Membership.objects.bulk_create([
        Membership(user_id=users[f"{slug}-{role}-{i + 1}"], organisation=org, role=role,
                   site_id=site_ids[i % sites] if role in (Role.SUPERVISOR, Role.FACILITATOR) else None)
        for role, n in plan for i in range(n)], batch_size=batch)
    by_role: dict[str, list[tuple[int, int | None]]] = {}
    for pk, role, site in Membership.objects.filter(organisation=org).order_by("pk").values_list("pk", "role", "site_id"):
        by_role.setdefault(role, []).append((pk, site))
    admin = by_role[Role.ADMIN][0][0]
    supervisor_of = {where: pk for pk, where in by_role[Role.SUPERVISOR] if where is not None}
    Membership.objects.filter(organisation=org, role=Role.FACILITATOR).update(supervisor=None)
    for place in site_ids:  # each facilitator's supervisor is their site's
        Membership.objects.filter(organisation=org, role=Role.FACILITATOR, site_id=place).update(
            supervisor_id=supervisor_of[place])
    world.manager_username = f"{slug}-{Role.MANAGER}-1"

    Programme.objects.bulk_create([Programme(organisation=org, name=f"Cohort {year}") for year in ("2026 A", "2026 B", "2026 C")])
    cohorts = _ids(Programme, organisation=org)
    today = date.today()
    zone = timezone.get_current_timezone()
    fac = by_role[Role.FACILITATOR]
    group_rows = []
    for i in range(groups):
        leader, home = fac[i % len(fac)]
        site = home if home is not None else site_ids[0]
        weeks = rng.randint(0, 30)
        start = today - timedelta(weeks=weeks, days=rng.randint(0, 6))
        group_rows.append(Group(
            organisation=org, programme_id=cohorts[i % len(cohorts)], name=f"Group {i + 1}", facilitator_id=leader,
            supervisor_id=supervisor_of[site], site_id=site, weekday=start.weekday(), start_time=time(10, 0),
            sessions_planned=SESSIONS, start_date=start, language=rng.choice(["English", "Luganda", "Swahili"]),
            location="Community hall", created_by_id=admin,
            status=GroupStatus.ENDED if weeks >= SESSIONS else GroupStatus.RUNNING if weeks else GroupStatus.PLANNED))
    Group.objects.bulk_create(group_rows, batch_size=batch)
    made = list(Group.objects.filter(organisation=org).order_by("pk").values_list(
        "pk", "facilitator_id", "supervisor_id", "site_id", "start_date", "status"))
    GroupSession.objects.bulk_create([
        GroupSession(group_id=g, number=n, phase="initial" if n == 1 else "termination" if n == SESSIONS else "middle",
                     scheduled_start=timezone.make_aware(datetime.combine(start + timedelta(weeks=n - 1), time(10, 0)), zone),
                     held=start + timedelta(weeks=n - 1) < today, led_by_id=f if start + timedelta(weeks=n - 1) < today else None)
        for g, f, _s, _site, start, _st in made for n in range(1, SESSIONS + 1)], batch_size=batch)
    sessions: dict[int, list[tuple[int, int, datetime, bool]]] = {}
    for pk, g, n, when, held in GroupSession.objects.filter(group__organisation=org).order_by("group_id", "number").values_list(
            "pk", "group_id", "number", "scheduled_start", "held"):
        sessions.setdefault(g, []).append((pk, n, when, held))

    # clients: each group's members and one person screened who declined
    per_group = [members // groups + (1 if i < members % groups else 0) for i in range(groups)]
    client_rows = []
    for (g, _f, _s, site, _start, _st), size in zip(made, per_group, strict=True):
        for k in range(size + 1):
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            record = f"P-{g:06d}{k:02d}"
            row = Client(organisation=org, record_number=record, given_name=given, family_name=family, site_id=site,
                         status=ClientStatus.ACTIVE, sex=rng.choice(["female", "female", "male"]))
            row.search_text = normalise_search(f"{given} {family} {record}")
            client_rows.append(row)
    Client.objects.bulk_create(client_rows, batch_size=batch)
    del client_rows
    client_ids = _ids(Client, organisation=org)
    cursor = 0
    roster: dict[int, list[int]] = {}
    declined: dict[int, int] = {}
    for (g, *_rest), size in zip(made, per_group, strict=True):
        roster[g] = client_ids[cursor:cursor + size]
        declined[g] = client_ids[cursor + size]
        cursor += size + 1

    Assignment.objects.bulk_create([Assignment(client_id=c, staff_id=f, is_primary=True)
                                    for g, f, *_ in made for c in roster[g] + [declined[g]]], batch_size=batch)
    Course.objects.bulk_create([
        Course(organisation=org, client_id=c, format_id="group", therapist_id=f, start_date=start, sessions_planned=SESSIONS,
               frequency="weekly", planned_end_date=start + timedelta(weeks=SESSIONS - 1), created_by_id=admin,
               status=CourseStatus.COMPLETED if status == GroupStatus.ENDED else CourseStatus.ACTIVE)
        for g, f, _s, _site, start, status in made for c in roster[g]], batch_size=batch)
    course_of = dict(Course.objects.filter(organisation=org).values_list("client_id", "pk"))
    Member.objects.bulk_create([
        Member(group_id=g, client_id=c, course_id=course_of[c], joined_on=start, added_by_id=f,
               status=(MemberStatus.FINISHED if status == GroupStatus.ENDED and rng.random() < 0.8
                       else MemberStatus.LEFT if rng.random() < 0.1 else
                       MemberStatus.ACTIVE if status != GroupStatus.ENDED else MemberStatus.LEFT))
        for g, f, _s, _site, start, status in made for c in roster[g]], batch_size=batch)
    member_of: dict[int, list[tuple[int, int]]] = {}
    for pk, g, c in Member.objects.filter(group__organisation=org).order_by("pk").values_list("pk", "group_id", "client_id"):
        member_of.setdefault(g, []).append((pk, c))

    # PHQ-9s: one at the pre-group meeting, then at the checked sessions a member came to
    severity = {c: rng.randint(10, 24) for g in roster for c in roster[g]}
    admin_rows, meeting_plan, check_plan = [], [], []
    now = timezone.now()
    for g, f, _s, _site, start, _st in made:
        held_on = start - timedelta(days=5)
        at = timezone.make_aware(datetime.combine(held_on, time(9, 0)), zone)
        for c in roster[g] + [declined[g]]:
            total = severity.get(c, rng.randint(5, 20))
            admin_rows.append(_phq9(org.pk, c, course_of.get(c), total, at, f))
            meeting_plan.append((g, c, held_on, f, Outcome.INVITED if c in severity else Outcome.DECLINED))
    marks: list[Attendance] = []
    for g, f, *_ in made:
        for session_id, number, when, held in sessions[g]:
            if not held:
                continue
            for member_id, c in member_of[g]:
                came = rng.random() < 0.8
                marks.append(Attendance(session_id=session_id, member_id=member_id, presence="present" if came else "absent",
                                        marked_by_id=f, marked_at=when))
                if came and number in CHECKED_SESSIONS:
                    severity[c] = max(0, severity[c] - rng.randint(0, 6) + 1)
                    admin_rows.append(_phq9(org.pk, c, course_of[c], severity[c], when, f))
                    check_plan.append((session_id, member_id, c, when, severity[c]))
    Attendance.objects.bulk_create(marks, batch_size=batch)
    world.counts["attendance"] = len(marks)
    del marks
    Administration.objects.bulk_create(admin_rows, batch_size=batch)
    world.counts["phq9"] = len(admin_rows)
    del admin_rows
    # the administrations in the order they were made: meetings first, then the checks
    phq_ids = _ids(Administration, organisation=org)
    Meeting.objects.bulk_create([
        Meeting(group_id=g, client_id=c, kind=MeetingKind.PRE_GROUP, held_on=held_on, by_id=f, phq9_id=phq_ids[i],
                current_plan=False, recent_attempt=False, outcome=outcome, problem_area="role_dispute")
        for i, (g, c, held_on, f, outcome) in enumerate(meeting_plan)], batch_size=batch)
    offset = len(meeting_plan)
    QuickCheck.objects.bulk_create([
        QuickCheck(session_id=s, member_id=m, administration_id=phq_ids[offset + i], instrument_code="phq9", total=total, at=when)
        for i, (s, m, _c, when, total) in enumerate(check_plan)], batch_size=batch)
    world.counts["checks"] = len(check_plan)

    # risk alerts about 2% of members, most acknowledged; and a fidelity rating of session 2 of one group in four
    alerts = []
    for g, f, *_ in made:
        for _m, c in member_of[g]:
            if rng.random() < 0.02:
                raised = now - timedelta(days=rng.randint(1, 180), minutes=rng.randint(0, 600))
                acked = raised + timedelta(minutes=rng.randint(2, 240)) if rng.random() < 0.9 else None
                alerts.append(Alert(organisation=org, client_id=c, rule_id="phq9_item9", rule_kind="answer", source="phq9",
                                    severity="high", severity_rank=3, policy_id="standard", schedule=ESCALATION,
                                    reason="Item 9 answered above zero", raised_at=raised,
                                    status=AlertStatus.ACKNOWLEDGED if acked else AlertStatus.RAISED,
                                    acknowledged_at=acked, acknowledged_by_id=f if acked else None))
    Alert.objects.bulk_create(alerts, batch_size=batch)
    world.counts["alerts"] = len(alerts)
    ratings = []
    for g, f, s, *_ in made[::4]:
        second = sessions[g][1]
        if second[3]:
            ratings.append(FidelityRating(
                organisation=org, target_kind="group_session", target_id=second[0], target_label=f"Group {g}, session 2",
                phase="middle", format_id="group", checklist_id="group_middle", items=[{"id": "a", "text": "Agenda"}],
                answers={"a": "yes"}, applicable=1, score_percent=rng.choice([50, 67, 75, 83, 100]), rater_id=s,
                rated_id=f, rated_at=second[2] + timedelta(days=2), session_at=second[2]))
    FidelityRating.objects.bulk_create(ratings, batch_size=batch)
    world.counts |= {"sites": sites, "facilitators": facilitators, "groups": groups, "members": members,
                     "sessions": groups * SESSIONS, "fidelity_ratings": len(ratings)}
    world.counts |= _competency(org, fac, supervisor_of, rng, today, batch)
    audit.record(SYNTH_EVENT.code, organisation_id=org.pk, details={"programme": world.counts, "seed": seed},
                 system_label="openipt synth --programme")
    world.seconds = clock.monotonic() - started
    return world


def _competency(org: Organisation, fac: list[tuple[int, int | None]], supervisor_of: dict[int, int],
                rng: random.Random, today: date, batch: int) -> dict[str, int]:
    """One to three competency assessments of each facilitator by their site's supervisor, levels mostly rising;
    about one in twenty with an item rated potentially harmful (an open flag); those whose latest assessment meets
    the default rule are signed off to lead a group alone."""
    tool = competency_tool()
    now = timezone.now()
    made: list[CompetencyAssessment] = []
    for pk, site in fac:
        rater = supervisor_of.get(site) if site is not None else None
        if rater is None:
            continue
        base = rng.choice([2, 2, 3, 3, 3, 4])
        for n in range(rng.choice([1, 2, 2, 3])):
            # levels 2 to 4, rising with practice; level 1 only in the one assessment in twenty chosen below
            levels = {item.id: max(2, min(4, base + (n if rng.random() < 0.6 else 0) + rng.choice([-1, 0, 0, 0, 1])))
                      for item in tool.items}
            if rng.random() < 0.05:
                levels[rng.choice(tool.items).id] = 1
            made.append(CompetencyAssessment(
                organisation=org, trainee_id=pk, rater_id=rater, tool_id=tool.id, tool_version=tool.version,
                items=[{"id": i.id, "section": i.section, "title": i.title} for i in tool.items], levels=levels,
                source=rng.choice(["role_play", "recording", "live"]), observed_on=today - timedelta(days=90 - 30 * n),
                created_at=now))
    CompetencyAssessment.objects.bulk_create(made, batch_size=batch)
    flags: list[CompetencyFlag] = []
    latest: dict[int, CompetencyAssessment] = {}
    for a in CompetencyAssessment.objects.filter(organisation=org).order_by("trainee_id", "observed_on", "pk"):
        latest[a.trainee_id] = a
        flags.extend(CompetencyFlag(organisation=org, assessment_id=a.pk, trainee_id=a.trainee_id, item_id=i.id,
                                    item_title=i.title, raised_at=now) for i in tool.items if a.levels.get(i.id) == 1)
    CompetencyFlag.objects.bulk_create(flags, batch_size=batch)
    flagged = {f.trainee_id for f in flags}
    signoffs = [SignOff(organisation=org, membership_id=t, competency="group_lead", signed_by_id=a.rater_id,
                        signed_on=a.observed_on, note="Synthetic", created_at=now)
                for t, a in latest.items() if t not in flagged and min(a.levels.values()) >= 3]
    SignOff.objects.bulk_create(signoffs, batch_size=batch)
    return {"competency_assessments": len(made), "competency_flags": len(flags), "signed_off": len(signoffs)}


def _phq9(org: int, client: int, course: int | None, total: int, at: datetime, by: int) -> Administration:
    return Administration(organisation_id=org, client_id=client, course_id=course, instrument_code="phq9",
                          instrument_version="synthetic", status=Status.COMPLETED, total=total, source=Source.STAFF,
                          entered_by_id=by, entered_by_role="facilitator", started_at=at, completed_at=at)


def generate_programme_and_analyse(seed: int = 1, **sizes: int) -> ProgrammeWorld:
    """Generate, then refresh the planner's statistics so pages are measured as they would run."""
    slug = sizes.pop("slug", None)
    world = generate_programme(seed, slug=slug if isinstance(slug, str) else None, **sizes)
    refresh_statistics()
    return world
