"""End to end in Chromium: an admin sets up a group, a facilitator screens and runs a session (also offline),
and the supervisor reads the report and replies."""

from __future__ import annotations

from playwright.sync_api import expect

from openipt.groups import actions, report_actions, session_actions
from openipt.groups.models import Attendance, Group, QuickCheck
from tests.support.groups import client_of, group, phq9, programme, screen
from tests.support.people import PASSWORD, actor, make_world


def _running(world, members=4):
    grp = group(world, weeks_ago=2)
    made = [actions.add_member(actor(world.m["admin"]), grp.pk,
                               client_of(world, given_name=name, family_name="Nakato").pk)
            for name in ["Sarah", "Esther", "Agnes", "Joyce", "Betty", "Ruth"][:members]]
    screen(world, *made)
    actions.set_status(actor(world.m["admin"]), grp.pk, "running")
    return grp, made


def _at_session_offline(ui, world, grp, number=3):
    """Sign the facilitator in, open session `number` in facilitator mode, and drop the connection."""
    page = ui.page
    ui.sign_in(world.m["facilitator"].user.username, PASSWORD)
    ui.goto(f"/groups/{grp.pk}/sessions/{number}/")
    expect(page.locator("#sync-status")).to_have_text("All changes saved.")
    page.context.set_offline(True)
    return page


def _back_online(page):
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")


def test_an_admin_sets_up_a_tuesday_group_in_luganda(ui):
    world = make_world()
    programme(world, name="Village groups")
    page = ui.page
    ui.sign_in(world.m["admin"].user.username, PASSWORD)
    page.get_by_role("link", name="Groups").first.click()
    ui.check()
    page.get_by_role("link", name="Set up a group").click()
    ui.check()
    page.get_by_label("Programme").select_option(label="Village groups")
    page.get_by_label("Group name").fill("Tuesday group, Nansana")
    page.get_by_label("Facilitator", exact=True).select_option(str(world.m["facilitator"].pk))
    page.get_by_label("Supervisor").select_option(str(world.m["supervisor"].pk))
    page.get_by_label("Day of the week").select_option("1")
    page.get_by_label("Language").fill("Luganda")
    page.get_by_label("Place").fill("")
    ui.screenshot("groups-setup")
    page.get_by_role("button", name="Set up the group").click()
    page.wait_for_load_state("load")
    ui.check()
    expect(page.locator("#id_location_error1")).to_have_text("Say where the group meets, or give the video link.")
    expect(page.get_by_label("Group name")).to_have_value("Tuesday group, Nansana")
    page.get_by_label("Place").fill("Church hall")
    page.get_by_role("button", name="Set up the group").click()
    page.wait_for_load_state("load")
    ui.check()
    expect(page.get_by_text("Group set up with 8 sessions.")).to_be_visible()
    expect(page.get_by_text("Tuesdays at 10:00, 8 sessions of 90 minutes")).to_be_visible()
    assert Group.objects.get().sessions.count() == 8


# Hazard GRP-01: a positive pre-group screen refers instead of inviting, with an alert.
def test_a_positive_safety_screen_refers_instead_of_inviting(ui):
    world = make_world()
    grp = group(world)
    client = client_of(world, given_name="Harriet", family_name="Nansubuga")
    page = ui.page
    ui.sign_in(world.m["facilitator"].user.username, PASSWORD)
    ui.goto(f"/groups/{grp.pk}/")
    page.get_by_role("link", name="Record a pre-group meeting").click()
    ui.check()
    page.get_by_label("Who you met").select_option(str(client.pk))
    for n, value in phq9(19).items():
        page.locator(f"select[name={n}]").select_option(str(value))
    page.get_by_label("Do they have a plan to end their life now?").select_option("yes")
    page.get_by_label("Have they tried to end their life in the last 3 months?").select_option("no")
    page.get_by_label("How their low mood and what happens with people are linked").fill("Low since her son left.")
    page.get_by_label("The invitation").select_option("invited")
    page.get_by_role("button", name="Save the meeting").click()
    page.wait_for_load_state("load")
    ui.check()
    expect(page.locator("#id_referral_error1")).to_contain_text("Do not invite them to the group now.")
    expect(page.get_by_label("How their low mood and what happens with people are linked")).to_have_value("Low since her son left.")
    page.get_by_label("Referral or help arranged").fill("Clinic nurse saw her today; supervisor phoned.")
    ui.screenshot("groups-pre-group")
    page.get_by_role("button", name="Save the meeting").click()
    page.wait_for_load_state("load")
    ui.check()
    expect(page.get_by_text("A safety alert was raised")).to_be_visible()
    expect(page.get_by_text("Not invited: referred for urgent help")).to_be_visible()


