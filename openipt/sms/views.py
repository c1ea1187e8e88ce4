"""SMS pages: the outbox and replies, the gateway settings, a client's SMS choices; and the gateway's callbacks."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.http.request import RawPostDataException
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import admin_required, staff_required
from openipt.core import submissions
from openipt.core.errors import ActionError
from openipt.core.forms import save_versioned
from openipt.core.sealed import Unreadable, unseal
from openipt.sms import access, actions, gateways, inbound_actions, queries, texts, urgent_actions
from openipt.sms.forms import ConsentForm, SettingsForm
from openipt.sms.models import Backend

logger = logging.getLogger("openipt.sms")


@staff_required
def outbox_view(request):
    """Messages sent and waiting, with their status and cost, and the replies waiting for a person."""
    if not access.can_view_outbox(request.actor):
        raise PermissionDenied
    page = queries.outbox(request.actor, timezone.now())
    return render(request, "sms/outbox.html", {"page": page, "is_admin": access.can_manage_settings(request.actor)})


@admin_required
def settings_view(request):
    """The organisation's gateway, its key (sealed), the daily limit and the sending hour."""
    row = actions.settings_for(request.actor.organisation_id)
    initial = {"backend": row.backend, "username": row.username, "sender": row.sender, "sandbox": row.sandbox,
               "daily_limit": row.daily_limit, "send_hour": row.send_hour, "version": row.version}
    form = SettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = save_versioned(form, lambda: actions.save_settings(
            request.actor, backend=data["backend"], username=data["username"], api_key=data["api_key"],
            sender=data["sender"], sandbox=data["sandbox"], daily_limit=data["daily_limit"],
            send_hour=data["send_hour"], new_inbound_address=data["new_inbound_address"],
            expected_version=data.get("version")))
        if saved:
            messages.success(request, _("The SMS settings are saved."))
            return redirect("sms:settings")
    base = request.build_absolute_uri("/").rstrip("/")
    addresses = None
    if row.pk and row.inbound_token:
        addresses = {"inbound": base + reverse("sms:inbound", args=[row.inbound_token]),
                     "delivery": base + reverse("sms:delivery", args=[row.inbound_token])}
    return render(request, "sms/settings.html", {"form": form, "row": row, "addresses": addresses})


def _client(request, client_id):
    client = access.client_for_staff(request.actor, client_id)
    if client is None:
        raise Http404
    return client


@staff_required
def consent_view(request, client_id):
    """A client's SMS choices: the number, what they agreed to, the neutral name; and the check-in card to print."""
    client = _client(request, client_id)
    may_record = access.can_record_consent(request.actor, client)
    if request.method == "POST" and not may_record:
        raise PermissionDenied
    consent = queries.consent_of(client)
    initial = {"language": client.preferred_language, "reminders": True, "phone": client.phone}
    if consent is not None:
        initial.update(language=consent.language, reminders=consent.reminders, checkins=consent.checkins,
                       crisis_texts=consent.crisis_texts, neutral_name=consent.neutral_name, phone="",
                       version=consent.version)
    form = ConsentForm(request.POST if request.method == "POST" else None, initial=initial)
    if consent is not None:
        form.fields["phone"].help_text = _("Saved: the number ending %(end)s. Leave this empty to keep it, or write a new number.") % {
            "end": consent.phone_hint}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = save_versioned(form, lambda: actions.record_consent(
            request.actor, client.pk, phone=data["phone"], reminders=data["reminders"], checkins=data["checkins"],
            crisis_texts=data["crisis_texts"], language=data["language"], neutral_name=data["neutral_name"],
            expected_version=data.get("version")))
        if saved:
            messages.success(request, _("What the client agreed to by text message is saved."))
            return redirect("sms:consent", client_id=client.pk)
    if request.method == "GET":
        actions.record_view(request.actor, client)
    sent, got = queries.recent_for_client(client)
    example = texts.render("checkin", consent.language if consent else client.preferred_language,
                           name=consent.neutral_name if consent else _("Tuesday group"))
    return render(request, "sms/consent.html", {"client": client, "consent": consent, "form": form,
                                                "may_record": may_record, "sent": sent, "got": got,
                                                "example": example, "card": queries.checkin_card()})


