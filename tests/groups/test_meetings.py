"""Pre-group and mid-group meetings: PHQ-9, the exclusion screen, the invitation."""

from __future__ import annotations

import pytest
from django.utils import timezone

from openipt.core.errors import ActionError
from openipt.courses.models import Course
from openipt.groups import meeting_actions
from openipt.groups.meeting_actions import MeetingRecord
from openipt.groups.models import Meeting, Member
from openipt.measures.models import Administration
from openipt.safety.models import Alert
from tests.support.groups import client_of, group, invite, phq9
from tests.support.people import actor


def test_an_accepted_invitation_records_the_phq9_through_measures_and_adds_the_member(world):
    grp = group(world)
    client = client_of(world)
    meeting = invite(world, grp, client, phq9=phq9(14))
    admin = Administration.objects.get(pk=meeting.phq9_id)
    assert admin.instrument_code == "phq9" and admin.total == 14 and admin.client_id == client.pk
    assert admin.entered_by_id == world.m["facilitator"].pk
    assert Member.objects.filter(group=grp, client=client, status="active").exists()


def test_steps_ticked_are_kept_and_unknown_ones_dropped(world):
    grp = group(world)
    steps = [s.id for s in meeting_actions.plan_steps("pre_group")]
    meeting = invite(world, grp, done_step_ids=[steps[0], "made.up"])
    assert meeting.done_step_ids == [steps[0]]


# Hazard GRP-01: a prospective member with a current suicide plan or a recent attempt must be
# referred, not invited, and the risk must reach staff.
@pytest.mark.parametrize("plan, attempt", [(True, False), (False, True), (True, True)])
def test_a_positive_screen_refers_instead_of_inviting_and_raises_a_high_alert(world, plan, attempt):
    grp = group(world)
    client = client_of(world)
    meeting = invite(world, grp, client, current_plan=plan, recent_attempt=attempt, outcome="invited",
                     referral="Clinic nurse saw her today; supervisor phoned.")
    assert meeting.outcome == "referred"
    assert not Member.objects.filter(group=grp, client=client).exists()
    alert = Alert.objects.get(client=client)
    assert alert.severity == "high" and alert.rule_kind == "risk_review"
    course = Course.objects.get(client=client, format_id="group")
    assert course.status == "ended_early"


def test_a_positive_screen_without_a_referral_is_refused_and_nothing_is_saved(world):
    grp = group(world)
    client = client_of(world)
    with pytest.raises(ActionError) as exc:
        invite(world, grp, client, current_plan=True, referral="")
    assert exc.value.field == "referral" and "Do not invite" in exc.value.message
    assert not Meeting.objects.exists() and not Alert.objects.filter(client=client).exists()
    assert not Administration.objects.filter(client=client).exists()


def test_the_safety_questions_must_be_answered(world):
    grp = group(world)
    with pytest.raises(ActionError) as exc:
        invite(world, grp, current_plan=None)
    assert exc.value.field == "current_plan"


def test_an_incomplete_phq9_is_refused_beside_the_first_missing_question(world):
    grp = group(world)
    answers = phq9(10)
    del answers["q4"]
    with pytest.raises(ActionError) as exc:
        invite(world, grp, phq9=answers)
    assert exc.value.field == "q4"


def test_item_nine_on_the_pre_group_phq9_raises_an_alert_through_measures(world):
    grp = group(world)
    client = client_of(world)
    invite(world, grp, client, phq9=phq9(16, item9=2))
    assert Alert.objects.filter(client=client, rule_kind="instrument_item").exists()


def test_a_declined_invitation_ends_the_planned_course(world):
    grp = group(world)
    client = client_of(world)
    invite(world, grp, client, outcome="declined")
    assert not Member.objects.filter(client=client).exists()
    assert Course.objects.get(client=client).status == "ended_early"


def test_inviting_needs_the_problem_in_their_words(world):
    grp = group(world)
    with pytest.raises(ActionError) as exc:
        invite(world, grp, problem_words="")
    assert exc.value.field == "problem_words"


def test_a_mid_group_meeting_adds_a_phq9_to_the_members_course(world):
    grp = group(world)
    client = client_of(world)
    invite(world, grp, client, phq9=phq9(15))
    meeting = meeting_actions.record_meeting(actor(world.m["facilitator"]), grp.pk, client.pk, MeetingRecord(
        kind="mid_group", held_on=timezone.localdate(), phq9=phq9(9), current_plan=False, recent_attempt=False))
    member = Member.objects.get(client=client)
    assert meeting.phq9.course_id == member.course_id
    assert list(Administration.objects.filter(client=client).order_by("pk").values_list("total", flat=True)) == [15, 9]


def test_a_mid_group_meeting_is_only_for_members(world):
    grp = group(world)
    with pytest.raises(ActionError) as exc:
        meeting_actions.record_meeting(actor(world.m["facilitator"]), grp.pk, client_of(world).pk, MeetingRecord(
            kind="mid_group", held_on=timezone.localdate(), phq9=phq9(9), current_plan=False, recent_attempt=False))
    assert exc.value.field == "client"


def test_only_the_groups_facilitators_hold_meetings(world):
    grp = group(world)
    client = client_of(world, who="therapist")
    with pytest.raises(ActionError) as exc:
        invite(world, grp, client, who="therapist")
    assert exc.value.code == "forbidden"
