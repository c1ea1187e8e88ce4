"""Admins' safety settings: their own rules (a licensed instrument too), switching rules off with a reason, timing, contacts."""

from __future__ import annotations

import pytest

from openipt.audit.models import AuditEvent
from openipt.core.errors import ActionError, ConflictError
from openipt.safety import settings_actions
from openipt.safety.models import Alert, CrisisContact, OrganisationRule, RuleSwitch
from tests.support.people import actor, login
from tests.support.safety import raise_answers

EPDS = {"instrument": "epds", "item": "q10", "operator": ">=", "threshold": 1, "severity": "high", "policy": "standard",
        "reason": "EPDS item 10 (the thought of harming myself) answered above never."}


def test_an_admin_adds_a_rule_for_a_licensed_instrument_and_it_raises_alerts(world, client):
    """HAZ-005: a site holding the EPDS licence adds "item 10 at 1 or more is high risk" as data, without code."""
    login(client, world.m["admin"])
    response = client.post("/safety/settings/rules/new/", {**EPDS}, follow=True)
    assert "Rule added." in response.content.decode()
    rule = OrganisationRule.objects.get(organisation=world.org)
    assert rule.rule_id == "site_epds_q10"
    assert raise_answers(world.clients["mine"], "epds", {"q10": 0}) == []
    [alert] = raise_answers(world.clients["mine"], "epds", {"q10": 2}, pk=2)
    assert (alert.rule_id, alert.severity) == ("site_epds_q10", "high")
    assert raise_answers(world.clients["other"], "epds", {"q10": 3}, pk=3) == []  # another organisation's rules
    assert AuditEvent.objects.filter(event_type="safety.rule_added", actor_user_id=world.m["admin"].user_id).exists()


@pytest.mark.parametrize("field, value, message", [
    ("instrument", "EPDS 10", "code in small letters"),
    ("item", "", "This field is required"),
    ("threshold", "one", "Enter a whole number"),
    ("operator", "=~", "Select a valid choice"),
    ("policy", "whenever", "Select a valid choice"),
    ("reason", "", "This field is required"),
])
def test_a_bad_rule_is_refused_beside_the_field_and_the_rest_is_kept(world, client, field, value, message):
    """Bad input: a message beside the field, everything typed still there, no rule stored."""
    login(client, world.m["admin"])
    response = client.post("/safety/settings/rules/new/", {**EPDS, field: value})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page and f'id="id_{field}_error1"' in page
    assert "EPDS item 10" in page or field == "reason"
    assert not OrganisationRule.objects.exists()


def test_a_rule_on_an_item_the_instrument_does_not_have_is_refused(world):
    with pytest.raises(ActionError) as refused:
        settings_actions.add_rule(actor(world.m["admin"]), {**EPDS, "instrument": "phq9", "item": "q12"})
    assert refused.value.field == "item" and "q9" in refused.value.message


def test_changing_a_rule_is_audited_and_a_stale_change_is_refused(world):
    admin = actor(world.m["admin"])
    rule = settings_actions.add_rule(admin, EPDS)
    changed = settings_actions.change_rule(admin, rule.pk, {**EPDS, "threshold": 2}, expected_version=1)
    assert changed.threshold == 2 and changed.version == 2
    with pytest.raises(ConflictError):
        settings_actions.change_rule(admin, rule.pk, {**EPDS, "threshold": 3}, expected_version=1)
    event = AuditEvent.objects.get(event_type="safety.rule_changed")
    assert event.details["before"] == {"threshold": 1} and event.details["after"] == {"threshold": 2}


