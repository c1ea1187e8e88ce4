"""Problem areas as IPT defines them, through the pages a therapist uses.

Grief is for a death (pregnancy and infant loss included); other losses are role transitions; a
role dispute can be with a boss outside the inner ring; dispute stages and interpersonal
sensitivity are worded by their definitions (HAZ-020).
"""

from __future__ import annotations

from openipt.assessment import actions, timeline_actions
from openipt.assessment.models import InventoryPerson, LifeEvent
from tests.support.assessment import months_ago, person
from tests.support.pages import text


def _onset(therapist, client, months=2):
    onset = months_ago(months)
    timeline_actions.save_intake(therapist, client.pk, onset={"year": onset[0], "month": onset[1]}, onset_note="",
                                 answers={}, expected_version=0)


def test_the_event_form_offers_a_death_a_pregnancy_loss_and_other_losses_as_life_changes(world, as_member):
    page = text(as_member(world.m["therapist"]).get(f"/assessment/client/{world.clients['mine'].pk}/timeline/new/"))
    assert '<option value="death">A death</option>' in page
    assert '<option value="pregnancy_loss">Pregnancy loss, stillbirth or the death of a baby</option>' in page
    assert "Life change or a loss that is not a death (job, divorce or break-up" in page
    assert "death_loss" not in page
    assert "Other losses, such as a job, a divorce, a move or health, are life changes" in page


def test_a_stillbirth_entered_on_the_timeline_page_is_suggested_as_grief(world, therapist, course, as_member):
    client = world.clients["self"]
    _onset(therapist, client)
    loss = months_ago(3)
    browser = as_member(world.m["therapist"])
    response = browser.post(f"/assessment/client/{client.pk}/timeline/new/", {
        "year": loss[0], "month": loss[1], "kind": "pregnancy_loss", "description": "Our daughter was stillborn",
        "mood_effect": "much_worse", "submission_key": "still-1"})
    assert response.status_code == 302
    assert LifeEvent.objects.get(client=client).kind == "pregnancy_loss"
    page = text(browser.get(f"/assessment/course/{course.pk}/suggestions/"))
    assert "1. Grief" in page and "Our daughter was stillborn" in page


def test_a_divorce_is_suggested_as_a_role_transition_not_grief(world, therapist, course, as_member):
    client = world.clients["self"]
    _onset(therapist, client)
    when = months_ago(3)
    timeline_actions.add_event(therapist, client.pk, {"year": when[0], "month": when[1], "kind": "role_change",
                                                      "description": "Divorce came through", "mood_effect": "much_worse"})
    page = text(as_member(world.m["therapist"]).get(f"/assessment/course/{course.pk}/suggestions/"))
    assert "1. Role transition" in page
    assert "1. Grief" not in page and "2. Grief" not in page


def test_an_old_style_loss_sent_by_a_script_is_filed_by_what_it_describes(world, therapist):
    client = world.clients["mine"]
    job = timeline_actions.add_event(therapist, client.pk, {"year": 2025, "kind": "death_loss",
                                                            "description": "Made redundant"})
    death = timeline_actions.add_event(therapist, client.pk, {"year": 2025, "kind": "death_loss",
                                                              "description": "Gran died"})
    assert (job.kind, death.kind) == ("role_change", "death")


def test_a_dispute_with_a_boss_in_the_outer_ring_that_hurts_is_suggested_at_its_stage(world, therapist, course,
                                                                                      as_member):
    client = world.clients["self"]
    _onset(therapist, client)
    browser = as_member(world.m["therapist"])
    # given the therapist adds the boss through the inventory page, with the conflict's effect on mood
    response = browser.post(f"/assessment/client/{client.pk}/inventory/new/", {
        "name": "Mr Hale", "relationship": "line manager", "ring": "outer", "conflicts": "My projects taken away",
        "conflict_talking": "stopped", "conflict_hope": "no", "conflict_ending": "no",
        "conflict_mood_effect": "much_worse", "expectations_match": "no", "submission_key": "boss-1"})
    assert response.status_code == 302
    assert InventoryPerson.objects.get(client=client).conflict_mood_effect == "much_worse"
    # then the suggestion is a role dispute centred on the boss, at impasse, by its definition
    page = text(browser.get(f"/assessment/course/{course.pk}/suggestions/"))
    assert "1. Interpersonal role dispute" in page and "Mr Hale (line manager)" in page
    assert "talking has stopped, resentment smoulders" in page
    assert "(mood much worse)" in page


def test_the_same_boss_with_no_effect_on_mood_is_not_enough(world, therapist, course, as_member):
    client = world.clients["self"]
    _onset(therapist, client)
    actions.add_person(therapist, client.pk, person("Mr Hale", "line manager", "outer", conflicts="Rota",
                                                    conflict_mood_effect="none"))
    page = text(as_member(world.m["therapist"]).get(f"/assessment/course/{course.pk}/suggestions/"))
    assert "No suggestion" in page


def test_the_choice_shows_stage_definitions_and_interpersonal_sensitivity(world, course, as_member):
    page = text(as_member(world.m["therapist"]).get(f"/assessment/course/{course.pk}/suggestions/"))
    assert "Renegotiation: Both are still actively negotiating, often arguing." in page
    assert "Impasse: Talking has stopped and resentment smoulders." in page
    assert "Dissolution: One or both want to end the relationship." in page
    assert "Interpersonal sensitivity (interpersonal deficits)" in page
    assert "Interpersonal sensitivity is the modern name for interpersonal deficits" in page


def test_the_person_form_asks_about_stages_by_their_definitions(world, as_member):
    page = text(as_member(world.m["therapist"]).get(f"/assessment/client/{world.clients['mine'].pk}/inventory/new/"))
    assert "Still negotiating: they talk it over or argue" in page
    assert "Talking has stopped: resentment smoulders" in page
    assert "Does either of them want to end the relationship?" in page
    assert "One or both are thinking about ending it" in page
    assert "How close someone is and how much a disagreement matters are different things" in page
    assert "How does the disagreement affect the client's mood?" in page
