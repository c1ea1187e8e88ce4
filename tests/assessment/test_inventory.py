"""The interpersonal inventory as therapist and client use it: adding, editing at the same time, what the
client changed, moving people between rings, versions, snapshots, long text and the safety check."""

from __future__ import annotations

import pytest

from openipt.assessment import actions
from openipt.assessment.models import InventoryPerson, InventoryRevision, InventorySnapshot
from openipt.audit.models import AuditEvent
from openipt.core.errors import ActionError
from tests.support.assessment import form_of, person
from tests.support.pages import text
from tests.support.people import actor


def test_a_person_with_no_name_or_alias_is_refused_beside_the_field_and_the_typing_is_kept(world, as_member):
    browser = as_member(world.m["therapist"])
    url = f"/assessment/client/{world.clients['mine'].pk}/inventory/new/"
    response = browser.post(url, {"name": "   ", "relationship": "neighbour", "ring": "outer",
                                  "satisfying": "Waters my plants when I am away", "submission_key": "a"})
    page = text(response)
    assert response.status_code == 200
    assert "Give this person a name or an alias. A first name, a nickname or initials is enough." in page
    assert 'name="name"' in page and 'aria-invalid="true"' in page
    assert "Waters my plants when I am away" in page and 'value="neighbour"' in page
    assert not InventoryPerson.objects.exists()


def test_the_action_refuses_a_missing_name_and_an_unknown_ring_with_the_field_named(world, therapist):
    with pytest.raises(ActionError) as no_name:
        actions.add_person(therapist, world.clients["mine"].pk, {"name": "", "relationship": "boss"})
    assert no_name.value.field == "name"
    with pytest.raises(ActionError) as bad_ring:
        actions.add_person(therapist, world.clients["mine"].pk, person(ring="centre"))
    assert bad_ring.value.field == "ring" and "inner, middle or outer" in bad_ring.value.message


def test_adding_a_person_happens_once_however_often_the_form_is_sent(world, as_member):
    browser = as_member(world.m["therapist"])
    url = f"/assessment/client/{world.clients['mine'].pk}/inventory/new/"
    data = {**person(), "submission_key": "same-key"}
    first, again = browser.post(url, data), browser.post(url, data)
    sue = InventoryPerson.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == f"/assessment/client/{world.clients['mine'].pk}/inventory/#person-{sue.pk}"


def test_client_and_therapist_changing_different_answers_at_once_keep_both_changes(world, therapist, as_member):
    sue = actions.add_person(therapist, world.clients["self"].pk, person(satisfying="Long walks"))
    opened = actions.person_data(sue)  # both open the entry at version 1
    client_browser = as_member(world.m["client"])
    response = client_browser.post(f"/assessment/mine/people/{sue.pk}/",
                                   form_of({**opened, "changes_wanted": "See her every Sunday"}, version=1))
    assert response.status_code == 302
    therapist_browser = as_member(world.m["therapist"])
    response = therapist_browser.post(f"/assessment/person/{sue.pk}/", form_of({**opened, "ring": "inner"}, version=1))
    assert response.status_code == 302
    sue.refresh_from_db()
    assert (sue.ring, sue.changes_wanted, sue.version) == ("inner", "See her every Sunday", 3)
    page = text(therapist_browser.get(response["Location"]))
    assert "Saved. The client had also changed this entry (changes the client would like); both changes are kept." in page
    assert InventoryRevision.objects.get(person=sue, version=3).kind == "merged"