def test_a_shipped_rule_is_switched_off_only_with_a_recorded_reason(world, client):
    """HAZ-005: nobody can quietly stop PHQ-9 item 9 from raising alerts; the reason and who are kept and shown."""
    login(client, world.m["admin"])
    response = client.post("/safety/settings/rules/phq9_item9_positive/switch/", {"reason": "  "})
    assert response.status_code == 200 and "Write why this rule is switched off" in response.content.decode()
    assert raise_answers(world.clients["mine"], "phq9", {"q9": 1})
    client.post("/safety/settings/rules/phq9_item9_positive/switch/",
                {"reason": "We give the PHQ-9 on paper and the duty clinician reads item 9 before the client leaves."})
    switch = RuleSwitch.objects.get(rule_id="phq9_item9_positive")
    assert switch.is_off and switch.changed_by == world.m["admin"]
    assert raise_answers(world.clients["mine"], "phq9", {"q9": 1}, pk=2) == []
    assert "duty clinician reads item 9" in client.get("/safety/settings/").content.decode()
    client.post("/safety/settings/rules/phq9_item9_positive/switch/", {"reason": ""})
    assert not RuleSwitch.objects.get(rule_id="phq9_item9_positive").is_off
    assert raise_answers(world.clients["mine"], "phq9", {"q9": 1}, pk=3)
    events = AuditEvent.objects.filter(event_type="safety.rule_switched").order_by("pk")
    assert [e.details["off"] for e in events] == [True, False]
    assert events[0].details["shipped"] is True


def test_switching_off_in_one_organisation_leaves_the_other_alone(world):
    settings_actions.switch_rule(actor(world.m["admin"]), "phq9_item9_positive", off=True, reason="Paper forms only.")
    assert raise_answers(world.clients["other"], "phq9", {"q9": 2})


def test_timing_must_be_whole_minutes_within_a_week(world, client):
    login(client, world.m["admin"])
    form = client.get("/safety/settings/timing/").content.decode()
    assert "Minutes before telling the admins" in form and " is told" not in form  # "the admins is told"
    response = client.post("/safety/settings/timing/", {"policy": "standard", "standard-step_1": "0", "standard-step_2": "abc"})
    page = response.content.decode()
    assert response.status_code == 200 and 'id="id_standard-step_1_error1"' in page and 'id="id_standard-step_2_error1"' in page
    response = client.post("/safety/settings/timing/", {"policy": "standard", "standard-step_1": "15", "standard-step_2": "45"},
                           follow=True)
    assert "Timing saved." in response.content.decode()
    assert "15 min after raising" in client.get("/safety/settings/").content.decode()
    assert AuditEvent.objects.get(event_type="safety.timing_changed").details == {"policy": "standard", "before": [30, 30], "after": [15, 45]}
    response = client.post("/safety/settings/timing/", {"policy": "no-such"})
    assert response.status_code == 200


@pytest.mark.parametrize("data, field", [
    ({"name": "", "phone": "1"}, "name"),
    ({"name": "Line", "phone": "", "text_number": "", "website": ""}, "phone"),
    ({"name": "Line", "website": "javascript:alert(1)"}, "website"),
    ({"name": "Line", "phone": "1", "language": "English!"}, "language"),
])
def test_a_bad_crisis_contact_is_refused_beside_the_field(world, client, data, field):
    login(client, world.m["admin"])
    response = client.post("/safety/settings/contacts/new/", {"language": "en", "order": "1", "is_active": "on", **data})
    assert response.status_code == 200 and f'id="id_{field}_error1"' in response.content.decode()
    assert not CrisisContact.objects.exists()


def test_a_crisis_contact_is_changed_or_hidden_never_deleted_and_each_change_is_audited(world, client):
    contact = settings_actions.add_contact(actor(world.m["admin"]), {"language": "en", "name": "Line", "phone": "0800"})
    login(client, world.m["admin"])
    client.post(f"/safety/settings/contacts/{contact.pk}/", {"language": "en", "name": "Night line", "phone": "0800", "order": "1",
                                                            "version": "1"})
    contact.refresh_from_db()
    assert contact.name == "Night line" and contact.is_active is False
    assert AuditEvent.objects.filter(event_type="safety.contact_changed").count() == 1
    response = client.post(f"/safety/settings/contacts/{contact.pk}/", {"language": "en", "name": "Stale", "phone": "0800",
                                                                       "order": "1", "version": "1"})
    assert "Someone else changed this contact" in response.content.decode()


def test_only_admins_change_settings(world):
    for who in ("supervisor", "therapist", "client"):
        with pytest.raises(ActionError):
            settings_actions.add_rule(actor(world.m[who]), EPDS)
        with pytest.raises(ActionError):
            settings_actions.switch_rule(actor(world.m[who]), "phq9_item9_positive", off=True, reason="x")
    assert not Alert.objects.exists()
