"""A sign-off to lead a group alone follows later assessments, and each trainee sees their own complete assessments
(nobody else's, and none a blind second rater is still to rate), through the real actions, pages and database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openipt.audit.models import AuditEvent
from openipt.core.errors import ActionError
from openipt.supervision import actions as sup
from openipt.supervision import api, competency_actions
from openipt.supervision.models import SignOff
from openipt.supervision.queries import competency as queries
from tests.support.competency import assess, levels
from tests.support.groups import group, programme
from tests.support.people import actor, login, make_member

pytestmark = pytest.mark.django_db


def _signed_off(world, who="facilitator"):
    assess(world.m["admin"], world.m[who])
    return sup.sign_off(actor(world.m["admin"]), world.m[who].pk, competency="group_lead")


def test_a_later_assessment_with_a_harmful_item_withdraws_the_sign_off_and_stays_until_followed_up(world):
    facilitator, admin = world.m["facilitator"], actor(world.m["admin"])
    signoff = _signed_off(world)
    prog = programme(world, require_signoff=True)
    assert group(world, prog).facilitator_id == facilitator.pk  # signed off: may lead alone

    later = assess(world.m["admin"], facilitator, 3, confidentiality=1)

    signoff.refresh_from_db()
    assert not signoff.is_live and signoff.withdrawn_by_rule and signoff.withdrawn_assessment_id == later.pk
    assert "level 1" in signoff.withdrawn_reason
    assert not api.is_signed_off(facilitator.pk)
    event = AuditEvent.objects.filter(event_type="competency.withdrawn_by_rule").get()
    assert event.details["membership"] == facilitator.pk and event.details["harmful"] == 1
    # The same person can no longer be set to lead a group alone, by a new group or by changing one.
    with pytest.raises(ActionError) as refused:
        group(world, prog, name="Thursday group")
    assert refused.value.field == "co_facilitator"
    # The supervisors' item stays (on every page that lists it) until someone records what was done.
    assert [s.pk for s in queries.rule_withdrawals(admin)] == [signoff.pk]
    assert queries.rule_withdrawals(actor(world.m["other_admin"])) == []
    with pytest.raises(ActionError):
        competency_actions.follow_up_withdrawal(actor(world.m["other_admin"]), signoff.pk, text="Not ours")
    with pytest.raises(ActionError) as empty:
        competency_actions.follow_up_withdrawal(admin, signoff.pk, text="  ")
    assert empty.value.field == "text"
    competency_actions.follow_up_withdrawal(admin, signoff.pk, text="Co-leads with Ruth until observed again.")
    assert queries.rule_withdrawals(admin) == []
    with pytest.raises(ActionError):
        competency_actions.follow_up_withdrawal(admin, signoff.pk, text="Again")
    # Signed off again only once a new assessment meets the rule and the flag is acted on.
    with pytest.raises(ActionError):
        sup.sign_off(admin, facilitator.pk, competency="group_lead")


def test_an_item_below_the_minimum_withdraws_but_an_earlier_observation_or_a_good_one_does_not(world):
    facilitator = world.m["facilitator"]
    signoff = _signed_off(world)
    assess(world.m["admin"], facilitator, 4)  # meets the rule: nothing changes
    competency_actions.assess(actor(world.m["admin"]), facilitator.pk, levels=levels(3, risk=2), source="recording",
                              observed_on=timezone.localdate() - timedelta(days=30))  # seen before the sign-off
    signoff.refresh_from_db()
    assert signoff.is_live
    assess(world.m["admin"], facilitator, 3, risk=2)
    signoff.refresh_from_db()
    assert signoff.withdrawn_by_rule and "1 item(s) below level 3" in signoff.withdrawn_reason


def test_with_a_second_rater_named_the_sign_off_is_withdrawn_when_their_blind_rating_completes_it(world):
    therapist, supervisor = world.m["therapist"], world.m["supervisor"]  # `supervisor` supervises `therapist`
    signoff = _signed_off(world, "therapist")
    first = competency_actions.assess(actor(world.m["admin"]), therapist.pk, levels=levels(3, warmth=1),
                                      source="live", second_rater=supervisor.pk)
    signoff.refresh_from_db()
    assert signoff.is_live  # not complete yet: nothing drawn from its levels reaches the blind second rater
    assert queries.rule_withdrawals(actor(supervisor)) == []
    competency_actions.rate_second(actor(supervisor), first.pk, levels=levels(3))
    signoff.refresh_from_db()
    assert signoff.withdrawn_by_rule and signoff.withdrawn_assessment_id == first.pk
    assert signoff.withdrawn_by_id == supervisor.pk  # whose save completed it
    assert [s.pk for s in queries.rule_withdrawals(actor(supervisor))] == [signoff.pk]


def test_a_trainee_sees_only_their_own_complete_assessments(client, world):
    therapist, supervisor = world.m["therapist"], world.m["supervisor"]
    assess(world.m["admin"], therapist, 3, ending=2)
    pending = competency_actions.assess(actor(world.m["admin"]), therapist.pk, levels=levels(2, warmth=1),
                                        source="live", second_rater=supervisor.pk)
    other = make_member(world.org, "facilitator", username="other-trainee")
    assess(world.m["admin"], other, 4)

    login(client, therapist)
    page = client.get(reverse("supervision:competency_mine")).content.decode()
    assert "Role-play on" in page and "Live session on" not in page  # the one waiting for its second rating
    assert "“Preparing for the end” is at level 2; the programme looks for level 3 or more" in page  # complete only
    assert "is at level 1" not in page
    assert "not signed off to lead a group on your own yet" in page
    # Once the second rater has rated it, the trainee sees it and what it means.
    competency_actions.rate_second(actor(supervisor), pending.pk, levels=levels(2))
    page = client.get(reverse("supervision:competency_mine")).content.decode()
    assert "Live session on" in page and "is at level 1 in your latest assessment" in page
    assert "Potentially harmful" in page  # the level's name beside it

    # Another facilitator sees their own only; the second rater's supervisor page still works for them.
    login(client, other)
    page = client.get(reverse("supervision:competency_mine")).content.decode()
    assert "Live session on" not in page and "Role-play on" in page and "Your latest assessment meets this" in page
    assert client.get(reverse("supervision:competency_trainee", args=[therapist.pk])).status_code == 403


def test_the_trainee_page_says_when_the_rule_withdrew_their_sign_off(client, world):
    signoff = _signed_off(world)
    login(client, world.m["facilitator"])
    assert "You are signed off to lead a group on your own" in client.get(
        reverse("supervision:competency_mine")).content.decode()
    assess(world.m["admin"], world.m["facilitator"], 3, risk=2)
    page = client.get(reverse("supervision:competency_mine")).content.decode()
    assert "was withdrawn on" in page and "after a later assessment" in page
    assert SignOff.objects.get(pk=signoff.pk).withdrawn_by_rule


def test_the_assessor_is_told_when_their_assessment_withdraws_a_sign_off(client, world):
    _signed_off(world)
    login(client, world.m["admin"])
    data = {f"item_{k}": str(v) for k, v in levels(3, risk=1).items()}
    data.update(source="live", observed_on=timezone.localdate().isoformat(), notes="", second_rater="")
    page = client.post(reverse("supervision:competency_assess", args=[world.m["facilitator"].pk]), data,
                       follow=True).content.decode()
    assert "so their sign-off to lead a group alone is withdrawn" in page
    page = client.get(reverse("supervision:competency_trainee", args=[world.m["facilitator"].pk])).content.decode()
    assert "withdrawn by the programme&#x27;s rule" in page.lower() or "withdrawn by the programme's rule" in page


def test_a_flag_and_a_withdrawal_are_each_followed_up_from_the_trainee_page(client, world):
    from openipt.supervision.models import CompetencyFlag

    signoff = _signed_off(world)
    assess(world.m["admin"], world.m["facilitator"], 3, warmth=1)
    flag = CompetencyFlag.objects.get(trainee=world.m["facilitator"])
    login(client, world.m["admin"])
    empty = client.post(reverse("supervision:competency_flag", args=[flag.pk]), {"action": ""}, follow=True)
    assert "Say what was done" in empty.content.decode()
    client.post(reverse("supervision:competency_flag", args=[flag.pk]), {"action": "Talked it through."})
    page = client.post(reverse("supervision:competency_follow_up", args=[signoff.pk]),
                       {"text": "Co-leads until observed again."}, follow=True).content.decode()
    assert "Recorded. It stays in the sign-off" in page
    flag.refresh_from_db()
    signoff.refresh_from_db()
    assert flag.action == "Talked it through." and signoff.follow_up == "Co-leads until observed again."
