"""Staff pages for alerts: the list with filters and time open, the detail with evidence, and the actions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import staff_required
from openipt.clients import access as client_access
from openipt.core.errors import ActionError, ConflictError
from openipt.core.forms import apply_action_error
from openipt.core.pagination import paginate
from openipt.safety import access, actions, present
from openipt.safety import api as safety_api
from openipt.safety.errors import SafetyCode
from openipt.safety.forms import AlertFilterForm, ReopenForm, ResolveForm
from openipt.safety.queries import alerts as alert_queries

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

def _alert_or_404(actor: Actor, alert_id):
    alert = access.get_alert(actor, alert_id)
    if alert is None:
        raise Http404
    return alert


def _next_or(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                                  require_https=request.is_secure()):
        return target  # a path on this site; anything else (a bare word would be read as a view name) goes to `fallback`
    return fallback


@staff_required
def alert_list_view(request):
    """Alerts of the clients this person may see, most urgent and longest waiting first."""
    actor = request.actor
    filters = AlertFilterForm(request.GET or None)
    status, severity, mine, client_id = "open", "", False, None
    if filters.is_valid():
        status = filters.cleaned_data["status"] or "open"
        severity = filters.cleaned_data["severity"]
        mine = filters.cleaned_data["mine"]
        client_id = filters.cleaned_data["client"]
    client = client_access.get_client(actor, client_id) if client_id else None
    qs = alert_queries.alert_list(actor, status, severity=severity, mine=mine, client=client, client_asked=bool(client_id))
    page = paginate(request, qs, per_page=25)
    now = timezone.now()
    rows = [
        {"alert": a, "open_for": present.duration_words(present.minutes_open(a, now)), "source": present.source_words(a),
         "kind": present.kind_label(a.kind), "failed": bool(a.failed_deliveries)}
        for a in page.object_list
    ]
    actions.record_alert_list_view(actor, filters={"status": status, "severity": severity, "mine": mine, "client": client_id},
                                   count=len(rows))
    return render(request, "safety/alert_list.html", {
        "page": page, "rows": rows, "filters": filters, "status": status, "client": client,
        "can_manage": access.can_manage_safety_settings(actor),
    })


def _detail_context(request, alert, resolve_form=None):
    actor = request.actor
    events, deliveries = access.alert_history(alert)
    pause = access.open_pause(alert.client)
    return {
        "alert": alert,
        "client": alert.client,
        "open_for": present.duration_words(present.minutes_open(alert)),
        "source": present.source_words(alert),
        "source_link": safety_api.source_link(alert, actor),
        "kind": alert_queries.kind_of(alert),
        "parts": present.highlight(alert.text, alert.evidence) if alert.rule_kind == "free_text" else None,
        "answers": present.answer_rows(alert),
        "events": present.event_rows(events),
        "deliveries": deliveries,
        "pause": pause,
        "can_act": access.can_act_on_alert(actor, alert),
        "can_reopen": pause is not None and access.can_reopen_automation(actor, alert.client),
        "resolve_form": resolve_form or ResolveForm(),
        "schedule": [{"minutes": m, "who": present.TARGET_WORDS.get(t, t), "done": i < alert.level}
                     for i, (m, t) in enumerate(alert.schedule)],
    }


@staff_required
def alert_detail_view(request, alert_id):
    """One alert: why it was raised, the evidence, who was told, what happened, and the actions."""
    alert = _alert_or_404(request.actor, alert_id)
    actions.record_alert_view(request.actor, alert)
    return render(request, "safety/alert_detail.html", _detail_context(request, alert))


@staff_required
@require_POST
def acknowledge_view(request, alert_id):
    """Acknowledge an alert: escalation stops and the banner goes away for everyone."""
    actor = request.actor
    alert = _alert_or_404(actor, alert_id)
    try:
        alert, changed = actions.acknowledge(actor, alert.pk)
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("safety:alert", alert_id=alert.pk)
    if changed:
        messages.success(request, _("Alert acknowledged. Follow the client up, then resolve the alert with a note of what was done."))
    else:
        messages.info(request, actions.already_acted_message(alert))
    return redirect(_next_or(request, reverse("safety:alert", args=[alert.pk])))


@staff_required
@require_POST
def resolve_view(request, alert_id):
    """Resolve an alert with a note; a missing note is asked for beside the field, keeping the rest."""
    actor = request.actor
    alert = _alert_or_404(actor, alert_id)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            alert = actions.resolve(actor, alert.pk, form.cleaned_data["note"])
        except ConflictError as exc:
            form.add_error(None, exc.message)
            alert = _alert_or_404(actor, alert.pk)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Alert resolved. Your note is kept with it."))
            if form.cleaned_data["reopen"] and access.open_pause(alert.client) is not None:
                try:
                    actions.reopen_automation(actor, alert.client_id, form.cleaned_data["note"])
                    messages.success(request, _("Automated practice features are open again for this client."))
                except ActionError as exc:
                    messages.error(request, exc.message)
            return redirect("safety:alert", alert_id=alert.pk)
    return render(request, "safety/alert_detail.html", _detail_context(request, alert, resolve_form=form), status=200)


@staff_required
def reopen_automation_view(request, client_id):
    """Reopen automated practice features paused by a high-severity alert, with the reason."""
    actor = request.actor
    client = client_access.get_client(actor, client_id)
    if client is None:
        raise Http404
    pause = access.open_pause(client)
    if not access.can_reopen_automation(actor, client):
        raise PermissionDenied
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.reopen_automation(actor, client.pk, form.cleaned_data["reason"])
        except ActionError as exc:
            if exc.code == SafetyCode.NOT_PAUSED:
                messages.info(request, exc.message)
                return redirect("clients:detail", client_id=client.pk)
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Automated practice features are open again for this client."))
            return redirect("clients:detail", client_id=client.pk)
    return render(request, "safety/reopen.html", {"client": client, "pause": pause, "form": form})
