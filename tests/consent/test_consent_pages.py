"""Consent pages as people use them: the client signs and withdraws in the portal, staff see and record.

Controls HAZ-026 in docs/clinical-safety/hazard-log.md: after a withdrawal the therapist sees it on
the client's record, on the open course and on their Today page, until the client signs again.
"""

from __future__ import annotations

from django.utils import timezone

from openipt.consent.models import ConsentDocument, ConsentEvent
from openipt.consent.queries import records
from openipt.safety.models import Alert
from tests.support.consent import record_paper, require_consent, sign_in_portal, withdraw_in_portal
from tests.support.courses import start
from tests.support.pages import text


def test_the_client_reads_the_form_ticks_and_types_their_name_to_sign(world, as_member):
    browser = as_member(world.m["client"])
    portal = text(browser.get("/me/"))
    assert "Read and sign the form" in portal and 'href="/consent/mine/"' in portal
    page = text(browser.get("/consent/mine/"))
    assert "What IPT is" in page and "When we have to tell someone" in page and "If you want to stop" in page
    assert "I have read this form and I agree to it" in page and "Type your full name" in page
    response = browser.post("/consent/mine/", {"version": "1", "agree": "on", "name": "Sam Client"})
    assert response.status_code == 302
    page = text(browser.get("/consent/mine/"))
    assert "You signed this form on" in page and "In the portal" in page
    event = ConsentEvent.objects.get()
    assert (event.name_typed, event.document.number, event.how) == ("Sam Client", 1, "portal")


def test_a_missing_tick_is_said_beside_the_box_and_the_typed_name_is_kept(world, as_member):
    browser = as_member(world.m["client"])
    response = browser.post("/consent/mine/", {"version": "1", "name": "Sam Client"})
    page = text(response)
    assert response.status_code == 200 and "Tick the box to say you have read the form and agree." in page
    assert 'value="Sam Client"' in page
    assert not ConsentEvent.objects.exists()


def test_signing_an_old_version_shows_the_new_one_and_keeps_the_name(world, as_member):
    from openipt.consent import actions
    from tests.support.people import actor

    browser = as_member(world.m["client"])
    browser.get("/consent/mine/")
    actions.publish(
        actor(world.m["admin"]),
        title="Our own form",
        body="Our clinic's own words about IPT. " * 4,
        expected_number=1,
    )
    page = text(browser.post("/consent/mine/", {"version": "1", "agree": "on", "name": "Sam Client"}))
    assert "A new version of the form came out while you were reading it" in page
    assert (
        "Our clinic's own words about IPT." in page and 'value="Sam Client"' in page and 'value="2"' in page
    )
    assert not ConsentEvent.objects.exists()


def test_the_client_sees_what_withdrawal_means_before_confirming_and_the_therapist_sees_it_everywhere(
    world, as_member, django_capture_on_commit_callbacks
):
    course = start(world, client="self")
    sign_in_portal(world)
    browser = as_member(world.m["client"])
    page = text(browser.get("/consent/mine/stop/"))
    assert "Your sessions stop until you have talked with your therapist" in page
    assert "We keep it for as long as the law says we must" in page and "sign it again" in page
    assert "I understand what this means, and I want to stop" in page
    refused = text(browser.post("/consent/mine/stop/", {"note": "Too much right now."}))
    assert (
        "Tick the box to say you understand what stopping means." in refused
        and "Too much right now." in refused
    )
    assert not records.status(world.clients["self"]).withdrawn
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post("/consent/mine/stop/", {"confirm": "on", "note": "Too much right now."})
    assert response.status_code == 302
    assert "You took back your consent on" in text(browser.get("/me/"))

    therapist = as_member(world.m["therapist"])
    record = text(therapist.get(f"/clients/{world.clients['self'].pk}/"))
    assert "Consent taken back on" in record and "Do not hold more sessions" in record
    today = text(therapist.get("/today/"))
    assert "Consent taken back" in today and "Sam Client" in today
    course_page = text(therapist.get(f"/courses/{course.pk}/"))
    assert "Sam Client took back their consent on" in course_page
    consent_page = text(therapist.get(f"/consent/clients/{world.clients['self'].pk}/"))
    assert (
        "Too much right now." in consent_page
        and "Sessions stop until you have talked with the client" in consent_page
    )
    assert "Took back consent" in consent_page and "Signed" in consent_page

    sign_in_portal(world)  # signing again takes it off the Today page
    assert "Consent taken back" not in text(therapist.get("/today/"))


