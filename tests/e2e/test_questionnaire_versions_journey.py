"""Questionnaire translations in Chromium: an admin checks a (fake) validated version, installs it and removes it;
axe passes on each page."""

from __future__ import annotations

from pathlib import Path

from openipt.measures.models import InstrumentVersion
from tests.support.people import PASSWORD, make_world

FIXTURE = Path(__file__).resolve().parents[1] / "measures" / "fixtures" / "gad7_xx_test_version.yaml"


def test_an_admin_checks_installs_and_removes_a_questionnaire_translation(ui):
    world = make_world()
    ui.sign_in(world.m["admin"].user.username, PASSWORD)
    ui.goto("/measures/settings/")
    ui.page.get_by_role("link", name="Questionnaire translations your organisation holds a licence for").click()
    ui.check()
    ui.page.get_by_label("Translation file (YAML)").set_input_files(str(FIXTURE))
    ui.page.get_by_role("button", name="Check only").click()
    ui.check()
    assert "can be installed. Nothing was installed yet." in ui.page.get_by_role("status").inner_text()
    ui.page.get_by_label("Translation file (YAML)").set_input_files(str(FIXTURE))
    ui.page.get_by_role("button", name="Check and install").click()
    ui.check()
    assert InstrumentVersion.objects.get().organisation_id == world.org.pk
    assert "TEST LICENCE HOLDER" in ui.page.get_by_role("table").inner_text()
    ui.page.get_by_role("button", name="Remove GAD-7 (xx)").click()
    ui.check()
    assert not InstrumentVersion.objects.exists()
    assert "None yet" in ui.page.content()
