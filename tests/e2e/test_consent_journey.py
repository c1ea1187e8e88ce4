"""End to end in Chromium, with axe on every page: a client signs the consent form and later takes it back,
and their therapist sees the withdrawal on Today and on the record (HAZ-026)."""

from __future__ import annotations

from playwright.sync_api import expect

from openipt.consent.models import ConsentEvent
from openipt.consent.queries import records
from tests.support.consent import require_consent
from tests.support.courses import start
from tests.support.people import PASSWORD, make_world


def test_a_client_signs_then_takes_back_consent_and_the_therapist_sees_it(ui, phone):
    world = make_world()
    require_consent(world)
    start(world, client="self")
    client = world.clients["self"]

    page = phone.page
    phone.sign_in(world.m["client"].user.username, PASSWORD)
    phone.goto("/me/")
    page.get_by_role("link", name="Read and sign the form").click()
    phone.check()
    expect(page.get_by_role("heading", name="If you want to stop")).to_be_visible()
    page.get_by_role("button", name="Sign the form").click()  # nothing ticked or typed yet
    phone.check()
    expect(page.get_by_text("Tick the box to say you have read the form and agree.").first).to_be_visible()
    page.get_by_label("I have read this form and I agree to it").check()
    page.get_by_label("Type your full name").fill("Sam Client")
    phone.screenshot("consent-phone-sign")
    page.get_by_role("button", name="Sign the form").click()
    phone.check()
    expect(page.get_by_text("Thank you. You have signed the form.")).to_be_visible()
    assert records.status(client).is_current

    page.get_by_role("link", name="I want to stop: take back my consent").click()
    phone.check()
    expect(page.get_by_text("Your sessions stop until you have talked with your therapist.")).to_be_visible()
    page.get_by_label("Anything you want your therapist to know").fill("I need a pause.")
    page.get_by_label("I understand what this means, and I want to stop").check()
    phone.screenshot("consent-phone-withdraw")
    page.get_by_role("button", name="Take back my consent").click()
    phone.check()
    expect(page.get_by_text("You have taken back your consent.")).to_be_visible()
    assert ConsentEvent.objects.filter(client=client, kind="withdrawn").exists()

    ui.sign_in(world.m["therapist"].user.username, PASSWORD)
    ui.goto("/today/")
    expect(ui.page.get_by_role("heading", name="Consent taken back")).to_be_visible()
    ui.page.get_by_role("link", name="Sam Client").click()
    ui.check()
    expect(ui.page.get_by_text("In their words: I need a pause.")).to_be_visible()
    ui.screenshot("consent-staff-withdrawn")
    ui.goto(f"/clients/{client.pk}/")
    expect(
        ui.page.get_by_text("Do not hold more sessions until you have talked with the client.").first
    ).to_be_visible()
