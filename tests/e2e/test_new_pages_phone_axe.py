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
