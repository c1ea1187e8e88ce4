"""Escalation and notification: who is told about an alert, when, and whether the message got through.

Each alert carries its escalation schedule ([[minutes after raising, who is told], ...]), copied
from its policy when it was raised. `carry_out_due_steps` does every step whose time has come and
that has not been done yet, so running it twice does nothing the second time and running it after
a stoppage catches up on every step that fell due meanwhile (each recorded with how late it was).

Telling someone means a Delivery row (an e-mail) created in the same transaction as the step;
sending happens afterwards, outside any transaction, so a slow or broken mail server never holds
up or undoes an alert. A failed send is recorded on the alert and retried with growing pauses;
after the last try it is marked failed, which staff see on the alert. The banner and the alert
list (the "in the interface" notification) never depend on e-mail.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from openipt.audit import actions as audit
from openipt.core import events
from openipt.safety import actions as safety_actions
from openipt.safety.models import (
    UNACKNOWLEDGED,
    Alert,
    AlertEvent,
    AlertStatus,
    Delivery,
    DeliveryStatus,
)
from openipt.safety.recipients import recipients

log = logging.getLogger("openipt.safety")

RETRY_MINUTES = (1, 5, 15, 60, 240)  # pause before the 2nd, 3rd, ... try
MAX_ATTEMPTS = len(RETRY_MINUTES) + 1
BATCH = 200
RUN_LOCK_KEY = 6_140_006  # the PostgreSQL advisory lock that lets one runner at a time do the scheduled job


def _due_at(alert: Alert, index: int):
    return alert.raised_at + timedelta(minutes=int(alert.schedule[index][0]))


def _next_escalation(alert: Alert, level: int):
    return _due_at(alert, level) if level < len(alert.schedule) else None


def _tell(alert: Alert, step: int, target: str, now) -> list[Delivery]:
    """Make a delivery (an e-mail to send) for each person this step tells who has none for this alert yet.

    While a batch's alerts are raised together, an alert raised in the batch has only the deliveries made
    in it (known without a query), each client's staff is read once, and the deliveries are stored with the
    batch's when its block ends (`safety_actions.raising_together`).
    """
    together = safety_actions.raised_together(alert.organisation_id)
    known = together.told.get(alert.pk) if together is not None else None
    already = known if known is not None else set(
        Delivery.objects.filter(alert=alert, channel="email").values_list("recipient_id", flat=True))
    staff = (safety_actions.assigned_staff(alert.client_id, alert.organisation_id)
             if together is not None and target != "safeguarding_lead" else None)  # else recipients reads them
    made = []
    for person in recipients(alert.client, target, staff=staff):
        if person.pk in already:
            continue
        address = (person.user.email or "").strip()
        delivery = Delivery(
            alert=alert, recipient=person, channel="email", step=step, target=target, address=address,
            created_at=now, next_attempt_at=now,
        )
        if together is not None and known is not None:
            known.add(person.pk)
            together.deliveries.append(delivery)
        else:
            delivery.save(force_insert=True)
        made.append(delivery)
    return made


def carry_out_due_steps(alert: Alert, now) -> int:
    """Carry out every escalation step of an unacknowledged alert that is due and not yet done; return how many.

    Runs inside the caller's transaction (raising) or its own (escalating), with the alert row locked.
    """
    level = alert.level
    done = 0
    while level < len(alert.schedule) and _due_at(alert, level) <= now:
        minutes, target = alert.schedule[level]
        due = _due_at(alert, level)
        late = int((now - due).total_seconds() // 60)
        deliveries = _tell(alert, level, target, now)
        if minutes > 0:
            safety_actions.add_event(
                alert, at=now, kind="escalated",
                text=safety_actions.ESCALATED_TEXT.get(target, target),
                details={"step": level + 1, "target": target, "due": due.isoformat(), "minutes_late": late,
                         "told": [str(d.recipient.user) for d in deliveries]},
            )
            audit.record(safety_actions.ALERT_ESCALATED.code, client=alert.client, obj=alert, system_label="openipt escalate",
                         details={"step": level + 1, "target": target, "minutes_late": late})
            safety_actions.emit(events.EventType.ALERT_ESCALATED, alert.organisation_id, now,
                                {**safety_actions.alert_event_data(alert), "status": AlertStatus.ESCALATED,
                                 "level": level + 1, "step": level + 1, "told": target})
        else:
            safety_actions.add_event(alert, at=now, kind="notified", text="",
                                     details={"target": target, "told": [str(d.recipient.user) for d in deliveries]})
        level += 1
        done += 1
    if done:
        # Steps "at once" (the assigned staff, and the safeguarding lead of the safeguarding policy)
        # are not an escalation; a step after some minutes without acknowledgement is.
        status = AlertStatus.ESCALATED if alert.schedule[level - 1][0] > 0 else alert.status
        Alert.objects.filter(pk=alert.pk).update(level=level, status=status, next_escalation_at=_next_escalation(alert, level),
                                                 version=F("version") + 1)
        alert.level, alert.status, alert.next_escalation_at = level, status, _next_escalation(alert, level)
    elif alert.next_escalation_at is None and level < len(alert.schedule):
        Alert.objects.filter(pk=alert.pk).update(next_escalation_at=_next_escalation(alert, level))
        alert.next_escalation_at = _next_escalation(alert, level)
    return done


def escalate_due(now=None) -> int:
    """Escalate every unacknowledged alert whose next step is due; return the number of steps carried out."""
    now = now or timezone.now()
    total = 0
    while True:
        ids = list(
            Alert.objects.filter(status__in=UNACKNOWLEDGED, next_escalation_at__lte=now)
            .order_by("next_escalation_at", "pk").values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return total
        progressed = 0
        for pk in ids:
            with transaction.atomic():
                alert = Alert.objects.select_for_update().select_related("client").filter(
                    pk=pk, status__in=UNACKNOWLEDGED, next_escalation_at__lte=now).first()
                if alert is None:
                    continue
                steps = carry_out_due_steps(alert, now)
                progressed += steps
                total += steps
        if progressed == 0:
            return total


# -- sending ----------------------------------------------------------------------------------------

def _message(delivery: Delivery) -> tuple[str, str]:
    alert = delivery.alert
    link = f"{settings.SITE_URL}/safety/alerts/{alert.pk}/"
    severity = alert.get_severity_display().lower()
    if delivery.target == "safeguarding_lead":
        subject = f"OpenIPT: {severity} risk alert for client {alert.client.record_number} (safeguarding lead)"
        lead = "A risk alert was raised that may concern a child's safety. You are told as your organisation's safeguarding lead."
    elif delivery.step == 0:
        subject = f"OpenIPT: {severity} risk alert for client {alert.client.record_number}"
        lead = "A risk alert was raised for a client you look after."
    else:
        subject = f"OpenIPT: risk alert for client {alert.client.record_number} not yet acknowledged"
        lead = "A risk alert has not been acknowledged in time and has been passed to you."
    body = (
        f"{lead}\n\nClient record: {alert.client.record_number}\nSeverity: {severity}\n"
        f"Raised: {timezone.localtime(alert.raised_at):%d %b %Y %H:%M}\n\n"
        f"Open the alert to see the evidence and act on it:\n{link}\n\n"
        "This message holds no clinical details on purpose. Sign in to OpenIPT to read them.\n"
    )
    return subject, body


def attempt_delivery(delivery_id: int, now=None) -> str:
    """Try to send one pending delivery; return its status afterwards. Never raises for a mail failure."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update().select_related("alert__client", "recipient__user")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING).first()
        )
        if delivery is None:
            return "skipped"
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return DeliveryStatus.PENDING
        if delivery.alert.status not in UNACKNOWLEDGED:
            # Someone acknowledged or resolved the alert before this message went out: it is no longer needed.
            Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SKIPPED, next_attempt_at=None)
            return DeliveryStatus.SKIPPED
        attempt = delivery.attempts + 1
        pause = RETRY_MINUTES[min(attempt - 1, len(RETRY_MINUTES) - 1)]
        # Claim the try before sending, so a second runner does not send it at the same moment.
        Delivery.objects.filter(pk=delivery.pk).update(attempts=attempt, next_attempt_at=now + timedelta(minutes=pause))
    error = ""
    if not delivery.address:
        error = "No e-mail address is recorded for this person."
    else:
        subject, body = _message(delivery)
        try:
            sent = send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [delivery.address], fail_silently=False)
            if not sent:
                error = "The mail server accepted nothing."
        except Exception as exc:  # noqa: BLE001 - any mail failure is recorded, never raised
            error = f"{type(exc).__name__}: {exc}"[:300]
    return _record_attempt(delivery, attempt, error, now)


