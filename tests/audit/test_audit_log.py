"""The audit log is append-only, hash-chained, and records every view and change of a client's record."""

import pytest
from django.db import DatabaseError, connection, transaction

from openipt.audit import actions as audit
from openipt.audit.db import drop_triggers
from openipt.audit.models import AuditEvent
from tests.support.people import actor


def test_a_fresh_chain_verifies(world):
    result = audit.verify_chain()
    assert result.ok
    assert result.checked == AuditEvent.objects.count() > 0


@pytest.mark.parametrize("sql", ["UPDATE audit_auditevent SET actor_label = 'someone else'", "DELETE FROM audit_auditevent"])
def test_the_database_refuses_to_change_or_delete_audit_events(world, sql):
    before = AuditEvent.objects.count()
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.count() == before


def test_tampering_is_detected_at_the_changed_event(world):
    victim = AuditEvent.objects.order_by("pk")[3]
    with transaction.atomic():
        drop_triggers(connection)  # an attacker with database access
        AuditEvent.objects.filter(pk=victim.pk).update(details={"forged": True})
        result = audit.verify_chain()
        transaction.set_rollback(True)
    assert not result.ok
    assert result.first_bad_id == victim.pk
    assert result.checked == 3


def test_removing_the_newest_events_is_detected(world):
    newest = AuditEvent.objects.order_by("-pk").first()
    with transaction.atomic():
        drop_triggers(connection)
        AuditEvent.objects.filter(pk=newest.pk).delete()
        result = audit.verify_chain()
        transaction.set_rollback(True)
    assert not result.ok
    assert "newest" in result.reason


def test_unregistered_event_types_are_refused(world):
    with pytest.raises(KeyError, match="unregistered"):
        audit.record("made.up", actor=actor(world.m["admin"]))


def test_a_change_and_its_audit_event_are_stored_together_or_not_at_all(world):
    from openipt.clients import actions

    before_events = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.set_status(actor(world.m["therapist"]), world.clients["mine"].pk, "discharged")
        raise RuntimeError("the request failed after the change")
    world.clients["mine"].refresh_from_db()
    assert world.clients["mine"].status == "active"
    assert AuditEvent.objects.count() == before_events


def test_viewing_a_record_is_audited_with_who_what_which_and_where(world, as_member):
    browser = as_member(world.m["therapist"])
    target = world.clients["mine"]
    browser.get(f"/clients/{target.pk}/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="TestBrowser/1.0")
    event = AuditEvent.objects.filter(event_type="client.viewed").order_by("-pk").first()
    assert event.client_id == target.pk
    assert event.client_label == target.record_number
    assert event.actor_user_id == world.m["therapist"].user_id
    assert event.actor_role == "therapist"
    assert event.ip == "10.1.2.3"
    assert event.user_agent == "TestBrowser/1.0"
    assert event.organisation_id == world.org.pk
    assert audit.verify_chain().ok


def test_admins_browse_and_filter_the_log_of_their_own_organisation_only(world, as_member):
    browser = as_member(world.m["admin"])
    target = world.clients["mine"]
    page = browser.get("/audit/", {"record": target.record_number})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Client record created" in text
    assert world.clients["other"].record_number not in text
    other = as_member(world.m["other_admin"]).get("/audit/", {"record": target.record_number})
    assert "No events match." in other.content.decode()


def _table(page) -> str:
    text = page.content.decode()
    return text[text.index("<table"):text.index("</table>")]


def test_the_what_column_reads_as_words_with_the_details_as_names_and_values(world, as_member):
    from openipt.measures.settings_actions import REPORT_MADE

    target = world.clients["mine"]
    admin = actor(world.m["admin"])
    audit.record(REPORT_MADE.code, actor=admin, client=target, details={"version": "staff", "per_item": True, "note": None})
    table = _table(as_member(world.m["admin"]).get("/audit/", {"record": target.record_number}))
    assert "End-of-treatment report made" in table and "Version: staff; Per item: yes" in table
    assert "measures.report_made" not in table and "{" not in table and "None" not in table


def test_the_event_filter_is_grouped_by_area_and_a_name_search_works_without_javascript(world, as_member):
    browser = as_member(world.m["admin"])
    target = world.clients["mine"]
    page = browser.get("/audit/").content.decode()
    assert '<optgroup label="Questionnaires">' in page and '<optgroup label="Safety">' in page
    found = _table(browser.get("/audit/", {"event_search": "Created", "record": target.record_number}))
    assert "Client record created" in found
    nothing = _table(browser.get("/audit/", {"event_search": "no such event", "record": target.record_number}))
    assert "No events match." in nothing


def test_the_audit_filter_explains_a_reversed_date_range(world, as_member):
    page = as_member(world.m["admin"]).get("/audit/", {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert page.status_code == 200
    assert "The end date is before the start date." in page.content.decode()


def test_audit_verify_command_reports_an_intact_chain(world, capsys):
    from openipt.cli import cmd_audit

    assert cmd_audit(None) == 0
    assert "audit chain intact" in capsys.readouterr().out


def test_events_recorded_together_are_stored_at_the_end_in_order_and_the_chain_verifies(world):
    """A batch's alerts record their events inside `appended_together`: one append at the end, same chain."""
    client = world.clients["mine"]
    who = actor(world.m["therapist"])
    before = AuditEvent.objects.count()
    with transaction.atomic():
        with audit.appended_together():
            first = audit.record("client.viewed", actor=who, client=client, obj=client)
            with audit.appended_together():  # a block inside another joins it
                audit.record("client.viewed", actor=who, client=client, obj=client, details={"n": 2})
            many = audit.record_many([audit.Pending("client.viewed", actor=who, client=client, details={"n": n})
                                      for n in (3, 4)])
            assert first.pk is None and all(e.pk is None for e in many)  # not stored until the block ends
            assert AuditEvent.objects.count() == before
        assert AuditEvent.objects.count() == before + 4
    stored = list(AuditEvent.objects.order_by("pk")[before:])
    assert [e.details.get("n") for e in stored] == [None, 2, 3, 4]
    assert all(b.prev_hash == a.hash for a, b in zip(stored, stored[1:], strict=False))
    assert first.pk == stored[0].pk
    assert audit.verify_chain().ok


def test_events_recorded_together_are_not_appended_when_the_block_fails(world):
    client = world.clients["mine"]
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), audit.appended_together():
        audit.record("client.viewed", actor=actor(world.m["therapist"]), client=client, obj=client)
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before
    audit.record("client.viewed", actor=actor(world.m["therapist"]), client=client, obj=client)
    assert audit.verify_chain().ok
