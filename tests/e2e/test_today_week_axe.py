"""Today and the week calendar in Chromium: axe passes at desktop width and on a 360-pixel phone,
and a session is moved to a free slot from the calendar."""

from __future__ import annotations

from django.utils import timezone

from openipt.safety import api as safety_api
from tests.support.people import PASSWORD, make_world
from tests.today.support import add_session, course_today, next_week


def _world_with_a_day():
    world = make_world()
    course = course_today(world, hour=9)
    session = add_session(world, course, next_week(1, 9))
    safety_api.raise_for_text(client=world.clients["mine"], text="I want to kill myself", source="test")
    return world, course, session


def test_today_and_the_week_at_desktop_width_and_a_move_to_a_free_slot(ui):
    world, course, session = _world_with_a_day()
    ui.sign_in(world.m["therapist"].user.username, PASSWORD)
    assert ui.page.url.endswith("/today/")  # the start page after signing in
    ui.screenshot("today")
    ui.page.get_by_role("link", name="See the whole week").click()
    ui.check()
    assert ui.page.get_by_role("heading", name="Sunday", exact=False).first.is_visible()
    ui.goto(f"/today/week/?day={next_week(1, 9).date().isoformat()}")
    ui.screenshot("week")
    ui.page.get_by_role("link", name="Move session 2 of Maya Okafor").first.click()
    ui.check()
    ui.screenshot("week-move")
    new = next_week(3, 14)
    ui.page.locator(f'input[name="slot"][value="{new.isoformat()}"]').check()
    ui.page.get_by_role("button", name="Move the session").click()
    ui.check()
    assert "Session 2 moved." in ui.page.content()
    session.refresh_from_db()
    assert session.scheduled_start == new


def test_today_and_the_day_view_on_a_phone_and_a_refused_move(phone):
    world, course, session = _world_with_a_day()
    phone.sign_in(world.m["therapist"].user.username, PASSWORD)
    phone.goto("/today/")
    phone.screenshot("today-phone")
    phone.goto("/today/week/")
    phone.screenshot("week-day-phone")
    day = timezone.localdate()
    assert phone.page.get_by_role("link", name="Next day").is_visible()
    assert not phone.page.get_by_role("link", name="Next week").is_visible()  # the week grid is for wide screens
    phone.page.get_by_role("link", name="Next day").click()
    phone.check()
    assert f"day={(day + timezone.timedelta(days=1)).isoformat()}" in phone.page.url
    phone.goto(f"/today/week/move/{course.pk}/2/")
    phone.page.locator('input[name="slot"][value="other"]').check()
    phone.page.locator("#id_date").fill((day - timezone.timedelta(days=2)).isoformat())
    phone.page.locator("#id_time").fill("14:30")
    phone.page.get_by_role("button", name="Move the session").click()
    phone.check()
    assert "is in the past" in phone.page.content()
    assert phone.page.locator("#id_time").input_value() == "14:30"
    phone.goto("/today/")  # the facilitator's start page too
    facilitator = world.m["facilitator"]
    phone.sign_out()
    phone.sign_in(facilitator.user.username, PASSWORD)
    assert phone.page.url.endswith("/today/")



def test_an_admin_sets_working_hours_from_settings_and_a_refusal_keeps_what_was_chosen(ui):
    world = make_world()
    ui.sign_in(world.m["admin"].user.username, PASSWORD)
    ui.goto("/account/settings/")
    ui.page.get_by_role("link", name="Working hours").click()
    ui.check()
    ui.screenshot("settings-working-hours")
    # no working day at all: refused beside the field, the hours chosen stay chosen
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        ui.page.get_by_label(day).uncheck()
    ui.page.get_by_label("First session starts at").select_option("09:00")
    ui.page.get_by_role("button", name="Save").click()
    ui.check()
    assert "Choose at least one working day." in ui.page.content()
    assert ui.page.get_by_label("First session starts at").input_value() == "9"
    ui.page.get_by_label("Saturday").check()
    ui.page.get_by_role("button", name="Save").click()
    ui.check()
    assert "Working hours saved." in ui.page.content() and "Now: Saturday, 09:00 to 18:00." in ui.page.content()
