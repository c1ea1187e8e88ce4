"""End to end in Chromium: from the interpersonal inventory to an agreed formulation and the middle phase."""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import expect

from openipt.assessment.models import FormulationVersion, InventoryPerson
from openipt.courses import actions as course_actions
from openipt.courses.models import Course
from tests.support.people import PASSWORD, actor, make_world


def _march_and_may() -> int:
    """The latest year whose March and May have both passed."""
    today = timezone.localdate()
    return today.year if today.month > 5 else today.year - 1


def _add_person(ui, name, relationship, ring_label):
    page = ui.page
    page.get_by_role("link", name="Add a person").click()
    ui.check()
    page.get_by_label("Name or alias").fill(name)
    page.get_by_label("Relationship to the client").fill(relationship)
    page.get_by_label(ring_label).check()
    page.get_by_role("button", name="Add to the inventory").click()
    page.wait_for_load_state("load")
    ui.check()
    expect(page.get_by_text(f"{name} added to the inventory.")).to_be_visible()


def test_from_the_inventory_to_an_agreed_formulation_and_the_middle_phase(ui, phone):
    world = make_world()
    therapist = actor(world.m["therapist"])
    client = world.clients["self"]
    course = course_actions.start_course(therapist, client.pk, format_id="individual", start_date=timezone.localdate())
    course_actions.record_agreement(therapist, course.pk, "contract")
    year = _march_and_may()
    page = ui.page
    ui.sign_in(world.m["therapist"].user.username, PASSWORD)
    ui.goto(f"/clients/{client.pk}/")
    page.get_by_role("link", name="Interpersonal inventory and closeness circle").click()
    ui.check()
    expect(page.get_by_text("No one yet.")).to_be_visible()

    # an inventory with four people
    _add_person(ui, "Dad", "father", "Middle ring: close")
    _add_person(ui, "Sue", "sister", "Middle ring: close")
    _add_person(ui, "Kasia", "partner", "Inner ring: very close")
    _add_person(ui, "Tom", "boss", "Outer ring: not so close")
    expect(page.locator("#circle svg .oi-person")).to_have_count(4)

    # Dad moves to the inner ring, by keyboard
    button = page.get_by_role("button", name="Move Dad closer")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    ui.check()
    expect(page.get_by_text("Dad is now in the inner ring.")).to_be_visible()
    assert InventoryPerson.objects.get(name="Dad").ring == "inner"
    expect(page.get_by_role("button", name="Move Dad closer")).to_have_count(0)
    ui.screenshot("assessment-inventory")

    # the death in March, the onset in May
    page.get_by_role("link", name="Timeline", exact=True).click()
    ui.check()
    page.get_by_role("link", name="Add a life event").click()
    ui.check()
    page.get_by_label("Year").fill(str(year))
    page.get_by_label("Month").select_option(label="March")
    page.get_by_label("What kind of event").select_option("death")
    page.get_by_label("What happened").fill("Dad died after a short illness")
    page.get_by_label("Who it is mainly about").select_option(label="Dad (father)")
    page.get_by_label("How it affected the mood").select_option("much_worse")
    page.get_by_role("button", name="Add the event").click()
    page.wait_for_load_state("load")
    ui.check()
    expect(page.get_by_text("Event added to the timeline.")).to_be_visible()
    page.get_by_role("link", name="Record the onset and intake answers").click()
    ui.check()
    page.get_by_label("Year").fill(str(year))
    page.get_by_label("Month").select_option(label="May")
    page.get_by_label("What the symptoms were").fill("Poor sleep, guilt, no interest in things")
    page.get_by_role("button", name="Save onset and answers").click()
    page.wait_for_load_state("load")
    ui.check()
    expect(page.get_by_text(f"The current episode began about May {year}.")).to_be_visible()
    ui.screenshot("assessment-timeline")

    # grief is suggested with that evidence, and chosen
    ui.goto(f"/courses/{course.pk}/")
    page.get_by_role("link", name="See why").click()
    ui.check()
    expect(page.get_by_role("heading", name=re.compile(r"^1\. Grief"))).to_be_visible()
    expect(page.get_by_text(f"Death of Dad (father) in March {year}, about 2 months before symptoms began → grief")).to_be_visible()
    ui.screenshot("assessment-suggestions")
    expect(page.get_by_role("radio", name=re.compile(r"^Grief"))).to_be_checked()
    page.get_by_label("Why this area, in your words").fill("Her low mood began two months after her father died.")
    page.get_by_role("button", name="Choose this area").click()
    page.wait_for_load_state("load")
    ui.check()
    expect(page.get_by_text("Grief chosen, as suggested. Next: the formulation.")).to_be_visible()

    # the generated formulation, edited (it saves itself), then shared
    page.get_by_role("button", name="Write a draft for me").click()
    page.wait_for_load_state("load")
    ui.check()
    box = page.get_by_role("textbox", name=re.compile(r"^Formulation for the client"))
    expect(box).to_contain_text("after Dad died")
    box.press("End")
    box.press("Control+End")
    box.type(" You also told me that Sunday lunches with Dad were the best part of the week.")
    expect(page.locator("#draft-status")).to_contain_text("Saved at", timeout=10000)
    page.get_by_role("button", name="Save and share with the client").click()
    page.wait_for_load_state("load")
    ui.check()
    expect(page.get_by_text(re.compile(r"Version 1 is shared with Sam Client"))).to_be_visible()
    version = FormulationVersion.objects.get()
    assert "Sunday lunches with Dad" in version.text and version.shared_at is not None
    ui.screenshot("assessment-formulation")

    # the client reads it on a phone and agrees
    phone.sign_in(world.m["client"].user.username, PASSWORD)
    phone.goto("/me/")
    phone.page.get_by_role("link", name="Read it").click()
    phone.check()
    expect(phone.page.get_by_text("Sunday lunches with Dad were the best part of the week.")).to_be_visible()
    phone.screenshot("assessment-portal-formulation")
    phone.page.get_by_role("button", name="I agree with this").click()
    phone.page.wait_for_load_state("load")
    phone.check()
    expect(phone.page.get_by_text("Thank you. Your therapist can see that you agree.")).to_be_visible()

    # with the initial screening recorded, the course may now move to the middle phase
    from tests.support.courses import screen_all_clear

    screen_all_clear(actor(world.m["therapist"]), course.pk)
    ui.goto(f"/courses/{course.pk}/")
    expect(page.get_by_text("agreed by the client")).to_be_visible()
    page.get_by_role("link", name="Move to the middle phase").click()
    ui.check()
    page.get_by_role("button", name="Move to the middle phase").click()
    expect(page).to_have_url(re.compile(rf"/courses/{course.pk}/$"))
    ui.check()
    assert Course.objects.get(pk=course.pk).phase == "middle"


