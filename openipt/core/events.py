"""Events a lower app announces and a higher app may record: the registry behind webhooks' outbox.

An app's action calls `emit(...)` inside its own transaction when something an integrator may
want to hear about happens (an alert raised or escalated, a questionnaire completed, a course
ended). Listeners are registered by higher apps from their `AppConfig.ready()` (the API records a
webhook delivery for each subscription); a listener runs in the caller's transaction, so what it
stores is kept or undone with the action itself. With no listener, `emit` does nothing.

A listener can never undo or stop the action that emitted: each runs in a savepoint of its own, and
an error in it is logged, counted (`FAILURES`, shown by /metrics) and swallowed. The alert is raised,
escalated and shown whatever happens to a webhook's record of it (hazard log, HAZ-028).

A payload carries ids, codes, scores and times only: never clinical free text (notes, the words of
an answer or a message).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    ALERT_RAISED = "alert.raised"
    ALERT_ESCALATED = "alert.escalated"
    QUESTIONNAIRE_COMPLETED = "questionnaire.completed"
    COURSE_ENDED = "course.ended"
    # Who may see a client is about to change (an assignment made or removed, a supervisor link or a role changed,
    # clients or staff placed in a site): not a webhook event. Emitted just BEFORE the change is written, in its
    # transaction, so the API's changes feed can note who saw the client until then; it records the change so a
    # personal token's copy gains or drops the client's records.
    ACCESS_CHANGED = "access.changed"


Listener = Callable[[EventType, int, datetime, Mapping[str, Any]], None]

ManyListener = Callable[[EventType, int, Sequence[tuple[datetime, Mapping[str, Any]]]], None]

LISTENERS: list[Listener] = []
MANY: dict[Listener, ManyListener] = {}  # a listener's way of storing many events at once (emit_many)
FAILURES = {"count": 0}  # listener errors since the process started
log = logging.getLogger(__name__)


def add_listener(listener: Listener, *, many: ManyListener | None = None) -> None:
    """Register a listener once; it is called as listener(event_type, organisation_id, occurred_at, data).

    `many`, if given, is called by `emit_many` as many(event_type, organisation_id, [(occurred_at, data), ...])
    and must store exactly what calling the listener once per event would.
    """
    if listener not in LISTENERS:
        LISTENERS.append(listener)
    if many is not None:
        MANY[listener] = many


def emit(event_type: EventType, *, organisation_id: int, occurred_at: datetime, data: Mapping[str, Any]) -> None:
    """Tell every listener that something happened, in the caller's transaction; a listener's error stays its own."""
    from django.db import transaction

    for listener in LISTENERS:
        try:
            with transaction.atomic():
                listener(event_type, organisation_id, occurred_at, data)
        except Exception:  # noqa: BLE001 - the action that emitted (a risk alert) must go on whatever a listener does
            FAILURES["count"] += 1
            log.exception("a listener of %s failed; the action went on without it", event_type.value)


def emit_many(event_type: EventType, *, organisation_id: int, items: Sequence[tuple[datetime, Mapping[str, Any]]]) -> None:
    """`emit` for many events of one type at once (a batch of questionnaires): one savepoint per listener."""
    from django.db import transaction

    if not items:
        return
    for listener in LISTENERS:
        try:
            with transaction.atomic():
                many = MANY.get(listener)
                if many is not None:
                    many(event_type, organisation_id, items)
                else:
                    for occurred_at, data in items:
                        listener(event_type, organisation_id, occurred_at, data)
        except Exception:  # noqa: BLE001 - as in emit: the action goes on whatever a listener does
            FAILURES["count"] += 1
            log.exception("a listener of %s failed; the action went on without it", event_type.value)