# Hazard GRP-04: marks made offline are kept on the tablet and saved once when the connection returns.
def test_facilitator_mode_keeps_marks_made_offline_and_saves_them_when_the_connection_returns(ui):
    world = make_world()
    grp, members = _running(world)
    page = _at_session_offline(ui, world, grp)
    for member in members[:3]:
        page.locator(f"label[for=m{member.pk}-present]").click()
    page.locator(f"label[for=m{members[3].pk}-absent]").click()
    page.locator(f"#m{members[0].pk}-try").fill("Visit my sister on Sunday")
    page.locator(f"#m{members[0].pk}-try").blur()
    expect(page.locator("#sync-status")).to_contain_text("No connection")
    expect(page.locator("#sync-status")).to_contain_text(" changes kept on this tablet; they will be saved")
    assert "(s)" not in page.locator("#sync-status").text_content()
    assert Attendance.objects.count() == 0
    ui.screenshot("groups-facilitator-offline")
    _back_online(page)
    expect(page.locator("#sync-status")).to_have_text("All changes saved.")
    marks = dict(Attendance.objects.filter(session__number=3).values_list("member_id", "presence"))
    assert marks == {members[0].pk: "present", members[1].pk: "present", members[2].pk: "present",
                     members[3].pk: "absent"}
    assert Attendance.objects.get(member=members[0], session__number=3).will_try == "Visit my sister on Sunday"
    # a quick check through the queue
    page.get_by_text(members[1].client.display_name, exact=True).last.click()
    for n in (1, 2):
        page.locator(f"#m{members[1].pk}-q{n}").select_option("2")
    save = page.get_by_role("button", name=f"Save the check for {members[1].client.display_name}")
    save.click()  # without question 9 nothing is queued: the safety question is asked for (HAZ-022)
    expect(page.locator("#sync-status")).to_contain_text("Ask question 9 too")
    page.locator(f"#m{members[1].pk}-q9").select_option("0")
    save.click()
    expect(page.get_by_text("Saved: score 4.")).to_be_visible()
    assert QuickCheck.objects.get().instrument_code == "phq2"
    page.reload()
    ui.check()
    expect(page.locator(f"#m{members[0].pk}-present")).to_be_checked()
    ui.screenshot("groups-facilitator-mode")


def test_facilitator_mode_and_the_roster_work_on_a_phone(phone):
    world = make_world()
    grp, members = _running(world)
    fac = actor(world.m["facilitator"])
    for number in (1, 2):
        session_actions.mark_attendance(fac, grp.pk, number, members[0].pk, "absent")
        session_actions.mark_attendance(fac, grp.pk, number, members[1].pk, "present")
    session_actions.enter_quick_check(fac, grp.pk, 1, members[1].pk, phq9(9))
    session_actions.enter_quick_check(fac, grp.pk, 2, members[1].pk, phq9(16))
    phone.sign_in(world.m["facilitator"].user.username, PASSWORD)
    phone.goto(f"/groups/{grp.pk}/")
    expect(phone.page.get_by_text("Missed the last 2 sessions").first).to_be_visible()
    phone.screenshot("groups-roster-phone")
    phone.goto(f"/groups/{grp.pk}/sessions/3/")
    phone.page.get_by_role("button", name="Start timer").first.click()
    expect(phone.page.locator(".oi-timer__time").first).not_to_have_text("10:00", timeout=3000)
    phone.screenshot("groups-facilitator-phone")


def test_the_supervisor_reads_the_report_replies_and_the_facilitator_sees_it(ui):
    world = make_world()
    grp, members = _running(world)
    fac = actor(world.m["facilitator"])
    session_actions.mark_attendance(fac, grp.pk, 1, members[0].pk, "present")
    report_actions.file_report(fac, grp.pk, 1, went_well="Everyone spoke and gave ideas.",
                               help_wanted="How to keep to time.")
    page = ui.page
    ui.sign_in(world.m["supervisor"].user.username, PASSWORD)
    ui.goto("/groups/supervising/")
    expect(page.get_by_text("1 waiting for your reply")).to_be_visible()
    ui.screenshot("groups-supervisor")
    page.get_by_role("link", name="Session 1 report").click()
    ui.check()
    page.get_by_label("Your reply to the facilitator").fill("Use the timer for each member's turn.")
    page.get_by_role("button", name="Send the reply").click()
    page.wait_for_load_state("load")
    ui.check()
    expect(page.get_by_text("Reply sent.")).to_be_visible()
    ui.sign_out()
    ui.sign_in(world.m["facilitator"].user.username, PASSWORD)
    ui.goto(f"/groups/{grp.pk}/sessions/1/report/")
    expect(page.get_by_text("Use the timer for each member's turn.")).to_be_visible()
    ui.screenshot("groups-report")


def test_signing_out_clears_what_the_browser_kept_and_names_unsent_group_changes_first(ui):
    world = make_world()
    grp, _members = _running(world)
    page = ui.page
    ui.sign_in(world.m["facilitator"].user.username, PASSWORD)
    ui.goto(f"/groups/{grp.pk}/")
    # what a shared tablet could hold: a note draft, a questionnaire's answers, one unsent group change
    page.evaluate("""() => {
        localStorage.setItem('openipt-note-7', 'Draft note about a member');
        localStorage.setItem('oi-answers-c1.s1.phq9', '{"q1": "2"}');
        localStorage.setItem('openipt-group-queue-3', JSON.stringify([{key: 'k1', kind: 'mark', data: {}}]));
        localStorage.setItem('someone-elses-key', 'kept');
    }""")
    messages = []

    def dismiss(dialog):
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Tuesday group")).to_be_visible()
    assert "1 change from a group session is not saved yet" in messages[0] and "(s)" not in messages[0]
    assert page.evaluate("localStorage.getItem('openipt-note-7')") == "Draft note about a member"
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    ui.check()
    left = page.evaluate("Object.keys(localStorage)")
    assert not [k for k in left if k.startswith(("openipt-", "oi-answers-"))], left


