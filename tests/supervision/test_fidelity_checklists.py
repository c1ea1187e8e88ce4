"""Fidelity checklists of issue 12: focus, time limit, staying within IPT, stance, an overall rating,
and the meetings before and half way through a group rated against their own checklists."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.utils import timezone

from openipt.core.errors import ActionError
from openipt.groups import meeting_actions
from openipt.groups.meeting_targets import KIND
from openipt.supervision import actions as sup
from openipt.supervision.models import FidelityRating
from tests.support.groups import client_of, group, invite, phq9
from tests.support.pages import text
from tests.support.people import actor, login
from tests.support.supervision import INITIAL_ALL_YES, new_items_na

PRE_GROUP_ITEMS = ("pg_symptoms", "pg_safety", "pg_link", "pg_area", "pg_goal", "pg_group_explained", "pg_stance")
MID_GROUP_ITEMS = ("mg_symptoms", "mg_safety", "mg_progress", "mg_focus", "mg_time_limit", "mg_next_steps", "mg_stance")


def test_the_session_checklist_asks_about_time_limit_stance_and_staying_within_ipt(world, client, session):
    login(client, world.m["supervisor"])
    page = text(client.get(f"/supervision/rate/session/{session.pk}/"))
    assert "The set number of sessions was named" in page
    assert "The therapist was warm, active and hopeful" in page
    assert "Stayed within IPT: no thought records" in page
    assert "Overall, how well was IPT done in this session?" in page


def test_an_overall_rating_is_kept_beside_the_score_and_shown_to_the_clinician(world, client, session):
    login(client, world.m["supervisor"])
    data = {f"item_{k}": v for k, v in {**INITIAL_ALL_YES, **new_items_na("initial")}.items()}
    data.update(item_stayed_ipt_initial="no", overall="3", comment="Set homework crept in.", expected_version="0")
    response = client.post(f"/supervision/rate/session/{session.pk}/", data)
    assert response.status_code == 302
    rating = FidelityRating.objects.get()
    assert rating.overall == 3 and rating.answers["stayed_ipt_initial"] == "no"
    assert rating.score_percent == 83  # 5 yes and 1 no: 10 halves of 12
    login(client, world.m["therapist"])
    assert "Overall: <strong>3 · IPT done well</strong>" in text(client.get(f"/supervision/ratings/{rating.pk}/"))
    with pytest.raises(ActionError, match="overall rating"):
        sup.rate(actor(world.m["supervisor"]), "session", session.pk, overall=9,
                 answers={**INITIAL_ALL_YES, **new_items_na("initial")})


def test_a_pre_group_meeting_is_rated_against_its_own_checklist_for_the_person_who_held_it(world, client):
    grp = group(world)
    meeting = invite(world, grp)
    login(client, world.m["admin"])  # the admin rates any care staff; the world's facilitator has no supervisor
    url = f"/supervision/rate/{KIND}/{meeting.pk}/"
    page = text(client.get(url))
    assert "A goal for the group was agreed." in page and "Mood was linked to events with people." not in page
    data = {f"item_{i}": "yes" for i in PRE_GROUP_ITEMS} | {"item_pg_goal": "partly", "expected_version": "0"}
    assert client.post(url, data).status_code == 302
    rating = FidelityRating.objects.get(target_kind=KIND)
    assert rating.checklist_id == "fidelity.pre_group" and rating.rated_id == world.m["facilitator"].pk
    assert rating.score_percent == 93  # 13 halves of 14
    assert "meeting before the group" in rating.target_label


def test_a_mid_group_meeting_has_the_mid_group_checklist(world):
    grp = group(world, weeks_ago=4)
    member = client_of(world)
    invite(world, grp, member)
    mid = meeting_actions.record_meeting(actor(world.m["facilitator"]), grp.pk, member.pk, meeting_actions.MeetingRecord(
        kind="mid_group", held_on=timezone.localdate(), phq9=phq9(9), current_plan=False, recent_attempt=False))
    rating = sup.rate(actor(world.m["admin"]), KIND, mid.pk, answers=dict.fromkeys(MID_GROUP_ITEMS, "yes"), overall=4)
    assert rating.checklist_id == "fidelity.mid_group" and rating.score_percent == 100 and rating.overall == 4


def test_a_meeting_outside_ones_reach_is_not_found(world):
    meeting = invite(world, group(world))
    with pytest.raises(Http404):
        sup.rate(actor(world.m["other_admin"]), KIND, meeting.pk, answers=dict.fromkeys(PRE_GROUP_ITEMS, "yes"))


def test_the_dashboard_lists_group_meetings_waiting_for_a_rating_until_rated(world, client):
    meeting = invite(world, group(world))
    login(client, world.m["admin"])
    page = text(client.get("/supervision/"))
    assert "Group meetings waiting for a rating" in page and f'href="/supervision/rate/{KIND}/{meeting.pk}/"' in page
    sup.rate(actor(world.m["admin"]), KIND, meeting.pk, answers=dict.fromkeys(PRE_GROUP_ITEMS, "yes"))
    assert "Group meetings waiting for a rating" not in text(client.get("/supervision/"))
