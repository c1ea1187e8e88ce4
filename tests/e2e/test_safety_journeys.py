"""End to end in Chromium: a client's worrying words raise an alert; help appears at once; staff act; an ignored alert escalates."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from openipt.safety import settings_actions
from openipt.safety.actions import raise_signals
from openipt.safety.models import Alert, AlertStatus
from openipt.safety.rules import evaluate_text
from openipt.safety.ruleset import rules_for
from tests.support.people import PASSWORD, actor, make_world

WORDS = "I stayed in my room all weekend. Some days I feel like everyone would be better off without me."


def _contacts(world):
    admin = actor(world.m["admin"])
    settings_actions.add_contact(admin, {"language": "en", "name": "Riverbank Crisis Line", "phone": "0800 000 111",
                                         "hours": "Every day, day and night", "order": 1})
    settings_actions.add_contact(admin, {"language": "en", "name": "Riverbank Text Support", "text_number": "60000", "order": 2})


def test_a_clients_worrying_words_bring_up_help_at_once_and_the_therapist_acknowledges_and_resolves(ui, phone):
    """HAZ-005, HAZ-006: from the client's log on a phone to a resolved alert with a note, in two browsers."""
    world = make_world()
    _contacts(world)

    # The client writes in their log on a phone and sees the crisis contacts on the page they are on.
    phone.sign_in(world.m["client"].user.username, PASSWORD)
    page = phone.page
    expect(page.get_by_role("link", name="Get help now")).to_be_visible()
    phone.goto("/me/log/")
    page.get_by_label("Who was it with?").fill("Nobody")
    page.get_by_label("What happened?").fill(WORDS)
    page.get_by_label("3", exact=True).check()
    page.get_by_role("button", name="Save in my log").click()
    page.wait_for_load_state("load")
    phone.check()
    expect(page.get_by_role("heading", name="You are not alone. Help is here.")).to_be_visible()
    expect(page.locator("#crisis").get_by_text("Riverbank Crisis Line")).to_be_visible()
    expect(page.locator("#crisis").get_by_role("link", name="0800 000 111")).to_have_attribute("href", "tel:0800000111")
    phone.screenshot("safety-client-crisis")
    alert = Alert.objects.get()
    assert alert.client == world.clients["self"] and alert.severity == "high"

    # The therapist sees the alert at the top of every page, opens it, acknowledges and resolves it with a note.
    ui.sign_in(world.m["therapist"].user.username, PASSWORD)
    tab = ui.page
    banner = tab.locator(".oi-safety-banner")
    expect(banner).to_contain_text("A risk alert is waiting for someone to act")
    banner.get_by_role("link", name="Sam Client").click()
    ui.check()
    expect(tab.locator("mark").first).to_contain_text("better off without me")
    expect(tab.get_by_text("I stayed in my room all weekend.")).to_be_visible()
    ui.screenshot("safety-alert-detail")
    tab.get_by_role("button", name="Acknowledge", exact=True).click()
    tab.wait_for_load_state("load")
    ui.check()
    expect(tab.get_by_text("Alert acknowledged.")).to_be_visible()
    expect(tab.locator(".oi-safety-banner")).to_have_count(0)
    tab.get_by_role("button", name="Resolve with this note").click()
    tab.wait_for_load_state("load")
    ui.check()
    expect(tab.locator("#id_note_error1")).to_contain_text("Write what was done")
    tab.get_by_label("What was done").fill("Phoned Sam within the hour. Safe tonight; we went through the safety plan.")
    tab.get_by_role("button", name="Resolve with this note").click()
    tab.wait_for_load_state("load")
    ui.check()
    expect(tab.get_by_text("Alert resolved.")).to_be_visible()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED and alert.resolved_by == world.m["therapist"]
    tab.get_by_role("link", name="All alerts").click()
    ui.check()
    expect(tab.get_by_text("No alerts match.")).to_be_visible()


def test_an_alert_nobody_acknowledges_escalates_to_the_supervisor(ui):
    """HAZ-006: after 30 minutes without an acknowledgement the scheduled job tells the supervisor, who sees it on every page."""
    world = make_world()
    client = world.clients["mine"]
    signals = evaluate_text(rules_for(client.organisation_id), WORDS, "practice.worksheet")
    raise_signals(client, signals, rule_kind="free_text", text=WORDS, now=timezone.now() - timedelta(minutes=31))
    call_command("escalate")
    ui.sign_in(world.m["supervisor"].user.username, PASSWORD)
    page = ui.page
    banner = page.locator(".oi-safety-banner")
    expect(banner).to_contain_text("escalated")
    banner.get_by_role("link", name="Maya Okafor").click()
    ui.check()
    expect(page.get_by_text("Passed to the supervisor", exact=False)).to_be_visible()
    expect(page.get_by_text("Escalated", exact=True).first).to_be_visible()
    page.get_by_role("link", name="All alerts").click()
    ui.check()
    expect(page.get_by_role("cell", name="Escalated")).to_be_visible()


def test_a_client_builds_a_safety_plan_bit_by_bit_on_a_phone_and_prints_it(phone):
    """HAZ-003: half a plan is saved as written; the printable page shows it with the crisis contacts."""
    world = make_world()
    _contacts(world)
    phone.sign_in(world.m["client"].user.username, PASSWORD)
    page = phone.page
    page.get_by_role("link", name="My safety plan").first.click()
    phone.check()
    page.get_by_label("1. My warning signs").fill("Not sleeping. Staying in my room.")
    page.get_by_label("7. My reasons for living").fill("My daughter.")
    page.get_by_role("button", name="Save my plan").click()
    page.wait_for_load_state("load")
    phone.check()
    expect(page.get_by_text("Safety plan saved (version 1)")).to_be_visible()
    expect(page.get_by_label("1. My warning signs")).to_have_value("Not sleeping. Staying in my room.")
    page.get_by_role("link", name="Print or save as PDF").click()
    phone.check()
    expect(page.get_by_text("My daughter.")).to_be_visible()
    expect(page.get_by_text("Riverbank Crisis Line")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    phone.screenshot("safety-plan-print")
