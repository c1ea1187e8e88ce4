"""Append events to the audit log and check the chain.

`record` is called inside the transaction of the change it describes, so a
change and its audit event are stored together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from openipt.audit import chain, registry
from openipt.audit.models import AuditEvent, AuditHead


def _json_safe(value):
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def record(
    event_type: str,
    *,
    actor=None,
    organisation_id: int | None = None,
    client=None,
    obj=None,
    details: dict | None = None,
    system_label: str = "system",
) -> AuditEvent:
    """Append one event to the chain; `actor` is an Actor or None for the system."""
    registry.get(event_type)
    membership = getattr(actor, "membership", None)
    origin = getattr(actor, "origin", None)
    if organisation_id is None:
        if membership is not None:
            organisation_id = membership.organisation_id
        elif client is not None:
            organisation_id = client.organisation_id
    event = AuditEvent(
        occurred_at=timezone.now(),
        event_type=event_type,
        organisation_id=organisation_id,
        actor_user_id=membership.user_id if membership else None,
        actor_label=(str(membership.user) if membership else system_label)[:200],
        actor_role=membership.role if membership else "",
        client_id=client.pk if client is not None else None,
        client_label=(client.record_number if client is not None else "")[:60],
        object_type=(obj._meta.label_lower if obj is not None else "")[:60],
        object_id=str(obj.pk) if obj is not None else "",
        ip=origin.ip if origin else None,
        user_agent=origin.user_agent if origin else "",
        details=_json_safe(details or {}),
    )
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditHead.objects.create(pk=1, last_hash=chain.GENESIS, last_event_id=0)
        event.prev_hash = head.last_hash
        event.hash = chain.link(head.last_hash, event.hashed_fields())
        event.save(force_insert=True)
        AuditHead.objects.filter(pk=1).update(last_hash=event.hash, last_event_id=event.pk)
    return event


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of checking the chain."""

    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str = ""


def _events_in_order(batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(pk__gt=last).order_by("pk")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].pk


def verify_chain() -> VerifyResult:
    """Recompute every hash in order and report the first event that does not fit."""
    expected_prev = chain.GENESIS
    checked = 0
    last_id = 0
    for event in _events_in_order():
        if event.prev_hash != expected_prev:
            return VerifyResult(False, checked, event.pk, "links to a previous event that is not the one before it")
        if chain.link(event.prev_hash, event.hashed_fields()) != event.hash:
            return VerifyResult(False, checked, event.pk, "its content no longer matches its hash")
        expected_prev = event.hash
        last_id = event.pk
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != expected_prev or head.last_event_id != last_id):
        return VerifyResult(False, checked, None, "the newest events are missing (chain head does not match)")
    return VerifyResult(True, checked)
