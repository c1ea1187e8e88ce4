"""The offline facilitator app in Chromium, with the server really stopped.

The browser reaches the test server only through a switch on a fixed port (tests/e2e/offline_switch.py):
stopping it refuses every connection, as a server that is down does. The browser keeps its profile
on disk, so closing and opening it again keeps IndexedDB and the service worker, as a tablet that is
switched off and on does. Each flow is one test: these are slow.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from openipt.audit.models import AuditEvent
from openipt.groups import actions as group_actions
from openipt.groups import session_actions
from openipt.groups.models import Attendance, GroupSession, QuickCheck, SessionReport
from openipt.offline.models import Conflict, Device, ReceivedChange
from openipt.safety import settings_actions
from openipt.safety.models import Alert
from tests.e2e.conftest import ARGS, CHROMIUM, SCREENSHOT_DIR, UI
from tests.e2e.offline_switch import ServerSwitch
from tests.support.groups import client_of, co_facilitator, group, screen
from tests.support.people import PASSWORD, actor, make_world

PIN = "482913"
NAMES = ["Sarah", "Esther", "Agnes", "Joyce"]


class Tablet:
    """A browser whose profile (IndexedDB, service worker, its cache) lives on between restarts."""

    def __init__(self, browser_type, profile, switch: ServerSwitch):
        self.browser_type, self.profile, self.switch = browser_type, profile, switch
        self.context = None
        self.errors: list[str] = []

    def open(self) -> UI:
        self.context = self.browser_type.launch_persistent_context(
            str(self.profile), executable_path=CHROMIUM, args=ARGS, headless=True,
            viewport={"width": 360, "height": 780}, locale="en-GB")
        page = self.context.pages[0] if self.context.pages else self.context.new_page()
        page.set_default_timeout(20000)
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(f"script error: {error}"))
        return UI(page, self.switch.url)

    def restart(self) -> UI:
        self.close()
        return self.open()

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
            self.context = None


@pytest.fixture
def tablet(chromium, live_server, transactional_db, tmp_path):
    target = urlsplit(live_server.url)
    switch = ServerSwitch(target.hostname, target.port)
    switch.start()
    device = Tablet(chromium.browser_type, tmp_path / "profile", switch)
    yield device
    device.close()
    switch.stop()
    csp = [e for e in device.errors if "Content Security Policy" in e]
    assert csp == [], f"the browser blocked something under the CSP: {csp}"
    broken = [e for e in device.errors if e.startswith("script error")]
    assert broken == [], f"the app's script failed: {broken}"


def _group(world, co=None):
    """A running group of four whose session 1 was a week ago and session 2 is today."""
    grp = group(world, weeks_ago=1, co=co)
    made = [group_actions.add_member(actor(world.m["admin"]), grp.pk,
                                     client_of(world, given_name=name, family_name="Nakato").pk) for name in NAMES]
    screen(world, *made)
    group_actions.set_status(actor(world.m["admin"]), grp.pk, "running")
    settings_actions.add_contact(actor(world.m["admin"]), {
        "language": "en", "name": "Village crisis line", "phone": "0800 111 222", "hours": "Day and night"})
    return grp, dict(zip(NAMES, made, strict=True))


def _shot(ui, name):
    """For the guide: what the tablet's screen shows (not the whole long page), when OPENIPT_SCREENSHOTS is set."""
    if SCREENSHOT_DIR:
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        ui.page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"{name}.png"))


def _sign_in(ui, world):
    ui.sign_in(world.m["facilitator"].user.username, PASSWORD)


def _keep_groups(ui, world, name="Tablet at the clinic", shot=False):
    """Signed in and connected: keep my groups on this tablet, with a new PIN typed twice."""
    page = ui.page
    ui.goto("/offline/")
    page.get_by_label("A name for this tablet").fill(name)
    page.get_by_label("Choose a PIN for this tablet").fill(PIN)
    page.get_by_label("The same PIN again").fill("482914")
    page.get_by_role("button", name="Keep my groups on this tablet").click()
    expect(page.get_by_text("The two PINs are not the same.")).to_be_visible()
    page.get_by_label("The same PIN again").fill(PIN)
    if shot:
        page.get_by_label("A name for this tablet").scroll_into_view_if_needed()
        _shot(ui, "offline-keep")
    page.get_by_role("button", name="Keep my groups on this tablet").click()
    expect(page.get_by_role("link", name="Open the offline app")).to_be_visible()
    ui.check()
    # The service worker has kept the app shell once it is active.
    assert page.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)")


