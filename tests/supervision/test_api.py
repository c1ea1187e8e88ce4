"""The interface other apps (groups) rely on: targets, rate_url, latest_ratings, sign-offs, trends."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from openipt.supervision import actions as sup
from openipt.supervision import api
from tests.support.competency import assess
from tests.support.people import actor
from tests.support.supervision import INITIAL_ALL_YES, held, new_items_na, rate


def test_session_target_names_phase_format_and_therapist(world, course, session):
    from openipt.supervision.targets import resolve

    target = resolve(actor(world.m["supervisor"]), "session", session.pk)
    assert target.phase == "initial"
    assert target.format_id == "individual"
    assert target.rated_membership_id == world.m["therapist"].pk
    assert target.organisation_id == world.org.pk
    assert target.url == f"/courses/{course.pk}/sessions/{session.number}/" or target.url.endswith(f"/{session.number}/")


@pytest.mark.parametrize("who", ["therapist2", "facilitator", "other_admin", "other_therapist"])
def test_a_session_outside_reach_is_not_found(world, session, who):
    from openipt.supervision.targets import resolve

    with pytest.raises(Http404):
        resolve(actor(world.m[who]), "session", session.pk)


def test_unknown_kind_and_bad_ids_are_not_found(world, session):
    from openipt.supervision.targets import resolve

    for kind, pk in [("nonsense", session.pk), ("session", "abc"), ("session", -1), ("session", 10**20)]:
        with pytest.raises(Http404):
            resolve(actor(world.m["admin"]), kind, pk)


def test_register_target_lets_another_app_make_its_sessions_rateable(world, session):
    from openipt.supervision.targets import RESOLVERS

    def resolver(actor_, target_id):
        if target_id != 77:
            raise Http404
        return api.Target(world.org.pk, "middle", "group", world.m["facilitator"].pk, "Group A · session 3", "/g/3/")

    api.register_target("test_group_session", resolver)
    try:
        rating = sup.rate(actor(world.m["admin"]), "test_group_session", 77,
                          answers={"interval_review": "yes", "mood_event_link": "partly", "area_strategies": "no",
                                   "things_to_try": "yes", "member_help": "yes", **new_items_na("middle")})
        # The group-only item counts for a group format: (2 + 1 + 0 + 2 + 2) halves of 10 = 70%.
        assert rating.score_percent == 70
        assert [i["id"] for i in rating.items][-1] == "member_help"
        assert rating.rated_id == world.m["facilitator"].pk
        assert api.latest_ratings("test_group_session", [77, 78])[77].score_percent == 70
        assert api.rate_url("test_group_session", 77) == "/supervision/rate/test_group_session/77/"
    finally:
        RESOLVERS.pop("test_group_session", None)


def test_latest_ratings_gives_the_current_version_with_rater_name(world, course, session):
    other = held(world, course, days=-1)
    rate(world, session, answers={**INITIAL_ALL_YES, "contract_agreed": "no"})
    second = rate(world, session, who="admin", expected_version=1)
    got = api.latest_ratings("session", [session.pk, other.pk])
    assert set(got) == {session.pk}
    summary = got[session.pk]
    assert summary.score_percent == 100 and summary.version == 2
    assert summary.rating_id == second.pk
    assert summary.rater_name == str(world.m["admin"].user)


def test_latest_ratings_uses_one_query_however_many_sessions(world, course):
    sessions = [held(world, course, days=-1) for _ in range(4)]
    for s in sessions:
        rate(world, s)
    with CaptureQueriesContext(connection) as few:
        api.latest_ratings("session", [sessions[0].pk])
    with CaptureQueriesContext(connection) as many:
        api.latest_ratings("session", [s.pk for s in sessions])
    assert len(few) == len(many) == 1
    assert api.latest_ratings("session", []) == {}


def test_is_signed_off_follows_sign_off_and_withdrawal(world):
    facilitator = world.m["facilitator"]
    assert api.is_signed_off(facilitator.pk) is False
    assess(world.m["admin"], facilitator)
    made = sup.sign_off(actor(world.m["admin"]), facilitator.pk, competency="group_lead", note="Led 3 rated sessions well")
    assert api.is_signed_off(facilitator.pk) is True
    assert api.is_signed_off(facilitator.pk, competency="individual") is False
    sup.withdraw_sign_off(actor(world.m["admin"]), made.pk, reason="Left the programme for a year")
    assert api.is_signed_off(facilitator.pk) is False


def test_fidelity_trend_lists_current_scores_oldest_first(world, course):
    first, second = held(world, course, days=-2), held(world, course, days=-1)
    rate(world, first, answers={**INITIAL_ALL_YES, "sick_role_given": "no", "inventory_done": "partly"})
    rate(world, second)
    trend = api.fidelity_trend([world.m["therapist"].pk, world.m["therapist2"].pk])
    # 2+0+1+2+2 = 7 halves of 10 -> 70%; then 100%.
    assert [score for _, score in trend[world.m["therapist"].pk]] == [70, 100]
    assert trend[world.m["therapist2"].pk] == []


def test_the_trend_follows_session_dates_when_older_sessions_are_rated_later(world, course):
    older, newer = held(world, course), held(world, course)  # a minute apart, the older first
    rate(world, newer)  # rated first
    rate(world, older, answers={**INITIAL_ALL_YES, "sick_role_given": "no", "inventory_done": "partly"})
    trend = api.fidelity_trend([world.m["therapist"].pk])[world.m["therapist"].pk]
    assert [score for _, score in trend] == [70, 100]  # by rating time it would be [100, 70]
