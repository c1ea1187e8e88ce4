"""Webhooks: registering them, recording events in the outbox, and delivering them with retries.

Registering, rotating and deleting are an admin's actions (audited). Events come from the apps'
actions through `openipt.core.events` (`record_event` is its listener, registered from the API's
`ready()`): one outbox row per subscribed webhook, in the transaction of the action itself, so an
event is stored exactly when what caused it is. `deliver_due` (run by `openipt manage
deliver_webhooks`, which `openipt serve` starts beside the escalation runner) sends each due row
as a signed POST outside any transaction, and retries a failed one with growing pauses, up to a cap.

A webhook is a copy for another program; it never replaces what OpenIPT shows. A risk alert stays
on every page of the staff it is for, escalates and is e-mailed whatever happens to its webhook
(hazard log, HAZ-028).
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.api import access, webhook_net
from openipt.api.models import DeliveryStatus, Webhook, WebhookAttempt, WebhookDelivery, WebhookEvent
from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.core.errors import ActionError, ErrorCode
from openipt.core.events import EventType
from openipt.core.sealed import Unreadable, seal, unseal

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

WEBHOOK_CREATED = register("api.webhook_created", "Webhook registered")
WEBHOOK_ROTATED = register("api.webhook_rotated", "Webhook given a new signing secret")
WEBHOOK_DELETED = register("api.webhook_deleted", "Webhook deleted")
WEBHOOK_RESENT = register("api.webhook_resent", "Webhook delivery sent again")

SECRET_PREFIX = "whsec_"
MAX_WEBHOOKS = 20
MAX_ATTEMPTS = 8
FIRST_PAUSE_MINUTES = 1
LONGEST_PAUSE = timedelta(hours=6)
LEASE = timedelta(minutes=2)  # a claimed row is retried after this if its sender stopped mid-way
BATCH = 50

# What each event may carry: ids, codes, scores and times. Anything else an app adds is dropped, so
# no clinical free text (a note, the words of an answer or of a message) can reach a payload.
FIELDS: dict[str, tuple[str, ...]] = {
    WebhookEvent.ALERT_RAISED: ("alert_id", "client_id", "kind", "severity", "rule_id", "source", "status", "level",
                                "raised_at"),
    WebhookEvent.ALERT_ESCALATED: ("alert_id", "client_id", "kind", "severity", "rule_id", "source", "status", "level",
                                   "raised_at", "step", "told"),
    WebhookEvent.QUESTIONNAIRE_COMPLETED: ("administration_id", "client_id", "course_id", "instrument", "total", "band",
                                           "prorated", "safety_followup", "completed_at"),
    WebhookEvent.COURSE_ENDED: ("course_id", "client_id", "format", "status", "ended_on", "sessions_planned"),
}


def backoff(attempt: int) -> timedelta:
    """The pause after the `attempt`-th failed try: 1, 2, 4, 8 ... minutes, never more than six hours."""
    return min(timedelta(minutes=FIRST_PAUSE_MINUTES * 2 ** max(attempt - 1, 0)), LONGEST_PAUSE)


def _new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _checked(name: object, url: object, events: object) -> tuple[str, str, list[str]]:
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise ActionError(_("Give the webhook a name that says which program receives it."), field="name")
    if len(name) > 100:
        raise ActionError(_("Keep the name to 100 characters."), field="name")
    if not isinstance(url, str):
        raise ActionError(_("Give the address the messages are sent to."), field="url")
    try:
        webhook_net.check(url)
    except webhook_net.TargetRefused as exc:
        raise ActionError(str(exc), field="url") from None
    chosen = set(events) if isinstance(events, (list, tuple, set, frozenset)) else set()
    kept = [value for value in WebhookEvent.values if value in chosen]
    if not kept or len(kept) != len(chosen):
        raise ActionError(_("Choose one or more of the events listed."), field="events")
    return name, url.strip(), kept


@transaction.atomic
def create(actor: Actor, *, name: object, url: object, events: object) -> tuple[Webhook, str]:
    """Register a webhook for the admin's organisation; return it and its signing secret (shown once)."""
    if not access.can_manage_webhooks(actor):
        raise ActionError(_("Only an admin can register webhooks."), code=ErrorCode.FORBIDDEN)
    name, url, kept = _checked(name, url, events)
    if access.visible_webhooks(actor).count() >= MAX_WEBHOOKS:
        raise ActionError(_("An organisation can have at most %(n)d webhooks. Delete one you no longer use.")
                          % {"n": MAX_WEBHOOKS})
    secret = _new_secret()
    webhook = Webhook.objects.create(organisation_id=actor.organisation_id, name=name, url=url, events=kept,
                                     secret=seal(secret), hint=secret[:12], created_by=actor.membership,
                                     created_at=timezone.now())
    audit.record(WEBHOOK_CREATED.code, actor=actor, obj=webhook, details={"name": name, "url": url, "events": kept})
    return webhook, secret


