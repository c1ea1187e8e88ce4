"""The supervision pages as people use them: rate, read and reply, dashboard, sign-offs, session panel."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openipt.supervision.models import FidelityRating, RatingReply, SignOff
from tests.support.people import login
from tests.support.supervision import INITIAL_ALL_YES, held, new_items_na, rate


def _post_answers(answers, **extra):
    data = {f"item_{k}": v for k, v in answers.items()}
    if data:
        data = {**new_items_na("initial", "item_"), **data}
    data.update(extra)
    return data


def test_the_form_shows_the_phase_items_without_group_only_ones(world, client, session):
    login(client, world.m["supervisor"])
    page = client.get(reverse("supervision:rate", args=["session", session.pk])).content.decode()
    assert "The sick role was given" in page
    assert "Group rules were agreed" not in page
    assert 'name="item_contract_agreed"' in page


def test_rating_through_the_form_lands_on_the_rating(world, client, session):
    login(client, world.m["supervisor"])
    url = reverse("supervision:rate", args=["session", session.pk])
    answers = {**INITIAL_ALL_YES, "inventory_done": "partly"}
    response = client.post(url, _post_answers(answers, comment="Clear sick role.", expected_version="0",
                                              submission_key="k1"), follow=True)
    rating = FidelityRating.objects.get()
    assert rating.score_percent == 90
    assert response.redirect_chain[-1][0] == reverse("supervision:rating", args=[rating.pk])
    assert "90%" in response.content.decode()
    # A double click sends the same key again: nothing new is made.
    client.post(url, _post_answers(answers, expected_version="0", submission_key="k1"))
    assert FidelityRating.objects.count() == 1


def test_an_empty_rating_gets_a_message_and_keeps_the_comment(world, client, session):
    login(client, world.m["supervisor"])
    response = client.post(reverse("supervision:rate", args=["session", session.pk]),
                           {"comment": "Typed before answering", "expected_version": "0"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Answer the checklist before saving" in page
    assert "Typed before answering" in page
    assert FidelityRating.objects.count() == 0


def test_a_missing_item_is_flagged_beside_it_and_other_answers_stay(world, client, session):
    login(client, world.m["supervisor"])
    answers = dict(INITIAL_ALL_YES)
    del answers["contract_agreed"]
    page = client.post(reverse("supervision:rate", args=["session", session.pk]),
                       _post_answers(answers, expected_version="0")).content.decode()
    assert 'id="item-contract_agreed-error"' in page
    assert 'id="i-sick_role_given-yes" value="yes" checked' in page


def test_two_raters_at_once_the_second_sees_the_first_and_keeps_their_answers(world, client, session):
    url = reverse("supervision:rate", args=["session", session.pk])
    rate(world, session, who="admin", comment="Admin was quicker", expected_version=0)
    login(client, world.m["supervisor"])
    answers = {**INITIAL_ALL_YES, "sick_role_given": "no"}
    page = client.post(url, _post_answers(answers, comment="My view", expected_version="0")).content.decode()
    assert "Someone else rated this session" in page
    assert "My view" in page and 'id="i-sick_role_given-no" value="no" checked' in page
    assert 'name="expected_version" value="1"' in page
    assert FidelityRating.objects.count() == 1
    # Saving again adds the supervisor's as version 2.
    client.post(url, _post_answers(answers, comment="My view", expected_version="1"))
    assert FidelityRating.objects.get(is_current=True).version == 2


def test_the_clinician_sees_their_ratings_and_replies_once(world, client, session):
    rating = rate(world, session, comment="Try naming the end date.")
    login(client, world.m["therapist"])
    mine = client.get(reverse("supervision:mine")).content.decode()
    assert "Not read yet" in mine and "100%" in mine
    page = client.get(reverse("supervision:rating", args=[rating.pk])).content.decode()
    assert "Try naming the end date." in page and "Mark as read" in page
    client.post(reverse("supervision:reply", args=[rating.pk]), {"text": "Will do next time."})
    assert RatingReply.objects.get(rating=rating).text == "Will do next time."
    page = client.get(reverse("supervision:rating", args=[rating.pk])).content.decode()
    assert "Will do next time." in page and "Send the reply" not in page


def test_another_therapist_cannot_open_the_rating(world, client, session):
    rating = rate(world, session)
    login(client, world.m["therapist2"])
    assert client.get(reverse("supervision:rating", args=[rating.pk])).status_code == 404
    assert rating.target_label not in client.get(reverse("supervision:mine")).content.decode()


def test_session_page_offers_rate_fidelity_to_the_supervisor_only(world, client, course, session):
    url = reverse("courses:session", args=[course.pk, session.number])
    login(client, world.m["supervisor"])
    page = client.get(url).content.decode()
    assert "Rate fidelity" in page and reverse("supervision:rate", args=["session", session.pk]) in page
    client.logout()
    login(client, world.m["therapist"])
    page = client.get(url).content.decode()
    assert "Fidelity to IPT" in page and "Rate fidelity" not in page


def test_dashboard_lists_supervisees_with_scores_and_waiting_sessions(world, client, course):
    first, second, waiting = held(world, course), held(world, course), held(world, course)
    rate(world, first, answers={**INITIAL_ALL_YES, "contract_agreed": "no"})
    rate(world, second)
    login(client, world.m["supervisor"])
    page = client.get(reverse("supervision:dashboard")).content.decode()
    assert str(world.m["therapist"].user) in page
    assert str(world.m["therapist2"].user) not in page  # not supervised by this supervisor
    assert "80%" in page and "100%" in page
    assert "<svg" in page  # the trend sparkline
    assert reverse("supervision:rate", args=["session", waiting.pk]) in page
    assert reverse("supervision:rate", args=["session", first.pk]) not in page


def test_dashboard_shows_panels_other_apps_register(world, client):
    from openipt.core.extensions import PANELS, ClientPanel, add_panel

    seen = []

    def context(request, actor):
        seen.append(actor.role)
        return {"latest": None, "can_rate": False}

    add_panel("supervision", ClientPanel("test-groups", "supervision/_session_panel.html", context))
    try:
        login(client, world.m["admin"])
        page = client.get(reverse("supervision:dashboard")).content.decode()
        assert seen == ["admin"]
        assert "This session has not been rated yet." in page
    finally:
        PANELS["supervision"] = [p for p in PANELS["supervision"] if p.key != "test-groups"]


def test_dashboard_query_count_does_not_grow_with_data(world, client, course, django_assert_max_num_queries):
    from tests.support.people import make_client, make_member

    login(client, world.m["supervisor"])
    url = reverse("supervision:dashboard")
    client.get(url)
    with CaptureQueriesContext(connection) as little:
        client.get(url)
    for _ in range(3):
        member = make_member(world.org, "therapist", supervisor=world.m["supervisor"])
        make_client(world.m["admin"], assign_to=member)
    for _ in range(3):
        rate(world, held(world, course))
    held(world, course)
    with CaptureQueriesContext(connection) as much:
        client.get(url)
    assert len(much) == len(little)


def test_signoff_page_says_what_the_rule_still_needs_and_keeps_the_note(world, client):
    from tests.support.competency import assess

    assess(world.m["admin"], world.m["facilitator"], 3, risk=2)
    login(client, world.m["admin"])
    page = client.post(reverse("supervision:signoffs"), {
        "membership": world.m["facilitator"].pk, "competency": "group_lead", "signed_on": "2026-01-05",
        "note": "Observed three sessions"}).content.decode()
    assert "cannot be signed off to lead a group alone yet" in page
    assert "Asking about and responding to risk" in page and "Observed three sessions" in page
    assert not SignOff.objects.exists()


def test_signoff_page_signs_off_and_withdraws(world, client):
    from tests.support.competency import assess

    assess(world.m["admin"], world.m["facilitator"])
    login(client, world.m["admin"])
    url = reverse("supervision:signoffs")
    client.post(url, {"membership": world.m["facilitator"].pk, "competency": "group_lead",
                      "signed_on": "2026-01-05", "note": "Observed three sessions"})
    made = SignOff.objects.get()
    page = client.get(url).content.decode()
    assert "Observed three sessions" in page
    again = client.post(url, {"membership": world.m["facilitator"].pk, "competency": "group_lead",
                              "signed_on": "2026-01-05", "note": "typed again"}).content.decode()
    assert "already signed off" in again and "typed again" in again
    client.post(reverse("supervision:withdraw", args=[made.pk]), {"reason": "Left for a year"})
    made.refresh_from_db()
    assert made.withdrawn_reason == "Left for a year"
    assert "Left for a year" in client.get(url).content.decode()


def test_a_scheduled_session_shows_no_rate_button_and_the_form_explains(world, client, course):
    from openipt.courses import session_actions
    from tests.support.clock import at
    from tests.support.people import actor

    scheduled = session_actions.add_session(actor(world.m["therapist"]), course.pk, when=at(2, 10), duration=50,
                                            mode="in_person")
    login(client, world.m["supervisor"])
    page = client.get(reverse("courses:session", args=[course.pk, scheduled.number])).content.decode()
    assert "Fidelity to IPT" in page and "Rate fidelity" not in page
    form = client.get(reverse("supervision:rate", args=["session", scheduled.pk])).content.decode()
    assert "has not taken place" in form and "Save the rating" not in form