def test_when_both_change_the_same_answer_the_later_save_sees_both_texts_and_nothing_is_lost(world, therapist, as_member):
    sue = actions.add_person(therapist, world.clients["self"].pk, person(conflicts="The house"))
    opened = actions.person_data(sue)
    actions.save_person(therapist, sue.pk, {**opened, "conflicts": "Selling the house"}, expected_version=1)
    client_browser = as_member(world.m["client"])
    response = client_browser.post(f"/assessment/mine/people/{sue.pk}/",
                                   form_of({**opened, "conflicts": "She wants to sell Dad's house now"}, version=1))
    page = text(response)
    assert response.status_code == 200
    assert "The therapist" not in page  # the client reads who: a name or "the client", never a role label guessed
    assert f"{world.m['therapist'].user} changed this entry while you were editing" in page
    assert "Selling the house" in page and "She wants to sell Dad's house now" in page
    assert 'name="version" value="2"' in page  # saving again now applies
    sue.refresh_from_db()
    assert sue.conflicts == "Selling the house"
    kept = InventoryRevision.objects.get(person=sue, kind="conflict")
    assert kept.by_client and kept.data["conflicts"] == "She wants to sell Dad's house now" and kept.conflict_fields == ["conflicts"]
    staff_page = text(as_member(world.m["therapist"]).get(f"/assessment/client/{world.clients['self'].pk}/inventory/"))
    assert "1 change could not be merged with another made at the same time. It is kept" in staff_page
    history = text(as_member(world.m["therapist"]).get(f"/assessment/person/{sue.pk}/history/"))
    assert "Kept aside (started from version 1)" in history and "She wants to sell Dad's house now" in history
    # the client combines both and saves: applied, and their kept-aside copy counts as dealt with
    client_browser = as_member(world.m["client"])
    response = client_browser.post(f"/assessment/mine/people/{sue.pk}/",
                                   form_of({**opened, "conflicts": "Selling Dad's house: she wants it now"}, version=2))
    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.resolved_at is not None
    assert AuditEvent.objects.filter(event_type="assessment.person_conflict").count() == 1


def test_the_therapist_sees_what_the_client_changed_since_they_last_looked_then_marks_it_seen(world, therapist, as_member):
    client = world.clients["self"]
    mum = actions.add_person(therapist, client.pk, person("Mum", "mother", "inner", satisfying="Sunday calls"))
    actions.add_person(therapist, client.pk, person("Leo", "friend", "outer"))
    me = actor(world.m["client"])
    actions.save_person(me, mum.pk, {**actions.person_data(mum), "satisfying": "Sunday calls\nShe visits on Fridays"},
                        expected_version=1)
    new = actions.add_person(me, client.pk, person("Grace", "colleague", "outer", changes_wanted="Lunch together"))
    browser = as_member(world.m["therapist"])
    page = text(browser.get(f"/assessment/client/{client.pk}/inventory/"))
    assert "2 entries were changed by the client since you last looked." in page
    assert "Changed by the client" in page and "Added by the client" in page
    assert '<ins><span class="oi-visually-hidden">added: </span>\nShe visits on Fridays</ins>' in response_html(browser, client)
    assert "Lunch together" in page
    # the supervisor has not looked either, so sees the same markers
    assert "2 entries were changed" in text(as_member(world.m["supervisor"]).get(f"/assessment/client/{client.pk}/inventory/"))
    browser = as_member(world.m["therapist"])
    browser.post(f"/assessment/client/{client.pk}/inventory/seen/", {"person": new.pk})
    assert "1 entry was changed by the client" in text(browser.get(f"/assessment/client/{client.pk}/inventory/"))
    browser.post(f"/assessment/client/{client.pk}/inventory/seen/", {})
    page = text(browser.get(f"/assessment/client/{client.pk}/inventory/"))
    assert "changed by the client since you last looked" not in page
    record = text(browser.get(f"/clients/{client.pk}/"))
    assert "3 people, 1 in the inner ring" in record and "changed by the client" not in record


def response_html(browser, client) -> str:
    return browser.get(f"/assessment/client/{client.pk}/inventory/").content.decode()


def test_moving_people_between_rings_with_the_buttons_and_the_edges_refused(world, therapist, as_member):
    sue = actions.add_person(therapist, world.clients["mine"].pk, person(ring="middle"))
    browser = as_member(world.m["therapist"])
    url = f"/assessment/person/{sue.pk}/move/"
    response = browser.post(url, {"direction": "in"})
    assert response["Location"] == f"/assessment/client/{world.clients['mine'].pk}/inventory/#person-{sue.pk}"
    assert "Sue is now in the inner ring." in text(browser.get(response["Location"]))
    page = browser.get(response["Location"]).content.decode()
    assert "Move<span class=\"oi-visually-hidden\"> Sue</span> further away" in page and "Sue</span> closer" not in page
    browser.post(url, {"direction": "in"})
    assert "Sue is already in the inner ring." in text(browser.get(response["Location"]))
    browser.post(url, {"ring": "outer"})
    sue.refresh_from_db()
    assert sue.ring == "outer" and sue.version == 3
    assert [r.kind for r in InventoryRevision.objects.filter(person=sue)] == ["saved", "moved", "moved"]
    assert list(AuditEvent.objects.filter(event_type="assessment.person_moved").order_by("pk").values_list("details", flat=True)) == [
        {"from": "middle", "to": "inner", "by_client": False}, {"from": "inner", "to": "outer", "by_client": False}]