def _for_change(actor: Actor, webhook_id: object) -> Webhook:
    webhook = access.get_webhook(actor, webhook_id)
    if webhook is None:
        raise ActionError(_("This webhook does not exist, or is not yours to change."), code=ErrorCode.NOT_FOUND)
    return webhook


@transaction.atomic
def rotate(actor: Actor, webhook_id: object) -> tuple[Webhook, str]:
    """Give a webhook a new signing secret (used from the next try on); return it and the secret."""
    webhook = _for_change(actor, webhook_id)
    secret = _new_secret()
    webhook.secret, webhook.hint, webhook.rotated_at = seal(secret), secret[:12], timezone.now()
    webhook.save(update_fields=["secret", "hint", "rotated_at"])
    audit.record(WEBHOOK_ROTATED.code, actor=actor, obj=webhook, details={"name": webhook.name})
    return webhook, secret


@transaction.atomic
def delete(actor: Actor, webhook_id: object) -> Webhook:
    """Stop a webhook for good; what was waiting to be sent is not sent. Its delivery log is kept."""
    webhook = _for_change(actor, webhook_id)
    now = timezone.now()
    webhook.deleted_at = now
    webhook.save(update_fields=["deleted_at"])
    cancelled = WebhookDelivery.objects.filter(webhook=webhook, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.CANCELLED, next_attempt_at=None)
    audit.record(WEBHOOK_DELETED.code, actor=actor, obj=webhook,
                 details={"name": webhook.name, "url": webhook.url, "cancelled": cancelled})
    return webhook


@transaction.atomic
def send_again(actor: Actor, webhook_id: object, delivery_id: object) -> WebhookDelivery:
    """Try a delivery once more, now (the program receives the same event id again)."""
    webhook = _for_change(actor, webhook_id)
    delivery = access.visible_deliveries(actor, webhook).filter(pk=delivery_id if isinstance(delivery_id, int) else -1).first()
    if delivery is None:
        raise ActionError(_("This delivery does not exist."), code=ErrorCode.NOT_FOUND)
    if delivery.status == DeliveryStatus.CANCELLED:
        raise ActionError(_("This delivery was cancelled."), code=ErrorCode.CONFLICT)
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING, next_attempt_at=now)
    delivery.refresh_from_db()
    audit.record(WEBHOOK_RESENT.code, actor=actor, obj=webhook,
                 details={"delivery": delivery.pk, "event": str(delivery.event_id), "type": delivery.event_type})
    return delivery


# -- the outbox -------------------------------------------------------------------------------------

