"""The life-event timeline: exact and approximate dates, future dates refused, people from the inventory,
the onset and intake, the PHQ-9 scores from measures on the same dates, and what other apps read."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from openipt.assessment import actions, api, timeline_actions
from openipt.assessment.models import ClientAssessment, LifeEvent
from openipt.core.errors import ActionError, ConflictError
from tests.support.assessment import months_ago, person
from tests.support.pages import text
from tests.support.people import actor


def test_an_event_dated_after_today_is_refused_beside_the_field_with_the_typing_kept(world, as_member):
    browser = as_member(world.m["therapist"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = browser.post(f"/assessment/client/{world.clients['mine'].pk}/timeline/new/", {
        "year": tomorrow.year, "month": tomorrow.month, "day": tomorrow.day, "kind": "role_change",
        "description": "Starts the new job", "mood_effect": "unknown", "submission_key": "k"})
    page = text(response)
    assert response.status_code == 200
    assert "This date is after today" in page and "enter a date up to today" in page
    assert "Starts the new job" in page and 'aria-invalid="true"' in page
    assert not LifeEvent.objects.exists()


@pytest.mark.parametrize("year, month, day, field, words", [
    (None, 3, None, "year", "Enter the year, even if you are not sure"),
    (2024, None, 12, "month", "Choose the month too, or leave the day empty."),
    (2023, 2, 30, "day", "There is no such day in that month."),
    (1850, None, None, "year", "Enter a year from 1900 on."),
    (99999, None, None, "year", "This date is after today"),
    (timezone.localdate().year + 1, None, None, "year", "This date is after today"),
])
def test_impossible_dates_are_refused_with_the_field_named(world, therapist, year, month, day, field, words):
    with pytest.raises(ActionError) as refused:
        timeline_actions.add_event(therapist, world.clients["mine"].pk,
                                   {"year": year, "month": month, "day": day, "kind": "other"})
    assert refused.value.field == field and words in refused.value.message


def test_a_month_or_only_a_year_is_enough_and_this_month_is_not_the_future(world, therapist):
    today = timezone.localdate()
    this_month = timeline_actions.add_event(therapist, world.clients["mine"].pk,
                                            {"year": today.year, "month": today.month, "kind": "dispute"})
    a_year = timeline_actions.add_event(therapist, world.clients["mine"].pk, {"year": 2019, "kind": "role_change"})
    assert (this_month.day, a_year.month) == (None, None)
    events = api.timeline_events(world.clients["mine"])
    assert [(e.at, e.kind, e.approximate) for e in events] == [
        (date(2019, 7, 1), "role_change", True), (date(today.year, today.month, 15), "dispute", True)]


def test_the_people_involved_must_come_from_this_clients_inventory(world, therapist):
    elsewhere = actions.add_person(therapist, world.clients["self"].pk, person())
    mine = actions.add_person(therapist, world.clients["mine"].pk, person("Dad", "father"))
    with pytest.raises(ActionError) as refused:
        timeline_actions.add_event(therapist, world.clients["mine"].pk,
                                   {"year": 2024, "kind": "death", "main_person": elsewhere.pk})
    assert refused.value.field == "main_person"
    event = timeline_actions.add_event(therapist, world.clients["mine"].pk, {
        "year": 2024, "month": 3, "kind": "death", "main_person": mine.pk, "people": [str(mine.pk)]})
    assert event.main_person == mine and list(event.people.all()) == []  # the main person is not listed twice


def test_the_timeline_shows_events_onset_and_phq9_scores_as_a_chart_and_a_table(world, therapist, course, as_member):
    from openipt.measures.actions import enter_paper

    client = world.clients["self"]
    dad = actions.add_person(therapist, client.pk, person("Dad", "father", "inner"))
    year, month = months_ago(4)
    timeline_actions.add_event(therapist, client.pk, {"year": year, "month": month, "kind": "death",
                                                      "description": "Dad died", "main_person": dad.pk,
                                                      "mood_effect": "much_worse"})
    onset = months_ago(2)
    timeline_actions.save_intake(therapist, client.pk, onset={"year": onset[0], "month": onset[1]}, onset_note="",
                                 answers={}, expected_version=0)
    enter_paper(therapist, course.pk, instrument_code="phq9", session_number=None,
                completed_on=timezone.localdate() - timedelta(days=3), answers={**{f"q{i}": 2 for i in range(1, 10)}, "difficulty": 1})
    page = text(as_member(world.m["supervisor"]).get(f"/assessment/client/{client.pk}/timeline/"))
    assert 'role="img"' in page and "oi-onset" in page and "oi-event-death_loss" in page
    assert "1 PHQ-9 score is drawn against the same dates." in page
    assert "<td>18</td>" in page  # the score in the table beside the chart
    assert "Dad died" in page and "Much worse" in page and "The current episode began about" in page


def test_onset_and_intake_are_saved_and_a_save_made_meanwhile_is_shown_not_overwritten(world, therapist, as_member):
    client = world.clients["mine"]
    browser = as_member(world.m["therapist"])
    response = browser.post(f"/assessment/client/{client.pk}/intake/", {
        "onset_year": "2026", "onset_month": "5", "onset_note": "Poor sleep", "lives_alone": "yes",
        "close_confidants": "0", "version": "0"})
    assert response.status_code == 302
    record = ClientAssessment.objects.get(client=client)
    assert (record.onset_year, record.onset_month, record.intake["lives_alone"], record.intake["close_confidants"]) == (2026, 5, True, 0)
    assert record.intake["recent_move"] is None
    timeline_actions.save_intake(actor(world.m["therapist"]), client.pk, onset={"year": 2026, "month": 4}, onset_note="Tired",
                                 answers={}, expected_version=1)
    response = browser.post(f"/assessment/client/{client.pk}/intake/", {"onset_year": "2026", "onset_month": "6", "version": "1"})
    page = text(response)
    assert response.status_code == 200 and "Someone else saved the onset and intake" in page and "Tired" in page
    with pytest.raises(ConflictError):
        timeline_actions.save_intake(therapist, client.pk, onset={}, onset_note="", answers={}, expected_version=1)
    with pytest.raises(ActionError) as bad:
        timeline_actions.save_intake(therapist, client.pk, onset={}, onset_note="", answers={"close_confidants": "many"},
                                     expected_version=2)
    assert bad.value.field == "close_confidants"


def test_two_people_editing_one_event_the_later_sees_the_saved_version_and_keeps_its_typing(world, therapist, as_member):
    event = timeline_actions.add_event(therapist, world.clients["mine"].pk, {"year": 2025, "kind": "dispute",
                                                                             "description": "Row with Sue"})
    timeline_actions.edit_event(therapist, event.pk, {"year": 2025, "month": 6, "kind": "dispute",
                                                      "description": "Row with Sue about the house"}, expected_version=1)
    browser = as_member(world.m["therapist"])
    response = browser.post(f"/assessment/event/{event.pk}/", {"year": "2025", "kind": "dispute", "mood_effect": "worse",
                                                                "description": "A bad row", "version": "1"})
    page = text(response)
    assert "Someone else changed this event" in page and "Row with Sue about the house" in page and "A bad row" in page
    assert LifeEvent.objects.get(pk=event.pk).description == "Row with Sue about the house"


def test_removing_an_event_is_audited_and_only_care_staff_assigned_may(world, therapist, as_member):
    event = timeline_actions.add_event(therapist, world.clients["mine"].pk, {"year": 2025, "kind": "isolation"})
    with pytest.raises(ActionError):
        timeline_actions.remove_event(actor(world.m["supervisor"]), event.pk)
    assert as_member(world.m["therapist"]).post(f"/assessment/event/{event.pk}/remove/").status_code == 302
    assert not LifeEvent.objects.exists()
    assert api.timeline_events(world.clients["mine"]) == []
