"""Kinds of risk in the running product: one alert per kind, its wording and routing, the
safeguarding lead, and what the client sees (HAZ-015, HAZ-016)."""

from __future__ import annotations

import pytest

from openipt.core.errors import ActionError
from openipt.safety import api, settings_actions
from openipt.safety.models import Alert, Delivery
from openipt.safety.rules import DataError, load_rules
from tests.support.people import actor, login
from tests.support.safety import raise_text

PARTNER = "My husband hit me again last night and he checks my phone."
CHILD = "My partner hits my son with a belt."


def test_each_kind_raises_its_own_alert_with_its_own_wording_and_policy(world):
    """HAZ-015: a risk other than self-harm is recognised, worded and routed as its kind."""
    alerts = raise_text(world.clients["mine"], "He hit me again and I can't keep myself safe tonight.")
    by_kind = {a.kind: a for a in alerts}
    assert set(by_kind) == {"being_harmed", "unable_to_keep_safe"}
    assert by_kind["being_harmed"].reason.startswith("The client's words may point to being hurt")
    assert by_kind["being_harmed"].policy_id == "prompt"
    assert by_kind["unable_to_keep_safe"].severity == "high" and by_kind["unable_to_keep_safe"].policy_id == "standard"


def test_the_same_text_saved_again_adds_evidence_to_the_alert_of_its_kind(world):
    client = world.clients["mine"]
    first = raise_text(client, PARTNER, obj=world.clients["mine"])
    again = raise_text(client, PARTNER + " He says he'll kill me.", obj=world.clients["mine"])
    assert [a.pk for a in again] == [a.pk for a in first]
    assert Alert.objects.filter(client=client, kind="being_harmed").count() == 1


def test_text_scanned_through_the_single_door_uses_the_kinds(world):
    """Every place that scans text (portal, notes, worksheets, groups, offline checks) calls api."""
    assert api.text_signals_risk(world.clients["mine"].organisation_id, "I'm scared to go home when he's been drinking.")
    [alert] = api.raise_for_text(client=world.clients["mine"], text="I've stopped my insulin on purpose.", source="practice.log")
    assert alert.kind == "self_neglect"


def test_a_child_safeguarding_alert_tells_the_safeguarding_lead_at_once(world, client):
    """HAZ-015: the lead set on the safety settings page is told with the clinician, without escalating."""
    login(client, world.m["admin"])
    page = client.get("/safety/settings/").content.decode()
    assert "Child safeguarding" in page and "nobody set" in page
    response = client.post("/safety/settings/safeguarding-lead/", {"lead": str(world.m["supervisor"].pk)})
    assert response.status_code == 302
    assert str(world.m["supervisor"].user) in client.get("/safety/settings/").content.decode()
    [alert] = raise_text(world.clients["theirs"], CHILD)
    assert alert.kind == "child_safeguarding" and alert.policy_id == "safeguarding"
    told = {(d.recipient_id, d.target) for d in Delivery.objects.filter(alert=alert)}
    assert (world.m["supervisor"].pk, "safeguarding_lead") in told
    assert (world.m["therapist2"].pk, "assigned_staff") in told
    alert.refresh_from_db()
    assert alert.status == "raised"


def test_without_a_safeguarding_lead_the_admins_are_told(world):
    [alert] = raise_text(world.clients["theirs"], CHILD)
    assert set(Delivery.objects.filter(alert=alert, target="safeguarding_lead").values_list("recipient_id", flat=True)) == {
        world.m["admin"].pk}


def test_the_safeguarding_lead_must_be_active_staff_of_the_organisation(world):
    admin = actor(world.m["admin"])
    for bad in (world.m["client"].pk, world.m["other_therapist"].pk, "x"):
        with pytest.raises(ActionError) as caught:
            settings_actions.set_safeguarding_lead(admin, bad)
        assert caught.value.field == "lead"
    with pytest.raises(ActionError):
        settings_actions.set_safeguarding_lead(actor(world.m["therapist"]), world.m["therapist"].pk)


def test_the_alert_page_shows_the_kind_and_what_the_clinician_is_asked_to_do(world, client):
    [alert] = raise_text(world.clients["mine"], CHILD)
    login(client, world.m["therapist"])
    page = client.get(f"/safety/alerts/{alert.pk}/").content.decode()
    assert "Child safeguarding" in page and "safeguarding lead" in page
    assert "Child safeguarding" in client.get("/safety/alerts/").content.decode()


def test_a_partner_violence_alert_shows_the_client_a_discreet_box_that_names_no_abuse(world, client):
    """HAZ-016: on a shared screen the box reads as ordinary support, with a quick way to leave."""
    settings_actions.add_contact(actor(world.m["admin"]), {"language": "en", "name": "Helpline", "phone": "0800 000 111"})
    raise_text(world.clients["self"], PARTNER, actor=actor(world.m["client"]))
    login(client, world.m["client"])
    page = client.get("/me/").content.decode()
    assert "Leave this page" in page and "Helpline" in page and 'id="support"' in page
    assert "You are not alone" not in page
    for word in ("abuse", "violence", "violent", "domestic", "hit me", "crisis-heading"):
        assert word not in page.lower(), word
    support = client.get("/safety/me/support/").content.decode()
    assert "Leave this page" in support and "abuse" not in support.lower()


def test_a_suicide_or_unsafe_alert_still_shows_the_crisis_box_even_with_a_partner_alert_open(world, client):
    raise_text(world.clients["self"], PARTNER + " I can't keep myself safe.", actor=actor(world.m["client"]))
    login(client, world.m["client"])
    page = client.get("/me/").content.decode()
    assert "You are not alone. Help is here." in page and 'id="support"' not in page


def test_a_site_adds_a_kind_as_data_and_mistakes_name_the_field():
    rules = load_rules({"risk_kinds": [{
        "id": "gambling_harm", "label": "Gambling harm", "alert": "Words may point to gambling harm.",
        "clinician_action": "Ask about debts and safety.", "policy_by_severity": {"high": "standard", "medium": "prompt", "low": "review"},
        "client_page": "crisis"}]})
    assert rules.kinds["gambling_harm"].label == "Gambling harm" and "being_harmed" in rules.kinds
    with pytest.raises(DataError, match="policy_by_severity.high"):
        load_rules({"risk_kinds": [{"id": "x", "label": "X", "alert": "a", "clinician_action": "b",
                                    "policy_by_severity": {"high": "nope", "medium": "prompt", "low": "review"}}]})
    with pytest.raises(DataError, match="already exists"):
        load_rules({"risk_kinds": [{"id": "being_harmed", "label": "X", "alert": "a", "clinician_action": "b",
                                    "policy_by_severity": {"high": "standard", "medium": "prompt", "low": "review"}}]})
