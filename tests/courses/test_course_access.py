"""Who sees and who changes courses: every role, and people from another organisation."""

from __future__ import annotations

import pytest

from openipt.courses import access
from tests.support.courses import start
from tests.support.people import actor

# role -> (sees the course of the therapist's client, may change it)
EXPECTED = {
    "admin": (True, False),
    "supervisor": (True, False),
    "therapist": (True, True),
    "therapist2": (False, False),
    "facilitator": (False, False),
    "client": (False, False),
    "other_admin": (False, False),
    "other_therapist": (False, False),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_and_changes_exactly_what_it_should(world, role):
    course = start(world)
    start(world, who="other_therapist", client="other")
    who = actor(world.m[role])
    sees, changes = EXPECTED[role]
    assert (access.get_course(who, course.pk) is not None) == sees
    assert (access.get_session(who, course.pk, 1) is None) or sees
    assert bool(access.can_change_course(who, course)) == changes
    assert (course.pk in set(access.visible_courses(who).values_list("pk", flat=True))) == sees


def test_a_supervisor_sees_only_the_courses_of_staff_they_supervise(world):
    mine = start(world)
    theirs = start(world, who="therapist2", client="theirs")  # therapist2 has no supervisor
    visible = set(access.visible_courses(actor(world.m["supervisor"])).values_list("pk", flat=True))
    assert mine.pk in visible and theirs.pk not in visible


def test_an_admin_sees_every_course_in_the_organisation_and_none_in_another(world):
    mine = start(world)
    theirs = start(world, who="therapist2", client="theirs")
    far = start(world, who="other_therapist", client="other")
    visible = set(access.visible_courses(actor(world.m["admin"])).values_list("pk", flat=True))
    assert {mine.pk, theirs.pk} <= visible and far.pk not in visible


def test_the_portal_client_does_not_see_staff_course_pages(world, as_member):
    course = start(world, client="self")
    browser = as_member(world.m["client"])
    assert browser.get(f"/courses/{course.pk}/").status_code == 403
    assert browser.get("/courses/").status_code == 403
    assert access.visible_courses(actor(world.m["client"])).count() == 0


def test_a_therapist_unassigned_from_a_client_loses_the_course(world):
    from openipt.clients.actions import unassign_staff

    course = start(world)
    unassign_staff(actor(world.m["admin"]), world.clients["mine"].pk, world.m["therapist"].pk)
    assert access.get_course(actor(world.m["therapist"]), course.pk) is None


@pytest.mark.parametrize("bogus", ["abc", None, -1, 0, 2**70, "1; drop table"])
def test_bogus_ids_find_nothing(world, bogus):
    start(world)
    who = actor(world.m["therapist"])
    assert access.get_course(who, bogus) is None
    assert access.get_session(who, bogus, bogus) is None