def _unlock(ui, pin=PIN):
    page = ui.page
    ui.goto("/offline/app/")
    expect(page.get_by_role("heading", name="Open my groups")).to_be_visible()
    ui.check()
    page.get_by_label("Your PIN").fill(pin)
    page.get_by_role("button", name="Open", exact=True).click()


def _open_session(ui, number):
    page = ui.page
    page.get_by_role("link", name=re.compile(rf"^Session {number} ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Session {number}: Tuesday group")


def _mark(page, who, label):
    page.get_by_role("group", name=f"{who} Nakato").get_by_text(label, exact=True).click()


def _check(page, member, answers):
    page.locator("summary", has_text=f"{member.client.display_name}").click()
    for item, value in answers.items():
        page.locator(f"#oa-c{member.pk}-{item}").select_option(str(value))


def _waiting(page, n):
    expect(page.locator("#oa-waiting")).to_have_text(f"{n} changes waiting" if n != 1 else "1 change waiting")


def test_two_sessions_run_with_the_server_stopped_reach_it_once_with_the_alert_at_its_time(tablet):
    world = make_world()
    grp, m = _group(world)
    ui = tablet.open()
    page = ui.page
    _sign_in(ui, world)
    _keep_groups(ui, world, shot=True)

    # The server stops, and the tablet is switched off and on.
    tablet.switch.stop()
    ui = tablet.restart()
    page = ui.page
    _unlock(ui, pin="111111")
    expect(page.get_by_text("That PIN is not right. 4 tries left before the tablet locks.")).to_be_visible()
    _shot(ui, "offline-lock")
    page.get_by_label("Your PIN").fill(PIN)
    page.get_by_role("button", name="Open", exact=True).click()
    expect(page.get_by_role("heading", name="My groups")).to_be_visible()
    expect(page.get_by_text("4 members")).to_be_visible()
    ui.check()
    _shot(ui, "offline-groups")

    # Session 1 (a week ago, not recorded), with no connection.
    _open_session(ui, 1)
    ui.check()
    for who, label in zip(NAMES, ["Came", "Came", "Did not come", "Said they could not come"], strict=True):
        _mark(page, who, label)
    page.get_by_role("group", name="Sarah Nakato").get_by_label("Will try this week").fill("Call my sister on Sunday")
    page.get_by_role("group", name="Sarah Nakato").get_by_label("Will try this week").press("Tab")
    expect(page.locator("#oa-marked-count")).to_have_text("4 of 4 marked.")
    # A quick check for Esther without the safety question is not kept.
    _check(page, m["Esther"], {"q1": 0, "q2": 1})
    page.get_by_role("button", name="Keep the check for Esther Nakato").click()
    expect(page.get_by_text("Ask question 9 too")).to_be_visible()
    expect(page.locator(f"#oa-c{m['Esther'].pk}-q9")).to_be_focused()
    page.locator(f"#oa-c{m['Esther'].pk}-q9").select_option("0")
    page.get_by_role("button", name="Keep the check for Esther Nakato").click()
    expect(page.get_by_text("Kept on this tablet: score 1.")).to_be_visible()
    # Sarah answers question 9 with 2: the safety steps and crisis contacts show at once, offline.
    entered_from = timezone.now()
    _check(page, m["Sarah"], {"q1": 2, "q2": 2, "q9": 2})
    safety = page.get_by_role("alert").filter(has_text="A worrying answer: do this now")
    expect(safety).to_be_visible()
    expect(page.locator("#oa-safety")).to_be_focused()
    expect(safety).to_contain_text("Sarah Nakato answered question 9 above 0")
    expect(safety).to_contain_text("Village crisis line")
    expect(safety.get_by_role("link", name="0800 111 222")).to_have_attribute("href", "tel:0800111222")
    page.get_by_role("button", name="Keep the check for Sarah Nakato").click()
    entered_to = timezone.now()
    ui.check()
    _shot(ui, "offline-safety")
    _waiting(page, 7)  # 4 marks, 1 "will try", 2 checks
    expect(page.locator("#oa-message")).to_contain_text("No connection to the server")

    # Switched off and on again; the next session, still with no connection.
    ui = tablet.restart()
    page = ui.page
    _unlock(ui)
    expect(page.get_by_role("heading", name="My groups")).to_be_visible()
    _waiting(page, 7)
    _open_session(ui, 1)  # what was entered is still there
    expect(page.get_by_role("group", name="Sarah Nakato").get_by_label("Will try this week")).to_have_value("Call my sister on Sunday")
    expect(page.locator("summary", has_text="Sarah Nakato")).to_have_text("Sarah Nakato: PHQ-2 4")
    page.get_by_role("link", name="Back to my groups").click()
    _open_session(ui, 2)
    for who, label in zip(NAMES, ["Came", "Came", "Came", "Did not come"], strict=True):
        _mark(page, who, label)
    first_step = page.locator(".oi-steps input[type=checkbox]").first
    first_step.check()
    page.get_by_label("Notes for this session").fill("We practised asking for help.")
    page.get_by_role("button", name="Keep the notes").click()
    page.get_by_label("What went well").fill("Everyone spoke.")
    page.get_by_role("button", name="Keep the report").click()
    expect(page.get_by_text("Your report is kept on this tablet")).to_be_visible()
    _waiting(page, 14)
    ui.check()
    page.get_by_role("heading", name="Who came").scroll_into_view_if_needed()
    _shot(ui, "offline-session")

    # The server is back, but the first answer is lost on the way: the server applied the changes,
    # the tablet never heard. The tablet keeps them and sends them again; each is stored once.
    tablet.switch.cut_replies = True
    tablet.switch.start()
    reconnected = timezone.now()
    page.get_by_role("button", name="Sync now").click()
    expect(page.locator("#oa-message")).to_contain_text("No connection to the server")
    _waiting(page, 14)
    assert ReceivedChange.objects.count() == 14
    tablet.switch.cut_replies = False
    page.evaluate("window.dispatchEvent(new Event('online'))")  # the tablet syncs by itself when it is back online
    expect(page.locator("#oa-waiting")).to_have_text("Nothing waiting to be sent")
    expect(page.locator("#oa-synced")).to_contain_text("Last synced")
    expect(page.locator("#oa-message")).to_contain_text("The worrying answer reached the server and staff were alerted.")
    ui.check()
    _shot(ui, "offline-synced")

    s1, s2 = (GroupSession.objects.get(group=grp, number=n) for n in (1, 2))
    assert dict(Attendance.objects.filter(session=s1).values_list("member__client__given_name", "presence")) == {
        "Sarah": "present", "Esther": "present", "Agnes": "absent", "Joyce": "excused"}
    assert dict(Attendance.objects.filter(session=s2).values_list("member__client__given_name", "presence")) == {
        "Sarah": "present", "Esther": "present", "Agnes": "present", "Joyce": "absent"}
    assert Attendance.objects.get(session=s1, member=m["Sarah"]).will_try == "Call my sister on Sunday"
    assert AuditEvent.objects.filter(event_type="group.attendance_marked").count() == 8  # sent twice, stored once
    assert ReceivedChange.objects.count() == 14
    assert {c.member.client.given_name: (c.instrument_code, c.total) for c in QuickCheck.objects.filter(session=s1)} == {
        "Sarah": ("phq2", 4), "Esther": ("phq2", 1)}
    assert s2.notes == "We practised asking for help." and len(s2.done_step_ids) == 1
    assert SessionReport.objects.get(session=s2).went_well == "Everyone spoke."
    alert = Alert.objects.get(client=m["Sarah"].client)
    # Raised as of when it was entered on the tablet (so escalation counts from then), not when it arrived.
    assert entered_from - timedelta(seconds=1) <= alert.raised_at <= entered_to + timedelta(seconds=1) < reconnected
    assert "Entered on a tablet without a connection" in " ".join([alert.text, *alert.events.values_list("text", flat=True)])
    assert not Alert.objects.filter(client=m["Esther"].client).exists()

    # Nothing waits, so signing out of the tablet wipes it at once.
    page.get_by_role("button", name="Sign out of this tablet").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    ui.goto("/offline/app/")
    expect(page.get_by_role("heading", name="No groups on this tablet")).to_be_visible()


def test_a_conflict_is_kept_both_ways_unsent_changes_are_named_and_a_stopped_tablet_is_wiped(tablet):
    world = make_world()
    co = co_facilitator(world)
    grp, m = _group(world, co=co)
    ui = tablet.open()
    page = ui.page
    _sign_in(ui, world)
    _keep_groups(ui, world)

    tablet.switch.stop()
    ui = tablet.restart()
    page = ui.page
    _unlock(ui)
    _open_session(ui, 1)
    _mark(page, "Sarah", "Came")
    _mark(page, "Esther", "Came")
    _waiting(page, 2)
    # Meanwhile the co-facilitator marks Sarah on the server.
    session_actions.mark_attendance(actor(co), grp.pk, 1, m["Sarah"].pk, "absent")

    # Signing out names what has not been sent; cancelling keeps it.
    page.get_by_role("button", name="Sign out of this tablet").click()
    expect(page.get_by_role("alert")).to_contain_text("2 changes are not sent yet:")
    expect(page.get_by_role("alert")).to_contain_text("Session 1, Tuesday group: Sarah Nakato came")
    ui.check()
    _shot(ui, "offline-sign-out")
    page.get_by_role("button", name="Cancel").click()
    _waiting(page, 2)

    tablet.switch.start()
    page.get_by_role("button", name="Sync now").click()
    expect(page.locator("#oa-waiting")).to_have_text("Nothing waiting to be sent")
    problems = page.locator("#oa-problems")
    expect(problems).to_contain_text("Changed by someone else: Session 1, Tuesday group: Sarah Nakato came.")
    expect(problems.get_by_role("link", name="Open the list of changes to resolve")).to_have_attribute("href", "/offline/conflicts/")
    expect(page.get_by_role("group", name="Sarah Nakato").get_by_label("Did not come")).to_be_checked()
    ui.check()
    _shot(ui, "offline-conflict")
    # Nothing overwritten: the co-facilitator's mark stands, the tablet's is kept as a conflict.
    assert Attendance.objects.get(session__group=grp, session__number=1, member=m["Sarah"]).presence == "absent"
    assert Attendance.objects.get(session__group=grp, session__number=1, member=m["Esther"]).presence == "present"
    conflict = Conflict.objects.get()
    assert (conflict.status, conflict.yours["data"]["presence"], conflict.theirs["presence"]) == ("open", "present", "absent")

    # The conflicts page, signed in again in the browser, lists it.
    _sign_in(ui, world)
    ui.goto("/offline/conflicts/")
    expect(page.get_by_text("Sarah Nakato").first).to_be_visible()
    expect(page.get_by_role("button", name="Keep mine")).to_be_visible()

    # The facilitator stops this tablet from the server: at its next sync it wipes itself.
    ui.goto("/offline/")
    page.get_by_role("button", name="Stop using this tablet").click()
    page.wait_for_load_state("load")
    assert Device.objects.get().revoked_at is not None
    _unlock(ui)
    expect(page.get_by_role("heading", name="Removed from this tablet")).to_be_visible()
    ui.check()
    ui.goto("/offline/app/")
    expect(page.get_by_role("heading", name="No groups on this tablet")).to_be_visible()

    # Kept again; a change made with no connection, then "sign out anyway" loses it, as the tablet said.
    _keep_groups(ui, world, name="Second go")
    tablet.switch.stop()
    _unlock(ui)
    _open_session(ui, 1)
    _mark(page, "Agnes", "Came")
    _waiting(page, 1)
    page.get_by_role("button", name="Sign out of this tablet").click()
    expect(page.get_by_role("alert")).to_contain_text("1 change is not sent yet:")
    page.get_by_role("button", name="Sign out anyway and lose them").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    assert page.evaluate("""new Promise(r => { const o = indexedDB.open('openipt-offline');
        o.onsuccess = () => { const t = o.result.transaction('kv').objectStore('kv').count();
        t.onsuccess = () => r(t.result); }; })""") == 0

    # Five wrong PINs lock the tablet until a full sign-in.
    tablet.switch.start()
    _keep_groups(ui, world, name="Third go")
    _unlock(ui, pin="000000")
    for left in (4, 3, 2, 1):
        expect(page.locator("#oa-pin-error")).to_contain_text(f"{left} tr")
        page.get_by_label("Your PIN").fill("000000")
        page.get_by_role("button", name="Open", exact=True).click()
    expect(page.get_by_role("heading", name="This tablet is locked")).to_be_visible()
    ui.goto("/offline/app/")
    expect(page.get_by_role("heading", name="This tablet is locked")).to_be_visible()


STORED = """key => new Promise(r => { const o = indexedDB.open('openipt-offline');
    o.onsuccess = () => { const g = o.result.transaction('kv').objectStore('kv').get(key);
    g.onsuccess = () => r(g.result === undefined ? null : Object.keys(g.result).sort()); }; })"""


def test_past_the_offline_limit_the_groups_are_wiped_and_unsent_changes_go_after_a_full_sign_in(tablet):
    world = make_world()
    grp, m = _group(world)
    ui = tablet.open()
    page = ui.page
    _sign_in(ui, world)
    _keep_groups(ui, world)
    assert page.evaluate(STORED, "copy") == ["ct", "iv"]  # the groups are kept encrypted, nothing else in clear
    meta = page.evaluate("""() => new Promise(r => { const o = indexedDB.open('openipt-offline');
        o.onsuccess = () => { const g = o.result.transaction('kv').objectStore('kv').get('meta');
        g.onsuccess = () => r({iterations: g.result.iterations, salt: g.result.salt.length, keys: Object.keys(g.result)}); }; })""")
    # The data key is kept only wrapped with a key made from the PIN (PBKDF2-SHA-256, 310,000 rounds, 16-byte salt).
    assert (meta["iterations"], meta["salt"]) == (310000, 16)
    assert set(meta["keys"]) == {"version", "device", "salt", "iterations", "iv", "wrapped", "failures", "waiting"}
    tablet.switch.stop()
    _unlock(ui)
    _open_session(ui, 1)
    _mark(page, "Agnes", "Came")
    _waiting(page, 1)

    # Eight days on with no connection (the programme allows 7): the copy of the groups goes, the change stays.
    tablet.context.clock.set_system_time(timezone.now() + timedelta(days=8))
    _unlock(ui)
    expect(page.get_by_role("alert")).to_contain_text("has not reached the server for more than 7 days")
    expect(page.get_by_text("1 change is still kept")).to_be_visible()
    ui.check()
    _shot(ui, "offline-limit")
    assert page.evaluate(STORED, "copy") is None
    assert page.evaluate(STORED, "state") == ["ct", "iv"]

    # Connected again: a full sign-in, and the PIN used before carries the change into the new copy.
    ui = tablet.restart()
    page = ui.page
    tablet.switch.start()
    _sign_in(ui, world)
    ui.goto("/offline/")
    page.get_by_label("A name for this tablet").fill("Tablet again")
    page.get_by_label("Choose a PIN for this tablet").fill("135790")
    page.get_by_label("The same PIN again").fill("135790")
    page.get_by_role("button", name="Keep my groups on this tablet").click()
    expect(page.locator("#oa-old-pin-error")).to_contain_text("1 change on this tablet is not sent yet.")
    page.get_by_label("The PIN used on this tablet before (to keep 1 change not sent yet)").fill(PIN)
    page.get_by_role("button", name="Keep my groups on this tablet").click()
    expect(page.get_by_role("link", name="Open the offline app")).to_be_visible()
    _unlock(ui, pin="135790")
    expect(page.locator("#oa-waiting")).to_have_text("Nothing waiting to be sent")
    assert Attendance.objects.get(session__group=grp, session__number=1, member=m["Agnes"]).presence == "present"
    assert Device.objects.filter(revoked_at__isnull=True).count() == 2


# Counts what is kept; 0 also when the browser removed the whole database (the server's Clear-Site-Data).
IDB_COUNT = """() => new Promise(r => { const o = indexedDB.open('openipt-offline');
    o.onsuccess = () => { if (!o.result.objectStoreNames.contains('kv')) { r(0); return; }
    const t = o.result.transaction('kv').objectStore('kv').count();
    t.onsuccess = () => r(t.result); }; })"""
META_DEVICE = """() => new Promise(r => { const o = indexedDB.open('openipt-offline');
    o.onsuccess = () => { const g = o.result.transaction('kv').objectStore('kv').get('meta');
    g.onsuccess = () => r(g.result ? {device: g.result.device, waiting: g.result.waiting} : null); }; })"""


def test_the_site_headers_sign_out_names_unsent_changes_then_wipes_the_tablet_keeping_them_only_if_asked(tablet):
    world = make_world()
    grp, m = _group(world)
    ui = tablet.open()
    page = ui.page
    _sign_in(ui, world)
    _keep_groups(ui, world)
    tablet.switch.stop()
    _unlock(ui)
    _open_session(ui, 1)
    _mark(page, "Agnes", "Came")
    _waiting(page, 1)

    # Connected again, on an ordinary page of the site (the offline app is not open): Sign out in the header.
    # The app is closed first, so that it cannot start sending the change the moment the server is back.
    page.goto("about:blank")
    tablet.switch.start()
    ui.goto("/groups/")
    page.get_by_role("button", name="Sign out").click()
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("1 change on this tablet is not sent yet. Enter your PIN to see it")
    ui.check()
    page.get_by_role("button", name="Cancel").click()  # nothing happens: still signed in, the change still kept
    expect(page.get_by_role("heading", name="Groups", exact=True)).to_be_visible()
    assert page.evaluate(STORED, "copy") == ["ct", "iv"]

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Your PIN").fill(PIN)
    page.get_by_role("button", name="Show the changes").click()
    expect(page.get_by_role("alert")).to_contain_text("Session 1, Tuesday group: Agnes Nakato came")
    ui.check()
    page.get_by_role("button", name="Sign out and keep them for my next sign-in").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    assert "/account/login/" in page.url
    # The copy of the groups and the tablet's secret are gone; the one change stays, sealed under the PIN.
    assert page.evaluate(STORED, "copy") is None
    assert page.evaluate(STORED, "state") == ["ct", "iv"]
    assert page.evaluate(META_DEVICE) == {"device": None, "waiting": 1}
    assert not Attendance.objects.filter(member=m["Agnes"]).exists()

    # The next full sign-in carries it into the new copy with the PIN used before, and it reaches the server.
    _sign_in(ui, world)
    ui.goto("/offline/")
    page.get_by_label("A name for this tablet").fill("Tablet again")
    page.get_by_label("Choose a PIN for this tablet").fill("135790")
    page.get_by_label("The same PIN again").fill("135790")
    page.get_by_label("The PIN used on this tablet before (to keep 1 change not sent yet)").fill(PIN)
    page.get_by_role("button", name="Keep my groups on this tablet").click()
    expect(page.get_by_role("link", name="Open the offline app")).to_be_visible()
    _unlock(ui, pin="135790")
    expect(page.locator("#oa-waiting")).to_have_text("Nothing waiting to be sent")
    assert Attendance.objects.get(session__group=grp, session__number=1, member=m["Agnes"]).presence == "present"

    # Nothing waits now: the header's Sign out wipes the tablet at once.
    ui.goto("/groups/")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    assert page.evaluate(IDB_COUNT) == 0
    assert page.evaluate("localStorage.getItem('oi-tablet-keeps')") is None


def test_the_printable_guide_of_the_next_session_opens_from_the_tablets_copy_with_the_server_stopped(tablet):
    from openipt.groups.views.session import guide_for

    world = make_world()
    grp, _m = _group(world)
    session = GroupSession.objects.get(group=grp, number=2)
    _guide, steps = guide_for(session)
    ui = tablet.open()
    page = ui.page
    _sign_in(ui, world)
    _keep_groups(ui, world)
    tablet.switch.stop()
    _unlock(ui)
    _open_session(ui, 2)
    page.get_by_role("link", name="Printable guide for this session").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Session 2 of ")
    guide = page.locator("#oa-screen")
    for step in steps[:3]:
        expect(guide).to_contain_text(step["title"])
    expect(guide).to_contain_text(steps[0]["guidance"].split("\n")[0].strip()[:60])
    expect(guide).to_contain_text("Thank the member for telling you.")  # the safety steps
    expect(guide).to_contain_text("Village crisis line · 0800 111 222")  # the crisis contacts
    expect(guide.get_by_role("row", name="Sarah Nakato")).to_be_visible()  # the sheet to mark who came
    ui.check()
    _shot(ui, "offline-print")
    assert page.evaluate("typeof window.print") == "function"
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="Print", exact=True).click()
    assert page.evaluate("window.printed") == 1


