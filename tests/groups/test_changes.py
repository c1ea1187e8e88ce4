"""Changing a group after it is set up: a new facilitator or supervisor, a new time, one session moved."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from openipt.accounts.models import Role
from openipt.audit.models import AuditEvent
from openipt.clients.access import visible_clients
from openipt.clients.models import Assignment
from openipt.core.errors import ActionError, ConflictError
from openipt.courses.models import Course
from openipt.groups import access, actions, edit_actions, session_actions
from openipt.groups.models import Group, GroupSession
from openipt.safety.access import visible_alerts
from tests.support.groups import client_of, group, phq9, screen
from tests.support.people import actor, make_member


@pytest.fixture
def running(world):
    """A group that began two weeks ago (sessions 1-3 are today or earlier) with four members."""
    grp = group(world, weeks_ago=2)
    members = [actions.add_member(actor(world.m["admin"]), grp.pk, client_of(world).pk) for _ in range(4)]
    screen(world, *members)
    actions.set_status(actor(world.m["admin"]), grp.pk, "running")
    grp.refresh_from_db()
    return grp, members


def details(grp: Group, **changes) -> dict:
    values = dict(expected_version=grp.version, name=grp.name, facilitator_id=grp.facilitator_id,
                  co_facilitator_id=grp.co_facilitator_id, supervisor_id=grp.supervisor_id, start_time=grp.start_time,
                  session_minutes=grp.session_minutes, language=grp.language, location=grp.location,
                  video_link=grp.video_link)
    values.update(changes)
    return values


def test_a_new_facilitator_takes_over_the_members_courses_sees_them_and_gets_their_alerts(world, running):
    grp, members = running
    new = make_member(world.org, Role.FACILITATOR)
    grp, changed = edit_actions.update_group(actor(world.m["admin"]), grp.pk, **details(grp, facilitator_id=new.pk))
    assert changed == ["facilitator"] and grp.facilitator_id == new.pk
    courses = Course.objects.filter(pk__in=[m.course_id for m in members])
    assert {c.therapist_id for c in courses} == {new.pk}
    assert access.leads(actor(new), grp) and not access.leads(actor(world.m["facilitator"]), grp)
    client_ids = {m.client_id for m in members}
    assert client_ids <= set(visible_clients(actor(new)).values_list("pk", flat=True))
    # the replaced facilitator keeps the care-team place until an admin removes it (said on the page)
    assert Assignment.objects.filter(staff=world.m["facilitator"], client_id__in=client_ids).count() == 4
    # a risk answer in the next session reaches the new facilitator
    session_actions.enter_quick_check(actor(new), grp.pk, 3, members[0].pk, phq9(15, item9=2))
    assert visible_alerts(actor(new)).filter(client=members[0].client).exists()
    event = AuditEvent.objects.filter(event_type="group.changed").get()
    assert event.details["facilitator_before"] == world.m["facilitator"].pk
    assert AuditEvent.objects.filter(event_type="course.handed_over").count() == 4


def test_a_new_supervisor_reads_the_group_and_joins_the_care_teams(world, running):
    grp, members = running
    new = make_member(world.org, Role.SUPERVISOR)
    grp, changed = edit_actions.update_group(actor(world.m["admin"]), grp.pk, **details(grp, supervisor_id=new.pk))
    assert changed == ["supervisor"]
    assert access.get_group(actor(new), grp.pk) is not None
    assert Assignment.objects.filter(staff=new, client_id__in=[m.client_id for m in members]).count() == 4
    # the courses stay with the facilitator
    assert set(Course.objects.filter(pk__in=[m.course_id for m in members]).values_list("therapist_id", flat=True)) == {
        world.m["facilitator"].pk}


def test_a_new_start_time_moves_the_sessions_still_to_come_and_not_the_past_ones(world, running):
    grp, _members = running
    session_actions.mark_attendance(actor(world.m["facilitator"]), grp.pk, 1, _members[0].pk, "present")
    before = dict(GroupSession.objects.filter(group=grp).values_list("number", "scheduled_start"))
    grp, changed = edit_actions.update_group(actor(world.m["admin"]), grp.pk, **details(grp, start_time=time(14, 30)))
    assert changed == ["start_time"]
    now = timezone.now()
    for session in GroupSession.objects.filter(group=grp):
        local = timezone.localtime(session.scheduled_start)
        if before[session.number] < now or session.held:
            assert session.scheduled_start == before[session.number]
        else:
            assert local.time() == time(14, 30) and local.date() == timezone.localtime(before[session.number]).date()
    assert GroupSession.objects.filter(group=grp, number=8).get().scheduled_start != before[8]


def test_someone_elses_save_first_is_a_conflict_and_nothing_changes(world, running):
    grp, _members = running
    edit_actions.update_group(actor(world.m["admin"]), grp.pk, **details(grp, name="Renamed"))
    with pytest.raises(ConflictError) as exc:
        edit_actions.update_group(actor(world.m["admin"]), grp.pk, **details(grp, language="English"))
    assert "Someone else changed this group" in exc.value.message
    grp.refresh_from_db()
    assert grp.name == "Renamed" and grp.language == "Luganda"


def test_saving_without_a_change_changes_nothing(world, running):
    grp, _members = running
    same, changed = edit_actions.update_group(actor(world.m["admin"]), grp.pk, **details(grp))
    assert changed == [] and same.version == grp.version
    assert not AuditEvent.objects.filter(event_type="group.changed").exists()


@pytest.mark.parametrize("who", ["facilitator", "supervisor"])
def test_only_an_admin_changes_a_groups_details(world, running, who):
    grp, _members = running
    with pytest.raises(ActionError) as exc:
        edit_actions.update_group(actor(world.m[who]), grp.pk, **details(grp, name="Mine now"))
    assert exc.value.code == "forbidden"
    grp.refresh_from_db()
    assert grp.name == "Tuesday group"


def test_bad_changes_are_refused_beside_their_field(world, running):
    grp, _members = running
    with pytest.raises(ActionError) as exc:
        edit_actions.update_group(actor(world.m["admin"]), grp.pk,
                                  **details(grp, co_facilitator_id=world.m["facilitator"].pk))
    assert exc.value.field == "co_facilitator"
    with pytest.raises(ActionError) as exc:
        edit_actions.update_group(actor(world.m["admin"]), grp.pk, **details(grp, supervisor_id=world.m["therapist"].pk))
    assert exc.value.field == "supervisor"
    with pytest.raises(ActionError) as exc:
        edit_actions.update_group(actor(world.m["admin"]), grp.pk, **details(grp, location="", video_link=""))
    assert exc.value.field == "location"


def test_an_ended_group_keeps_its_details(world, running):
    grp, _members = running
    actions.set_status(actor(world.m["admin"]), grp.pk, "ended")
    grp.refresh_from_db()
    with pytest.raises(ActionError) as exc:
        edit_actions.update_group(actor(world.m["admin"]), grp.pk, **details(grp, name="Later"))
    assert "has ended" in exc.value.message


def _local(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def test_the_facilitator_moves_a_session_a_day_later_for_a_holiday(world, running):
    grp, _members = running
    s5 = GroupSession.objects.get(group=grp, number=5)
    new_day = timezone.localtime(s5.scheduled_start).date() + timedelta(days=1)
    moved = edit_actions.move_session(actor(world.m["facilitator"]), grp.pk, 5, starts_at=_local(new_day, 15))
    assert timezone.localtime(moved.scheduled_start).date() == new_day
    assert timezone.localtime(moved.scheduled_start).time() == time(15, 0)
    assert AuditEvent.objects.filter(event_type="group.session_moved").count() == 1


def test_a_session_cannot_jump_past_its_neighbours(world, running):
    grp, _members = running
    s6 = GroupSession.objects.get(group=grp, number=6)
    s4 = GroupSession.objects.get(group=grp, number=4)
    before = GroupSession.objects.get(group=grp, number=5).scheduled_start
    with pytest.raises(ActionError) as exc:
        edit_actions.move_session(actor(world.m["facilitator"]), grp.pk, 5, starts_at=s6.scheduled_start)
    assert "must come before session 6" in exc.value.message and exc.value.field == "starts_at"
    with pytest.raises(ActionError) as exc:
        edit_actions.move_session(actor(world.m["facilitator"]), grp.pk, 5, starts_at=s4.scheduled_start)
    assert "must come after session 4" in exc.value.message
    assert GroupSession.objects.get(group=grp, number=5).scheduled_start == before


def test_a_held_session_stays_where_it_was(world, running):
    grp, members = running
    session_actions.mark_attendance(actor(world.m["facilitator"]), grp.pk, 1, members[0].pk, "present")
    assert GroupSession.objects.get(group=grp, number=1).held
    with pytest.raises(ActionError) as exc:
        edit_actions.move_session(actor(world.m["facilitator"]), grp.pk, 1,
                                  starts_at=timezone.now() - timedelta(days=20))
    assert "has been held" in exc.value.message


def test_the_supervisor_cannot_move_a_session(world, running):
    grp, _members = running
    with pytest.raises(ActionError) as exc:
        edit_actions.move_session(actor(world.m["supervisor"]), grp.pk, 5, starts_at=timezone.now())
    assert exc.value.code == "forbidden"


def test_the_admin_changes_the_facilitator_through_the_form(world, running, as_member):
    grp, members = running
    new = make_member(world.org, Role.FACILITATOR)
    web = as_member(world.m["admin"])
    page = web.get(f"/groups/{grp.pk}/edit/").content.decode()
    assert 'value="Tuesday group"' in page and "Staff you replace can still open" in page
    data = {"name": "Tuesday group", "facilitator": new.pk, "co_facilitator": "", "supervisor": world.m["supervisor"].pk,
            "start_time": "10:00", "session_minutes": 90, "language": "Luganda", "location": "Church hall",
            "video_link": "", "version": grp.version}
    response = web.post(f"/groups/{grp.pk}/edit/", data, follow=True)
    body = response.content.decode()
    assert "New staff now look after the members" in body and str(new.user) in body
    # the same form sent again with the old version is a conflict that keeps what was typed
    data["language"] = "English"
    body = web.post(f"/groups/{grp.pk}/edit/", data).content.decode()
    assert "Someone else changed this group" in body and 'value="English"' in body
    grp.refresh_from_db()
    assert grp.language == "Luganda" and grp.facilitator_id == new.pk


def test_a_session_moved_through_the_form_shows_its_new_day_and_a_bad_day_is_explained(world, running, as_member):
    grp, _members = running
    web = as_member(world.m["facilitator"])
    detail = web.get(f"/groups/{grp.pk}/").content.decode()
    assert f"/groups/{grp.pk}/sessions/5/move/" in detail
    s5 = GroupSession.objects.get(group=grp, number=5)
    day = timezone.localtime(s5.scheduled_start).date() + timedelta(days=2)
    response = web.post(f"/groups/{grp.pk}/sessions/5/move/", {"day": day.isoformat(), "time": "09:30"}, follow=True)
    assert "Session 5 now starts on" in response.content.decode()
    far = day + timedelta(days=30)
    body = web.post(f"/groups/{grp.pk}/sessions/5/move/", {"day": far.isoformat(), "time": "09:30"}).content.decode()
    assert "must come before session 6" in body and f'value="{far.isoformat()}"' in body
    assert timezone.localtime(GroupSession.objects.get(pk=s5.pk).scheduled_start).date() == day


def test_sessions_held_before_a_new_facilitator_are_rated_as_the_old_facilitators(world, running):
    from openipt.supervision.targets import resolve

    grp, members = running
    session_actions.mark_attendance(actor(world.m["facilitator"]), grp.pk, 1, members[0].pk, "present")
    new = make_member(world.org, Role.FACILITATOR)
    grp, _changed = edit_actions.update_group(actor(world.m["admin"]), grp.pk, **details(grp, facilitator_id=new.pk))
    session_actions.mark_attendance(actor(new), grp.pk, 2, members[0].pk, "present")
    s1, s2 = (GroupSession.objects.get(group=grp, number=n) for n in (1, 2))
    assert (s1.led_by_id, s2.led_by_id) == (world.m["facilitator"].pk, new.pk)
    supervisor = actor(world.m["supervisor"])
    assert resolve(supervisor, "group_session", s1.pk).rated_membership_id == world.m["facilitator"].pk
    assert resolve(supervisor, "group_session", s2.pk).rated_membership_id == new.pk


def test_moving_a_session_or_the_groups_time_does_not_make_the_notes_conflict(world, running):
    grp, _members = running
    before = GroupSession.objects.get(group=grp, number=5).version
    s5 = GroupSession.objects.get(group=grp, number=5)
    edit_actions.move_session(actor(world.m["facilitator"]), grp.pk, 5,
                              starts_at=s5.scheduled_start + timedelta(hours=2))
    grp.refresh_from_db()
    edit_actions.update_group(actor(world.m["admin"]), grp.pk, **details(grp, start_time=time(11, 0)))
    assert GroupSession.objects.get(group=grp, number=5).version == before
    # the moved session keeps its place after the group's time changes: 10:00 + 2 h, then one hour later
    assert timezone.localtime(GroupSession.objects.get(group=grp, number=5).scheduled_start).time() == time(13, 0)
    session_actions.save_notes(actor(world.m["facilitator"]), grp.pk, 5, "Plan for session 5", expected_version=before)


def test_a_group_session_that_has_not_taken_place_cannot_be_rated(world, running):
    from openipt.supervision import actions as sup
    from openipt.supervision.targets import resolve

    grp, _members = running
    later = GroupSession.objects.get(group=grp, number=6)
    assert resolve(actor(world.m["supervisor"]), "group_session", later.pk).held is False
    with pytest.raises(ActionError, match="has not taken place"):
        sup.rate(actor(world.m["admin"]), "group_session", later.pk, answers={}, comment="")
