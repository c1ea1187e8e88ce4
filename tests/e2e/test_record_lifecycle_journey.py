"""A whole record's life in Chromium: an admin sets how long records are kept, finds a record past it from the menu's
count, downloads a copy of it, types a wrong name and then the right one, and erases it; axe passes on every page,
at desktop width and on a 360-pixel phone."""

from __future__ import annotations

import zipfile
from datetime import timedelta

from django.utils import timezone

from openipt.clients.models import Client, ClientErasure
from tests.support.people import PASSWORD, make_world


def _old_record(world):
    """Every record of the organisation last touched three years ago."""
    Client.objects.filter(organisation=world.org).update(updated_at=timezone.now() - timedelta(days=3 * 366))


def test_set_the_period_find_export_and_erase_a_record(ui, tmp_path):
    world = make_world()
    _old_record(world)
    noah = world.clients["theirs"]
    ui.sign_in(world.m["admin"].user.username, PASSWORD)
    ui.goto("/clients/retention/")
    assert "Every record is kept" in ui.page.content()
    ui.page.get_by_label("Years to keep a record after the last contact").fill("2")
    ui.page.get_by_role("button", name="Save").click()
    ui.check()
    assert "records have had no contact for more than the period" in ui.page.content()
    ui.screenshot("records-retention")
    ui.page.get_by_role("link", name=noah.record_number).click()
    ui.check()
    assert "Export the whole record" in ui.page.content()

    ui.page.get_by_label("Why is the whole record being exported?").fill("The client asked in writing.")
    with ui.page.expect_download() as download:
        ui.page.get_by_role("button", name="Export the whole record").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith(f"record-{noah.record_number}-")
    with zipfile.ZipFile(saved) as archive:
        assert {name.rsplit(".", 2)[-1] for name in archive.namelist()} == {"pdf", "json"}

    ui.page.get_by_label("Type the client's full name").fill("Noah Bergson")
    ui.page.get_by_label("Why is the record being erased?").fill("Kept past the period.")
    ui.page.get_by_role("button", name="Erase this record").click()
    ui.check()
    assert "Type the client's name exactly as it is shown" in ui.page.inner_text("body")
    assert not ClientErasure.objects.exists()
    ui.screenshot("records-erase-wrong-name")
    ui.page.get_by_label("Type the client's full name").fill("Noah Berg")
    ui.page.get_by_label("Why is the record being erased?").fill("Kept past the period.")
    ui.page.get_by_role("button", name="Erase this record").click()
    ui.check()
    assert "This record was erased" in ui.page.content()
    assert "Noah" not in ui.page.content()
    ui.screenshot("records-erased")


def test_the_record_page_on_a_phone(phone):
    world = make_world()
    phone.sign_in(world.m["admin"].user.username, PASSWORD)
    phone.goto(f"/clients/{world.clients['mine'].pk}/record/")
    assert phone.page.get_by_role("button", name="Export the whole record").is_visible()
    phone.goto("/clients/retention/")
