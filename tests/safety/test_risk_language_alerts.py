"""Risk alerts in the writer's language, through the real save paths (issue 17, item 5; HAZ-005, HAZ-030).

A Spanish-speaking client's worksheet in Spanish raises an alert; their English still does; a
Luganda-speaking client's words, which the detector cannot read, become one low "read this" item per
worksheet for a person, shown where staff look at alerts and never to the client as a crisis box.
"""

from __future__ import annotations

from openipt.clients.models import Client
from openipt.groups import actions as group_actions
from openipt.groups import report_actions, session_actions
from openipt.practice import worksheet_actions
from openipt.safety import api
from openipt.safety.models import Alert, AlertEvent
from openipt.safety.rules.evaluate import UNREADABLE_KIND
from tests.support.groups import client_of, group
from tests.support.people import actor, login


def _speaks(client: Client, code: str) -> Client:
    Client.objects.filter(pk=client.pk).update(preferred_language=code)
    client.refresh_from_db()
    return client


def _save(me, sheet, **values):
    sheet.refresh_from_db()
    return worksheet_actions.save_worksheet(me, sheet.pk, values, expected_version=sheet.version)


def test_a_spanish_clients_worksheet_in_spanish_raises_an_alert_naming_the_spanish_rule(world):
    own = _speaks(world.clients["self"], "es")
    me = actor(world.m["client"])
    sheet = worksheet_actions.start_worksheet(me, "grief")
    _save(me, sheet, person="Mi mamá", memories="Desde que se fue quiero morirme, ya no quiero vivir.")
    [alert] = Alert.objects.filter(client=own)
    assert alert.rule_kind == "free_text" and alert.kind == "suicide_self_harm" and alert.severity == "high"
    assert alert.source_id == str(sheet.pk)
    assert {e["detector_rule"].split(".")[0] for e in alert.evidence} == {"es"}
    assert "[es]" in alert.reason


def test_an_english_sentence_from_a_spanish_client_still_raises_an_alert(world):
    own = _speaks(world.clients["self"], "es")
    me = actor(world.m["client"])
    sheet = worksheet_actions.start_worksheet(me, "grief")
    _save(me, sheet, person="My mum", memories="Some days I want to kill myself.")
    [alert] = Alert.objects.filter(client=own)
    assert alert.severity == "high" and not any(e["detector_rule"].startswith("es.") for e in alert.evidence)


def test_a_swahili_clients_words_raise_an_alert(world):
    client = _speaks(world.clients["mine"], "sw")
    [alert] = api.raise_for_text(client=client, text="Mume wangu ananipiga kila siku.", source="practice.log")
    assert alert.kind == "being_harmed" and alert.evidence[0]["detector_rule"].startswith("sw.")


def test_a_luganda_clients_worksheet_is_one_read_this_item_however_often_it_is_saved(world, client):
    """HAZ-030: words the detector cannot read go to a person; saving again adds to the same item."""
    own = _speaks(world.clients["self"], "lg")
    me = actor(world.m["client"])
    sheet = worksheet_actions.start_worksheet(me, "grief")
    for n in range(10):
        _save(me, sheet, person="Maama", memories=f"Nnina ennaku nnyingi nnyo leero {n}.")
    [alert] = Alert.objects.filter(client=own)
    assert (alert.kind, alert.severity, alert.policy_id, alert.status) == (UNREADABLE_KIND, "low", "review", "raised")
    assert alert.source_id == str(sheet.pk)
    assert AlertEvent.objects.filter(alert=alert, kind="evidence").count() == 9
    # staff see it where they look at alerts, with what to do
    login(client, world.m["therapist"])
    page = client.get("/safety/alerts/").content.decode()
    assert "Written in a language the risk check cannot read" in page
    detail = client.get(f"/safety/alerts/{alert.pk}/").content.decode()
    assert "interpreter" in detail and "Nnina ennaku" in detail
    # the client is not shown a crisis box for it
    login(client, world.m["client"])
    portal = client.get("/me/").content.decode()
    assert 'id="crisis"' not in portal and 'id="support"' not in portal


def test_a_luganda_clients_risk_words_in_english_raise_the_risk_alert_not_the_read_this_item(world):
    own = _speaks(world.clients["self"], "lg")
    [alert] = api.raise_for_text(client=own, text="I can't keep myself safe tonight.", source="practice.log")
    assert alert.kind == "unable_to_keep_safe" and alert.severity == "high"


def test_a_clients_unknown_language_code_is_never_taken_as_readable(world):
    client = _speaks(world.clients["mine"], "xx")
    [alert] = api.raise_for_text(client=client, text="Everything is fine.", source="practice.log")
    assert alert.kind == UNREADABLE_KIND


def _report(world, language: str, concerns: str, names=("Ann",)):
    grp = group(world, weeks_ago=1, language=language)
    made = [group_actions.add_member(actor(world.m["admin"]), grp.pk,
                                     client_of(world, given_name=n, family_name="Nakato").pk) for n in names]
    session_actions.mark_attendance(actor(world.m["facilitator"]), grp.pk, 1, made[0].pk, "present")
    report_actions.file_report(actor(world.m["facilitator"]), grp.pk, 1, went_well="Good", concerns=concerns)
    return made


def test_a_report_in_a_swahili_group_is_read_with_the_swahili_patterns(world):
    (ann,) = _report(world, "Kiswahili", "Ann alisema mume wake anampiga mtoto wao.")
    [alert] = Alert.objects.filter(client=ann.client)
    assert alert.kind == "child_safeguarding" and alert.source == "group_report"


def test_a_report_in_a_luganda_group_that_the_check_cannot_read_goes_to_a_person(world):
    ann, bea = _report(world, "Luganda", "Ann yagambye nti alina ennaku nnyingi.", names=("Ann", "Bea"))
    assert list(Alert.objects.values_list("client_id", "kind")) == [(ann.client_id, UNREADABLE_KIND)]


def test_group_language_names_become_pattern_languages():
    assert api.language_for_name("Kiswahili") == "sw"
    assert api.language_for_name("Spanish") == "es"
    assert api.language_for_name("español") == "es"
    assert api.language_for_name("English") == "en"
    assert api.language_for_name("English and Luganda") == "lg"
    assert api.language_for_name("Kinyarwanda") == "kinyarwanda"
    assert api.language_for_name("") == ""


def test_the_admin_settings_page_lists_the_read_this_kind_and_says_the_client_sees_nothing_new(world, client):
    login(client, world.m["admin"])
    page = client.get("/safety/settings/").content.decode()
    row = page.split("Written in a language the risk check cannot read")[1].split("</tr>")[0]
    assert "Nothing new" in row and "crisis box" not in row
