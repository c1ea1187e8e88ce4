"""Safety plan: a review date and means-restriction prompts (Stanley and Brown), an overdue plan flagged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openipt.audit.models import AuditEvent
from openipt.core.errors import ActionError
from openipt.safety import actions, plan_review
from openipt.safety.models import SafetyPlan
from tests.support.measures import start_course
from tests.support.pages import text
from tests.support.people import actor


def test_the_therapist_sets_a_review_date_and_the_client_sees_it_in_plain_words(world, as_member):
    client = world.clients["self"]
    actions.save_plan(actor(world.m["therapist"]), client.pk, {"warning_signs": "Not sleeping."}, expected_version=0)
    browser = as_member(world.m["therapist"])
    page = text(browser.get(f"/safety/clients/{client.pk}/plan/"))
    assert "No review date is set yet." in page and "Medicines at home" in page and "Stanley and Brown" in page
    when = timezone.localdate() + timedelta(days=14)
    response = browser.post(f"/safety/clients/{client.pk}/plan/review/",
                            {"review_on": when.isoformat(), "means": ["medicines", "helper"]})
    assert response.status_code == 302
    plan = SafetyPlan.objects.get(client=client)
    assert plan.review_on == when and plan.means_discussed == ["medicines", "helper"]
    assert AuditEvent.objects.filter(event_type="safety.plan_review_set").count() == 1
    own = text(as_member(world.m["client"]).get("/safety/me/plan/"))
    assert "Ideas for making my surroundings safer" in own
    assert "Medicines: keep only what I need at home." in own
    assert "We will look at this plan again together by" in own and "Barbara Stanley and Gregory Brown" in own


def test_a_review_date_in_the_past_or_over_a_year_away_is_refused_with_a_message(world, as_member):
    client = world.clients["self"]
    with pytest.raises(ActionError, match="cannot be in the past"):
        plan_review.save_plan_review(actor(world.m["therapist"]), client.pk,
                                     review_on=timezone.localdate() - timedelta(days=1), means=[])
    with pytest.raises(ActionError, match="within a year"):
        plan_review.save_plan_review(actor(world.m["therapist"]), client.pk,
                                     review_on=timezone.localdate() + timedelta(days=400), means=[])
    browser = as_member(world.m["therapist"])
    response = browser.post(f"/safety/clients/{client.pk}/plan/review/", {"review_on": "not a date"}, follow=True)
    assert response.status_code == 200 and "Enter a valid date." in text(response)
    assert not SafetyPlan.objects.filter(client=client, review_on__isnull=False).exists()


def test_only_assigned_care_staff_set_the_review_date(world, as_member):
    client = world.clients["self"]
    with pytest.raises(ActionError):
        plan_review.save_plan_review(actor(world.m["supervisor"]), client.pk,
                                     review_on=timezone.localdate(), means=[])
    with pytest.raises(ActionError):
        plan_review.save_plan_review(actor(world.m["client"]), client.pk, review_on=timezone.localdate(), means=[])


def test_a_plan_past_its_review_date_is_flagged_to_the_clinician_until_a_new_date_is_set(world, as_member):
    client = world.clients["self"]
    course = start_course(world, "self")
    plan_review.save_plan_review(actor(world.m["therapist"]), client.pk, review_on=timezone.localdate(), means=[])
    SafetyPlan.objects.filter(client=client).update(review_on=timezone.localdate() - timedelta(days=3))  # time passes
    browser = as_member(world.m["therapist"])
    assert "This plan was due for review on" in text(browser.get(f"/safety/clients/{client.pk}/plan/"))
    assert "Safety plan review overdue" in text(browser.get(f"/courses/{course.pk}/"))
    plan_review.save_plan_review(actor(world.m["therapist"]), client.pk,
                                 review_on=timezone.localdate() + timedelta(days=28), means=["weapons"])
    assert "Safety plan review overdue" not in text(browser.get(f"/courses/{course.pk}/"))