def _record_attempt(delivery: Delivery, attempt: int, error: str, now) -> str:
    alert = delivery.alert
    with transaction.atomic():
        if not error:
            Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT, sent_at=now, next_attempt_at=None, last_error="")
            audit.record(safety_actions.NOTIFICATION_SENT.code, client=alert.client, obj=alert, system_label="openipt notify",
                         details={"to": str(delivery.recipient.user), "step": delivery.step + 1, "attempt": attempt})
            return DeliveryStatus.SENT
        final = attempt >= MAX_ATTEMPTS or not delivery.address
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED if final else DeliveryStatus.PENDING, last_error=error,
            next_attempt_at=None if final else F("next_attempt_at"),
        )
        AlertEvent.objects.create(
            alert=alert, at=now, kind="delivery_failed" if final else "delivery_retry",
            text=error, details={"to": str(delivery.recipient.user), "attempt": attempt, "final": final},
        )
        audit.record(safety_actions.NOTIFICATION_FAILED.code, client=alert.client, obj=alert, system_label="openipt notify",
                     details={"to": str(delivery.recipient.user), "attempt": attempt, "final": final, "error": error[:200]})
    log.warning("risk alert %s: e-mail to %s failed (try %s): %s", alert.pk, delivery.recipient_id, attempt, error)
    return DeliveryStatus.FAILED if final else DeliveryStatus.PENDING


