"""Session reports: filed once, read and answered by the supervisor, the reply seen by the facilitator."""

from __future__ import annotations

import pytest

from openipt.core.errors import ActionError
from openipt.groups import actions, report_actions, session_actions
from openipt.groups.models import SessionReport
from tests.support.groups import client_of, co_facilitator, group
from tests.support.people import actor


@pytest.fixture
def held(world):
    co = co_facilitator(world)
    grp = group(world, weeks_ago=1, co=co)
    member = actions.add_member(actor(world.m["admin"]), grp.pk, client_of(world).pk)
    session_actions.mark_attendance(actor(world.m["facilitator"]), grp.pk, 1, member.pk, "present")
    return grp, co


def test_a_report_needs_a_held_session(world):
    grp = group(world, weeks_ago=1)
    with pytest.raises(ActionError, match="Mark attendance"):
        report_actions.file_report(actor(world.m["facilitator"]), grp.pk, 1, went_well="Good")


def test_a_second_filing_is_told_the_report_exists_and_the_first_is_kept(world, held):
    grp, co = held
    report_actions.file_report(actor(world.m["facilitator"]), grp.pk, 1, went_well="Everyone spoke.")
    with pytest.raises(report_actions.ReportExists) as exc:
        report_actions.file_report(actor(co), grp.pk, 1, went_well="My version")
    assert "already filed by" in exc.value.message and exc.value.report.went_well == "Everyone spoke."
    assert SessionReport.objects.get().went_well == "Everyone spoke."


def test_a_second_filing_in_the_browser_keeps_what_was_typed(world, held, as_member):
    grp, co = held
    report_actions.file_report(actor(world.m["facilitator"]), grp.pk, 1, went_well="Everyone spoke.")
    response = as_member(co).post(f"/groups/{grp.pk}/sessions/1/report/", {"went_well": "My own words about it"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "already filed" in body and "My own words about it" in body and "Everyone spoke." in body


def test_the_supervisor_replies_and_the_facilitator_sees_the_reply(world, held, as_member):
    grp, _co = held
    report_actions.file_report(actor(world.m["facilitator"]), grp.pk, 1, went_well="Everyone spoke.")
    response = as_member(world.m["supervisor"]).post(f"/groups/{grp.pk}/sessions/1/report/reply/",
                                                     {"reply": "Well done; keep to time in step 2."})
    assert response.status_code == 302
    page = as_member(world.m["facilitator"]).get(f"/groups/{grp.pk}/sessions/1/report/").content.decode()
    assert "Well done; keep to time in step 2." in page
    assert SessionReport.objects.get().reply_seen_at is not None


def test_a_facilitator_cannot_reply_to_their_own_report(world, held):
    grp, _co = held
    report_actions.file_report(actor(world.m["facilitator"]), grp.pk, 1, went_well="Fine")
    with pytest.raises(ActionError) as exc:
        report_actions.reply(actor(world.m["facilitator"]), grp.pk, 1, text="Thanks me")
    assert exc.value.code == "forbidden"


def test_an_empty_reply_is_refused_beside_the_field(world, held):
    grp, _co = held
    report_actions.file_report(actor(world.m["facilitator"]), grp.pk, 1, went_well="Fine")
    with pytest.raises(ActionError) as exc:
        report_actions.reply(actor(world.m["supervisor"]), grp.pk, 1, text="   ")
    assert exc.value.field == "reply"


# Hazard GRP-03: a worry about a named member written in a report must not stay unread in a report.
def test_a_report_naming_a_member_with_risk_words_raises_an_alert_for_that_member(world, held):
    from openipt.groups.models import Member
    from openipt.safety.models import Alert

    grp, _co = held
    member = Member.objects.get(group=grp)
    name = member.client.given_name
    report_actions.file_report(actor(world.m["facilitator"]), grp.pk, 1, went_well="Good",
                               concerns=f"{name} said she wants to kill herself and has no reason to live.")
    assert Alert.objects.filter(client=member.client, rule_kind="free_text").exists()


def _with_members(world, names):
    grp = group(world, weeks_ago=1)
    made = [actions.add_member(actor(world.m["admin"]), grp.pk, client_of(world, given_name=n, family_name="Nakato").pk)
            for n in names]
    session_actions.mark_attendance(actor(world.m["facilitator"]), grp.pk, 1, made[0].pk, "present")
    return grp, made


# Hazard HAZ-011 / HAZ-005: a name inside another word must not pick the wrong member.
def test_names_are_matched_as_whole_words(world):
    from openipt.safety.models import Alert

    grp, (ann, bea) = _with_members(world, ["Ann", "Bea"])
    report_actions.file_report(actor(world.m["facilitator"]), grp.pk, 1, went_well="Good",
                               concerns="Bea's sister says Bea wants to kill herself. Annual fees are due.")
    assert set(Alert.objects.values_list("client_id", flat=True)) == {bea.client_id}


# Hazard HAZ-005: a member whose name is an everyday word must not take the alert meant for someone else.
def test_a_name_that_is_also_a_word_is_not_taken_for_the_member(world):
    from openipt.safety.models import Alert

    grp, made = _with_members(world, ["Hope", "Bea"])
    report_actions.file_report(actor(world.m["facilitator"]), grp.pk, 1, went_well="Good",
                               concerns="One of them said she has lost all hope and wants to kill herself.")
    assert set(Alert.objects.values_list("client_id", flat=True)) == {m.client_id for m in made}


# Hazard HAZ-005: risk words about a member who is not named are never dropped.
def test_a_worry_with_risk_words_that_names_nobody_alerts_for_every_member(world):
    from openipt.safety.models import Alert

    grp, made = _with_members(world, ["Ann", "Bea", "Cissy"])
    report_actions.file_report(actor(world.m["facilitator"]), grp.pk, 1, went_well="Good",
                               concerns="One of the women told me after the session that she wants to kill herself.")
    assert set(Alert.objects.values_list("client_id", flat=True)) == {m.client_id for m in made}


def test_a_report_without_worrying_words_raises_no_alert(world, held):
    from openipt.groups.models import Group as SessionGroup
    from openipt.safety.models import Alert

    grp, _co = held
    SessionGroup.objects.filter(pk=grp.pk).update(language="English")  # a Luganda report goes to a person (HAZ-030)
    report_actions.file_report(actor(world.m["facilitator"]), grp.pk, 1, went_well="Good",
                               concerns="Nobody in particular; everyone was tired.")
    assert not Alert.objects.exists()
