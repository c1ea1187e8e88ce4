"""Working hours: an organisation setting that decides which free times the week calendar offers."""

from __future__ import annotations

from openipt.today.models import WorkingHours
from tests.support.people import login
from tests.today.support import add_session, course_today, next_week


def _offered(client, course, number, week_of):
    return client.get(
        f"/today/week/move/{course.pk}/{number}/?week={week_of.date().isoformat()}"
    ).content.decode()


def test_an_admin_sets_working_hours_from_settings_and_the_move_page_offers_only_those_times(world, client):
    course = course_today(world, hour=9)
    add_session(world, course, next_week(1, 14))  # session 2, 50 minutes, to be moved
    # by default: Monday to Friday, the first at 08:00 and the last at 17:00
    login(client, world.m["therapist"])
    html = _offered(client, course, 2, next_week(0, 9))
    assert next_week(0, 8).isoformat() in html and next_week(4, 17).isoformat() in html
    assert next_week(5, 10).isoformat() not in html  # no Saturday
    # given an admin who finds "Working hours" on the Settings page
    login(client, world.m["admin"])
    settings_page = client.get("/account/settings/").content.decode()
    assert 'href="/today/settings/hours/"' in settings_page and "Working hours" in settings_page
    assert "Monday to Friday, 08:00 to 18:00" in client.get("/today/settings/hours/").content.decode()
    # when they choose Monday, Wednesday and Saturday, 09:00 to 12:00
    response = client.post(
        "/today/settings/hours/",
        {"days": ["0", "2", "5"], "start_hour": "9", "end_hour": "12", "version": "0"},
    )
    assert response.status_code == 302
    assert (
        "Monday, Wednesday and Saturday, 09:00 to 12:00" in client.get(response["Location"]).content.decode()
    )
    # then the therapist is offered 09:00, 10:00 and 11:00 on those days only: a session must end by 12:00
    login(client, world.m["therapist"])
    html = _offered(client, course, 2, next_week(0, 9))
    for day in (0, 2, 5):
        for hour in (9, 10, 11):
            assert next_week(day, hour).isoformat() in html, (day, hour)
        assert next_week(day, 8).isoformat() not in html and next_week(day, 12).isoformat() not in html
    for day in (1, 3, 4, 6):
        assert next_week(day, 10).isoformat() not in html
    assert "within working hours (Monday, Wednesday and Saturday, 09:00 to 12:00)" in html


def test_working_hours_that_end_before_they_start_are_refused_beside_the_field_keeping_what_was_chosen(
    world, client
):
    login(client, world.m["admin"])
    response = client.post(
        "/today/settings/hours/", {"days": ["1", "3"], "start_hour": "15", "end_hour": "9", "version": "0"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The working day must end after it starts." in html
    # what was chosen is still chosen: Tuesday and Thursday, 15:00 and 09:00
    assert 'value="1" id="id_days_1" checked' in html and 'value="3" id="id_days_3" checked' in html
    assert 'value="2" id="id_days_2">' in html
    assert '<option value="15" selected>' in html and '<option value="9" selected>' in html
    assert not WorkingHours.objects.exists()
    # no day at all is refused too, with a plain reason
    html = client.post(
        "/today/settings/hours/", {"start_hour": "9", "end_hour": "17", "version": "0"}
    ).content.decode()
    assert "Choose at least one working day." in html and not WorkingHours.objects.exists()


def test_a_second_admin_saving_over_a_change_they_did_not_see_is_told_and_keeps_what_they_chose(
    world, client
):
    login(client, world.m["admin"])
    client.post(
        "/today/settings/hours/", {"days": ["0"], "start_hour": "9", "end_hour": "17", "version": "0"}
    )
    response = client.post(
        "/today/settings/hours/", {"days": ["4"], "start_hour": "10", "end_hour": "16", "version": "0"}
    )  # a page opened before the first save
    assert response.status_code == 200
    assert "Someone else changed the working hours" in response.content.decode()
    saved = WorkingHours.objects.get()
    assert (saved.days, saved.start_hour, saved.end_hour) == (1, 9, 17)
