"""The audit log cannot be rewritten unnoticed by someone with database access but without the audit key
and the checkpoint store (HAZ-014)."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from openipt.audit import actions as audit
from openipt.audit import chain, checkpoints, keys
from openipt.audit.db import drop_triggers
from openipt.audit.models import AuditEvent, AuditHead
from openipt.cli import main
from tests.support.people import actor


def _attack(change):
    """Run `change` as an attacker with full database access (triggers dropped); verify; roll everything back."""
    with transaction.atomic():
        drop_triggers(connection)
        change()
        result = audit.verify()
        transaction.set_rollback(True)
    return result


def _relink(after_pk: int, link) -> None:
    """Recompute every link after event `after_pk` with `link(prev, event)`, and fix the head, as a forger would."""
    prev = AuditEvent.objects.get(pk=after_pk).hash if after_pk else chain.GENESIS
    last = after_pk
    for event in AuditEvent.objects.filter(pk__gt=after_pk).order_by("pk"):
        new_hash, key_id, digest = link(prev, event)
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=prev, hash=new_hash, key_id=key_id, details_digest=digest)
        prev, last = new_hash, event.pk
    AuditHead.objects.filter(pk=1).update(last_hash=prev, last_event_id=last)


def _unkeyed(prev, event):
    event.prev_hash = prev
    return chain.link(prev, event.hashed_fields()), None, None


def _wrong_key(prev, event):
    event.key_id = settings.TEST_AUDIT_KEY_ID
    event.details_digest = chain.details_digest(event.details)
    return chain.keyed_link(b"a key the attacker made up!!!!!!", prev, event.linked_fields()), event.key_id, event.details_digest


def test_each_event_is_linked_with_the_audit_key_and_names_it(world):
    event = AuditEvent.objects.order_by("-pk").first()
    assert event.key_id == settings.TEST_AUDIT_KEY_ID
    assert event.details_digest == chain.details_digest(event.details)
    assert event.hash == chain.keyed_link(settings.TEST_AUDIT_KEY, event.prev_hash, event.linked_fields())
    assert event.hash != chain.link(event.prev_hash, event.hashed_fields())


@pytest.mark.parametrize("forge", [_unkeyed, _wrong_key], ids=["unkeyed", "made-up-key"])
def test_deleting_events_and_recomputing_the_chain_without_the_key_is_detected(world, forge):
    rows = list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True))
    doomed = rows[5:8]

    def change():
        AuditEvent.objects.filter(pk__in=doomed).delete()
        _relink(rows[4], forge)

    result = _attack(change)
    assert not result.ok
    assert result.first_bad_id == rows[8]


def test_deleting_the_newest_events_and_fixing_the_head_is_caught_by_the_checkpoint(world):
    """The tester's attack: remove recent events, make the chain and its head agree again."""
    assert checkpoints.write().written
    newest = AuditEvent.objects.order_by("-pk").first()
    keep = AuditEvent.objects.filter(pk__lt=newest.pk - 3).order_by("-pk").first()

    def change():
        AuditEvent.objects.filter(pk__gt=keep.pk).delete()
        AuditHead.objects.filter(pk=1).update(last_hash=keep.hash, last_event_id=keep.pk)

    assert audit.verify_chain().ok  # the chain alone still looks whole: only the checkpoint knows better
    result = _attack(change)
    assert not result.ok
    assert result.reason.startswith("the newest events are missing: the checkpoint made at")
    assert f"names event {newest.pk}, but the log ends at event {keep.pk}" in result.reason


def test_rewriting_the_whole_log_without_the_key_disagrees_with_the_checkpoints(world):
    assert checkpoints.write().written
    audit.record("client.viewed", actor=actor(world.m["admin"]), client=world.clients["mine"])
    checkpointed = AuditEvent.objects.order_by("-pk")[1]

    def change():
        AuditEvent.objects.filter(pk=checkpointed.pk).update(details={"forged": True})
        _relink(0, _unkeyed)  # every event made unkeyed, so the chain alone checks out

    result = _attack(change)
    assert not result.ok
    # The keyring (outside the database) says where keyed events begin, so the rewrite is caught
    # before the checkpoints are even read.
    assert "rewritten without the key" in result.reason


