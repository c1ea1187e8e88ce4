"""Who may make and manage API tokens.

An organisation's admins manage its API clients; any member of staff makes personal tokens for
themself. A client (a person receiving care) makes no tokens. What a token may then read or change
is decided by the apps' own access checks for the membership it acts as, and narrowed by its scopes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from openipt.accounts.access import is_admin, is_staff
from openipt.api.models import ApiToken, TokenKind, Webhook, WebhookDelivery
from openipt.core.numbers import as_id

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def can_manage_clients(actor: Actor | None) -> bool:
    """Admins create, rotate and revoke their organisation's API clients."""
    return is_admin(actor)


def can_make_personal(actor: Actor | None) -> bool:
    """Staff make personal tokens that see what they see."""
    return is_staff(actor)


def visible_tokens(actor: Actor | None, kind: str) -> QuerySet[ApiToken]:
    """The API clients of the admin's organisation, or the person's own personal tokens."""
    if actor is None:
        return ApiToken.objects.none()
    base = ApiToken.objects.filter(organisation_id=actor.organisation_id, kind=kind)
    if kind == TokenKind.CLIENT:
        return base if can_manage_clients(actor) else ApiToken.objects.none()
    if kind == TokenKind.PERSONAL and can_make_personal(actor):
        return base.filter(membership_id=actor.membership.pk)
    return ApiToken.objects.none()


def get_token(actor: Actor | None, kind: str, token_id: object) -> ApiToken | None:
    pk = as_id(token_id)
    if pk is None:
        return None
    return visible_tokens(actor, kind).filter(pk=pk).first()


def can_manage_webhooks(actor: Actor | None) -> bool:
    """Admins register, rotate and delete their organisation's webhooks, and see their deliveries."""
    return is_admin(actor)


def visible_webhooks(actor: Actor | None) -> QuerySet[Webhook]:
    """The webhooks of the admin's organisation that were not deleted."""
    if actor is None or not can_manage_webhooks(actor):
        return Webhook.objects.none()
    return Webhook.objects.filter(organisation_id=actor.organisation_id, deleted_at__isnull=True)


def get_webhook(actor: Actor | None, webhook_id: object) -> Webhook | None:
    pk = as_id(webhook_id)
    if pk is None:
        return None
    return visible_webhooks(actor).filter(pk=pk).first()


def visible_deliveries(actor: Actor | None, webhook: Webhook) -> QuerySet[WebhookDelivery]:
    """The deliveries of a webhook the admin may see, newest first."""
    if get_webhook(actor, webhook.pk) is None:
        return WebhookDelivery.objects.none()
    return WebhookDelivery.objects.filter(webhook=webhook)