def _jsonable(data: Mapping[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(dict(data), cls=DjangoJSONEncoder))
    return loaded


def record_event(event_type: EventType, organisation_id: int, occurred_at: datetime, data: Mapping[str, Any]) -> None:
    """Store the event for each of the organisation's webhooks that chose it (in the caller's transaction)."""
    fields = FIELDS.get(str(event_type))
    if fields is None:
        return
    hooks = [w for w in Webhook.objects.filter(organisation_id=organisation_id, deleted_at__isnull=True)
             .only("pk", "events") if str(event_type) in w.events]
    if not hooks:
        return
    event_id = uuid.uuid4()
    now = timezone.now()
    payload = {"id": str(event_id), "type": str(event_type), "occurred_at": occurred_at.isoformat(),
               "organisation_id": organisation_id, "data": _jsonable({k: data.get(k) for k in fields})}
    WebhookDelivery.objects.bulk_create([
        WebhookDelivery(webhook=w, event_id=event_id, event_type=str(event_type), payload=payload, created_at=now,
                        next_attempt_at=now) for w in hooks])


def record_events(event_type: EventType, organisation_id: int,
                  items: Sequence[tuple[datetime, Mapping[str, Any]]]) -> None:
    """`record_event` for many events of one type: the webhooks read once, every delivery in one insert."""
    fields = FIELDS.get(str(event_type))
    if fields is None or not items:
        return
    hooks = [w for w in Webhook.objects.filter(organisation_id=organisation_id, deleted_at__isnull=True)
             .only("pk", "events") if str(event_type) in w.events]
    if not hooks:
        return
    now = timezone.now()
    rows = []
    for occurred_at, data in items:
        event_id = uuid.uuid4()
        payload = {"id": str(event_id), "type": str(event_type), "occurred_at": occurred_at.isoformat(),
                   "organisation_id": organisation_id, "data": _jsonable({k: data.get(k) for k in fields})}
        rows += [WebhookDelivery(webhook=w, event_id=event_id, event_type=str(event_type), payload=payload,
                                 created_at=now, next_attempt_at=now) for w in hooks]
    WebhookDelivery.objects.bulk_create(rows)


# -- delivering -------------------------------------------------------------------------------------

def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def _send(delivery: WebhookDelivery) -> webhook_net.Outcome:
    try:
        secret = unseal(delivery.webhook.secret)
    except Unreadable:
        return webhook_net.Outcome(None, "The signing secret cannot be read (the site's key changed): give the "
                                   "webhook a new secret.", 0)
    body = body_of(delivery)
    timestamp = int(time.time())
    return webhook_net.post(delivery.webhook.url, body, {
        "OpenIPT-Event": delivery.event_type, "OpenIPT-Delivery": str(delivery.event_id),
        "OpenIPT-Signature": webhook_net.signature(secret, timestamp, body)})


def attempt(delivery_id: int, now: datetime | None = None) -> WebhookAttempt | None:
    """Try one due delivery once, if no other runner has claimed it; return the try (None if not ours)."""
    now = now or timezone.now()
    claimed = WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING,
                                             next_attempt_at__lte=now).update(next_attempt_at=now + LEASE)
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    outcome = _send(delivery)
    at = timezone.now()
    with transaction.atomic():
        number = delivery.attempts + 1
        tried = WebhookAttempt.objects.create(delivery=delivery, number=number, at=at, status_code=outcome.status_code,
                                              error=outcome.error, duration_ms=outcome.duration_ms)
        changes: dict[str, Any] = {"attempts": number, "last_status_code": outcome.status_code,
                                   "last_error": outcome.error}
        if outcome.ok:
            changes.update(status=DeliveryStatus.DELIVERED, delivered_at=at, next_attempt_at=None)
        elif number >= MAX_ATTEMPTS:
            changes.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
        else:
            changes.update(next_attempt_at=at + backoff(number))
        WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(**changes)
    return tried


def deliver_due(now: datetime | None = None, *, limit: int = BATCH) -> dict[str, int]:
    """Try every delivery that is due (at most `limit`, oldest first); return how many went and how many did not."""
    now = now or timezone.now()
    ids = list(WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    counts = {"delivered": 0, "not_delivered": 0}
    for pk in ids:
        tried = attempt(pk, now)
        if tried is None:
            continue
        ok = tried.status_code is not None and 200 <= tried.status_code < 300
        counts["delivered" if ok else "not_delivered"] += 1
    return counts


def next_due_time() -> datetime | None:
    due: datetime | None = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).aggregate(
        m=Min("next_attempt_at"))["m"]
    return due
