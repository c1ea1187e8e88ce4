"""What safety adds to pages it does not own: banners on every page, panels on the client record and portal.

The rows each needs are read here; their words come from `openipt/safety/present.py`.
"""

from __future__ import annotations

from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from openipt.safety import access, present
from openipt.safety.models import OPEN
from openipt.safety.present import client_page_for, quick_exit_url


def _client_of(request):
    if not hasattr(request, "_safety_client"):
        request._safety_client = access.own_client(getattr(request, "actor", None))
    return request._safety_client


def staff_banner(request) -> str:
    """Open alerts nobody has acknowledged yet, for the staff who must act, at the top of every page."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_staff:
        return ""
    alerts, more = access.banner_alerts(actor)
    if not alerts:
        return ""
    rows = [{"alert": a, "source": present.source_words(a), "open_for": present.duration_words(present.minutes_open(a))} for a in alerts]
    return render_to_string("safety/_staff_banner.html", {
        "rows": rows, "total": len(rows), "more": more, "csrf_token": get_token(request), "next": request.get_full_path(),
    })


def client_banner(request) -> str:
    """For clients only: "Get help now" and "My safety plan" on every page, and the crisis contacts at once after a risk signal."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_client:
        return ""
    client = _client_of(request)
    if client is None:
        return ""
    box = _box_shown(request, client)
    show_crisis = box == "crisis"
    show_support = box == "discreet"
    contacts = (access.crisis_contacts_for(client.organisation_id, client.preferred_language)
                if show_crisis or show_support else [])
    return render_to_string("safety/_client_banner.html", {
        "show_crisis": show_crisis, "show_support": show_support, "quick_exit": quick_exit_url(), "contacts": contacts,
        "csrf_token": get_token(request), "next": request.get_full_path(),
    })


CONTACT_PAGES = {"safety:help", "safety:support"}


def _box_shown(request, client) -> str:
    """Which box with the crisis contacts tops this client's page: "crisis", "discreet" or "" (none).

    Worked out once per request, so the help slot lower on the page can leave the contacts out
    while the box lists them (issue 14, defect 17).
    """
    if getattr(request, "_safety_box", None) is None:
        hidden = set(request.session.get("safety_crisis_hidden", []))
        kinds = [kind for pk, kind in client.risk_alerts.filter(status__in=OPEN).values_list("pk", "kind")
                 if pk not in hidden]
        pages = {client_page_for(kind) for kind in kinds} if not _lists_contacts(request) else set()
        request._safety_box = "crisis" if "crisis" in pages else "discreet" if "discreet" in pages else ""
    return request._safety_box


def _lists_contacts(request) -> bool:
    """True on the pages that list the crisis contacts themselves, where the box would repeat them."""
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name in CONTACT_PAGES


def client_panel_context(request, client):
    """Staff view of a client's record: open alerts, the safety plan, and paused automated features."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_staff:
        return None
    alerts = access.client_open_alerts(actor, client)
    plan, current = access.plan_current(client)
    pause = access.open_pause(client)
    return {
        "client": client,
        "alerts": [{"alert": a, "source": present.source_words(a), "open_for": present.duration_words(present.minutes_open(a))}
                   for a in alerts],
        "current": current,
        "pause": pause,
        "can_reopen": pause is not None and access.can_reopen_automation(actor, client),
    }


def portal_panel_context(request, client):
    """The client's portal: their safety plan and help, one tap away."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_client:
        return None
    _plan, current = access.plan_current(client)
    return {"current": current}


def portal_help_context(request, client):
    """The "help now" slot on every portal page: the first crisis contacts for the client's language."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_client:
        return None
    if _box_shown(request, client):
        return {"in_box": True, "contacts": []}
    contacts = access.crisis_contacts_for(client.organisation_id, client.preferred_language)
    return {"contacts": contacts[:2], "more": len(contacts) > 2, "in_box": False}
