"""A group's quick PHQ-2 still asks the safety question every session (HAZ-022); group recovery counts cases (HAZ-021)."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from openipt.core.errors import ActionError
from openipt.groups import actions, session_actions
from openipt.groups.models import QuickCheck
from openipt.measures import instruments
from openipt.measures.models import Administration
from openipt.safety.models import Alert
from tests.support.groups import phq9, running_group
from tests.support.people import actor


@pytest.fixture
def running(world):
    return running_group(world)


def test_a_quick_phq2_with_question_9_above_zero_raises_the_phq9_alert(world, running):
    grp, members = running
    result = session_actions.enter_quick_check(actor(world.m["facilitator"]), grp.pk, 3, members[0].pk,
                                               {"q1": 1, "q2": 1, "q9": 2})
    assert (result["instrument"], result["total"], result["flagged"]) == ("phq2", 2, True)
    admin = Administration.objects.get(instrument_code="phq2")
    assert admin.answers["q9"] == 2 and admin.safety_followup
    alert = Alert.objects.get()
    assert (alert.rule_id, alert.client_id, alert.severity) == ("phq9_item9_positive", members[0].client_id, "high")
    assert (alert.source_type, alert.source_id) == ("measures.administration", str(admin.pk))


def test_a_quick_phq2_without_question_9_is_refused_and_asks_for_it(world, running):
    grp, members = running
    with pytest.raises(ActionError) as exc:
        session_actions.enter_quick_check(actor(world.m["facilitator"]), grp.pk, 3, members[0].pk, {"q1": 1, "q2": 1})
    assert "Ask question 9 too" in exc.value.message and exc.value.field == f"check_{members[0].pk}"
    assert not QuickCheck.objects.exists() and not Administration.objects.exists()


def test_a_quick_check_from_the_offline_queue_carries_question_9(world, running):
    grp, members = running
    result = session_actions.apply_change(actor(world.m["facilitator"]), grp.pk, 3, key="c1", kind="check",
                                          data={"member": members[1].pk, "answers": {"q1": 0, "q2": 1, "q9": 1}})
    assert result["flagged"] is True
    assert Alert.objects.filter(client_id=members[1].client_id, rule_id="phq9_item9_positive").exists()


def test_the_session_page_and_the_printed_sheet_ask_question_9_every_time(world, running, as_member):
    grp, _members = running
    page = as_member(world.m["facilitator"]).get(f"/groups/{grp.pk}/sessions/3/").content.decode()
    assert "questions 1, 2 and 9 for a quick PHQ-2" in page and "(the safety question: always ask it)" in page
    items = [i for i in instruments.get("phq9").items if i.id != "difficulty"]
    sheet = render_to_string("groups/print/sheet.html", {"group": grp, "session": grp.sessions.get(number=3),
                                                          "members": [], "items": items})
    assert "always ask this one, also in a quick check" in sheet and "A quick check is questions 1, 2 and 9" in sheet


def test_group_recovery_is_counted_over_the_members_who_were_cases(world, running, as_member):
    grp, members = running
    fac = actor(world.m["facilitator"])
    session_actions.enter_quick_check(fac, grp.pk, 1, members[0].pk, phq9(16))
    session_actions.enter_quick_check(fac, grp.pk, 2, members[0].pk, phq9(6))   # a case who recovered
    session_actions.enter_quick_check(fac, grp.pk, 1, members[1].pk, phq9(8))
    session_actions.enter_quick_check(fac, grp.pk, 2, members[1].pk, phq9(3))   # never a case: not "recovered"
    actions.set_status(actor(world.m["admin"]), grp.pk, "ended")
    body = as_member(world.m["facilitator"]).get(f"/groups/{grp.pk}/").content.decode()
    assert "Recovered: 1 of the 1 who were a case at the start" in body
    assert "1 was not a case at the start" in body