def test_every_save_is_a_version_and_the_history_shows_who_changed_what(world, therapist, as_member):
    sue = actions.add_person(therapist, world.clients["self"].pk, person(unsatisfying="Never calls"))
    actions.save_person(actor(world.m["client"]), sue.pk, {**actions.person_data(sue), "unsatisfying": "Rarely calls"},
                        expected_version=1)
    result = actions.save_person(therapist, sue.pk, {**actions.person_data(InventoryPerson.objects.get(pk=sue.pk))},
                                 expected_version=2)
    assert result.unchanged and InventoryRevision.objects.filter(person=sue).count() == 2
    page = text(as_member(world.m["supervisor"]).get(f"/assessment/person/{sue.pk}/history/"))
    assert "Version 2" in page and "by the client" in page and "Version 1" in page
    assert "removed: </span>Never</del>" in page and "added: </span>Rarely</ins>" in page


def test_snapshots_keep_the_inventory_and_compare_side_by_side(world, therapist, as_member):
    client = world.clients["mine"]
    sue = actions.add_person(therapist, client.pk, person(ring="outer"))
    leo = actions.add_person(therapist, client.pk, person("Leo", "friend", "middle"))
    start = actions.take_snapshot(therapist, client.pk, kind="start", label="")
    actions.move_person(therapist, sue.pk, direction="in")
    actions.remove_person(therapist, leo.pk)
    actions.add_person(therapist, client.pk, person("Ana", "neighbour", "outer"))
    actions.save_person(therapist, sue.pk, {**actions.person_data(InventoryPerson.objects.get(pk=sue.pk)),
                                            "satisfying": "We talk every week now"}, expected_version=2)
    browser = as_member(world.m["therapist"])
    response = browser.post(f"/assessment/client/{client.pk}/snapshots/", {"kind": "end", "label": "After session 12"})
    assert response.status_code == 302
    end = InventorySnapshot.objects.get(kind="end")
    assert end.label == "After session 12" and end.people_count == 2 and start.people_count == 2
    page = text(browser.get(f"/assessment/client/{client.pk}/snapshots/compare/?a={start.pk}&b={end.pk}"))
    assert "Start of treatment compared with After session 12" in page
    assert page.count('role="img"') == 2
    assert "Moved ring" in page and "We talk every week now" in page
    assert "Taken off" in page and "Added" in page
    bad = browser.get(f"/assessment/client/{client.pk}/snapshots/compare/?a=999999")
    assert bad.status_code == 302
    assert "Choose two snapshots to compare." in text(browser.get(bad["Location"]))


def test_several_thousand_words_are_accepted_and_text_over_the_limit_is_refused_beside_the_field(world, therapist, as_member):
    long = " ".join(["She was the one who held the family together."] * 700)  # about 6,300 words
    sue = actions.add_person(therapist, world.clients["mine"].pk, person(satisfying=long))
    assert len(sue.satisfying.split()) > 6000
    browser = as_member(world.m["therapist"])
    too_long = "x" * (actions.MAX_TEXT + 1)
    response = browser.post(f"/assessment/person/{sue.pk}/", form_of({**actions.person_data(sue), "changes_wanted": too_long},
                                                                     version=1))
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    sue.refresh_from_db()
    assert sue.changes_wanted == "" and sue.version == 1


