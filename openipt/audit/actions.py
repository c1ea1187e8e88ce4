"""Append events to the audit log and check the chain.

`record` is called inside the transaction of the change it describes, so a
change and its audit event are stored together or not at all. Each event is
linked to the one before with an HMAC under the current audit key (see
openipt.audit.keys); `verify` checks the links with the keyring and checks the
signed checkpoints kept outside the database (see openipt.audit.checkpoints).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from openipt.audit import chain, keys, registry
from openipt.audit.models import AuditEvent, AuditHead
from openipt.core import bulk

if TYPE_CHECKING:
    from django.db.models import Model

    from openipt.accounts.actor import Actor
    from openipt.clients.models import Client


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def _event(
    event_type: str,
    *,
    actor: Actor | None = None,
    organisation_id: int | None = None,
    client: Client | None = None,
    obj: Model | None = None,
    details: dict[str, Any] | None = None,
    system_label: str = "system",
) -> AuditEvent:
    """Build one event, not yet linked or saved."""
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
    event.details_digest = chain.details_digest(event.details)
    return event


def record(
    event_type: str,
    *,
    actor: Actor | None = None,
    organisation_id: int | None = None,
    client: Client | None = None,
    obj: Model | None = None,
    details: dict[str, Any] | None = None,
    system_label: str = "system",
) -> AuditEvent:
    """Append one event to the chain; `actor` is an Actor or None for the system."""
    event = _event(event_type, actor=actor, organisation_id=organisation_id, client=client, obj=obj, details=details,
                   system_label=system_label)
    held = _HELD.get()
    if held is not None:  # linked and stored with the rest of the block's events (`appended_together`)
        held.append(event)
        return event
    return _append([event])[0]


_HELD: ContextVar[list[AuditEvent] | None] = ContextVar("openipt_audit_held", default=None)


@contextmanager
def appended_together() -> Iterator[None]:
    """Append every event recorded inside the block to the chain at once, when the block ends (issue 15).

    For a batch of questionnaires, whose alerts, escalations and pauses each record an event: instead of
    locking the chain's head, inserting and moving the head once an event, the events are kept in the order
    they were recorded and linked and inserted together (`_append`, as `record_many` does) when the block
    ends, so the chain is exactly what recording them one by one would make, in the same order. `record`
    returns the event unsaved (no id yet) inside the block. Use it inside the caller's transaction, with
    nothing inside that catches an error and goes on after recording an event (a savepoint rolled back
    would not take its event with it); when the block ends with an error nothing is appended, and the
    caller's transaction is undone. A block inside another one joins it.
    """
    if _HELD.get() is not None:
        yield
        return
    held: list[AuditEvent] = []
    token = _HELD.set(held)
    try:
        yield
    finally:
        _HELD.reset(token)
    if held:
        _append(held)


@dataclass(frozen=True)
class Pending:
    """One event for `record_many`: the same arguments `record` takes."""

    event_type: str
    actor: Actor | None = None
    organisation_id: int | None = None
    client: Client | None = None
    obj: Model | None = None
    details: dict[str, Any] | None = None
    system_label: str = "system"


def record_many(pending: list[Pending]) -> list[AuditEvent]:
    """Append many events to the chain at once, in the order given (a batch of questionnaires, issue 15).

    The same events `record` would store one by one, linked in the same way: the head is locked once,
    each event is linked to the one before it in the list, all are inserted in one statement in that
    order (so their ids ascend with their links, as `walk` reads them), and the head moves to the last.
    """
    events = [_event(p.event_type, actor=p.actor, organisation_id=p.organisation_id, client=p.client, obj=p.obj,
                     details=p.details, system_label=p.system_label) for p in pending]
    held = _HELD.get()
    if held is not None:  # inside `appended_together`: linked and stored when its block ends
        held.extend(events)
        return events
    return _append(events) if events else []


def _append(events: list[AuditEvent]) -> list[AuditEvent]:
    """Link `events` after the head, in order, and store them (one insert for one event, `bulk.insert_many` for more)."""
    ring = keys.load()
    key_id, key = ring.current, ring.keys[ring.current]
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditHead.objects.create(pk=1, last_hash=chain.GENESIS, last_event_id=0)
        if ring.legacy_upto is None:  # the first keyed event: events up to here were linked without a key
            keys.mark_legacy_upto(head.last_event_id)
        previous = head.last_hash
        for event in events:
            event.key_id = key_id
            event.prev_hash = previous
            event.hash = chain.keyed_link(key, previous, event.linked_fields())
            previous = event.hash
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            bulk.insert_many(events)
            if any(e.pk is None for e in events) or [e.pk for e in events] != sorted(e.pk for e in events):
                raise RuntimeError("the database did not give the audit events ascending ids in order")
        AuditHead.objects.filter(pk=1).update(last_hash=events[-1].hash, last_event_id=events[-1].pk)
    return events


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of checking the chain (and, from `verify`, the checkpoints)."""

    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str = ""
    legacy: int = 0
    erased: int = 0
    checkpoints: int = 0
    keys: int = 0
    last_id: int = 0
    last_hash: str = chain.GENESIS
    notes: tuple[str, ...] = ()
    key_ids: frozenset[str] = frozenset()


def last_organisation_chosen(user_id: int) -> int | None:
    """Return the organisation a person last chose to work in (the chooser pre-selects it), or None."""
    return (AuditEvent.objects.filter(event_type=registry.ORG_SWITCHED.code, actor_user_id=user_id)
            .order_by("-pk").values_list("organisation_id", flat=True).first())


