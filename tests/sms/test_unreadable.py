"""An unreadable answer to the check-in reaches a person: a follow-up alert for the care team (HAZ-036, issue 19)."""

from __future__ import annotations

import pytest

from openipt.measures.models import Administration
from openipt.safety import api as safety_api
from openipt.safety.models import Alert, Delivery
from openipt.sms import replies
from openipt.sms.inbound_actions import UNREADABLE_RULE
from openipt.sms.models import Kind, Outcome, SmsMessage
from tests.sms.test_inbound import answer_back, asked, reply  # noqa: F401 - `asked` is a fixture
from tests.support.people import actor


@pytest.mark.parametrize("text", ["2 1 yes", "two one maybe", "2 1", "1 0 5", "1 0 0 2", "mbili moja tatu"])
def test_a_reply_that_may_hold_question_9_raises_a_follow_up_for_the_care_team(world, asked, text):  # noqa: F811
    _grp, members = asked
    got = reply(world, text)
    alert = Alert.objects.get(rule_id=UNREADABLE_RULE)
    assert got.outcome == Outcome.NOT_UNDERSTOOD and got.needs_person and got.alerts >= 1
    assert alert.client_id == members[0].client_id and alert.status == "raised"
    assert (alert.severity, alert.policy_id) == (
        "medium",
        "prompt",
    )  # look today, as a blank question 9 on paper
    assert alert.text == text  # the words are on the alert, which only staff see
    checkin = SmsMessage.objects.get(client=members[0].client, kind=Kind.CHECKIN)
    assert (alert.source_type, alert.source_id) == ("sms.smsmessage", str(checkin.pk))
    # The member still gets the help text, not "someone will contact you": nothing worrying was read.
    assert answer_back(got).kind == Kind.HELP
    # The care team is told by the same e-mail as any alert (the group's facilitator is assigned to members).
    told = {d.recipient_id for d in Delivery.objects.filter(alert=alert)}
    assert world.m["facilitator"].pk in told


def test_words_without_numbers_are_looked_at_the_next_contact(world, asked):  # noqa: F811
    reply(world, "who is this please")
    alert = Alert.objects.get(rule_id=UNREADABLE_RULE)
    assert (alert.severity, alert.policy_id) == ("low", "review")


def test_a_reply_with_nothing_to_read_raises_nothing(world, asked):  # noqa: F811
    got = reply(world, " ?! ")
    assert (
        got.outcome == Outcome.NOT_UNDERSTOOD and got.needs_person
    )  # still kept for a person on the SMS page
    assert not Alert.objects.exists()


def test_no_second_item_and_the_valid_reply_still_runs_its_own_rules(world, asked):  # noqa: F811
    reply(world, "2 1 yes")
    reply(world, "two one maybe")  # a second unreadable reply to the same check-in adds to the same item
    assert Alert.objects.filter(rule_id=UNREADABLE_RULE).count() == 1
    follow_up = Alert.objects.get(rule_id=UNREADABLE_RULE)
    assert follow_up.events.filter(kind="evidence", text="two one maybe").exists()
    valid = reply(world, "2 1 2")
    assert valid.outcome == Outcome.SCORED and Administration.objects.get().answers == {
        "q1": 2,
        "q2": 1,
        "q9": 2,
    }
    assert Alert.objects.filter(rule_id=UNREADABLE_RULE).count() == 1  # no duplicate follow-up
    assert (
        Alert.objects.filter(rule_id="phq9_item9_positive").count() == 1
    )  # question 9 above 0: its own alert
    follow_up.refresh_from_db()
    assert follow_up.status == "raised"  # stays until a person acts, even after a valid answer


def test_the_follow_up_stays_until_a_person_resolves_it_with_a_note(world, asked):  # noqa: F811
    from openipt.safety import actions as safety_actions

    reply(world, "2 1 yes")
    alert = Alert.objects.get(rule_id=UNREADABLE_RULE)
    safety_actions.acknowledge(actor(world.m["facilitator"]), alert.pk)
    safety_actions.resolve(
        actor(world.m["facilitator"]), alert.pk, "Called her: question 9 is 0, she typed yes by mistake."
    )
    alert.refresh_from_db()
    assert alert.status == "resolved"


def test_staff_who_may_see_the_member_follow_the_item_to_the_reply(world, asked):  # noqa: F811
    got = reply(world, "2 1 yes")
    alert = Alert.objects.get(rule_id=UNREADABLE_RULE)
    label, url = safety_api.source_link(alert, actor(world.m["facilitator"]))
    assert url == f"/sms/clients/{got.client_id}/#replies"
    assert safety_api.source_link(alert, actor(world.m["therapist2"])) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("2 1 yes", "answer"),
        ("two one", "answer"),
        ("١ ٠ ٠", "answer"),
        ("tatu", "answer"),
        ("hello", "words"),
        ("", None),
        ("?! ...", None),
    ],
)
def test_what_an_unreadable_reply_may_hold(text, kind):
    assert replies.unreadable_kind(text) == kind
