"""Problem-area suggestions from the database: the case written from the record, the ranked suggestions
with evidence on the page, and the therapist's choice (recorded, audited, and set on the course)."""

from __future__ import annotations

from datetime import date

import pytest

from openipt.assessment import actions, casebuild, formulation_actions, timeline_actions
from openipt.assessment.models import AreaChoice
from openipt.audit.models import AuditEvent
from openipt.core.errors import ActionError
from openipt.courses.models import Course
from tests.support.assessment import months_ago, person
from tests.support.pages import text


def grief_case(therapist, client):
    dad = actions.add_person(therapist, client.pk, person("Dad", "father", "inner", contact="never",
                                                          satisfying="Long talks\n\n- Fishing", conflicts=""))
    sue = actions.add_person(therapist, client.pk, person("Sue", "sister", "middle", conflicts="Selling Dad's house",
                                                          conflict_talking="open", conflict_hope="yes", expectations_match="no",
                                                          expects_of_other="Take our time", expected_by_other="Sell now"))
    death = months_ago(4)
    onset = months_ago(2)
    timeline_actions.add_event(therapist, client.pk, {"year": death[0], "month": death[1], "kind": "death",
                                                      "description": "Dad died", "main_person": dad.pk,
                                                      "people": [str(sue.pk)], "mood_effect": "much_worse"})
    timeline_actions.save_intake(therapist, client.pk, onset={"year": onset[0], "month": onset[1]},
                                 onset_note="Poor sleep, guilt", answers={"recent_bereavement": "yes"}, expected_version=0)
    return dad, sue, death, onset


def test_the_case_is_written_from_the_record_in_the_documented_form(world, therapist):
    client = world.clients["mine"]
    dad, sue, death, onset = grief_case(therapist, client)
    built = casebuild.build(client, reference=date(2026, 11, 25))
    assert built.data == {
        "version": 1, "reference_date": "2026-11-25",
        "inventory": [
            {"name": "Dad", "relationship": "father", "ring": "inner", "contact": "never",
             "satisfying": ["Long talks", "Fishing"]},
            {"name": "Sue", "relationship": "sister", "ring": "middle",
             "expectations": {"client": "Take our time", "other": "Sell now", "match": "no"},
             "conflicts": [{"topic": "Selling Dad's house", "talking": "open", "hope": "yes", "ending": "unknown",
                            "mood_effect": "unknown"}]},
        ],
        "timeline": [{"date": f"{death[0]:04d}-{death[1]:02d}", "kind": "death", "mood_effect": "much_worse",
                      "description": "Dad died", "people": ["Dad", "Sue"]}],
        "onset": {"date": f"{onset[0]:04d}-{onset[1]:02d}", "note": "Poor sleep, guilt"},
        "intake": {"recent_bereavement": True},
    }
    assert built.problem == "" and built.suggestions[0].area == "grief"
    assert built.person_at(built.suggestions[0].focus.index) == dad


def test_two_people_with_the_same_name_and_a_removed_person_still_make_a_valid_case(world, therapist):
    client = world.clients["mine"]
    actions.add_person(therapist, client.pk, person("Sam", "friend"))
    actions.add_person(therapist, client.pk, person("sam", "cousin"))
    gone = actions.add_person(therapist, client.pk, person("Max", "ex-partner"))
    timeline_actions.add_event(therapist, client.pk, {"year": 2025, "kind": "dispute", "main_person": gone.pk})
    actions.remove_person(therapist, gone.pk)
    built = casebuild.build(client)
    assert built.problem == ""
    assert [p["name"] for p in built.data["inventory"]] == ["Sam", "sam (2)"]
    assert "people" not in built.data["timeline"][0]


def test_the_page_ranks_grief_with_its_evidence_linked_to_the_entries(world, therapist, course, as_member):
    dad, _sue, death, _onset = grief_case(therapist, world.clients["self"])
    page = text(as_member(world.m["supervisor"]).get(f"/assessment/course/{course.pk}/suggestions/"))
    assert "1. Grief" in page and "first suggestion" in page
    month = date(death[0], death[1], 1).strftime("%B")
    assert f"Death of Dad (father) in {month} {death[0]}, about 2 months before symptoms began → grief" in page
    assert f'href="/assessment/person/{dad.pk}/history/">Dad</a>' in page
    assert "2. Interpersonal role dispute" in page and "Suggested stage: renegotiation" in page
    assert "they are not a diagnosis and not a decision" in page
    assert "Choose this area" not in page  # the supervisor only reads


