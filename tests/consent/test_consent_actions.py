"""Consent actions and who may do what: signing, paper signatures, versions, withdrawal, the setting.

Controls HAZ-026 (a withdrawal of consent is missed) in docs/clinical-safety/hazard-log.md: a
withdrawal is stored with what it was about, tells the care team by e-mail (naming no one), and the
client's words are scanned for risk like any other portal text.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from openipt.audit.models import AuditEvent
from openipt.consent import access, actions
from openipt.consent.models import ConsentDocument, ConsentEvent
from openipt.consent.queries import records
from openipt.core.errors import ActionError
from openipt.safety.models import Alert
from tests.support.consent import (
    current_version,
    record_paper,
    require_consent,
    sign_in_portal,
    withdraw_in_portal,
)
from tests.support.people import actor


def test_a_client_signs_the_current_form_in_the_portal_and_the_signature_keeps_version_time_name_and_how(
    world,
):
    before = timezone.now()
    event = sign_in_portal(world, name="  Sam   Client ")
    assert event.kind == "signed" and event.how == "portal" and event.name_typed == "Sam Client"
    assert event.document.number == 1 and event.document.source == "shipped" and event.at >= before
    assert "What IPT is" in event.document.body  # the shipped form, saved as the organisation's version 1
    assert event.client == world.clients["self"] and event.recorded_by is None
    assert records.status(world.clients["self"]).is_current
    assert (
        AuditEvent.objects.filter(event_type="consent.signed", client_id=world.clients["self"].pk).count()
        == 1
    )
    with pytest.raises(ActionError, match="already agreed"):
        sign_in_portal(world)
    assert ConsentEvent.objects.count() == 1


@pytest.mark.parametrize(
    "agree, name, field",
    [
        (False, "Sam", "agree"),
        (True, "   ", "name"),
        (True, "12345", "name"),
        (None, "Sam", "agree"),
        (True, "x" * 201, "name"),
    ],
)
def test_signing_needs_the_tick_and_a_typed_name_and_saves_nothing_without_them(world, agree, name, field):
    with pytest.raises(ActionError) as exc:
        actions.sign_own(actor(world.m["client"]), version=1, agree=agree, name=name)
    assert exc.value.field == field
    assert not ConsentEvent.objects.exists()


def test_a_signature_on_a_version_that_is_no_longer_current_is_refused(world):
    actions.publish(
        actor(world.m["admin"]), title="Our form", body="New words for our clinic. " * 4, expected_number=1
    )
    with pytest.raises(ActionError) as exc:
        actions.sign_own(actor(world.m["client"]), version=1, agree=True, name="Sam Client")
    assert exc.value.code == "conflict" and not ConsentEvent.objects.exists()
    assert sign_in_portal(world).document.number == 2


def test_only_a_client_signs_their_own_form(world):
    with pytest.raises(ActionError) as exc:
        actions.sign_own(actor(world.m["therapist"]), version=1, agree=True, name="Sam Client")
    assert exc.value.code == "forbidden" and not ConsentEvent.objects.exists()


def test_staff_record_a_paper_signature_for_a_client_whose_record_they_may_change(world):
    mine = world.clients["mine"]
    event = record_paper(world, mine, name="Maya Okafor")
    assert (event.how, event.recorded_by, event.signed_on) == (
        "paper",
        world.m["therapist"],
        timezone.localdate(),
    )
    assert AuditEvent.objects.filter(event_type="consent.paper_recorded", client_id=mine.pk).exists()
    for who, code in (
        ("supervisor", "forbidden"),
        ("therapist2", "not_found"),
        ("other_admin", "not_found"),
        ("client", "not_found"),
    ):
        with pytest.raises(ActionError) as exc:
            record_paper(world, mine, who=who)
        assert exc.value.code == code, who
    assert record_paper(world, mine, who="admin").recorded_by == world.m["admin"]


@pytest.mark.parametrize("days, words", [(-1, "future"), (400, "more than a year")])
def test_a_paper_signature_needs_a_plausible_date(world, days, words):
    with pytest.raises(ActionError, match=words) as exc:
        actions.record_paper(
            actor(world.m["therapist"]),
            world.clients["mine"].pk,
            version=1,
            name="Maya",
            signed_on=timezone.localdate() - timedelta(days=days),
        )
    assert exc.value.field == "signed_on" and not ConsentEvent.objects.exists()


def test_an_admin_publishes_a_new_version_and_every_earlier_version_stays_as_it_was(world):
    first = sign_in_portal(world).document
    saved = (first.title, first.body)
    second = actions.publish(
        actor(world.m["admin"]), title="Our own form", body="Our clinic's own words. " * 5, expected_number=1
    )
    assert second.number == 2 and second.source == "site" and second.published_by == world.m["admin"]
    first.refresh_from_db()
    assert (first.title, first.body) == saved
    status = records.status(world.clients["self"])
    assert status.state == "old_version" and not status.is_current
    assert records.current_document(world.org.pk) == second
    with pytest.raises(ActionError) as stale:  # written against version 1 while version 2 came out
        actions.publish(
            actor(world.m["admin"]), title="Again", body="Other words for the form. " * 5, expected_number=1
        )
    assert stale.value.code == "conflict"
    with pytest.raises(ActionError, match="same as the current"):
        actions.publish(actor(world.m["admin"]), title=second.title, body=second.body, expected_number=2)
    for who in ("therapist", "supervisor", "client"):
        with pytest.raises(ActionError):
            actions.publish(
                actor(world.m[who]),
                title="Mine",
                body="Words of my own for the form. " * 3,
                expected_number=2,
            )
    assert ConsentDocument.objects.filter(organisation=world.org).count() == 2
    assert not ConsentDocument.objects.filter(organisation=world.other_org).exists()


def test_a_withdrawal_is_stored_audited_and_tells_the_care_team_by_an_email_that_names_no_one(
    world, django_capture_on_commit_callbacks
):
    signed = sign_in_portal(world)
    mail.outbox.clear()
    with pytest.raises(ActionError, match="understand"):
        actions.withdraw_own(actor(world.m["client"]), confirm=False)
    with django_capture_on_commit_callbacks(execute=True):
        event = withdraw_in_portal(world, note="I need a break for now.")
    assert (event.kind, event.how, event.document, event.note) == (
        "withdrawn",
        "portal",
        signed.document,
        "I need a break for now.",
    )
    status = records.status(world.clients["self"])
    assert status.withdrawn and not status.is_current
    assert AuditEvent.objects.filter(
        event_type="consent.withdrawn", client_id=world.clients["self"].pk
    ).exists()
    assert [m.to for m in mail.outbox] == [[world.m["therapist"].user.email]]
    body = mail.outbox[0].subject + mail.outbox[0].body
    assert "Sam" not in body and "break" not in body and "/today/" in body
    assert AuditEvent.objects.filter(event_type="consent.team_told").exists()
    with pytest.raises(ActionError, match="no agreement to take back"):
        withdraw_in_portal(world)
    sign_in_portal(world)  # agreeing again restarts
    assert records.status(world.clients["self"]).is_current


def test_there_is_nothing_to_withdraw_before_a_signature(world):
    with pytest.raises(ActionError, match="no agreement to take back"):
        withdraw_in_portal(world)
    assert not ConsentEvent.objects.exists() and not mail.outbox


def test_what_a_client_writes_when_withdrawing_is_scanned_for_risk_and_raises_an_alert(world):
    sign_in_portal(world)
    note = "I don't see the point, I want to kill myself"
    event = withdraw_in_portal(world, note=note)  # screens the note first, as the page does
    alert = Alert.objects.get(client=world.clients["self"])
    assert alert.source == "consent.withdrawal"
    assert alert.rule_kind == "free_text"
    assert alert.text == note and event.note == note
    # the note is screened before the withdrawal is stored, so the alert names its source, not the row
    assert alert.source_type == ""
    assert alert.source_id == ""


def test_a_withdrawal_note_is_screened_on_its_own_and_withdrawing_does_not_scan_it_twice(world):
    sign_in_portal(world)
    client_actor = actor(world.m["client"])
    note = "I want to kill myself"
    [alert] = actions.screen_withdrawal_note(client_actor, note)
    assert (alert.client, alert.source) == (world.clients["self"], "consent.withdrawal")
    actions.withdraw_own(client_actor, confirm=True, note=note)
    assert Alert.objects.filter(client=world.clients["self"]).count() == 1
    assert actions.screen_withdrawal_note(client_actor, "   ") == []
    # only a client's own words: staff have no note to screen here
    assert actions.screen_withdrawal_note(actor(world.m["therapist"]), note) == []


def test_a_paper_form_dated_on_or_before_the_latest_withdrawal_is_refused(world):
    mine = world.clients["mine"]
    therapist = actor(world.m["therapist"])
    today = timezone.localdate()
    first = record_paper(world, mine)
    withdrawal = actions.record_withdrawal(therapist, mine.pk, note="Phoned to stop.")
    five_days_ago = timezone.now() - timedelta(days=5)  # signed ten days ago, took it back five days ago
    ConsentEvent.objects.filter(pk=first.pk).update(at=timezone.now() - timedelta(days=10))
    ConsentEvent.objects.filter(pk=withdrawal.pk).update(at=five_days_ago)
    withdrawn_on = timezone.localdate(five_days_ago)

    def paper(days_ago):
        return actions.record_paper(
            therapist,
            mine.pk,
            version=current_version(world),
            name="Maya Okafor",
            signed_on=today - timedelta(days=days_ago),
        )

    for days_ago in (20, 6, 5):  # before the withdrawal, and on its day
        with pytest.raises(ActionError) as exc:
            paper(days_ago)
        assert exc.value.field == "signed_on", days_ago
        assert exc.value.message == (
            f"The client took back their consent on {withdrawn_on.day} {withdrawn_on:%B %Y}; a form signed "
            "before that cannot count. Ask them to sign again."
        )
        assert records.status(mine).withdrawn
    assert ConsentEvent.objects.filter(client=mine, kind="signed").count() == 1
    event = paper(4)  # signed after the withdrawal: counts
    assert records.status(mine).is_current and records.status(mine).latest == event


def test_staff_record_a_withdrawal_the_client_told_them_about(world):
    mine = world.clients["mine"]
    record_paper(world, mine)
    with pytest.raises(ActionError) as exc:
        actions.record_withdrawal(actor(world.m["therapist"]), mine.pk, note="  ")
    assert exc.value.field == "note"
    with pytest.raises(ActionError):
        actions.record_withdrawal(actor(world.m["supervisor"]), mine.pk, note="Phoned to stop.")
    event = actions.record_withdrawal(actor(world.m["therapist"]), mine.pk, note="Phoned on Monday to stop.")
    assert (event.how, event.recorded_by) == ("told_staff", world.m["therapist"])
    assert records.status(mine).withdrawn


def test_only_an_admin_changes_the_setting_and_a_stale_form_is_refused(world):
    assert not records.required_before_start(world.org.pk)
    with pytest.raises(ActionError):
        actions.update_settings(actor(world.m["therapist"]), required_before_start=True, expected_version=1)
    require_consent(world)
    assert records.required_before_start(world.org.pk) and not records.required_before_start(
        world.other_org.pk
    )
    with pytest.raises(ActionError) as exc:
        actions.update_settings(actor(world.m["admin"]), required_before_start=False, expected_version=1)
    assert exc.value.code == "conflict" and records.required_before_start(world.org.pk)


def test_consent_is_seen_only_inside_the_organisation_and_the_care_team(world):
    sign_in_portal(world)
    record_paper(world, world.clients["mine"])
    assert access.visible_events(actor(world.m["client"])).count() == 1  # their own only
    assert access.visible_events(actor(world.m["therapist"])).count() == 2
    assert access.visible_events(actor(world.m["therapist2"])).count() == 0
    assert access.visible_events(actor(world.m["other_admin"])).count() == 0
    document = records.current_document(world.org.pk)
    assert access.get_document(actor(world.m["other_admin"]), document.pk) is None
    assert access.get_document(actor(world.m["client"]), document.pk) is None
    assert access.get_document(actor(world.m["therapist2"]), document.pk) == document
    assert current_version(world) == 1
