"""Pages that belong to no single domain: home, health check, error pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render

from openipt.core import metrics, readiness
from openipt.core.extensions import NAV


def home_view(request: HttpRequest) -> HttpResponseBase:
    """Send each person to their own start page."""
    actor = getattr(request, "actor", None)
    if actor is None:
        return redirect("accounts:login")
    if actor.is_client:
        return redirect("practice:portal")
    if actor.role == "manager":
        return redirect("programmes:dashboard")  # aggregates only: the programme dashboard is their whole site
    if actor.role == "admin":
        return redirect("clients:caseload")
    return redirect("today:today")  # therapists, facilitators and supervisors start the day here


def nav_count_view(request: HttpRequest, url_name: str) -> HttpResponse:
    """The count after a navigation link (" (4)", or nothing), fetched once the page is shown.

    Counting can take longer than drawing the page (the questionnaires due across a caseload), so
    pages do not wait for it: the navigation asks for it here after the page has loaded.
    """
    actor = getattr(request, "actor", None)
    if actor is None:
        return HttpResponse("", status=401)
    item = next((i for i in NAV if i.url_name == url_name and i.count and actor.role in i.roles), None)
    if item is None or item.count is None:
        raise Http404
    n = item.count(request)
    response = HttpResponse(f" ({n})" if n else "", content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def healthz_view(request: HttpRequest) -> JsonResponse:
    """Liveness: answer 200 while this process can answer at all. Touches no database (see /readyz)."""
    return JsonResponse({"status": "ok"})


def readyz_view(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when this server should be sent requests, 503 (with the failing checks named) when not.

    Checks the database answers, every migration this code knows is applied, and the escalation runner
    finished a round within `settings.ESCALATION_STALE_SECONDS` (when it has stopped, risk alerts are not
    passed on, HAZ-006). The body names checks only: no clinical data, no configuration values.
    """
    checks = readiness.run_checks()
    ready = all(check.ok for check in checks)
    body = {"status": "ok" if ready else "not ready",
            "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks}}
    return JsonResponse(body, status=200 if ready else 503)


def metrics_view(request: HttpRequest) -> HttpResponse:
    """The Prometheus metrics (openipt/core/metrics.py), for a scraper with the token or from an allowed address."""
    if not metrics.enabled():
        raise Http404
    if not metrics.allowed(request):
        return JsonResponse({"error": "a metrics token or an allowed address is needed"}, status=403)
    return HttpResponse(metrics.render(), content_type=metrics.CONTENT_TYPE)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Explain an expired or missing form token without losing the person's trust."""
    return render(request, "errors/csrf.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)