@staff_required
def card_view(request, client_id):
    """The check-in card to print and give the member: the three questions and how to reply."""
    client = _client(request, client_id)
    consent = queries.consent_of(client)
    return render(request, "sms/card.html", {"card": queries.checkin_card(),
                                             "name": consent.neutral_name if consent else _("Check-in card")})


@staff_required
@require_POST
def end_view(request, client_id):
    """The client no longer agrees to text messages: stop them all."""
    client = _client(request, client_id)
    if not access.can_record_consent(request.actor, client):
        raise PermissionDenied

    def work():
        actions.end_consent(request.actor, client.pk)
        return None, reverse("sms:consent", args=[client.pk])

    try:
        _done, earlier = submissions.run_once(request, work)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        if not earlier:
            messages.success(request, _("No more text messages will be sent to this client."))
    return redirect("sms:consent", client_id=client.pk)


@staff_required
@require_POST
def handled_view(request, reply_id):
    """Mark a reply that needed a person as read and dealt with (an urgent one with a note of what was done)."""
    try:
        actions.mark_handled(request.actor, reply_id, request.POST.get("note", ""))
    except ActionError as exc:
        if exc.code == "not_found":
            raise Http404 from None
        messages.error(request, exc.message)
    return redirect("sms:outbox")


def _body(request) -> tuple[dict[str, str] | None, bytes]:
    try:
        raw = request.body
    except RawPostDataException:  # a multipart body, already read into request.POST by the input cleaner
        return {k: str(v)[:2000] for k, v in request.POST.items()}, b""
    return gateways.read_callback(raw, request.content_type or ""), raw


def _twilio_signed(request, row, fields: dict[str, str] | None) -> bool:
    """Whether Twilio signed this callback with the organisation's Auth Token (`X-Twilio-Signature`).

    Twilio signs the address it called: behind a proxy that is the site's public address (OPENIPT_SITE_URL), so
    both it and the address Django sees are tried.
    """
    if fields is None:
        return False
    try:
        token = unseal(row.api_key)
    except Unreadable:
        return False
    urls = [settings.SITE_URL.rstrip("/") + request.get_full_path(), request.build_absolute_uri()]
    return gateways.twilio_signed(token, urls, fields, request.headers.get("X-Twilio-Signature"))


def _notify_urgent(reply_id: int) -> None:
    try:  # tell the admins at once; if the mail server fails, `openipt sms send-due` tries again
        urgent_actions.notify(reply_id)
    except Exception:  # noqa: BLE001 - the message is stored and shown; the e-mail is retried
        logger.exception("sms: the e-mail about an urgent message could not be sent now; it will be retried")


@csrf_exempt
def inbound_view(request, token):
    """Africa's Talking posts each incoming message here (the address is the secret: the gateway does not sign)."""
    row = inbound_actions.settings_by_token(token)
    if row is None:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    fields, raw = _body(request)
    if row.backend == Backend.TWILIO:
        if not _twilio_signed(request, row, fields):
            # Not signed by Twilio with this account's token: kept for an admin to read, never acted on.
            logger.warning("sms: an incoming message without a valid Twilio signature was kept, not acted on "
                           "(check OPENIPT_SITE_URL matches the address set in Twilio)")
            kept = inbound_actions.keep_unsigned(row, fields, raw)
            if kept.urgent:
                _notify_urgent(kept.pk)
            return HttpResponse("signature does not match", status=403, content_type="text/plain")
        fields = gateways.twilio_fields(fields)
    reply = inbound_actions.receive_kept(row, fields, raw)
    if reply.urgent:
        _notify_urgent(reply.pk)
    if row.backend == Backend.TWILIO:  # an empty answer: Twilio sends nothing back itself (the outbox does)
        return HttpResponse('<?xml version="1.0" encoding="UTF-8"?><Response></Response>', content_type="text/xml")
    return HttpResponse("stored", content_type="text/plain")


@csrf_exempt
def delivery_view(request, token):
    """Africa's Talking posts delivery reports here: delivered, or failed and why."""
    row = inbound_actions.settings_by_token(token)
    if row is None:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    fields, _raw = _body(request)
    if row.backend == Backend.TWILIO:
        if not _twilio_signed(request, row, fields):
            return HttpResponse("signature does not match", status=403, content_type="text/plain")
        fields = gateways.twilio_fields(fields)
    matched = inbound_actions.delivery_report(row, fields)
    return HttpResponse("recorded" if matched else "unknown message", content_type="text/plain")