def test_a_change_the_server_refuses_after_the_connection_returns_stays_listed_until_dealt_with(ui):
    world = make_world()
    grp, members = _running(world)
    page = _at_session_offline(ui, world, grp)
    page.locator(f"label[for=m{members[0].pk}-present]").click()
    # one change: the words say "1 change", not "1 change(s)"
    expect(page.locator("#sync-status")).to_have_text(
        "No connection. 1 change kept on this tablet; it will be saved when the connection returns.")
    page.locator(f"label[for=m{members[1].pk}-present]").click()
    # a full PHQ-9 for the first member, with a 1 on question 9
    page.get_by_text(members[0].client.display_name, exact=True).last.click()
    for n in range(1, 10):
        page.locator(f"#m{members[0].pk}-q{n}").select_option("1")
    page.get_by_role("button", name=f"Save the check for {members[0].client.display_name}").click()
    expect(page.locator("#sync-status")).to_contain_text("No connection")
    # meanwhile the co-ordinator records that the first member left the group
    actions.remove_member(actor(world.m["admin"]), grp.pk, members[0].pk, reason="Moved to Kampala")
    _back_online(page)
    refused = page.locator("#sync-refused")
    expect(refused).to_contain_text(f"Mark for {members[0].client.display_name} (came)")
    # the refused check keeps its answers, and the safety answer is said first
    expect(refused).to_contain_text(f"Symptom check for {members[0].client.display_name}")
    expect(refused).to_contain_text("SAFETY: question 9 (thoughts of self-harm) was answered 1")
    expect(refused).to_contain_text("q9 = 1")
    expect(refused).to_contain_text("passed on as a risk alert")
    # and the safety answer reached staff as an alert on the member's record, though the check was refused
    from openipt.safety.models import Alert

    assert Alert.objects.filter(client=members[0].client, rule_kind="instrument_item").exists()
    assert dict(Attendance.objects.values_list("member_id", "presence")) == {members[1].pk: "present"}
    ui.check()
    page.reload()
    expect(refused).to_contain_text(f"Mark for {members[0].client.display_name} (came)")
    page.get_by_role("button", name="I have dealt with these").click()
    expect(refused).to_have_count(0)
    page.reload()
    expect(page.locator("#sync-status")).to_have_text("All changes saved.")
    expect(refused).to_have_count(0)


def test_the_marked_count_follows_each_mark_as_it_is_made_and_saved_without_a_reload(ui):
    world = make_world()
    grp, members = _running(world)
    page = ui.page
    ui.sign_in(world.m["facilitator"].user.username, PASSWORD)
    ui.goto(f"/groups/{grp.pk}/sessions/3/")
    count = page.locator("#marked-count")
    expect(count).to_have_text("0 of 4 marked.")
    for done, member in enumerate(members, start=1):
        page.locator(f"label[for=m{member.pk}-{'absent' if done == 4 else 'present'}]").click()
        expect(count).to_have_text(f"{done} of 4 marked.")
    page.get_by_role("button", name="Save who came").click()
    expect(page.locator("#sync-status")).to_have_text("All changes saved.")
    expect(count).to_have_text("4 of 4 marked.")
    assert Attendance.objects.filter(session__number=3).count() == 4
    page.reload()
    expect(count).to_have_text("4 of 4 marked.")


def test_marks_made_while_a_save_is_on_its_way_are_sent_when_it_returns_without_another_click(ui):
    """A slow connection: the first mark's request is held back while three more marks are made.
    Those three must follow on their own once the first answer comes back (they used to wait for the
    next change on the page, so a facilitator could leave with marks unsaved)."""
    world = make_world()
    grp, members = _running(world)
    page = ui.page
    ui.sign_in(world.m["facilitator"].user.username, PASSWORD)
    ui.goto(f"/groups/{grp.pk}/sessions/3/")
    held = []

    def hold_the_first(route):
        if not held:
            held.append(route)  # answered below, once the other marks are made
            return
        route.continue_()

    page.route("**/sync/", hold_the_first)
    for member in members:
        page.locator(f"label[for=m{member.pk}-present]").click()
    page.wait_for_timeout(300)
    assert len(held) == 1, "the first mark was not sent through the sync address"
    expect(page.locator("#sync-status")).to_contain_text("waiting")
    held[0].continue_()  # the real server answers the first mark now
    expect(page.locator("#sync-status")).to_have_text("All changes saved.", timeout=15000)
    assert Attendance.objects.filter(session__number=3, presence="present").count() == 4