def send_due_deliveries(now=None) -> dict[str, int]:
    """Try every pending delivery whose time has come; return counts by outcome."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    last = 0
    while True:
        ids = list(
            Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now, pk__gt=last)
            .order_by("pk").values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return counts
        for pk in ids:
            outcome = attempt_delivery(pk, now)
            counts[outcome] = counts.get(outcome, 0) + 1
        last = ids[-1]


@contextmanager
def _one_runner() -> Iterator[bool]:
    """Yield True when this runner holds the scheduled job's lock, False when another server is doing the job.

    PostgreSQL: a session advisory lock, taken without waiting and always released. SQLite: every
    step and every claim of an e-mail is its own IMMEDIATE transaction (settings), which lets one
    writer in at a time, so two runners take turns and the second finds nothing left to do.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [RUN_LOCK_KEY])
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [RUN_LOCK_KEY])


def run_due(now=None) -> dict[str, int]:
    """Escalate what is due, then send what is waiting: the whole scheduled job, safe to run twice.

    Returns {"busy": 1} without doing anything while another runner (another server) holds the lock.
    """
    now = now or timezone.now()
    with _one_runner() as held:
        if not held:
            return {"steps": 0, "busy": 1}
        steps = escalate_due(now)
        counts = send_due_deliveries(now)
    return {"steps": steps, **counts}


def after_commit(alert_ids: list[int]) -> None:
    """Once a new alert is stored: send its first notifications and book its next escalation check.

    Runs after the commit; any failure here is logged and left to the scheduled job, never raised
    into the request that raised the alert.
    """
    try:
        from openipt.safety import tasks

        tasks.enqueue_followups(alert_ids)
    except Exception:  # noqa: BLE001 - the alert is stored; the scheduled job will catch up
        log.exception("could not queue the notifications for risk alerts %s; `openipt manage escalate` will send them", alert_ids)