def _events_in_order(after: int = 0, upto: int | None = None, batch: int = 2000) -> Iterator[AuditEvent]:
    last = after
    while True:
        rows = AuditEvent.objects.filter(pk__gt=last).order_by("pk")
        if upto is not None:
            rows = rows.filter(pk__lte=upto)
        page = list(rows[:batch])
        if not page:
            return
        yield from page
        last = page[-1].pk


def _keyring() -> tuple[keys.Keyring | None, str]:
    """The keyring for checking, without making one; and a note when there is none."""
    if not keys.exists():
        return None, f"there is no audit keyring at {keys.keyring_path()}"
    return keys.load(create=False), ""


# The event the clients app records when it erases a record (`openipt.clients.record_actions`); the audit app
# sits below clients and only knows the name. An erased event counts as erased only with one of these, about the
# same client and linked after it (itself keyed and linked, so it cannot be forged without the audit key).
RECORD_ERASED = "client.record_erased"


def _erasure_recorded_after(event: AuditEvent, erasures: dict[int, int]) -> bool:
    """Whether a `client.record_erased` event about the event's client was recorded after it."""
    if not erasures:
        erasures[0] = 0  # read once per walk
        for client_id, pk in (AuditEvent.objects.filter(event_type=RECORD_ERASED, client_id__isnull=False)
                              .values_list("client_id", "pk")):
            if client_id is not None:
                erasures[client_id] = max(erasures.get(client_id, 0), pk)
    return event.client_id is not None and erasures.get(event.client_id, 0) > event.pk


def walk(after: int = 0, expected_prev: str = chain.GENESIS, upto: int | None = None,
         ring: keys.Keyring | None = None, ring_note: str = "", keyed_seen: bool = False) -> VerifyResult:
    """Check the links of the events after event `after` (whose link is `expected_prev`), in order."""
    checked = legacy = erased = 0
    last_id = after
    used: set[str] = set()
    erasures: dict[int, int] = {}  # client id -> the last event recording that client's erasure (read when needed)
    for event in _events_in_order(after, upto):
        bad = None
        if event.prev_hash != expected_prev:
            bad = "links to a previous event that is not the one before it"
        elif event.key_id is None:
            if keyed_seen:
                bad = "is linked without the audit key although events before it were keyed"
            elif ring is not None and ring.legacy_upto is not None and event.pk > ring.legacy_upto:
                bad = (f"is linked without the audit key, but the keyring says every event after "
                       f"{ring.legacy_upto} was keyed (the log was rewritten without the key)")
            elif not chain.same(chain.link(event.prev_hash, event.hashed_fields()), event.hash):
                bad = "its content no longer matches its hash"
            else:
                legacy += 1
        else:
            keyed_seen = True
            key = ring.key(event.key_id) if ring is not None else None
            if key is None:
                missing = ring_note or "it is not in the audit keyring"
                bad = f"it was linked with audit key {event.key_id!r}, which cannot be found ({missing}); restore the keyring from its backup"
            elif not chain.same(chain.keyed_link(key, event.prev_hash, event.linked_fields()), event.hash):
                bad = "its content no longer matches its link (it was changed, or linked with another key)"
            elif chain.details_digest(event.details) != event.details_digest:
                if not chain.is_erased(event.details):
                    bad = "its details were changed (they no longer match their digest)"
                elif event.client_id is None:
                    bad = "its details were replaced by the erasure marker, but it is about no client (only a client's record is erased)"
                elif not _erasure_recorded_after(event, erasures):
                    bad = (f"its details were replaced by the erasure marker, but no later {RECORD_ERASED!r} event "
                           f"records an erasure of client {event.client_id}")
                else:
                    erased += 1
            used.add(event.key_id)
        if bad:
            return VerifyResult(False, checked, event.pk, bad, legacy=legacy, erased=erased, keys=len(used),
                                last_id=last_id, last_hash=expected_prev, key_ids=frozenset(used))
        expected_prev = event.hash
        last_id = event.pk
        checked += 1
    return VerifyResult(True, checked, legacy=legacy, erased=erased, keys=len(used), last_id=last_id,
                        last_hash=expected_prev, key_ids=frozenset(used))


def verify_chain() -> VerifyResult:
    """Recheck every link in order and report the first event that does not fit, and a head that does not match."""
    ring, note = _keyring()
    result = walk(ring=ring, ring_note=note)
    if not result.ok:
        return result
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != result.last_hash or head.last_event_id != result.last_id):
        return replace(result, ok=False, reason="the newest events are missing (chain head does not match)")
    return result


def verify() -> VerifyResult:
    """Check the chain with the keyring, then every checkpoint outside the database against it."""
    from openipt.audit import checkpoints

    result = verify_chain()
    if not result.ok:
        return result
    ring, _note = _keyring()
    outcome = checkpoints.check_all(ring, result.last_id)
    used = result.key_ids | outcome.key_ids
    result = replace(result, checkpoints=outcome.checked, keys=len(used), key_ids=used, notes=outcome.notes)
    if outcome.problem:
        return replace(result, ok=False, first_bad_id=outcome.bad_event_id, reason=outcome.problem)
    return result


def erase_client_details(client_id: int, reason: str, when: Any) -> int:
    """Replace the details of every event about a client by the erasure marker; return how many.

    The events stay, with their links and the digest of what their details were, so the chain still verifies
    (`walk` counts them as erased). The database triggers let exactly this change through (openipt/audit/db.py).
    Events from before the audit key (no key id) link their details directly, so theirs are left as they are.
    """
    marker = chain.erased_details(reason, when)
    events = (AuditEvent.objects.filter(client_id=client_id, key_id__isnull=False)
              .exclude(details__has_key=chain.ERASED_MARKER))
    return events.update(details=marker)
