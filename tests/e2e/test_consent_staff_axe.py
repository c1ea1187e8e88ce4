"""In Chromium with axe: the staff consent pages (a client's consent, a paper form, a spoken withdrawal) and the
admin's (the setting, a new version, a version), used as a therapist and an admin would."""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import expect

from openipt.consent.models import ConsentDocument
from openipt.consent.queries import records
from tests.support.people import PASSWORD, make_world


def test_the_admin_publishes_a_version_and_the_therapist_records_paper_and_a_spoken_withdrawal(ui):
    world = make_world()
    mine = world.clients["mine"]
    page = ui.page

    ui.sign_in(world.m["admin"].user.username, PASSWORD)
    ui.goto("/consent/settings/")
    page.get_by_label("Consent required before a course starts").check()
    page.get_by_role("button", name="Save").click()
    ui.check()
    assert records.required_before_start(world.org.pk)
    page.get_by_role("link", name="Write a new version").click()
    ui.check()
    page.get_by_label("Title").fill("Riverbank consent")
    page.get_by_role("button", name="Publish this version").click()
    ui.check()
    expect(page.get_by_text("Version 2 is published.")).to_be_visible()
    document = ConsentDocument.objects.get(number=2)
    ui.goto(f"/consent/versions/{document.pk}/")
    expect(page.get_by_role("heading", name="Riverbank consent")).to_be_visible()
    ui.sign_out()

    ui.sign_in(world.m["therapist"].user.username, PASSWORD)
    ui.goto(f"/clients/{mine.pk}/")
    page.get_by_role("link", name="Consent and its history").click()
    ui.check()
    page.get_by_role("link", name="Record a paper form").click()
    ui.check()
    page.get_by_label("Name the client wrote on the form").fill("Maya Okafor")
    page.get_by_label("Date on the form").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Record the signature").click()
    ui.check()
    expect(page.get_by_text("Signed the current form (version 2)")).to_be_visible()
    page.get_by_role("link", name="Record that they took back consent").click()
    ui.check()
    page.get_by_label("How and when the client told you").fill("Phoned this morning to stop.")
    page.get_by_role("button", name="Record the withdrawal").click()
    ui.check()
    expect(page.get_by_text("Phoned this morning to stop.").first).to_be_visible()
    assert records.status(mine).withdrawn
