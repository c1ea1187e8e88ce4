"""Webhooks: register, list, read, rotate the secret, delete, read the delivery log and send a message again.

Scope `webhooks:manage`, for an API client or an admin's personal token: the same admin actions as
the Webhooks page under Settings (`openipt.api.webhook_actions`), audited the same way.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from openipt.api import access, present, webhook_actions
from openipt.api.auth import ApiActor
from openipt.api.endpoints import READ_ERRORS, WRITE_ERRORS, ListParams, actor_of, needs, refusing
from openipt.api.errors import not_found
from openipt.api.http import idempotent, page, respond
from openipt.api.models import Webhook
from openipt.api.schemas import (
    ID_MAX,
    DeliveryOut,
    DeliveryPage,
    WebhookIn,
    WebhookOut,
    WebhookPage,
    WebhookSecretOut,
)
from openipt.core.errors import ActionError

router = Router()
SCOPE = "webhooks:manage"


def _webhook(actor: ApiActor, webhook_id: int) -> Webhook:
    found = access.get_webhook(actor, webhook_id) if 0 < webhook_id < ID_MAX else None
    if found is None:
        raise not_found("webhook")
    return found


@router.get("", response={200: WebhookPage, **READ_ERRORS}, url_name="webhooks", summary="List webhooks",
            auth=needs(SCOPE))
def list_webhooks(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    """The organisation's webhooks (deleted ones left out), oldest first. Scope `webhooks:manage`; an admin's token."""
    actor = actor_of(request, SCOPE)
    return respond(request, page("webhooks", access.visible_webhooks(actor), limit=params.limit, cursor=params.cursor,
                                 updated_since=None, serialize=present.webhooks))


@router.post("", response={201: WebhookSecretOut, **WRITE_ERRORS}, url_name="webhook_create",
             summary="Register a webhook", auth=needs(SCOPE))
def create_webhook(request: HttpRequest, body: WebhookIn) -> HttpResponse:
    """Register a webhook; the answer carries its signing secret, shown this once. Scope `webhooks:manage`.

    The address must be https, and its host must resolve to public addresses only (a host on a
    private or local network is refused unless the server's administrator allowed it by name).
    """
    actor = actor_of(request, SCOPE)

    def run() -> tuple[int, object]:
        try:
            hook, secret = webhook_actions.create(actor, name=body.name, url=body.url, events=body.events)
        except ActionError as err:
            raise refusing(err) from None
        return 201, {"webhook": present.webhook(hook), "secret": secret}

    return idempotent(request, actor, run)


@router.get("/{webhook_id}", response={200: WebhookOut, **READ_ERRORS}, url_name="webhook", summary="Read a webhook",
            auth=needs(SCOPE))
def read_webhook(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """One webhook. Scope `webhooks:manage`."""
    return respond(request, present.webhook(_webhook(actor_of(request, SCOPE), webhook_id)))


@router.delete("/{webhook_id}", response={200: WebhookOut, **WRITE_ERRORS}, url_name="webhook_delete",
               summary="Delete a webhook", auth=needs(SCOPE))
def delete_webhook(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """Stop a webhook for good: what was waiting is not sent. Scope `webhooks:manage`."""
    actor = actor_of(request, SCOPE)
    _webhook(actor, webhook_id)
    try:
        hook = webhook_actions.delete(actor, webhook_id)
    except ActionError as err:
        raise refusing(err) from None
    return respond(request, present.webhook(hook))


@router.post("/{webhook_id}/rotate", response={200: WebhookSecretOut, **WRITE_ERRORS}, url_name="webhook_rotate",
             summary="Give a webhook a new signing secret", auth=needs(SCOPE))
def rotate_webhook(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """A new signing secret, used from the next try on; the answer shows it this once. Scope `webhooks:manage`."""
    actor = actor_of(request, SCOPE)
    _webhook(actor, webhook_id)

    def run() -> tuple[int, object]:
        try:
            hook, secret = webhook_actions.rotate(actor, webhook_id)
        except ActionError as err:
            raise refusing(err) from None
        return 200, {"webhook": present.webhook(hook), "secret": secret}

    return idempotent(request, actor, run)


@router.get("/{webhook_id}/deliveries", response={200: DeliveryPage, **READ_ERRORS}, url_name="webhook_deliveries",
            summary="List a webhook's messages", auth=needs(SCOPE))
def list_deliveries(request: HttpRequest, webhook_id: int, params: Query[ListParams]) -> HttpResponse:
    """Each message for this webhook, oldest first: its state, tries, last answer and next try. Scope `webhooks:manage`."""
    actor = actor_of(request, SCOPE)
    hook = _webhook(actor, webhook_id)
    return respond(request, page(f"deliveries.{hook.pk}", access.visible_deliveries(actor, hook), limit=params.limit,
                                 cursor=params.cursor, updated_since=None, serialize=present.deliveries))


@router.post("/{webhook_id}/deliveries/{delivery_id}/retry", response={200: DeliveryOut, **WRITE_ERRORS},
             url_name="webhook_delivery_retry", summary="Send a message again", auth=needs(SCOPE))
def retry_delivery(request: HttpRequest, webhook_id: int, delivery_id: int) -> HttpResponse:
    """Try a message once more within seconds (the same event id). Scope `webhooks:manage`."""
    actor = actor_of(request, SCOPE)
    _webhook(actor, webhook_id)
    if not 0 < delivery_id < ID_MAX:
        raise not_found("message")
    try:
        delivery = webhook_actions.send_again(actor, webhook_id, delivery_id)
    except ActionError as err:
        raise refusing(err) from None
    return respond(request, present.delivery(delivery))
