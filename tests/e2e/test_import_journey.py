"""Bulk import in Chromium: an admin uploads a spreadsheet with a mistake, sees it highlighted, fixes it, checks the
preview and imports; axe passes on every page, at desktop width and on a 360-pixel phone."""

from __future__ import annotations

from openipt.clients.models import Client
from tests.support.imports import csv_bytes
from tests.support.people import PASSWORD, make_world

HEADER = ["First name", "Surname", "DOB", "Therapist"]


def _file(dob: str, therapist: str) -> dict:
    rows = [HEADER, ["Amina", "Yusuf", dob, therapist], ["Ben", "Olsen", "", ""]]
    return {"name": "intake.csv", "mimeType": "text/csv", "buffer": csv_bytes(rows, delimiter=";", bom=True)}


def _upload(ui, data: dict):
    ui.page.get_by_label("Clients: one client in each row").check()
    ui.page.get_by_label("CSV file").set_input_files(data)
    ui.page.get_by_role("button", name="Check the file").click()
    ui.check()


def test_upload_fix_preview_and_import(ui):
    world = make_world()
    therapist = world.m["therapist"].user.username
    ui.sign_in(world.m["admin"].user.username, PASSWORD)
    ui.goto("/account/people/")
    ui.page.get_by_role("link", name="Import clients or staff from a spreadsheet").click()
    ui.check()
    ui.screenshot("import-upload")
    _upload(ui, _file("31/02/1990", therapist))
    problems = ui.page.locator("#import-problems")
    assert "1 row has a problem, so nothing can be imported yet." in problems.inner_text()
    assert "Row 2, DOB: This date does not exist." in problems.inner_text()
    assert ui.page.locator("tr#row-2.oi-import-table__problem").is_visible()
    assert ui.page.get_by_role("button", name="Import").count() == 0
    ui.screenshot("import-problems")
    ui.page.get_by_role("link", name="Upload the fixed file").click()
    ui.check()
    _upload(ui, _file("14/03/1990", therapist))
    assert "2 clients are ready to import." in ui.page.locator("#import-ready").inner_text()
    assert Client.objects.filter(organisation=world.org, given_name="Amina").count() == 0
    ui.screenshot("import-preview")
    ui.page.get_by_role("button", name="Import all 2 clients").click()
    ui.check()
    assert "Imported 2 clients." in ui.page.content()
    amina = Client.objects.get(organisation=world.org, given_name="Amina")
    assert amina.assignments.get().staff_id == world.m["therapist"].pk


def test_the_preview_on_a_phone(phone):
    world = make_world()
    phone.sign_in(world.m["admin"].user.username, PASSWORD)
    phone.goto("/clients/import/?kind=clients")
    _upload(phone, _file("14/03/1990", world.m["therapist"].user.username))
    assert phone.page.get_by_role("button", name="Import all 2 clients").is_visible()
