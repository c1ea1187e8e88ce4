"""Rating, replying and signing off through the real actions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from openipt.core.errors import ActionError, ConflictError
from openipt.supervision import actions as sup
from openipt.supervision.models import FidelityRating, SignOff
from tests.support.competency import assess
from tests.support.people import actor
from tests.support.supervision import INITIAL_ALL_YES, rate


def test_score_counts_partly_as_half_and_leaves_out_not_applicable(world, session):
    answers = {"symptoms_reviewed": "yes", "sick_role_given": "partly", "inventory_done": "no",
               "area_and_goals": "na", "contract_agreed": "yes"}
    rating = rate(world, session, answers=answers)
    # 4 applicable items: 1 + 0.5 + 0 + 1 = 2.5 of 4 = 62.5% -> 63 (halves round up).
    assert (rating.applicable, rating.score_percent) == (4, 63)
    assert rating.checklist_id == "fidelity.initial"
    assert "group_rules" not in rating.answers and all(i["id"] != "group_rules" for i in rating.items)


def test_a_rating_with_no_items_answered_is_refused(world, session):
    with pytest.raises(ActionError) as err:
        sup.rate(actor(world.m["supervisor"]), "session", session.pk, answers={"symptoms_reviewed": "", "bogus": "yes"})
    assert err.value.field == "answers"
    assert FidelityRating.objects.count() == 0


def test_a_rating_with_an_item_missing_names_it(world, session):
    answers = dict(INITIAL_ALL_YES)
    del answers["inventory_done"]
    with pytest.raises(ActionError) as err:
        rate(world, session, answers=answers)
    assert err.value.field == "item_inventory_done"
    assert "inventory" in err.value.message


def test_all_not_applicable_is_refused(world, session):
    with pytest.raises(ActionError, match="At least one item"):
        rate(world, session, answers=dict.fromkeys(INITIAL_ALL_YES, "na"))


def test_re_rating_keeps_history_and_only_the_newest_is_current(world, session):
    first = rate(world, session, comment="First look")
    second = rate(world, session, who="admin", answers={**INITIAL_ALL_YES, "contract_agreed": "no"}, expected_version=1)
    first.refresh_from_db()
    assert first.is_current is False and second.is_current is True
    assert (first.version, second.version) == (1, 2)
    assert FidelityRating.objects.filter(target_kind="session", target_id=session.pk).count() == 2


def test_rating_twice_at_once_the_second_gets_a_conflict(world, session):
    # Both raters opened the form when there was no rating (version 0).
    rate(world, session, expected_version=0)
    with pytest.raises(ConflictError) as err:
        rate(world, session, who="admin", expected_version=0)
    assert err.value.current is not None and err.value.current.version == 1
    assert FidelityRating.objects.filter(target_id=session.pk).count() == 1


@pytest.mark.parametrize("who", ["therapist", "facilitator", "therapist2"])
def test_only_the_supervisor_or_an_admin_may_rate(world, session, who):
    from django.http import Http404

    with pytest.raises((PermissionDenied, Http404)):
        rate(world, session, who=who)


def test_the_rated_clinician_reads_and_replies_once(world, session):
    rating = rate(world, session, comment="Name the sick role more clearly.")
    with pytest.raises(PermissionDenied):
        sup.reply(actor(world.m["supervisor"]), rating.pk, text="Not mine to answer")
    made = sup.reply(actor(world.m["therapist"]), rating.pk)
    assert made.read_at is not None and made.text == ""
    sup.reply(actor(world.m["therapist"]), rating.pk, text="Thanks, will do.")
    with pytest.raises(ActionError, match="once"):
        sup.reply(actor(world.m["therapist"]), rating.pk, text="And another thing")
    made.refresh_from_db()
    assert made.text == "Thanks, will do."


def test_sign_off_twice_is_refused_and_withdrawal_needs_a_reason(world):
    admin = actor(world.m["admin"])
    assess(world.m["admin"], world.m["facilitator"])
    made = sup.sign_off(admin, world.m["facilitator"].pk, competency="group_lead")
    with pytest.raises(ActionError, match="already signed off"):
        sup.sign_off(admin, world.m["facilitator"].pk, competency="group_lead")
    with pytest.raises(ActionError) as err:
        sup.withdraw_sign_off(admin, made.pk, reason="  ")
    assert err.value.field == "reason"
    sup.withdraw_sign_off(admin, made.pk, reason="Needs more observed sessions")
    again = sup.sign_off(admin, world.m["facilitator"].pk, competency="group_lead")
    assert SignOff.objects.filter(membership=world.m["facilitator"]).count() == 2
    assert again.is_live


def test_a_supervisor_signs_off_only_their_supervisees(world):
    with pytest.raises(ActionError) as err:
        sup.sign_off(actor(world.m["supervisor"]), world.m["facilitator"].pk, competency="group_lead")
    assert err.value.field == "membership"
    made = sup.sign_off(actor(world.m["supervisor"]), world.m["therapist"].pk, competency="individual")
    assert made.signed_by == world.m["supervisor"]
    with pytest.raises(PermissionDenied):
        sup.sign_off(actor(world.m["therapist"]), world.m["therapist2"].pk, competency="group_lead")


def test_ratings_are_audited(world, session):
    from openipt.audit.models import AuditEvent

    rating = rate(world, session)
    assert AuditEvent.objects.filter(event_type="fidelity.rated", object_id=str(rating.pk)).exists()


def test_a_session_that_has_not_taken_place_cannot_be_rated(world, course):
    from openipt.courses import session_actions
    from tests.support.clock import at

    scheduled = session_actions.add_session(actor(world.m["therapist"]), course.pk, when=at(2, 10), duration=50,
                                            mode="in_person")
    with pytest.raises(ActionError, match="has not taken place"):
        rate(world, scheduled)
    assert FidelityRating.objects.count() == 0
