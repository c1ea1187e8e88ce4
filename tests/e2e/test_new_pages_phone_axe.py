"""Pages added for the safety and course-step work pass axe and fit a 360-pixel phone without sideways scrolling."""

from __future__ import annotations

from django.utils import timezone

from openipt.accounts.models import Role
from openipt.clients import actions as client_actions
from openipt.courses import actions as course_actions
from tests.support.people import PASSWORD, actor, make_client, make_member, make_world


def test_the_clients_new_pages_fit_a_phone(phone):
    world = make_world()
    from openipt.couples import actions as couples_actions
    from openipt.safety import api as safety_api

    two = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name="Lee", family_name="Partner")
    client_actions.link_portal_user(two, make_member(world.org, Role.CLIENT).user)
    course = course_actions.start_course(actor(world.m["therapist"]), world.clients["self"].pk, format_id="couples",
                                         start_date=timezone.localdate())
    couples_actions.link_partner(actor(world.m["therapist"]), course.pk, record_number=two.record_number)
    phone.sign_in(world.m["client"].user.username, PASSWORD)
    phone.goto("/couples/mine/safety-questions/")
    phone.goto("/safety/me/plan/")
    safety_api.raise_for_text(client=world.clients["self"], text="My husband hits me when he is angry.",
                              source="portal.log")
    phone.goto("/safety/me/support/")
    phone.goto("/me/practise/")


def test_the_staff_course_step_pages_fit_a_phone(phone):
    world = make_world()
    course = course_actions.start_course(actor(world.m["therapist"]), world.clients["mine"].pk,
                                         format_id="individual", start_date=timezone.localdate())
    phone.sign_in(world.m["therapist"].user.username, PASSWORD)
    for page in ("", "screening/", "review/", "end-early/", "letter/", "booster/"):
        phone.goto(f"/courses/{course.pk}/{page}")
    phone.goto(f"/safety/clients/{world.clients['mine'].pk}/plan/")  # the plan with its review date and the means-safety prompts


def test_the_newest_staff_pages_fit_a_phone(phone):
    """The couples private-screens list, the group-meeting fidelity checklist and its rating, the
    safeguarding-lead setting, and the group pages that list checks before the group."""
    from openipt.couples import actions as couples_actions
    from openipt.groups.meeting_targets import KIND
    from openipt.supervision import actions as supervision_actions
    from tests.support.groups import client_of, group, invite

    world = make_world()
    two = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name="Lee", family_name="Partner")
    client_actions.link_portal_user(two, make_member(world.org, Role.CLIENT).user)
    course = course_actions.start_course(actor(world.m["therapist"]), world.clients["self"].pk, format_id="couples",
                                         start_date=timezone.localdate())
    couple = couples_actions.link_partner(actor(world.m["therapist"]), course.pk, record_number=two.record_number)
    grp = group(world, weeks_ago=1)
    meeting = invite(world, grp, client_of(world, given_name="Esther", family_name="Nakato-Kabugo"))
    rated = invite(world, grp, client_of(world, given_name="Sarah"))
    rating = supervision_actions.rate(actor(world.m["admin"]), KIND, rated.pk, overall=3, comment="Warm and clear.",
                                      answers=dict.fromkeys(("pg_symptoms", "pg_safety", "pg_link", "pg_area", "pg_goal",
                                                             "pg_group_explained", "pg_stance"), "yes"))
    later = group(world, grp.programme, weeks_ago=1, name="Thursday group")
    for n in range(4):
        invite(world, later, client_of(world, given_name=f"Member{n}"))
    late = invite(world, later, client_of(world, given_name="Joyce"), outcome="thinking")
    phone.sign_in(world.m["therapist"].user.username, PASSWORD)
    assert phone.goto(f"/couples/{couple.pk}/screens/").status == 200
    phone.sign_out()
    phone.sign_in(world.m["admin"].user.username, PASSWORD)
    assert phone.goto(f"/supervision/rate/{KIND}/{meeting.pk}/").status == 200
    assert phone.goto(f"/supervision/ratings/{rating.pk}/").status == 200
    assert phone.goto("/safety/settings/safeguarding-lead/").status == 200
    phone.sign_out()
    phone.sign_in(world.m["facilitator"].user.username, PASSWORD)
    assert phone.goto(f"/groups/{later.pk}/").status == 200
    assert phone.page.get_by_text("Checks before the group still to do").is_visible()
    assert phone.goto(f"/groups/{later.pk}/meetings/{late.pk}/").status == 200
    assert phone.page.get_by_role("link", name="Open the screening").is_visible()
