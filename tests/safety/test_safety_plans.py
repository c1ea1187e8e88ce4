"""Safety plans: built by the client and their therapist, kept half-finished, versioned, printable."""

from __future__ import annotations

import pytest

from openipt.audit.models import AuditEvent
from openipt.core.errors import ActionError, ConflictError
from openipt.safety import actions
from openipt.safety.models import SafetyPlan, SafetyPlanVersion
from tests.support.people import actor, login

HALF = {"warning_signs": "Not sleeping.\r\nStaying in my room.", "coping_steps": "Walk by the river."}


def test_a_half_finished_plan_is_saved_as_written(world):
    """HAZ-003: a plan with most parts empty is kept, with line breaks, as version 1."""
    version = actions.save_plan(actor(world.m["therapist"]), world.clients["self"].pk, HALF, expected_version=0)
    assert version.number == 1
    assert version.warning_signs == "Not sleeping.\nStaying in my room."
    assert version.reasons_for_living == ""
    event = AuditEvent.objects.get(event_type="safety.plan_saved")
    assert event.details["parts_filled"] == ["warning_signs", "coping_steps"]
    assert "Not sleeping" not in str(event.details)  # the log says what changed, not the plan itself


def test_each_save_is_a_new_version_and_an_unchanged_save_adds_none(world):
    client = world.clients["self"]
    first = actions.save_plan(actor(world.m["therapist"]), client.pk, HALF, expected_version=0)
    same = actions.save_plan(actor(world.m["therapist"]), client.pk, HALF, expected_version=1)
    assert same.pk == first.pk
    second = actions.save_plan(actor(world.m["client"]), None, {**HALF, "reasons_for_living": "My daughter."}, expected_version=1)
    assert second.number == 2 and second.saved_by == world.m["client"]
    assert SafetyPlan.objects.get(client=client).version == 2
    assert list(SafetyPlanVersion.objects.filter(plan__client=client).values_list("number", flat=True)) == [2, 1]


def test_two_people_saving_the_same_plan_do_not_overwrite_each_other(world, client):
    """HAZ-003: the second save is refused, shows the first person's version, and keeps what the second person typed."""
    actions.save_plan(actor(world.m["therapist"]), world.clients["self"].pk, HALF, expected_version=0)
    with pytest.raises(ConflictError):
        actions.save_plan(actor(world.m["client"]), None, {"warning_signs": "Mine"}, expected_version=0)
    login(client, world.m["client"])
    response = client.post("/safety/me/plan/", {"version": "0", "warning_signs": "My own words here", "coping_steps": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this safety plan" in page
    assert "My own words here" in page and "Walk by the river." in page
    assert 'name="version" value="1"' in page
    assert SafetyPlan.objects.get(client=world.clients["self"]).version == 1


def test_a_part_that_is_too_long_is_refused_beside_it_and_everything_typed_is_kept(world, client):
    """HAZ-003 (bad input): the message is beside the part; the other parts are still in the form."""
    login(client, world.m["therapist"])
    response = client.post(f"/safety/clients/{world.clients['self'].pk}/plan/",
                           {"version": "0", "warning_signs": "x" * 5001, "coping_steps": "Keep me"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Keep me" in page and 'id="id_warning_signs_error1"' in page
    assert not SafetyPlan.objects.filter(client=world.clients["self"], version__gt=0).exists()


def test_only_the_client_and_their_assigned_care_staff_may_change_the_plan(world):
    """HAZ-001: the admin and the supervisor read it; staff of other clients cannot touch it."""
    for who in ("admin", "supervisor", "therapist2", "other_admin"):
        with pytest.raises(ActionError):
            actions.save_plan(actor(world.m[who]), world.clients["self"].pk, HALF, expected_version=0)
    assert actions.save_plan(actor(world.m["client"]), world.clients["mine"].pk, HALF, expected_version=0).plan.client == world.clients["self"]


def test_the_client_fills_in_their_plan_and_prints_it_with_their_crisis_contacts(world, client):
    from openipt.safety import settings_actions

    settings_actions.add_contact(actor(world.m["admin"]), {"language": "en", "name": "Night line", "phone": "0800 1", "order": 1})
    login(client, world.m["client"])
    response = client.post("/safety/me/plan/", {"version": "0", **HALF}, follow=True)
    assert "Safety plan saved (version 1)" in response.content.decode()
    page = client.get("/safety/me/plan/print/").content.decode()
    assert "Walk by the river." in page and "Night line" in page and "Not filled in yet." in page
    assert 'href="tel:08001"' in page


def test_staff_see_earlier_versions_and_print_any_of_them(world, client):
    therapist = actor(world.m["therapist"])
    actions.save_plan(therapist, world.clients["mine"].pk, {"warning_signs": "First words"}, expected_version=0)
    actions.save_plan(therapist, world.clients["mine"].pk, {"warning_signs": "Second words"}, expected_version=1)
    login(client, world.m["supervisor"])
    page = client.get(f"/safety/clients/{world.clients['mine'].pk}/plan/").content.decode()
    assert "Version 2" in page and "Version 1" in page and "Save the plan" not in page
    old = client.get(f"/safety/clients/{world.clients['mine'].pk}/plan/print/?version=1").content.decode()
    assert "First words" in old and "Second words" not in old
    assert client.get(f"/safety/clients/{world.clients['mine'].pk}/plan/print/?version=9").status_code == 404
    assert client.get(f"/safety/clients/{world.clients['mine'].pk}/plan/print/?version=x").status_code == 404
