"""Pages for people: the admin's API clients, a member of staff's personal tokens, and the API's documentation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import admin_required, staff_required
from openipt.api import access, actions, webhook_actions
from openipt.api.forms import TokenForm, WebhookForm
from openipt.api.models import TokenKind, WebhookEvent
from openipt.api.scopes import SCOPES, scopes_for
from openipt.api.v1 import api
from openipt.core.errors import ActionError, ErrorCode
from openipt.core.forms import apply_action_error

PAGES: dict[str, str] = {TokenKind.CLIENT: "api:clients", TokenKind.PERSONAL: "api:tokens"}


def _tokens_page(request: HttpRequest, kind: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    form = TokenForm(request.POST or None, kind=kind)
    secret = None
    if request.method == "POST" and form.is_valid():
        make = actions.create_client if kind == TokenKind.CLIENT else actions.create_personal
        try:
            _token, secret = make(actor, name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"],
                                  expires_on=form.cleaned_data["expires_on"])
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            form = TokenForm(kind=kind)
    return render(request, "api/tokens.html", {
        "kind": kind, "form": form, "secret": secret, "tokens": access.visible_tokens(actor, kind),
        "scopes": scopes_for(kind), "page": PAGES[kind],
    })


@admin_required
def clients_view(request: HttpRequest) -> HttpResponse:
    """The organisation's API clients: make one, see when each was last used, rotate or revoke it."""
    return _tokens_page(request, TokenKind.CLIENT)


@staff_required
def tokens_view(request: HttpRequest) -> HttpResponse:
    """A member of staff's personal tokens, which see what they see."""
    return _tokens_page(request, TokenKind.PERSONAL)


def _change(request: HttpRequest, kind: str, token_id: int, what: str) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if what not in ("rotate", "revoke") or access.get_token(actor, kind, token_id) is None:
        raise Http404
    try:
        if what == "rotate":
            token, secret = actions.rotate(actor, kind, token_id)
        else:
            actions.revoke(actor, kind, token_id)
            messages.success(request, _("Token revoked: it no longer works."))
            return redirect(PAGES[kind])
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect(PAGES[kind])
    return render(request, "api/rotated.html", {"token": token, "secret": secret, "page": PAGES[kind]})


@admin_required
@require_POST
def client_change_view(request: HttpRequest, token_id: int, what: str) -> HttpResponse:
    return _change(request, TokenKind.CLIENT, token_id, what)


@staff_required
@require_POST
def token_change_view(request: HttpRequest, token_id: int, what: str) -> HttpResponse:
    return _change(request, TokenKind.PERSONAL, token_id, what)


@admin_required
def webhooks_view(request: HttpRequest) -> HttpResponse:
    """The organisation's webhooks: register one (its secret shown once), and open each one's delivery log."""
    actor = request.actor  # type: ignore[attr-defined]
    form = WebhookForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _hook, secret = webhook_actions.create(actor, name=form.cleaned_data["name"], url=form.cleaned_data["url"],
                                                   events=form.cleaned_data["events"])
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            form = WebhookForm()
    return render(request, "api/webhooks.html", {
        "form": form, "secret": secret, "webhooks": access.visible_webhooks(actor),
        "event_names": dict(WebhookEvent.choices)})


@admin_required
def webhook_view(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """One webhook and its delivery log: each message, its tries, what the program answered, the next try."""
    actor = request.actor  # type: ignore[attr-defined]
    webhook = access.get_webhook(actor, webhook_id)
    if webhook is None:
        raise Http404
    deliveries = list(access.visible_deliveries(actor, webhook).prefetch_related("attempt_log")[:100])
    return render(request, "api/webhook.html", {"webhook": webhook, "deliveries": deliveries,
                                                "event_names": dict(WebhookEvent.choices)})


@admin_required
@require_POST
def webhook_change_view(request: HttpRequest, webhook_id: int, what: str) -> HttpResponse:
    """Give a webhook a new secret (shown once), or delete it."""
    actor = request.actor  # type: ignore[attr-defined]
    if what not in ("rotate", "delete") or access.get_webhook(actor, webhook_id) is None:
        raise Http404
    try:
        if what == "delete":
            webhook_actions.delete(actor, webhook_id)
            messages.success(request, _("Webhook deleted: nothing more is sent to it."))
            return redirect("api:webhooks")
        webhook, secret = webhook_actions.rotate(actor, webhook_id)
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("api:webhooks")
    return render(request, "api/webhook_secret.html", {"webhook": webhook, "secret": secret})


@admin_required
@require_POST
def webhook_resend_view(request: HttpRequest, webhook_id: int, delivery_id: int) -> HttpResponse:
    """Send one message again, at the next round of the sender (within seconds)."""
    actor = request.actor  # type: ignore[attr-defined]
    if access.get_webhook(actor, webhook_id) is None:
        raise Http404
    try:
        webhook_actions.send_again(actor, webhook_id, delivery_id)
    except ActionError as exc:
        if exc.code == ErrorCode.NOT_FOUND:
            raise Http404 from None
        messages.error(request, exc.message)
    else:
        messages.success(request, _("It will be sent again within a few seconds. Reload this page to see the answer."))
    return redirect("api:webhook", webhook_id=webhook_id)


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            params = [{"name": p["name"], "where": p["in"], "required": p.get("required", False),
                       "description": p.get("description", "")} for p in op.get("parameters", [])]
            rows.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                         "description": op.get("description", ""), "params": params,
                         "body": "requestBody" in op, "tag": (op.get("tags") or [""])[0]})
    return rows


def docs_view(request: HttpRequest) -> HttpResponse:
    """The API's endpoints, read from its own OpenAPI document (no scripts, nothing from elsewhere)."""
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return render(request, "api/docs.html", {"operations": _operations(schema), "scopes": SCOPES,
                                             "info": schema.get("info", {})})


def not_found_view(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other address under /api/v1/: a JSON 404, as the endpoints answer."""
    return JsonResponse({"error": {"code": "not_found", "message": "No such endpoint. See /api/docs/."}}, status=404)