def test_the_open_app_locks_itself_after_ten_idle_minutes_and_keeps_what_was_typed(tablet):
    world = make_world()
    _group(world)
    ui = tablet.open()
    page = ui.page
    tablet.context.clock.install()
    _sign_in(ui, world)
    _keep_groups(ui, world)
    tablet.switch.stop()
    _unlock(ui)
    _open_session(ui, 1)
    _mark(page, "Sarah", "Came")
    page.get_by_label("Notes for this session").fill("Half-written: Joyce spoke about")  # typed, not kept yet
    _waiting(page, 1)

    page.clock.fast_forward("09:00")  # nine minutes: still open
    expect(page.get_by_label("Notes for this session")).to_be_visible()
    page.clock.fast_forward("02:00")  # eleven minutes with no touch or key
    expect(page.get_by_role("heading", name="Open my groups")).to_be_visible()
    expect(page.locator("#oa-idle")).to_contain_text("locked itself after 10 minutes")
    expect(page.get_by_text("Half-written")).to_have_count(0)
    ui.check()
    page.get_by_label("Your PIN").fill(PIN)
    page.get_by_role("button", name="Open", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Session 1: Tuesday group")
    expect(page.get_by_label("Notes for this session")).to_have_value("Half-written: Joyce spoke about")
    expect(page.get_by_role("group", name="Sarah Nakato").get_by_label("Came", exact=True)).to_be_checked()
    _waiting(page, 1)


STATE_IV = """() => new Promise(r => { const o = indexedDB.open('openipt-offline');
    o.onsuccess = () => { const g = o.result.transaction('kv').objectStore('kv').get('state');
    g.onsuccess = () => r(Array.from(g.result.iv).join(',')); }; })"""


# Fills the origin's real storage with other data (as photos would fill a tablet) until the browser refuses a
# write, in smaller and smaller pieces, so less than 256 bytes are left. Answers whether the quota was met.
FILL = """async () => {
    const db = await new Promise((res, rej) => { const o = indexedDB.open('filler', 1);
        o.onupgradeneeded = () => o.result.createObjectStore('f'); o.onsuccess = () => res(o.result); o.onerror = () => rej(o.error); });
    const put = (size, key) => new Promise((res, rej) => { const tx = db.transaction('f', 'readwrite');
        tx.objectStore('f').put(crypto.getRandomValues(new Uint8Array(size)), key);
        tx.oncomplete = () => res(); tx.onabort = () => rej(tx.error); });
    let n = 0, met = false;
    for (const size of [65536, 8192, 1024, 256]) {
        for (let i = 0; i < 200; i += 1) {
            try { await put(size, 'f' + (n += 1)); } catch (e) { met = met || e.name === 'QuotaExceededError'; break; }
        }
    }
    db.close();
    return met;
}"""
FREE = """() => new Promise(r => { const d = indexedDB.deleteDatabase('filler'); d.onsuccess = () => r(true); d.onerror = () => r(false); })"""


def test_a_full_storage_is_said_at_once_the_change_stays_on_screen_and_sync_now_still_sends_it(chromium, live_server, transactional_db):
    """The browser's own quota: made 3 MB through Chromium's DevTools protocol, then really filled, so the write fails."""
    world = make_world()
    grp, m = _group(world)
    target = urlsplit(live_server.url)
    switch = ServerSwitch(target.hostname, target.port)
    switch.start()
    # Chromium takes a quota override for a normal (not a persistent-profile) context, set before the origin
    # first stores anything.
    context = chromium.new_context(viewport={"width": 360, "height": 780}, locale="en-GB")
    try:
        page = context.new_page()
        page.set_default_timeout(20000)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        cdp = context.new_cdp_session(page)
        cdp.send("Storage.overrideQuotaForOrigin", {"origin": switch.url, "quotaSize": 3 * 1024 * 1024})
        ui = UI(page, switch.url)
        _sign_in(ui, world)
        _keep_groups(ui, world)
        switch.stop()
        _unlock(ui)
        _open_session(ui, 1)
        _mark(page, "Sarah", "Came")
        _waiting(page, 1)
        stored_before = page.evaluate(STATE_IV)
        assert page.evaluate(FILL), "the browser never refused a write: the quota override did not take"

        _mark(page, "Agnes", "Came")
        space = page.locator("#oa-space")
        expect(space).to_contain_text("The tablet's storage is full. Your last change is on the screen but NOT stored")
        expect(space).to_contain_text("Press Sync now while connected, or free some space")
        expect(page.get_by_role("group", name="Agnes Nakato").get_by_label("Came", exact=True)).to_be_checked()
        _waiting(page, 2)
        ui.check()
        assert page.evaluate(STATE_IV) == stored_before  # what was stored is untouched: Sarah's mark is still there
        assert page.evaluate(IDB_COUNT) == 3
        # Closing the page now would lose the change: the browser asks first.
        assert page.evaluate("(() => { const e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented; })()")

        # Space freed and connected again: Sync now sends both, the one only on the screen too.
        assert page.evaluate(FREE)
        switch.start()
        page.get_by_role("button", name="Sync now").click()
        expect(page.locator("#oa-waiting")).to_have_text("Nothing waiting to be sent")
        expect(space).to_contain_text("everything on the screen is now kept on the tablet")
        marks = dict(Attendance.objects.filter(session__group=grp, session__number=1).values_list("member__client__given_name", "presence"))
        assert marks == {"Sarah": "present", "Agnes": "present"}
        assert errors == []
    finally:
        context.close()
        switch.stop()


def test_a_swahili_speaking_facilitator_runs_the_app_offline_in_swahili(tablet):
    world = make_world()
    user = world.m["facilitator"].user
    user.language = "sw"
    user.save(update_fields=["language"])
    _group(world)
    ui = tablet.open()
    page = ui.page
    _sign_in(ui, world)
    ui.goto("/offline/")
    assert page.evaluate("document.documentElement.lang") == "sw"
    page.locator("#tablet-name").fill("Tablet ya kliniki")
    expect(page.locator("label[for=oa-new-pin]")).to_have_text("Chagua PIN ya tablet hii")
    page.locator("#oa-new-pin").fill(PIN)
    page.locator("#oa-new-pin-again").fill(PIN)
    page.locator("#oa-keep").locator("xpath=..").locator("button[type=submit]").click()
    expect(page.locator("#oa-open-app")).to_be_visible()
    assert page.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)")

    tablet.switch.stop()
    ui = tablet.restart()
    page = ui.page
    ui.goto("/offline/app/")
    assert page.evaluate("document.documentElement.lang") == "sw"
    expect(page.get_by_role("heading", name="Fungua vikundi vyangu")).to_be_visible()
    page.get_by_label("PIN yako").fill("111111")
    page.locator("#oa-lock button[type=submit]").click()
    expect(page.locator("#oa-pin-error")).to_have_text("PIN hiyo si sahihi. Yamebaki majaribio 4 kabla tablet haijafungwa.")
    ui.check()
    page.get_by_label("PIN yako").fill(PIN)
    page.locator("#oa-lock button[type=submit]").click()
    expect(page.get_by_role("heading", name="Vikundi vyangu")).to_be_visible()
    expect(page.get_by_text("wanakikundi 4")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Kipindi 1 ")).click()
    expect(page.get_by_role("heading", name="Hatua za kipindi hiki")).to_be_visible()
    page.get_by_role("group", name="Sarah Nakato").get_by_text("Alikuja", exact=True).click()
    expect(page.locator("#oa-waiting")).to_have_text("Badiliko 1 linasubiri")
    ui.check()
