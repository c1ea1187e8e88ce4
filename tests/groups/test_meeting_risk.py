"""Hazard GRP-04: a suicide plan or recent attempt told at any group meeting reaches staff.

Every meeting kind with every risk answer, through the page a facilitator uses: the meeting is
saved as a referral and a high alert is raised. A form that is refused (no referral written yet)
keeps what was typed and still raises the alert, so a facilitator who never comes back to it
does not lose the disclosure.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from openipt.groups.models import Meeting, Member
from openipt.safety.models import Alert
from tests.support.groups import client_of, group, invite, phq9

RISK = [("yes", "no"), ("no", "yes"), ("yes", "yes")]


def _form(client, plan, attempt, **extra):
    data = {"client": client.pk, "held_on": timezone.localdate().isoformat(), "mood_link": "Words I typed",
            "problem_area": "", "problem_words": "Money fights", "goal": "", "current_plan": plan,
            "recent_attempt": attempt, "outcome": "invited", "referral": "Nurse saw him today; supervisor phoned.",
            "notes": "", **{k: str(v) for k, v in phq9(18).items()}}
    data.update(extra)
    return data


def _member_in(world, grp):
    client = client_of(world)
    invite(world, grp, client)
    return client


@pytest.mark.parametrize("kind", ["pre_group", "mid_group"])
@pytest.mark.parametrize("plan, attempt", RISK)
def test_a_risk_answer_at_any_meeting_is_saved_as_a_referral_with_a_high_alert(world, as_member, kind, plan, attempt):
    grp = group(world)
    client = _member_in(world, grp) if kind == "mid_group" else client_of(world)
    web = as_member(world.m["facilitator"])
    response = web.post(f"/groups/{grp.pk}/meetings/new/{kind}/", _form(client, plan, attempt))
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get(client=client, kind=kind)
    assert meeting.outcome == "referred"
    assert meeting.current_plan == (plan == "yes") and meeting.recent_attempt == (attempt == "yes")
    alert = Alert.objects.get(client=client)
    assert alert.severity == "high" and "end their life" in alert.text
    page = web.get(response["Location"]).content.decode()
    assert "referred for urgent help" in page.lower()
    if kind == "mid_group":  # half way through, the member is not silently removed from the group
        assert Member.objects.filter(group=grp, client=client, status="active").exists()
        assert "whether the group is still right" in page
    else:
        assert not Member.objects.filter(group=grp, client=client).exists()


@pytest.mark.parametrize("kind", ["pre_group", "mid_group"])
@pytest.mark.parametrize("plan, attempt", RISK)
def test_a_refused_form_with_a_risk_answer_keeps_the_typing_and_still_raises_the_alert(
        world, as_member, kind, plan, attempt):
    grp = group(world)
    client = _member_in(world, grp) if kind == "mid_group" else client_of(world)
    web = as_member(world.m["facilitator"])
    response = web.post(f"/groups/{grp.pk}/meetings/new/{kind}/", _form(client, plan, attempt, referral=""))
    body = response.content.decode()
    assert response.status_code == 200 and "Words I typed" in body
    assert body.count("a safety alert was raised now") == 1
    assert not Meeting.objects.filter(client=client, kind=kind).exists()
    alert = Alert.objects.get(client=client)
    assert alert.severity == "high" and "form not saved yet" in alert.text
    # Sending it again, still refused, adds to the same open alert instead of a second one.
    web.post(f"/groups/{grp.pk}/meetings/new/{kind}/", _form(client, plan, attempt, referral="", held_on="not a day"))
    assert Alert.objects.filter(client=client).count() == 1


@pytest.mark.parametrize("kind", ["pre_group", "mid_group"])
def test_no_risk_answer_raises_no_alert_even_when_the_form_is_refused(world, as_member, kind):
    grp = group(world)
    client = _member_in(world, grp) if kind == "mid_group" else client_of(world)
    web = as_member(world.m["facilitator"])
    response = web.post(f"/groups/{grp.pk}/meetings/new/{kind}/", _form(client, "no", "no", held_on="not a day"))
    assert response.status_code == 200
    assert not Alert.objects.filter(client=client).exists()


def test_a_refused_form_cannot_raise_an_alert_about_someone_elses_client(world, as_member):
    grp = group(world)
    outsider = client_of(world, who="therapist")  # not on the facilitator's caseload
    web = as_member(world.m["facilitator"])
    web.post(f"/groups/{grp.pk}/meetings/new/pre_group/", _form(outsider, "yes", "yes", referral=""))
    assert not Alert.objects.filter(client=outsider).exists()


@pytest.mark.parametrize("kind", ["pre_group", "mid_group"])
def test_a_refused_form_with_question_9_above_zero_still_raises_the_phq9_alert(world, as_member, kind):
    grp = group(world)
    client = _member_in(world, grp) if kind == "mid_group" else client_of(world)
    web = as_member(world.m["facilitator"])
    data = _form(client, "no", "no", held_on="not a day", **{k: str(v) for k, v in phq9(18, item9=2).items()})
    response = web.post(f"/groups/{grp.pk}/meetings/new/{kind}/", data)
    body = response.content.decode()
    assert response.status_code == 200 and "a safety alert was raised now" in body
    assert body.count("a safety alert was raised now") == 1  # said once, raised once
    alert = Alert.objects.get(client=client)
    assert "question 9" in alert.text and alert.status == "raised"
