"""The programme's figures from a real group, built through the real actions, and the query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openipt.accounts.models import Role
from openipt.groups import actions, session_actions
from openipt.groups.models import GroupSession, Member
from openipt.programmes import indicators as ind
from openipt.programmes import queries
from openipt.safety import actions as safety_actions
from openipt.supervision import actions as sup
from tests.support.groups import group, invite, phq9, programme, screen
from tests.support.people import actor, make_member
from tests.support.safety import raise_text
from tests.support.supervision import new_items_na

MIDDLE = {
    "interval_review": "yes",
    "mood_event_link": "yes",
    "area_strategies": "partly",
    "things_to_try": "yes",
    "member_help": "no",
    **new_items_na("middle"),
}  # 7 of 10 halves: 70%


def build(world, *, members: int = 4, prog=None, name: str = "Tuesday group"):
    """A group two weeks in: `members` invited (plus one who declined and one not invited), three sessions held."""
    fac, admin = actor(world.m["facilitator"]), actor(world.m["admin"])
    grp = group(world, prog, weeks_ago=2, name=name)
    for _ in range(members):
        invite(world, grp)
    invite(world, grp, outcome="declined")
    invite(world, grp, outcome="not_suitable")
    made = list(Member.objects.filter(group=grp).order_by("pk"))
    screen(world, *made)
    actions.set_status(admin, grp.pk, "running")
    came = {1: made, 2: made[:2], 3: made[:1]}
    for number in (1, 2, 3):
        for member in made:
            session_actions.mark_attendance(
                fac, grp.pk, number, member.pk, "present" if member in came[number] else "absent"
            )
    session_actions.enter_quick_check(fac, grp.pk, 1, made[0].pk, phq9(13))
    session_actions.enter_quick_check(fac, grp.pk, 3, made[0].pk, phq9(4))  # 14 at the meeting, 4 now
    session_actions.enter_quick_check(fac, grp.pk, 2, made[1].pk, phq9(12))
    return grp, made


def filters():
    today = timezone.localdate()
    return queries.Filters(today - timedelta(days=40), today)


def manager(world):
    return actor(make_member(world.org, Role.MANAGER))


def test_the_cohort_counts_a_real_group_as_worked_out_by_hand(world):
    grp, made = build(world)
    # One member, not yet acknowledged, an hour ago: past the standard policy's 30 minutes, so escalated.
    raise_text(made[2].client, when=timezone.now() - timedelta(minutes=60))
    # Another acknowledged after 10 minutes.
    alerts = raise_text(made[3].client, when=timezone.now() - timedelta(minutes=20))
    safety_actions.acknowledge(
        actor(world.m["facilitator"]), alerts[0].pk, now=timezone.now() - timedelta(minutes=10)
    )
    second = GroupSession.objects.get(group=grp, number=2)
    sup.rate(actor(world.m["admin"]), "group_session", second.pk, answers=MIDDLE)

    raw = ind.counts(queries.cohort(manager(world), filters()), min_sessions=2)
    assert (
        raw["screened"] == 6 and raw["eligible"] == 5
    )  # the declined member was eligible; "not suitable" not
    assert raw["enrolled"] == 4
    assert raw["attended_min"] == 2  # came 3, 2, 1 and 1 times
    assert raw["completed"] == 0  # the group is still running
    # Member 0: 14 at the meeting, 4 at session 3: reliable improvement, response, remission. Member 1: 14 -> 12.
    assert (raw["reliable_improvement"], raw["response"], raw["remission"]) == (1, 1, 1)
    assert raw["case_at_start"] == 4  # all began at 14; the two with one score stay in (intention to treat)
    assert (raw["attendance_marks"], raw["attendance_present"], raw["checks_missed"]) == (12, 7, 4)
    assert (raw["alerts"], raw["alerts_breached"]) == (2, 1)
    assert raw["ack_minutes"] == pytest.approx(10, abs=0.1)
    assert (raw["fidelity_ratings"], raw["fidelity_mean"]) == (1, 70)


def test_ending_the_group_completes_its_members_and_the_filters_narrow_the_count(world):
    grp, made = build(world)
    other_fac = make_member(world.org, Role.FACILITATOR)
    actions.set_status(actor(world.m["admin"]), grp.pk, "ended")
    who = manager(world)
    assert ind.counts(queries.cohort(who, filters()))["completed"] == 4
    f = filters()
    by_group = queries.Filters(f.start, f.end, group_id=grp.pk)
    assert ind.counts(queries.cohort(who, by_group))["enrolled"] == 4
    nobody = queries.Filters(f.start, f.end, facilitator_id=other_fac.pk)
    assert queries.cohort(who, nobody).is_empty()
    last_year = queries.Filters(f.start - timedelta(days=400), f.start - timedelta(days=300))
    assert queries.cohort(who, last_year).is_empty()


def test_another_organisation_and_a_supervisor_of_other_groups_count_nothing(world):
    build(world)
    other_manager = actor(make_member(world.other_org, Role.MANAGER))
    assert queries.cohort(other_manager, filters()).is_empty()
    stranger = actor(make_member(world.org, Role.SUPERVISOR))
    assert queries.cohort(stranger, filters()).is_empty()
    assert not queries.cohort(actor(world.m["supervisor"]), filters()).is_empty()
    assert queries.cohort(actor(world.m["therapist"]), filters()).is_empty()  # not a dashboard role


def _queries(who):
    with CaptureQueriesContext(connection) as ctx:
        queries.cohort(who, filters())
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_programme(world):
    who = manager(world)
    prog = programme(world)
    build(world, members=4, prog=prog)
    small = _queries(who)
    build(world, members=8, prog=prog, name="Second group")  # 4 members in 1 group, then 12 in 2
    assert _queries(who) == small


def test_an_alert_counts_under_the_facilitator_of_the_client_s_latest_group(world):
    """One query finds the alerts and, for each, the facilitator of the client's latest group (by joining day):
    a member who left one group and joined another is counted under the second group's facilitator."""
    other = make_member(world.org, Role.FACILITATOR, supervisor=world.m["supervisor"])
    first, made = build(world, members=4)
    second = group(world, first.programme, name="Thursday group", facilitator_id=other.pk)
    moved = made[0]
    Member.objects.filter(pk=moved.pk).update(joined_on=timezone.localdate() - timedelta(days=10), status="left")
    Member.objects.create(group=second, client=moved.client, course=moved.course, status="active",
                          joined_on=timezone.localdate(), added_by=world.m["admin"])
    raise_text(moved.client, when=timezone.now() - timedelta(minutes=5))
    raise_text(made[1].client, when=timezone.now() - timedelta(minutes=5))
    groups = queries.programme_groups(manager(world))
    with CaptureQueriesContext(connection) as counted:
        found = queries.alerts_of(groups, filters())
    assert len(counted.captured_queries) == 1
    assert sorted(a.facilitator for a in found) == sorted([other.pk, first.facilitator_id])
