"""A group session (registered by the groups app as "group_session") is rated with the group-only items."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openipt.seed import demo
from openipt.supervision.models import FidelityRating
from tests.support.supervision import new_items_na


def test_the_groups_app_registers_group_sessions_as_something_a_supervisor_rates():
    from openipt.supervision.targets import RESOLVERS

    assert "group_session" in RESOLVERS, "the groups app has not registered group sessions with supervision"


@pytest.mark.slow
def test_the_demo_supervisor_rates_a_middle_phase_group_session_with_the_group_items(db, client):
    from openipt.groups.models import GroupSession

    demo.load_demo()
    session = GroupSession.objects.filter(phase="middle").order_by("pk").first()
    assert session is not None, "the demo has no middle-phase group session to rate"
    client.post("/account/login/", {"username": "supervisor", "password": demo.DEMO_PASSWORD})
    url = reverse("supervision:rate", args=["group_session", session.pk])
    page = client.get(url).content.decode()
    assert "Members helped each other with options and plans." in page and "groups only" in page
    answers = {"item_interval_review": "yes", "item_mood_event_link": "yes", "item_area_strategies": "partly",
               "item_things_to_try": "yes", "item_member_help": "no", "expected_version": "0",
               **new_items_na("middle", "item_")}
    client.post(url, answers)
    rating = FidelityRating.objects.get(target_kind="group_session", target_id=session.pk)
    assert rating.score_percent == 70  # (2 + 2 + 1 + 2 + 0) halves of 10
    assert rating.rated_id == session.group.facilitator_id