def test_choosing_the_suggested_area_records_that_it_followed_and_sets_the_course_focus(world, therapist, course, as_member):
    grief_case(therapist, world.clients["self"])
    browser = as_member(world.m["therapist"])
    response = browser.post(f"/assessment/course/{course.pk}/suggestions/",
                            {"area": "grief", "rationale": "The low mood began two months after her father died."})
    assert response["Location"] == f"/assessment/course/{course.pk}/formulation/"
    choice = AreaChoice.objects.get()
    assert (choice.area, choice.suggested_area, choice.followed, choice.suggested_confidence) == ("grief", "grief", True, "high")
    assert choice.suggestions[0]["area"] == "grief"
    course = Course.objects.get(pk=course.pk)
    assert (course.primary_area, course.primary_rationale) == ("grief", "The low mood began two months after her father died.")
    event = AuditEvent.objects.get(event_type="assessment.area_chosen")
    assert event.details["followed_suggestion"] is True and event.details["suggested"] == "grief"
    assert "Grief chosen, as suggested." in text(browser.get(response["Location"]))


def test_choosing_another_area_is_allowed_and_recorded_as_not_following(world, therapist, course):
    grief_case(therapist, world.clients["self"])
    choice = formulation_actions.choose_area(therapist, course.pk, area="role_dispute", stage="impasse",
                                             rationale="The row about the house is what she brings each week.",
                                             secondary_area="grief", secondary_rationale="Her father's death.")
    assert (choice.followed, choice.suggested_area, choice.stage) == (False, "grief", "impasse")
    course = Course.objects.get(pk=course.pk)
    assert (course.primary_area, course.dispute_stage, course.secondary_area) == ("role_dispute", "impasse", "grief")
    assert AuditEvent.objects.get(event_type="assessment.area_chosen").details["followed_suggestion"] is False


def test_a_dispute_needs_a_stage_and_deficits_over_a_suggested_area_needs_a_confirmation(world, therapist, course, as_member):
    grief_case(therapist, world.clients["self"])
    with pytest.raises(ActionError) as no_stage:
        formulation_actions.choose_area(therapist, course.pk, area="role_dispute", stage="", rationale="Rows")
    assert no_stage.value.field == "stage"
    browser = as_member(world.m["therapist"])
    page = text(browser.post(f"/assessment/course/{course.pk}/suggestions/",
                             {"area": "interpersonal_deficits", "rationale": "Few friends for years"}))
    assert "keeps interpersonal deficits for when no other area fits" in page and "Few friends for years" in page
    assert not AreaChoice.objects.exists()
    response = browser.post(f"/assessment/course/{course.pk}/suggestions/",
                            {"area": "interpersonal_deficits", "rationale": "Few friends for years", "confirm_deficits": "on"})
    assert response.status_code == 302 and AreaChoice.objects.get().followed is False
    page = text(browser.post(f"/assessment/course/{course.pk}/suggestions/", {"area": "grief", "rationale": ""}))
    assert "Say in your own words why this area fits" in page


def test_an_empty_record_gives_no_suggestion_with_its_reason(world, course, as_member):
    page = text(as_member(world.m["therapist"]).get(f"/assessment/course/{course.pk}/suggestions/"))
    assert "No suggestion" in page and "Too little information" in page
    assert "no onset recorded" in page


def test_deficits_is_suggested_only_as_a_last_resort_and_says_so(world, therapist, course, as_member):
    client = world.clients["self"]
    actions.add_person(therapist, client.pk, person("Neighbour", "neighbour", "outer", unsatisfying="Never talks"))
    timeline_actions.save_intake(therapist, client.pk, onset={}, onset_note="",
                                 answers={"close_confidants": 0, "long_standing_loneliness": "yes", "lives_alone": "yes"},
                                 expected_version=0)
    page = text(as_member(world.m["therapist"]).get(f"/assessment/course/{course.pk}/suggestions/"))
    assert "1. Interpersonal sensitivity (interpersonal deficits)" in page
    assert "suggested only because no other area reached its threshold" in page