def test_an_unkeyed_event_appended_after_keyed_ones_is_refused(world):
    """Someone who may only INSERT (the application's own role) cannot append an event without the key."""
    head = AuditHead.objects.get(pk=1)
    forged = AuditEvent(occurred_at=timezone.now(), event_type="client.viewed", actor_label="nobody",
                        details={}, prev_hash=head.last_hash)
    forged.hash = chain.link(head.last_hash, forged.hashed_fields())

    def change():
        forged.save(force_insert=True)
        AuditHead.objects.filter(pk=1).update(last_hash=forged.hash, last_event_id=forged.pk)

    result = _attack(change)
    assert not result.ok
    assert result.first_bad_id == forged.pk
    assert "without the audit key" in result.reason


def test_erased_details_are_told_apart_from_changed_details(world):
    """Erasing an event's clinical details (marker in, digest kept) leaves the chain whole; changing them does not."""
    client = world.clients["mine"]
    erased = audit.record("client.viewed", actor=actor(world.m["admin"]), client=client)
    audit.record(audit.RECORD_ERASED, actor=actor(world.m["admin"]), client=client)
    changed = AuditEvent.objects.order_by("pk")[3]
    marker = chain.erased_details("erasure request 2026-14", timezone.now())

    result = _attack(lambda: AuditEvent.objects.filter(pk=erased.pk).update(details=marker))
    assert result.ok, result.reason
    assert result.erased == 1

    result = _attack(lambda: AuditEvent.objects.filter(pk=changed.pk).update(details={"status": "forged"}))
    assert not result.ok
    assert result.first_bad_id == changed.pk
    assert "details were changed" in result.reason


def test_events_written_before_the_audit_key_still_verify_and_are_still_checked(db):
    """Events from before this change (no key id, unkeyed SHA-256 links) verify; a change to one is still seen."""
    prev = chain.GENESIS
    head, _ = AuditHead.objects.get_or_create(pk=1, defaults={"last_hash": chain.GENESIS})
    for n in range(3):
        old = AuditEvent(occurred_at=timezone.now(), event_type="client.viewed", actor_label=f"old {n}",
                         details={"n": n}, prev_hash=prev)
        old.hash = chain.link(prev, old.hashed_fields())
        old.save(force_insert=True)
        prev = old.hash
    AuditHead.objects.filter(pk=1).update(last_hash=prev, last_event_id=old.pk)
    audit.record("client.viewed", details={"after": "the key"})
    result = audit.verify()
    assert result.ok
    assert (result.checked, result.legacy, result.keys) == (4, 3, 1)

    tampered = _attack(lambda: AuditEvent.objects.filter(pk=old.pk).update(details={"n": 99}))
    assert not tampered.ok and tampered.first_bad_id == old.pk


def test_a_rotated_key_links_new_events_and_the_old_key_still_checks_old_ones(world, own_keyring, capsys):
    before = AuditEvent.objects.order_by("-pk").first()
    assert main(["audit", "rotate-key"]) == 0
    assert "is now current" in capsys.readouterr().out
    after = audit.record("client.viewed", actor=actor(world.m["admin"]), client=world.clients["mine"])
    ring = keys.load(create=False)
    assert after.key_id == ring.current != before.key_id
    assert set(ring.keys) == {before.key_id, after.key_id}
    assert main(["audit", "checkpoint"]) == 0
    assert main(["audit", "verify"]) == 0
    assert "checkpoints, 2 keys checked" in capsys.readouterr().out


def test_a_lost_keyring_is_reported_not_mistaken_for_an_intact_log(world, settings, tmp_path):
    settings.AUDIT_KEY_FILE = tmp_path / "nowhere" / "audit-keys"
    result = audit.verify()
    assert not result.ok
    assert "cannot be found" in result.reason and "restore the keyring" in result.reason


def test_the_checkpoint_command_signs_the_head_once_and_is_safe_to_repeat(world, settings, tmp_path, capsys):
    settings.AUDIT_CHECKPOINT_COPY_DIR = tmp_path / "worm"
    assert main(["audit", "checkpoint"]) == 0
    assert main(["audit", "checkpoint"]) == 0
    out = capsys.readouterr().out
    head = AuditHead.objects.get(pk=1)
    assert f"checkpoint written: event {head.last_event_id}" in out
    assert f"already checkpointed at event {head.last_event_id}" in out
    lines = checkpoints.checkpoint_file().read_text().splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    assert (line["event_id"], line["hash"], line["key_id"]) == (head.last_event_id, head.last_hash, settings.TEST_AUDIT_KEY_ID)
    copies = list((tmp_path / "worm").glob("checkpoint-*.json"))
    assert len(copies) == 1 and json.loads(copies[0].read_text()) == line