def test_what_a_client_writes_goes_to_the_safety_check_in_the_same_transaction(world, therapist, as_member):
    from openipt.safety.models import Alert, AlertEvent

    worrying = "Some days I feel like everyone would be better off without me."
    browser = as_member(world.m["client"])
    browser.post("/assessment/mine/people/new/", {**person("Jo", "partner", "inner", unsatisfying=worrying), "submission_key": "k"})
    jo = InventoryPerson.objects.get(name="Jo")
    alert = Alert.objects.get(client=world.clients["self"])
    assert alert.source == "inventory" and worrying in alert.text and alert.source_id == str(jo.pk)
    # the same words typed by the therapist are not the client's writing: no second alert from them
    actions.add_person(therapist, world.clients["self"].pk, person("Max", "brother", unsatisfying=worrying))
    assert Alert.objects.count() == 1
    # text kept aside after a clash is stored, so it is checked too
    actions.save_person(therapist, jo.pk, {**actions.person_data(jo), "unsatisfying": "Works late"}, expected_version=1)
    actions.save_person(actor(world.m["client"]), jo.pk, {**actions.person_data(jo), "unsatisfying": "I want to die"},
                        expected_version=1)
    assert InventoryRevision.objects.filter(person=jo, kind="conflict").exists()
    assert Alert.objects.count() == 1  # the open alert about this entry gains the new evidence
    assert AlertEvent.objects.filter(alert=alert, kind="evidence").count() == 1


def test_a_client_reaches_only_their_own_entries_and_cannot_take_people_off(world, therapist, as_member):
    other = actions.add_person(therapist, world.clients["mine"].pk, person())
    own = actions.add_person(therapist, world.clients["self"].pk, person("Dad", "father"))
    browser = as_member(world.m["client"])
    assert browser.get(f"/assessment/mine/people/{other.pk}/").status_code == 404
    assert browser.post(f"/assessment/mine/people/{other.pk}/", form_of(actions.person_data(other), 1)).status_code == 404
    assert browser.get(f"/assessment/person/{own.pk}/").status_code == 403
    with pytest.raises(ActionError):
        actions.remove_person(actor(world.m["client"]), own.pk)
    with pytest.raises(ActionError):
        actions.save_person(actor(world.m["client"]), other.pk, person(), expected_version=1)
    assert InventoryPerson.objects.get(pk=own.pk).removed_at is None


def test_staff_who_may_only_look_cannot_change_and_staff_elsewhere_cannot_see(world, therapist, as_member):
    sue = actions.add_person(therapist, world.clients["mine"].pk, person())
    for who in ("supervisor", "admin"):
        with pytest.raises(ActionError):
            actions.move_person(actor(world.m[who]), sue.pk, direction="in")
    assert as_member(world.m["therapist2"]).get(f"/assessment/person/{sue.pk}/history/").status_code == 404
    assert as_member(world.m["other_admin"]).get(f"/assessment/client/{world.clients['mine'].pk}/inventory/").status_code == 404


def test_answers_the_portal_form_does_not_ask_keep_their_saved_values(world, therapist, as_member):
    mum = actions.add_person(therapist, world.clients["self"].pk, person("Mum", "mother", age_band="65_plus"))
    form = form_of({k: v for k, v in actions.person_data(mum).items() if k != "age_band"}, version=1)
    form["satisfying"] = "Sunday calls"
    assert as_member(world.m["client"]).post(f"/assessment/mine/people/{mum.pk}/", form).status_code == 302
    mum.refresh_from_db()
    assert (mum.age_band, mum.satisfying, mum.client_version) == ("65_plus", "Sunday calls", 2)


def test_a_person_described_without_clear_support_or_conflict_is_drawn_filled_and_a_bare_entry_hollow(world, therapist, as_member):
    client = world.clients["self"]
    ann = actions.add_person(therapist, client.pk, person(
        "Ann", "aunt", "middle", support_received="little", support_given="some",
        unsatisfying="We only talk about the weather", recent_changes="She moved away in May"))
    bo = actions.add_person(therapist, client.pk, person("Bo", "cousin", "outer"))
    html = response_html(as_member(world.m["therapist"]), client)
    ann_marker = html.split(f'id="circle-person-{ann.pk}"')[1].split("</g>")[0]
    bo_marker = html.split(f'id="circle-person-{bo.pk}"')[1].split("</g>")[0]
    assert "described, no clear support or conflict" in ann_marker and 'fill="#1e3a8a"' in ann_marker
    assert "described" not in bo_marker and 'fill="#ffffff"' in bo_marker.lower()
