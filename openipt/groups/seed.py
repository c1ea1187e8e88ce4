"""Demo and synthetic groups.

The demo makes two groups mid-course through the real actions: pre-group meetings with PHQ-9s,
attendance, quick checks, what members will try, and a report with the supervisor's reply.
The synthetic generator writes groups in bulk for the benchmarks (one group per 20 clients).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from openipt.accounts.actor import Actor
from openipt.clients import actions as client_actions
from openipt.clients.models import Assignment, Client, ClientStatus
from openipt.courses import screening_actions
from openipt.courses.models import Course, CourseStatus
from openipt.groups import actions, meeting_actions, report_actions, session_actions
from openipt.groups.models import (
    Attendance,
    Group,
    GroupSession,
    GroupStatus,
    Member,
    MemberStatus,
    Programme,
)

DEMO_PROGRAMME = "Community groups"

# (group name, language, weekday, weeks since the first session, members: (given, family, area, words, scores))
DEMO_GROUPS: list[tuple[str, str, int, int, list[tuple[str, str, str, str, list[int | None]]]]] = [
    ("Tuesday group, Nansana", "Luganda", 1, 4, [
        ("Sarah", "Nalubega", "grief", "My mother died and I cannot stop crying", [18, 16, 14, 12]),
        ("Esther", "Namusoke", "role_dispute", "My husband and I fight about money", [16, 15, 15, 13]),
        ("Agnes", "Nakimuli", "role_transition", "I moved to the city and miss home", [15, 13, 11, 9]),
        ("Harriet", "Nansubuga", "interpersonal_deficits", "I have nobody to talk to", [16, 17, 19, 23]),
        ("Betty", "Namata", "role_dispute", "My sister will not speak to me", [14, 12, 10, 8]),
        ("Joyce", "Nakato", "grief", "My baby died last year", [20, 18, None, None]),
    ]),
    ("Thursday group, Riverside", "English", 3, 3, [
        ("Paul", "Otieno", "role_transition", "I lost my job and feel useless", [15, 14, 12]),
        ("Peter", "Ssebunya", "grief", "My brother died in an accident", [17, 15, 14]),
        ("Moses", "Kato", "role_dispute", "My father and I cannot agree about the farm", [13, 12, 10]),
        ("Isaac", "Mugisha", "interpersonal_deficits", "I keep to myself and feel alone", [16, 16, 15]),
    ]),
]


def _answers(total: int) -> dict[str, int]:  # every demo member has a pre-group score
    """PHQ-9 answers that add up to `total` (item 9 kept at 0)."""
    values: dict[str, int] = {}
    left = total
    for n in range(1, 9):
        values[f"q{n}"] = min(3, left)
        left -= values[f"q{n}"]
    values["q9"] = 0
    return values


def add_demo_groups(world) -> None:
    """Two groups mid-course in the demo clinic (idempotent)."""
    org = world.organisation
    if Programme.objects.filter(organisation=org, name=DEMO_PROGRAMME).exists():
        return
    admin, facilitator = world.actor("admin"), world.actor("facilitator")
    supervisor = world.members["supervisor"]
    programme = actions.save_programme(admin, name=DEMO_PROGRAMME, min_members=4, max_members=14, sessions_default=8,
                                       last_join_session=2, require_signoff=False)
    today = timezone.localdate()
    for name, language, weekday, weeks, people in DEMO_GROUPS:
        start = today - timedelta(weeks=weeks) - timedelta(days=(today.weekday() - weekday) % 7)
        group = actions.create_group(admin, programme_id=programme.pk, name=name, facilitator_id=facilitator.membership.pk,
                                     supervisor_id=supervisor.pk, weekday=weekday, start_time=time(10, 0),
                                     start_date=start, language=language, location="Community hall")
        members = []
        for given, family, area, words, scores in people:
            client = Client.objects.filter(organisation=org, given_name=given, family_name=family).first()
            if client is None:
                client = client_actions.create_client(admin, {"given_name": given, "family_name": family, "sex": "female"
                                                              if given not in ("Paul", "Peter", "Moses", "Isaac") else "male"},
                                                      assign_to=facilitator.membership, status=ClientStatus.ACTIVE)
            meeting_actions.record_meeting(facilitator, group.pk, client.pk, meeting_actions.MeetingRecord(
                kind="pre_group", held_on=start - timedelta(days=5), phq9=_answers(scores[0] or 0), current_plan=False,
                recent_attempt=False, mood_link="Low mood began when this problem started.", problem_area=area,
                problem_words=words, goal="Feel closer to the people around me", outcome="invited",
                done_step_ids=[s.id for s in meeting_actions.plan_steps("pre_group")]))
            member = Member.objects.get(group=group, client=client)
            screening_actions.record_screening(facilitator, member.course_id, {
                t: {"answer": "Asked at the pre-group meeting: nothing found.", "decision": "proceed"}
                for t in screening_actions.topics_for(member.course)})
            members.append((member, scores))
        actions.set_status(admin, group.pk, GroupStatus.RUNNING)
        for number in range(1, weeks + 1):
            for member, scores in members:
                score = scores[number] if number < len(scores) else None
                presence = "present" if score is not None else "absent"
                session_actions.mark_attendance(facilitator, group.pk, number, member.pk, presence)
                if score is not None:
                    session_actions.save_will_try(facilitator, group.pk, number, member.pk,
                                                  "Talk for ten minutes with someone I trust")
                    if number % 2 == 1 or number == weeks:
                        session_actions.enter_quick_check(facilitator, group.pk, number, member.pk, _answers(score))
            report_actions.file_report(facilitator, group.pk, number,
                                       went_well="Everyone spoke, and members gave each other ideas.",
                                       was_hard="Keeping to time in the sharing step.",
                                       concerns="" if number < weeks else "One member missed two sessions.",
                                       help_wanted="How to bring back a member who stops coming.")
        report_actions.reply(Actor(supervisor), group.pk, 1, text="Good first session. Next time give each member "
                             "two minutes for their week, and use the timer.")


# Synthetic data ------------------------------------------------------------------------------------


def add_synthetic_groups(world, per_group: int = 8, clients_per_group: int = 20) -> None:
    """One running group per `clients_per_group` clients, led by the synthetic facilitators, in bulk."""
    org = world.organisation
    facilitators = world.staff.get("facilitator") or []
    supervisors = world.staff.get("supervisor") or []
    admins = world.staff.get("admin") or []
    if not facilitators or not supervisors or not admins:
        return
    candidates = list(Client.objects.filter(organisation=org, status=ClientStatus.ACTIVE).order_by("pk")
                      .values_list("pk", flat=True))
    total = Client.objects.filter(organisation=org).count()
    count = min(total // clients_per_group, len(candidates) // per_group)
    if count < 1:
        return
    rng = world.rng
    programme, _ = Programme.objects.get_or_create(organisation=org, name="Synthetic groups")
    today = date.today()
    tz = timezone.get_current_timezone()
    groups = []
    for i in range(count):
        facilitator = facilitators[i % len(facilitators)]
        weeks = rng.randint(0, 10)
        start = today - timedelta(weeks=weeks)
        groups.append(Group(
            organisation=org, programme=programme, name=f"Group {i + 1}", facilitator=facilitator,
            supervisor=facilitator.supervisor or supervisors[i % len(supervisors)], weekday=start.weekday(),
            start_time=time(10, 0), sessions_planned=8, start_date=start, language=rng.choice(["English", "Luganda", "Swahili"]),
            location="Community hall", created_by=admins[0],
            status=GroupStatus.ENDED if weeks > 8 else GroupStatus.RUNNING if weeks else GroupStatus.PLANNED))
    Group.objects.bulk_create(groups, batch_size=500)
    groups = list(Group.objects.filter(organisation=org, programme=programme).order_by("pk"))
    sessions = []
    for group in groups:
        for n in range(1, 9):
            when = timezone.make_aware(datetime.combine(group.start_date + timedelta(weeks=n - 1), group.start_time), tz)
            phase = "initial" if n == 1 else "termination" if n == 8 else "middle"
            held = when.date() < today
            sessions.append(GroupSession(group=group, number=n, scheduled_start=when, phase=phase, held=held,
                                         led_by_id=group.facilitator_id if held else None))
    GroupSession.objects.bulk_create(sessions, batch_size=2000)
    courses, members, assignments = [], [], []
    for index, group in enumerate(groups):
        for client_id in candidates[index * per_group:(index + 1) * per_group]:
            courses.append(Course(organisation=org, client_id=client_id, format_id="group", therapist=group.facilitator,
                                  start_date=group.start_date, sessions_planned=8, frequency="weekly",
                                  planned_end_date=group.start_date + timedelta(weeks=7), created_by=admins[0],
                                  status=CourseStatus.COMPLETED if group.status == GroupStatus.ENDED else CourseStatus.ACTIVE))
            assignments.append(Assignment(client_id=client_id, staff=group.facilitator, is_primary=False))
            assignments.append(Assignment(client_id=client_id, staff=group.supervisor, is_primary=False))
    Course.objects.bulk_create(courses, batch_size=2000)
    Assignment.objects.bulk_create(assignments, batch_size=2000, ignore_conflicts=True)
    course_of = dict(Course.objects.filter(organisation=org, format_id="group").values_list("client_id", "pk"))
    for index, group in enumerate(groups):
        for client_id in candidates[index * per_group:(index + 1) * per_group]:
            members.append(Member(group=group, client_id=client_id, course_id=course_of[client_id], joined_on=group.start_date,
                                  added_by=group.facilitator,
                                  status=MemberStatus.FINISHED if group.status == GroupStatus.ENDED else MemberStatus.ACTIVE))
    Member.objects.bulk_create(members, batch_size=2000)
    held_sessions = GroupSession.objects.filter(group__in=groups, held=True).values_list("pk", "group_id")
    member_ids: dict[int, list[int]] = {}
    for member_id, group_id in Member.objects.filter(group__in=groups).values_list("pk", "group_id"):
        member_ids.setdefault(group_id, []).append(member_id)
    now = timezone.now()
    leader = {g.pk: g.facilitator_id for g in groups}
    marks = []
    for session_id, group_id in held_sessions:
        for member_id in member_ids.get(group_id, []):
            marks.append(Attendance(session_id=session_id, member_id=member_id, marked_at=now,
                                    marked_by_id=leader[group_id],
                                    presence="present" if rng.random() < 0.85 else "absent"))
    Attendance.objects.bulk_create(marks, batch_size=5000)
    world.group_ids = [g.pk for g in groups]


# Found by openipt.seed.steps when `openipt demo` or `openipt synth` runs; nothing imports this module at start-up.
DEMO_STEPS = (add_demo_groups,)
SYNTH_STEPS = (add_synthetic_groups,)
