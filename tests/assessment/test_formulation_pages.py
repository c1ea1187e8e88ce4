"""The formulation: refused before an area is chosen, drafted from the record, autosaved, versioned, shared,
agreed by the client (portal) or for them (with the date), and what the course's phase rules then allow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openipt.assessment import api, formulation_actions
from openipt.assessment.models import FormulationDraft, FormulationVersion, InventorySnapshot
from openipt.core.errors import ActionError, ConflictError
from openipt.courses import actions as course_actions
from openipt.courses.models import Course
from tests.support.pages import text
from tests.support.people import actor

from .test_suggest_pages import grief_case


def choose_grief(therapist, course):
    return formulation_actions.choose_area(therapist, course.pk, area="grief", stage="",
                                           rationale="The low mood began after her father died.")


def test_sharing_before_an_area_is_chosen_is_refused_with_a_message_and_the_text_kept(world, course, as_member):
    browser = as_member(world.m["therapist"])
    response = browser.post(f"/assessment/course/{course.pk}/formulation/",
                            {"text": "We will work on your low mood.", "version": "0", "action": "share"})
    page = text(response)
    assert response.status_code == 200
    assert "Choose a problem area before sharing the formulation" in page
    assert "We will work on your low mood." in page
    assert not FormulationVersion.objects.filter(shared_at__isnull=False).exists()
    assert api.has_agreed_formulation(course) is False


def test_the_draft_is_written_from_the_area_the_people_the_events_and_the_latest_phq9(world, therapist, course, as_member):
    from openipt.measures.actions import enter_paper

    grief_case(therapist, world.clients["self"])
    browser = as_member(world.m["therapist"])
    assert "Write a draft for me" not in text(browser.get(f"/assessment/course/{course.pk}/formulation/"))
    choose_grief(therapist, course)
    enter_paper(therapist, course.pk, instrument_code="phq9", session_number=None, completed_on=timezone.localdate(),
                answers={**{f"q{i}": 1 for i in range(1, 10)}, "q1": 3, "q2": 3, "difficulty": 1})  # total 13
    browser.post(f"/assessment/course/{course.pk}/formulation/draft/")
    draft = FormulationDraft.objects.get(course=course)
    assert "moderate signs of depression" in draft.text
    assert "after Dad died" in draft.text and "we will talk about Dad" in draft.text
    assert draft.staff_text.startswith("Problem area: grief.")
    # a second request keeps the therapist's own text and shows the new draft beside it
    formulation_actions.autosave_draft(therapist, course.pk, text="My own words.", expected_version=draft.version)
    page = text(browser.post(f"/assessment/course/{course.pk}/formulation/draft/"))
    assert "Your text was kept. The generated draft is shown below it." in page
    assert FormulationDraft.objects.get(course=course).text == "My own words."
    browser.post(f"/assessment/course/{course.pk}/formulation/draft/", {"replace": "1"})
    assert "after Dad died" in FormulationDraft.objects.get(course=course).text


def test_every_saved_version_is_kept_and_an_unchanged_save_adds_none(world, therapist, course, as_member):
    choose_grief(therapist, course)
    first, made = formulation_actions.save_version(therapist, course.pk, text="Version one.", expected_version=0)
    same, again = formulation_actions.save_version(therapist, course.pk, text="Version one.", expected_version=1)
    second, _ = formulation_actions.save_version(therapist, course.pk, text="Version two, longer.", expected_version=1)
    assert (made, again, same.pk, second.number) == (True, False, first.pk, 2)
    page = text(as_member(world.m["supervisor"]).get(f"/assessment/course/{course.pk}/formulation/"))
    assert "Version 2 · " in page and "Version 1 · " in page
    assert "removed: </span>one.</del>" in page and "added: </span>two, longer.</ins>" in page
    assert "Save as a new version" not in page  # the supervisor reads only


def test_autosave_keeps_long_text_and_a_stale_version_is_a_conflict_not_an_overwrite(world, therapist, course, as_member):
    long = "Your grief is real and it matters. " * 1200  # about 8,400 words
    browser = as_member(world.m["therapist"])
    response = browser.post(f"/assessment/course/{course.pk}/formulation/autosave/", {"text": long, "version": "0"})
    assert response.status_code == 200 and response["X-Draft-Version"] == "1"
    assert 'name="version" value="1"' in response.content.decode()
    assert FormulationDraft.objects.get(course=course).text == long.strip()
    stale = browser.post(f"/assessment/course/{course.pk}/formulation/autosave/", {"text": "Other words", "version": "0"})
    assert "Not saved: someone else saved this text." in text(stale) and "X-Draft-Version" not in stale
    assert FormulationDraft.objects.get(course=course).text == long.strip()
    with pytest.raises(ConflictError):
        formulation_actions.save_version(therapist, course.pk, text="Other words", expected_version=0)


def test_share_then_the_client_agrees_in_the_portal_and_the_course_may_move_to_the_middle_phase(world, therapist, course, as_member):
    choose_grief(therapist, course)
    browser = as_member(world.m["therapist"])
    browser.post(f"/assessment/course/{course.pk}/formulation/",
                 {"text": "Your low mood began after your father died.", "version": "0", "action": "share"})
    version = FormulationVersion.objects.get()
    assert version.shared_at is not None
    # the course page shows what the client was given, read from the one stored formulation
    overview = text(browser.get(f"/courses/{course.pk}/"))
    assert "<dt>Formulation shared with the client</dt><dd>Your low mood began after your father died.</dd>" in overview
    assert "<dt>Client agreed</dt><dd>Not yet</dd>" in overview
    assert api.has_agreed_formulation(course) is False
    course = course_actions.record_agreement(therapist, course.pk, "contract")
    from tests.support.courses import screen_all_clear

    screen_all_clear(therapist, course.pk)
    with pytest.raises(course_actions.TransitionError) as refused:
        course_actions.transition_course(therapist, course.pk, "middle")
    assert "Record the date the client agreed the formulation." in refused.value.reasons
    portal = as_member(world.m["client"])
    page = text(portal.get("/assessment/mine/formulation/"))
    assert "What we will work on: Grief" in page and "Your low mood began after your father died." in page
    assert "I agree with this" in page
    assert portal.get(f"/assessment/mine/formulation/{version.pk}/print/").status_code == 200
    response = portal.post(f"/assessment/mine/formulation/{version.pk}/agree/")
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.agreed_on, version.agreed_by_client) == (timezone.localdate(), True)
    assert "You agreed with this on" in text(portal.get("/assessment/mine/formulation/"))
    assert api.has_agreed_formulation(Course.objects.get(pk=course.pk)) is True
    assert InventorySnapshot.objects.filter(client=course.client, kind="start").count() == 1
    overview = text(as_member(world.m["therapist"]).get(f"/courses/{course.pk}/"))
    assert timezone.localdate().strftime("%-d %b %Y") in overview
    assert "Client agreed the formulation today" not in overview
    moved = course_actions.transition_course(therapist, course.pk, "middle")
    assert moved.phase == "middle"


def test_the_therapist_records_agreement_for_the_client_with_a_date_not_in_the_future(world, therapist, course, as_member):
    choose_grief(therapist, course)
    formulation_actions.save_version(therapist, course.pk, text="Shared understanding.", expected_version=0)
    browser = as_member(world.m["therapist"])
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = text(browser.post(f"/assessment/course/{course.pk}/formulation/agree/", {"agreed_on": future}))
    assert "The client cannot have agreed on a date in the future." in page
    past = (timezone.localdate() - timedelta(days=3)).isoformat()
    assert "so the client cannot have agreed it earlier" in text(
        browser.post(f"/assessment/course/{course.pk}/formulation/agree/", {"agreed_on": past}))
    response = browser.post(f"/assessment/course/{course.pk}/formulation/agree/", {"agreed_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    version = FormulationVersion.objects.get()
    assert version.shared_at is not None and version.agreed_by_client is False
    assert version.agreement_recorded_by == world.m["therapist"]
    assert api.current_formulation(Course.objects.get(pk=course.pk)).agreed_on == timezone.localdate()
    overview = text(browser.get(f"/courses/{course.pk}/"))
    assert f"<dt>Client agreed</dt><dd>{timezone.localdate().strftime('%-d %b %Y')}</dd>" in overview


def test_a_new_version_shared_or_a_new_area_needs_the_clients_agreement_again(world, therapist, course):
    choose_grief(therapist, course)
    formulation_actions.save_version(therapist, course.pk, text="One.", expected_version=0)
    formulation_actions.record_agreement(therapist, course.pk, on=timezone.localdate())
    assert api.has_agreed_formulation(Course.objects.get(pk=course.pk)) is True
    formulation_actions.save_version(therapist, course.pk, text="Two (not shared yet).", expected_version=1)
    assert api.has_agreed_formulation(Course.objects.get(pk=course.pk)) is True  # work in progress keeps the agreement
    formulation_actions.share_latest(therapist, course.pk)
    assert api.has_agreed_formulation(Course.objects.get(pk=course.pk)) is False
    formulation_actions.record_agreement(therapist, course.pk, on=timezone.localdate())
    formulation_actions.choose_area(therapist, course.pk, area="role_transition", stage="", rationale="Moved city.")
    course = Course.objects.get(pk=course.pk)
    assert api.has_agreed_formulation(course) is False and api.current_formulation(course).agreed_on is None
    with pytest.raises(ActionError) as stale:
        formulation_actions.share_latest(therapist, course.pk)
    assert "The problem area changed after this version was saved" in stale.value.message


def test_goals_come_from_the_protocol_for_the_chosen_area_through_the_courses_goal_action(world, therapist, course, as_member):
    browser = as_member(world.m["therapist"])
    response = browser.post(f"/assessment/course/{course.pk}/goals/", {"goals": [], "own_goal": "Visit Dad's grave"})
    assert "Choose a problem area first; the goals come from it." in text(browser.get(response["Location"]))
    choose_grief(therapist, course)
    page = text(browser.get(f"/assessment/course/{course.pk}/formulation/"))
    assert "Goals the protocol suggests for Grief" in page
    assert "Talk about the person who died, the good times and the hard times." in page
    response = browser.post(f"/assessment/course/{course.pk}/goals/", {
        "goals": ["Talk about the person who died, the good times and the hard times."], "own_goal": "Visit Dad's grave"})
    assert response.status_code == 302
    assert sorted(course.goals.values_list("text", "area")) == [
        ("Talk about the person who died, the good times and the hard times.", "grief"), ("Visit Dad's grave", "grief")]
    page = text(browser.post(f"/assessment/course/{course.pk}/goals/", {"own_goal": "visit dad's grave"}))
    assert "These goals are already on the course." in page
    overview = text(browser.get(f"/courses/{course.pk}/"))
    assert "Problem area and formulation" in overview and "Goals the protocol suggests for Grief" in overview


def test_a_client_cannot_agree_to_or_read_another_clients_formulation(world, therapist, as_member):
    other_course = course_actions.start_course(therapist, world.clients["mine"].pk, format_id="individual",
                                               start_date=timezone.localdate())
    choose_grief(therapist, other_course)
    version, _ = formulation_actions.save_version(therapist, other_course.pk, text="Not yours.", expected_version=0)
    formulation_actions.share_latest(therapist, other_course.pk)
    portal = as_member(world.m["client"])
    assert portal.post(f"/assessment/mine/formulation/{version.pk}/agree/").status_code == 404
    assert portal.get(f"/assessment/mine/formulation/{version.pk}/print/").status_code == 404
    assert "Not yours." not in text(portal.get("/assessment/mine/formulation/"))
    with pytest.raises(ActionError):
        formulation_actions.client_agrees(actor(world.m["client"]), version.pk)
    assert FormulationVersion.objects.get().agreed_on is None


def test_the_printable_page_shows_the_version_asked_for(world, therapist, course, as_member):
    choose_grief(therapist, course)
    formulation_actions.save_version(therapist, course.pk, text="First words.", expected_version=0)
    formulation_actions.save_version(therapist, course.pk, text="Second words.", expected_version=1)
    browser = as_member(world.m["therapist"])
    assert "Second words." in text(browser.get(f"/assessment/course/{course.pk}/formulation/print/"))
    page = text(browser.get(f"/assessment/course/{course.pk}/formulation/print/?v=1"))
    assert "First words." in page and "Not agreed yet." in page and "data-print" in page


def test_the_client_sees_only_the_shared_version_never_a_later_one_or_the_draft(world, therapist, course, as_member):
    """HAZ-008: the client reads what the therapist shared, never an unshared version or the working draft."""
    choose_grief(therapist, course)
    formulation_actions.save_version(therapist, course.pk, text="Shared words.", expected_version=0)
    formulation_actions.share_latest(therapist, course.pk)
    formulation_actions.save_version(therapist, course.pk, text="Not shared yet.", expected_version=1)
    draft = FormulationDraft.objects.get(course=course)
    formulation_actions.autosave_draft(therapist, course.pk, text="Working draft.", expected_version=draft.version)
    page = text(as_member(world.m["client"]).get("/assessment/mine/formulation/"))
    assert "Shared words." in page
    assert "Not shared yet." not in page and "Working draft." not in page


def test_without_a_phq9_the_draft_never_pastes_the_onset_note_in_as_the_symptoms(world, therapist, course, as_member):
    grief_case(therapist, world.clients["self"])  # its onset note is "Poor sleep, guilt"
    choose_grief(therapist, course)
    as_member(world.m["therapist"]).post(f"/assessment/course/{course.pk}/formulation/draft/")
    draft = FormulationDraft.objects.get(course=course)
    assert "Poor sleep, guilt" not in draft.text + draft.staff_text
    assert "You told me how you have been feeling: low mood." in draft.text and "after Dad died" in draft.text