def test_a_checkpoint_edited_without_the_key_is_refused(world):
    checkpoints.write()
    path = checkpoints.checkpoint_file()
    line = json.loads(path.read_text())
    line["event_id"] -= 1  # point the checkpoint at an earlier event, to hide what came after
    path.write_text(json.dumps(line) + "\n")
    result = audit.verify()
    assert not result.ok
    assert "wrong signature" in result.reason


def test_verify_says_how_many_events_checkpoints_and_keys_it_checked(world, capsys):
    assert main(["audit", "checkpoint"]) == 0
    audit.record("client.viewed", actor=actor(world.m["admin"]), client=world.clients["mine"])
    assert main(["audit", "checkpoint"]) == 0
    capsys.readouterr()
    assert main(["audit", "verify"]) == 0
    events = AuditEvent.objects.count()
    assert f"audit chain intact: {events} events (0 from before the audit key, 0 with details erased), " \
           "2 checkpoints, 1 key checked" in capsys.readouterr().out


def test_no_checkpoint_is_signed_over_a_broken_chain(world):
    victim = AuditEvent.objects.order_by("pk")[2]
    with transaction.atomic():
        drop_triggers(connection)
        AuditEvent.objects.filter(pk=victim.pk).update(actor_label="someone else")
        result = checkpoints.write()
        transaction.set_rollback(True)
    assert not result.ok and not result.written
    assert f"broken at event {victim.pk}" in result.message
    assert not checkpoints.checkpoint_file().exists()


def test_the_escalation_runner_writes_a_checkpoint_each_round(world, capsys):
    assert main(["escalate"]) == 0
    out = capsys.readouterr().out
    assert "escalation steps carried out" in out and "checkpoint written" in out
    assert len(checkpoints.checkpoint_file().read_text().splitlines()) == 1


def test_a_log_rewritten_entirely_without_the_key_fails_even_with_no_checkpoint(world):
    """The forger makes every event look older than the key; the keyring, outside the database, says otherwise."""
    changed = audit.record("client.viewed", actor=actor(world.m["admin"]), client=world.clients["mine"])
    assert checkpoints.read_all() == []  # no checkpoint to fall back on

    def change():
        AuditEvent.objects.filter(pk=changed.pk).update(details={"forged": True})
        _relink(0, _unkeyed)

    result = _attack(change)
    assert not result.ok and result.first_bad_id == AuditEvent.objects.order_by("pk").first().pk
    assert "rewritten without the key" in result.reason


def test_details_with_the_erasure_marker_and_anything_else_are_tampering(world):
    event = audit.record("client.viewed", actor=actor(world.m["admin"]), client=world.clients["mine"])
    marker = chain.erased_details("erasure request", timezone.now())
    for forged in ({**marker, "status": "forged"}, {chain.ERASED_MARKER: {"reason": "x", "at": "y", "who": "z"}},
                   {chain.ERASED_MARKER: "gone"}):
        result = _attack(lambda forged=forged: AuditEvent.objects.filter(pk=event.pk).update(details=forged))
        assert not result.ok and result.first_bad_id == event.pk and result.erased == 0


def test_the_erasure_marker_on_an_event_about_no_client_is_tampering(world):
    """Sign-ins, settings and the erasure's own event have nothing to erase: the marker there hides a change."""
    event = audit.record("auth.login", actor=actor(world.m["admin"]))
    assert event.client_id is None
    marker = chain.erased_details("the client's record was erased", timezone.now())
    with pytest.raises(DatabaseError), transaction.atomic():  # the trigger refuses it
        AuditEvent.objects.filter(pk=event.pk).update(details=marker)
    result = _attack(lambda: AuditEvent.objects.filter(pk=event.pk).update(details=marker))
    assert not result.ok and result.first_bad_id == event.pk and result.erased == 0
    assert "about no client" in result.reason


def test_the_erasure_marker_without_a_later_record_erased_event_is_tampering(world):
    """The trigger lets the marker in on a client's event (the erasure's own step), but verify wants the erasure."""
    client = world.clients["mine"]
    admin = actor(world.m["admin"])
    early_erasure = audit.record(audit.RECORD_ERASED, actor=admin, client=client)
    event = audit.record("client.viewed", actor=admin, client=client)
    marker = chain.erased_details("the client's record was erased", timezone.now())
    with transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(details=marker)  # allowed by the trigger
        result = audit.verify()
        transaction.set_rollback(True)
    assert early_erasure.pk < event.pk  # an erasure BEFORE the event does not cover it
    assert not result.ok and result.first_bad_id == event.pk and "client.record_erased" in result.reason