STOP = "/consent/mine/stop/"
WORRIED = "I don't see the point any more, I want to kill myself"


def _withdrawal_alerts(world):
    return Alert.objects.filter(client=world.clients["self"], source="consent.withdrawal")


def test_a_worrying_note_raises_an_alert_when_the_box_is_not_ticked(world, as_member):
    sign_in_portal(world)
    browser = as_member(world.m["client"])
    page = text(browser.post(STOP, {"note": WORRIED}))
    assert "Tick the box to say you understand what stopping means." in page and WORRIED in page
    assert not records.status(world.clients["self"]).withdrawn
    [alert] = _withdrawal_alerts(world)
    assert alert.text == WORRIED and alert.rule_kind == "free_text"


def test_a_worrying_note_raises_an_alert_when_there_is_nothing_to_withdraw(world, as_member):
    browser = as_member(world.m["client"])  # never signed: nothing to take back
    page = text(browser.post(STOP, {"confirm": "on", "note": WORRIED}))
    assert "there is nothing to take back" in page
    assert not ConsentEvent.objects.exists()
    assert _withdrawal_alerts(world).count() == 1


def test_a_worrying_note_raises_an_alert_when_consent_is_already_withdrawn(world, as_member):
    sign_in_portal(world)
    withdraw_in_portal(world)
    browser = as_member(world.m["client"])
    page = text(browser.post(STOP, {"confirm": "on", "note": WORRIED}))
    assert "You already took back your consent on" in page
    assert ConsentEvent.objects.filter(kind="withdrawn").count() == 1
    assert _withdrawal_alerts(world).count() == 1


def test_a_worrying_note_too_long_to_keep_still_raises_an_alert(world, as_member):
    sign_in_portal(world)
    browser = as_member(world.m["client"])
    note = "It has been a hard month. " * 100 + WORRIED
    assert len(note) > 2000
    browser.post(STOP, {"confirm": "on", "note": note})
    assert not records.status(world.clients["self"]).withdrawn
    assert _withdrawal_alerts(world).count() == 1


def test_a_worrying_note_raises_one_alert_on_a_withdrawal_even_when_the_form_is_sent_twice(world, as_member):
    sign_in_portal(world)
    browser = as_member(world.m["client"])
    data = {"confirm": "on", "note": WORRIED, "submission_key": "k" * 32}
    assert browser.post(STOP, data).status_code == 302
    assert browser.post(STOP, data).status_code == 302
    assert records.status(world.clients["self"]).withdrawn
    [alert] = _withdrawal_alerts(world)
    assert alert.text == WORRIED


def test_a_withdrawal_without_an_open_course_is_on_the_record_but_not_on_today(world, as_member):
    sign_in_portal(world)
    withdraw_in_portal(world)
    therapist = as_member(world.m["therapist"])
    assert "Consent taken back" not in text(therapist.get("/today/"))
    assert "Consent taken back on" in text(therapist.get(f"/clients/{world.clients['self'].pk}/"))


def test_staff_record_a_paper_form_and_a_date_in_the_future_is_refused_on_the_form(world, as_member):
    browser = as_member(world.m["therapist"])
    mine = world.clients["mine"]
    page = text(browser.get(f"/consent/clients/{mine.pk}/"))
    assert (
        "has not signed the consent form yet" in page and f'href="/consent/clients/{mine.pk}/paper/"' in page
    )
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    refused = text(
        browser.post(
            f"/consent/clients/{mine.pk}/paper/",
            {"version": "1", "name": "Maya Okafor", "signed_on": tomorrow, "note": "In the file."},
        )
    )
    assert "The date on the form cannot be in the future." in refused and 'value="Maya Okafor"' in refused
    response = browser.post(
        f"/consent/clients/{mine.pk}/paper/",
        {
            "version": "1",
            "name": "Maya Okafor",
            "signed_on": timezone.localdate().isoformat(),
            "note": "In the file.",
        },
    )
    assert response.status_code == 302
    page = text(browser.get(f"/consent/clients/{mine.pk}/"))
    assert "Signed the current form (version 1)" in page and "On paper, recorded by staff" in page
    assert "Maya Okafor" in page and "In the file." in page


