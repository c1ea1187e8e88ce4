"""Hazard MEA-07: a one-time link that no longer works never shows a result, on any method.

A link can be stopped, replaced by a newer one, run out, or be spent. Whatever the state, GET and
POST to it answer without the client's scores; answers the client gave in the portal or that
staff entered on paper are never shown through a link; and every result a link does show is in
the audit log.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openipt.audit.models import AuditEvent
from openipt.measures import actions, link_actions
from openipt.measures.models import OneTimeLink
from tests.support.measures import form_data, phq9, start_course
from tests.support.people import actor

ANSWERS = phq9(3, 3, 3, 2, 2, 2, 1, 1, 1)  # 18: a score only the client and their team should read


@pytest.fixture
def made(world):
    course = start_course(world)
    actions.ensure_default_schedule(course)
    link, token = link_actions.create_link(actor(world.m["therapist"]), course.pk)
    return course, link, token


def _paper(world, course):
    actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="phq9", session_number=1,
                        completed_on=timezone.localdate(), answers={**ANSWERS, "difficulty": None})


def _stop(world, course, link, state):
    if state == "revoked":
        link_actions.revoke_link(actor(world.m["therapist"]), course.pk, link.pk)
    elif state == "replaced":
        link_actions.create_link(actor(world.m["therapist"]), course.pk)
    elif state == "expired":
        OneTimeLink.objects.filter(pk=link.pk).update(created_at=timezone.now() - timedelta(days=8),
                                                      expires_at=timezone.now() - timedelta(minutes=1))
    elif state == "used_long_ago":
        OneTimeLink.objects.filter(pk=link.pk).update(used_at=timezone.now() - timedelta(days=1))


def _shown(response) -> bool:
    return "Your score is" in response.content.decode()


@pytest.mark.parametrize("state", ["revoked", "replaced", "expired", "used_long_ago"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_link_that_no_longer_works_shows_no_result_on_any_method(world, client, made, state, method):
    course, link, token = made
    _stop(world, course, link, state)
    _paper(world, course)  # later, staff enter the PHQ-9 on paper
    client.logout()
    key = f"c{course.pk}.s1.phq9"
    url = f"/measures/link/{token}/{key}/"
    response = client.get(url) if method == "get" else client.post(url, form_data(ANSWERS))
    assert response.status_code == 410 and not _shown(response)
    assert not AuditEvent.objects.filter(event_type="measures.link_result_shown").exists()
    # The start page and the draft save are closed too.
    assert client.get(f"/measures/link/{token}/").status_code == 410
    assert client.post(f"{url}save/", {"q1": "1"}).status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_answers_given_elsewhere_are_never_shown_through_a_live_link(world, client, made, method):
    course, link, token = made
    _paper(world, course)
    client.logout()
    url = f"/measures/link/{token}/c{course.pk}.s1.phq9/"
    response = client.get(url) if method == "get" else client.post(url, form_data(phq9(0, 0, 0, 0, 0, 0, 0, 0, 0)))
    body = response.content.decode()
    assert response.status_code == 200 and "already done" in body and not _shown(response)
    assert not AuditEvent.objects.filter(event_type="measures.link_result_shown").exists()


def test_a_second_send_just_after_the_link_is_spent_lands_on_the_result_and_is_audited(world, client, made):
    course, link, token = made
    client.logout()
    gad, phq = f"c{course.pk}.s1.gad7", f"c{course.pk}.s1.phq9"
    client.post(f"/measures/link/{token}/{gad}/", {f"q{i}": "0" for i in range(1, 8)})
    first = client.post(f"/measures/link/{token}/{phq}/", form_data(ANSWERS))
    assert _shown(first) and OneTimeLink.objects.get(pk=link.pk).used_at is not None
    again = client.post(f"/measures/link/{token}/{phq}/", form_data(ANSWERS))
    assert again.status_code == 200 and _shown(again)
    shown = AuditEvent.objects.filter(event_type="measures.link_result_shown").order_by("pk")
    assert shown.count() == 3  # the GAD-7, the PHQ-9, and the PHQ-9 again
    assert shown.last().client_id == course.client_id and shown.last().details["link"] == link.pk
    # An hour later the same resend is refused.
    OneTimeLink.objects.filter(pk=link.pk).update(used_at=timezone.now() - timedelta(hours=1))
    late = client.post(f"/measures/link/{token}/{phq}/", form_data(ANSWERS))
    assert late.status_code == 410 and not _shown(late)