def test_the_client_adds_someone_from_the_portal_on_a_phone_and_the_therapist_sees_it_marked(ui, phone):
    world = make_world()
    phone.sign_in(world.m["client"].user.username, PASSWORD)
    phone.goto("/me/")
    page = phone.page
    page.get_by_role("link", name="See and change my list").click()
    phone.check()
    page.get_by_role("link", name="Add someone").click()
    phone.check()
    page.get_by_role("button", name="Add to my list").click()
    page.wait_for_load_state("load")
    phone.check()
    expect(page.get_by_text("Give this person a name or an alias.").first).to_be_visible()
    page.get_by_label("Their name, or a nickname").fill("Grace")
    page.get_by_label("Who are they to you?").fill("new colleague")
    page.get_by_label("Not so close").check()
    page.get_by_label("What would you like to change?").fill("Have lunch together once a week")
    page.get_by_role("button", name="Add to my list").click()
    page.wait_for_load_state("load")
    phone.check()
    expect(page.get_by_text("Grace is on your list. Your therapist will see it.")).to_be_visible()
    ui.sign_in(world.m["therapist"].user.username, PASSWORD)
    ui.goto(f"/assessment/client/{world.clients['self'].pk}/inventory/")
    expect(ui.page.get_by_text("Added by the client")).to_be_visible()
    expect(ui.page.get_by_text("Have lunch together once a week").first).to_be_visible()
    ui.page.get_by_role("button", name="Mark as seen Grace").click()
    ui.page.wait_for_load_state("load")
    ui.check()
    expect(ui.page.get_by_text("Added by the client")).to_have_count(0)


def test_a_person_can_be_dragged_to_another_ring_and_typing_survives_a_dropped_connection(ui):
    from openipt.assessment import actions, formulation_actions

    world = make_world()
    therapist = actor(world.m["therapist"])
    client = world.clients["mine"]
    sue = actions.add_person(therapist, client.pk, {"name": "Sue", "relationship": "sister", "ring": "outer"})
    course = course_actions.start_course(therapist, client.pk, format_id="individual", start_date=timezone.localdate())
    formulation_actions.choose_area(therapist, course.pk, area="role_transition", stage="", rationale="Moved city")
    page = ui.page
    ui.sign_in(world.m["therapist"].user.username, PASSWORD)
    ui.goto(f"/assessment/client/{client.pk}/inventory/")
    marker = page.locator(f"#circle-person-{sue.pk} .oi-person-marker")
    centre = page.locator("#circle .oi-client circle")
    start, target = marker.bounding_box(), centre.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(target["x"] + target["width"] / 2 + 50, target["y"] + target["height"] / 2, steps=8)
    with page.expect_navigation():
        page.mouse.up()
    expect(page.get_by_text("Sue is now in the inner ring.")).to_be_visible()
    ui.check()
    assert InventoryPerson.objects.get(pk=sue.pk).ring == "inner"

    page.route("**/formulation/autosave/", lambda route: route.abort())  # the connection drops
    ui.goto(f"/assessment/course/{course.pk}/formulation/")
    box = page.get_by_role("textbox", name=re.compile(r"^Formulation for the client"))
    box.fill("Moving city for the new job took you away from your friends.")
    page.wait_for_timeout(2500)
    page.unroute("**/formulation/autosave/")
    ui.goto(f"/assessment/course/{course.pk}/formulation/")
    expect(box).to_have_value("")
    expect(page.get_by_text("This browser kept text you typed that was not saved")).to_be_visible()
    page.get_by_role("button", name="Restore my text").click()
    expect(box).to_have_value("Moving city for the new job took you away from your friends.")
    expect(page.locator("#draft-status")).to_contain_text("Saved at", timeout=10000)
    ui.goto(f"/assessment/course/{course.pk}/formulation/")
    expect(page.get_by_text("This browser kept text you typed that was not saved")).to_be_hidden()