def test_a_backdated_paper_form_after_a_withdrawal_is_refused_on_the_date_and_the_typed_values_stay(
    world, as_member
):
    from openipt.consent import actions
    from tests.support.people import actor

    mine = world.clients["mine"]
    record_paper(world, mine)
    actions.record_withdrawal(actor(world.m["therapist"]), mine.pk, note="Phoned to stop.")
    browser = as_member(world.m["therapist"])
    last_week = (timezone.localdate() - timezone.timedelta(days=7)).isoformat()
    response = browser.post(
        f"/consent/clients/{mine.pk}/paper/",
        {"version": "1", "name": "Maya Okafor", "signed_on": last_week, "note": "Old form in the file."},
    )
    page = text(response)
    assert response.status_code == 200
    assert "The client took back their consent on" in page
    assert "a form signed before that cannot count. Ask them to sign again." in page
    assert (
        'value="Maya Okafor"' in page and f'value="{last_week}"' in page and "Old form in the file." in page
    )
    assert records.status(mine).withdrawn


def test_staff_record_a_withdrawal_the_client_told_them_about(
    world, as_member, django_capture_on_commit_callbacks
):
    mine = world.clients["mine"]
    record_paper(world, mine)
    browser = as_member(world.m["therapist"])
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            f"/consent/clients/{mine.pk}/withdrawal/", {"note": "Phoned on Monday to stop."}
        )
    assert response.status_code == 302 and records.status(mine).withdrawn
    assert "Told a member of staff" in text(browser.get(f"/consent/clients/{mine.pk}/"))


def test_the_admin_turns_the_setting_on_and_publishes_a_version_in_their_own_words(world, as_member):
    browser = as_member(world.m["admin"])
    assert 'href="/consent/settings/"' in text(browser.get("/account/settings/"))
    page = text(browser.get("/consent/settings/"))
    assert "Consent required before a course starts" in page and "as version 1" in page
    browser.post("/consent/settings/", {"version": "1", "required_before_start": "on"})
    assert records.required_before_start(world.org.pk)
    form = text(browser.get("/consent/settings/new-version/"))
    assert "What IPT is" in form  # starts from the current text
    short = text(
        browser.post(
            "/consent/settings/new-version/", {"expected_number": "1", "title": "Ours", "body": "Hi"}
        )
    )
    assert "Write the text of the form" in short and not ConsentDocument.objects.exists()
    body = "## Our promise\n\nWe keep your words safe.\n\n- You can stop at any time\n- We will listen\n"
    response = browser.post(
        "/consent/settings/new-version/", {"expected_number": "1", "title": "Riverbank consent", "body": body}
    )
    assert response.status_code == 302
    assert list(ConsentDocument.objects.values_list("number", "source")) == [(2, "site"), (1, "shipped")]
    client_page = as_member(world.m["client"]).get("/consent/mine/").content.decode()
    assert "<h2>Our promise</h2>" in client_page and "<li>You can stop at any time</li>" in client_page


def test_text_in_the_form_is_escaped(world, as_member):
    from openipt.consent import actions
    from tests.support.people import actor

    actions.publish(
        actor(world.m["admin"]),
        title="<b>Form</b>",
        body="<script>alert(1)</script> words " * 3,
        expected_number=1,
    )
    page = as_member(world.m["client"]).get("/consent/mine/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_the_course_start_checks_link_to_the_clients_consent_when_required(world, as_member):
    require_consent(world)
    course = start(world, client="self")
    page = text(as_member(world.m["therapist"]).get(f"/courses/{course.pk}/"))
    assert "Consent: Sam has not signed the current consent form" in page
