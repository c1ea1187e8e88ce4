"""Pages for keeping groups on a tablet, and the two signed endpoints the tablet calls (snapshot and sync).

The signed endpoints read no cookie: a tablet proves itself with its device id, a sequence number
and an HMAC of the request (see `signing.py`). They are CSRF-exempt because no cookie can act
through them; a session cookie sent with them is ignored.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from openipt.accounts.actor import origin_from_request
from openipt.accounts.decorators import staff_required
from openipt.core import jsonbody
from openipt.core.errors import ActionError
from openipt.offline import access, actions, present, snapshot
from openipt.offline.actions import DeviceRefused

MAX_BODY = 2 * 1024 * 1024


def nav_count(request) -> int:
    """The number after the Tablets link: changes from tablets still to settle."""
    return access.open_conflict_count(request.actor)


def _wants_json(request) -> bool:
    return request.content_type == "application/json" or "application/json" in request.headers.get("Accept", "")


@staff_required
@require_GET
def home_view(request):
    """Keep my groups on this tablet: this person's tablets and the button to add this one."""
    actor = request.actor
    return render(request, "offline/home.html", {
        "devices": access.own_device_rows(actor), "may_keep": access.may_keep_groups(actor.membership), "oversees": access.oversees(actor)})


@staff_required
@require_POST
def enrol_view(request):
    actor = request.actor
    name: object = request.POST.get("name", "")
    if request.content_type == "application/json":
        try:
            body = jsonbody.loads(request.body or b"{}", max_bytes=4096, max_depth=4)
        except jsonbody.JsonError as exc:
            return JsonResponse({"error": exc.message}, status=400)
        name = body.get("name") if isinstance(body, dict) else ""
    try:
        enrolled = actions.enrol(actor, name)
    except ActionError as exc:
        return JsonResponse({"error": exc.message}, status=400)
    return JsonResponse({"device": str(enrolled.device.uuid), "secret": enrolled.secret, "app_url": "/offline/app/",
                         "wipe_after_days": actions.limit_days(enrolled.device), "pin_length": actions.PIN_LENGTH},
                        status=201)


@staff_required
@require_POST
def revoke_view(request, device):
    if access.device_for(request.actor, device) is None:
        raise Http404
    try:
        revoked = actions.revoke(request.actor, device)
    except ActionError as exc:
        if _wants_json(request):
            return JsonResponse({"error": exc.message}, status=400)
        messages.error(request, exc.message)
        return redirect("offline:home")
    if _wants_json(request):
        return JsonResponse({"device": str(revoked.uuid),
                             "revoked_at": revoked.revoked_at.isoformat() if revoked.revoked_at else None})
    messages.success(request, _("The tablet “%(name)s” is stopped. Its copy is removed when it next connects.")
                     % {"name": revoked.name})
    back = request.POST.get("next", "")
    return redirect("offline:stale" if back == "stale" else "offline:home")


@staff_required
@require_GET
def stale_view(request):
    try:
        rows = actions.stale_devices(request.actor)
    except ActionError as exc:
        raise PermissionDenied(exc.message) from None
    return render(request, "offline/stale.html", {"rows": rows})


@staff_required
@require_GET
def conflicts_view(request):
    actor = request.actor
    return render(request, "offline/conflicts.html",
                  {"rows": present.rows(access.conflict_rows(actor)), "oversees": access.oversees(actor)})


@staff_required
@require_POST
def resolve_view(request, conflict_id):
    if access.conflict_for(request.actor, conflict_id) is None:
        raise Http404
    try:
        actions.resolve(request.actor, conflict_id, request.POST.get("choice", ""))
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Settled."))
    return redirect("offline:conflicts")


@require_GET
def app_view(request):
    """The app shell: no personal data, every word the script shows in the offline-words block."""
    return render(request, "offline/app.html", {})


@require_GET
def service_worker_view(request):
    response = HttpResponse(render_to_string("offline/sw.js", {}, request=request),
                            content_type="application/javascript; charset=utf-8")
    # no-cache as the contract says; no-store too, or the site's NoStoreMiddleware would add it anyway
    response["Cache-Control"] = "no-cache, no-store, max-age=0"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest_view(request):
    from django.templatetags.static import static

    data = {"name": "OpenIPT groups", "short_name": "OpenIPT", "start_url": "/offline/app/", "scope": "/",
            "display": "standalone", "background_color": "#ffffff", "theme_color": "#1d4f91",
            "icons": [{"src": static("offline/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
                      {"src": static("offline/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                      {"src": static("offline/icon-512.png"), "sizes": "512x512", "type": "image/png"}]}
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


def _raw_body(request) -> bytes | None:
    """The request's bytes as sent, or None when a form body was already read (only JSON is accepted)."""
    try:
        return request.body
    except RawPostDataException:
        return None


def _device_request(request, body: bytes):
    return actions.authenticate(
        method=request.method, path=request.path, body=body,
        device_id=request.headers.get("X-OpenIPT-Device", ""), seq_text=request.headers.get("X-OpenIPT-Seq", ""),
        signature=request.headers.get("X-OpenIPT-Signature", ""), origin=origin_from_request(request))


def _refused(exc: DeviceRefused) -> JsonResponse:
    body: dict = {"error": exc.message if exc.reason != "replayed" else "replayed", "reason": exc.reason}
    if exc.wipe:
        body["wipe"] = True
    return JsonResponse(body, status=exc.status)


@csrf_exempt
@require_GET
def snapshot_view(request):
    try:
        device, actor, _seq = _device_request(request, b"")
    except DeviceRefused as exc:
        return _refused(exc)
    data = snapshot.build(actor, device)
    actions.record_snapshot(actor, device, len(data["groups"]))
    return JsonResponse(data)


@csrf_exempt
@require_POST
def sync_view(request):
    raw = _raw_body(request)
    if raw is not None and len(raw) > MAX_BODY:
        return JsonResponse({"error": _("Too many changes in one request. Send fewer at a time.")}, status=413)
    try:
        device, actor, _seq = _device_request(request, raw if raw is not None else b"")
    except DeviceRefused as exc:
        return _refused(exc)
    if raw is None:
        return JsonResponse({"error": _("The changes could not be read."), "detail": "Send application/json."}, status=400)
    try:
        body = jsonbody.loads(raw or b"{}", max_bytes=MAX_BODY, max_depth=10)
    except jsonbody.JsonError as exc:
        return JsonResponse({"error": _("The changes could not be read."), "detail": exc.message}, status=400)
    try:
        results = actions.sync(actor, device, body.get("changes") if isinstance(body, dict) else None)
    except ActionError as exc:
        return JsonResponse({"error": exc.message}, status=400)
    data = snapshot.build(actor, device)
    return JsonResponse({"server_time": data["server_time"], "results": results, "snapshot": data})
