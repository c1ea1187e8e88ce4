"""The `consent` start check: no course leaves its initial phase without each person's current consent.

Controls HAZ-026 in docs/clinical-safety/hazard-log.md. With the organisation's setting on, an
individual course, each partner of a couples course and each member of a group must have signed the
current version of the form; a withdrawal holds a new course whatever the setting says. Each test
fails if `consent` is taken out of a format's `start_checks` or the check stops being registered.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from openipt.consent import actions as consent_actions
from openipt.core.errors import ActionError
from openipt.courses import actions, start_checks
from openipt.courses.models import Course
from openipt.groups import actions as group_actions
from openipt.groups.models import Group
from openipt.protocol import default_protocol
from tests.support.consent import record_paper, require_consent, sign_in_portal, withdraw_in_portal
from tests.support.courses import make_ready_for_middle, start
from tests.support.groups import client_of, group, screen
from tests.support.pages import text
from tests.support.people import actor, make_client


def _to_middle(world, course, who="therapist"):
    return actions.transition_course(actor(world.m[who]), course.pk, "middle")


def test_every_format_lists_the_consent_check_and_it_is_registered():
    for fmt in default_protocol().formats():
        assert "consent" in fmt.start_checks, fmt.id
    assert "consent" in start_checks.CHECKS


def test_with_the_setting_on_a_course_does_not_start_until_the_client_signed(world):
    require_consent(world)
    course = start(world, client="self")
    make_ready_for_middle(world, course)
    assert any("Sam has not signed the current consent form" in m for m in start_checks.missing(course))
    with pytest.raises(actions.TransitionError):
        _to_middle(world, course)
    assert Course.objects.get(pk=course.pk).phase == "initial"
    sign_in_portal(world)
    assert start_checks.missing(course) == []
    assert _to_middle(world, course).phase == "middle"


def test_with_the_setting_off_a_course_starts_without_a_signature(world):
    course = start(world)
    make_ready_for_middle(world, course)
    assert _to_middle(world, course).phase == "middle"


def test_a_withdrawal_holds_a_new_course_even_with_the_setting_off_until_the_client_signs_again(world):
    record_paper(world, world.clients["self"])
    withdraw_in_portal(world)
    course = start(world, client="self")
    make_ready_for_middle(world, course)
    missing = " ".join(start_checks.missing(course))
    assert "Sam took back their consent on" in missing
    with pytest.raises(actions.TransitionError):
        _to_middle(world, course)
    sign_in_portal(world)
    assert _to_middle(world, course).phase == "middle"


def test_a_new_version_of_the_form_needs_a_new_signature_before_a_course_starts(world):
    require_consent(world)
    sign_in_portal(world)
    consent_actions.publish(
        actor(world.m["admin"]), title="Our form", body="Our clinic's own words. " * 5, expected_number=1
    )
    course = start(world, client="self")
    make_ready_for_middle(world, course)
    with pytest.raises(actions.TransitionError):
        _to_middle(world, course)
    sign_in_portal(world)
    assert _to_middle(world, course).phase == "middle"


def test_a_couples_course_needs_each_partners_consent(world):
    from openipt.couples import actions as couples_actions
    from openipt.couples import screen_actions

    require_consent(world)
    two = make_client(
        world.m["admin"], assign_to=world.m["therapist"], given_name="Lee", family_name="Partner"
    )
    course = actions.start_course(
        actor(world.m["therapist"]),
        world.clients["self"].pk,
        format_id="couples",
        start_date=timezone.localdate(),
    )
    couples_actions.link_partner(actor(world.m["therapist"]), course.pk, record_number=two.record_number)
    sign_in_portal(world)
    consent = next(r for r in start_checks.results(course) if r.id == "consent")
    assert not consent.passed and "Lee has not signed" in consent.detail and "Sam" not in consent.detail
    assert consent.url == f"/consent/clients/{two.pk}/"
    record_paper(world, two, name="Lee Partner")
    assert next(r for r in start_checks.results(course) if r.id == "consent").passed
    assert screen_actions  # the partner screen is a separate check, tested in tests/couples


def test_a_group_does_not_start_until_each_member_signed_and_the_refusal_names_who(world):
    require_consent(world)
    grp = group(world)
    members = [
        group_actions.add_member(actor(world.m["facilitator"]), grp.pk, client_of(world, given_name=n).pk)
        for n in ("Sarah", "Esther", "Agnes", "Joyce")
    ]
    screen(world, *members)
    for member in members[:1] + members[2:]:
        record_paper(world, member.client, who="facilitator", name=member.client.given_name)
    with pytest.raises(ActionError) as exc:
        group_actions.set_status(actor(world.m["facilitator"]), grp.pk, "running")
    assert exc.value.code == "start_checks" and "Esther has not signed" in exc.value.message
    assert "Sarah has not signed" not in exc.value.message
    assert Group.objects.get(pk=grp.pk).status == "planned"
    record_paper(world, members[1].client, who="facilitator", name="Esther")
    group_actions.set_status(actor(world.m["facilitator"]), grp.pk, "running")
    assert Group.objects.get(pk=grp.pk).status == "running"


def test_the_course_page_lists_consent_among_the_checks_with_a_link(world, as_member):
    require_consent(world)
    course = start(world)
    page = text(as_member(world.m["therapist"]).get(f"/courses/{course.pk}/"))
    assert "Consent: Maya has not signed the current consent form" in page
    assert f'href="/consent/clients/{world.clients["mine"].pk}/"' in page
