"""The programme dashboard, its monthly reports and the programme settings."""

from __future__ import annotations

import json
from calendar import monthrange
from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from openipt.accounts.decorators import admin_required
from openipt.core.decorators import actor_required
from openipt.core.forms import save_versioned
from openipt.programmes import actions, present, queries
from openipt.programmes import indicators as ind
from openipt.programmes.access import DASHBOARD_ROLES, EXPORT_ROLES
from openipt.programmes.forms import FilterForm, ReportForm, SettingsForm, default_period
from openipt.programmes.reporting import MappingError, csv_text, data_value_set, parse_mapping


@actor_required(*DASHBOARD_ROLES)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """The care cascade and quality of care for a period, a facilitator, a group or a group programme."""
    actor = request.actor  # type: ignore[attr-defined]
    options = queries.choices(actor)
    form = FilterForm(request.GET, options=options)
    if form.is_valid():
        d = form.cleaned_data
        filters = queries.Filters(d["start"], d["end"], d["facilitator"], d["group"], d["cohort"])
    else:
        start, end = default_period()
        filters = queries.Filters(start, end)
    settings = queries.settings_for(actor.organisation_id)
    cohort = queries.cohort(actor, filters)
    result = ind.compute(cohort, min_sessions=settings.min_sessions, threshold=settings.suppress_below)
    rows = present.facilitator_rows(
        cohort,
        dict(options["facilitators"]),
        min_sessions=settings.min_sessions,
        threshold=settings.suppress_below,
        targets=settings.targets(),
        total=result,
    )
    return render(
        request,
        "programmes/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "settings": settings,
            "result": result,
            "empty": cohort.is_empty(),
            "cascade": result.section("cascade"),
            "quality": result.section("quality"),
            "chart": present.cascade_chart(result),
            "rows": rows,
            "per_session": result.per_session,
            "can_export": actor.role in EXPORT_ROLES,
        },
    )


@actor_required(*EXPORT_ROLES)
def report_view(request: HttpRequest) -> HttpResponse:
    """The month's indicators as CSV or as a DHIS2 dataValueSet; a month with no data, or a mapping that
    cannot be used, is said on the page instead."""
    actor = request.actor  # type: ignore[attr-defined]
    form = ReportForm(request.GET if "month" in request.GET else None)
    problem = ""
    if form.is_bound and form.is_valid():
        month: date = form.cleaned_data["month"]
        kind = form.cleaned_data["format"]
        settings = queries.settings_for(actor.organisation_id)
        mapping = None
        if kind == "dhis2":
            try:
                mapping = parse_mapping(
                    settings.dhis2_mapping, org_unit=settings.dhis2_org_unit, data_set=settings.dhis2_data_set
                )
            except MappingError as error:
                problem = _(
                    "The DHIS2 codes cannot be used yet: %(why)s An admin can fix them on the programme "
                    "settings page."
                ) % {"why": str(error)}
        if not problem:
            end = month.replace(day=monthrange(month.year, month.month)[1])
            cohort = queries.cohort(actor, queries.Filters(month, end))
            if cohort.is_empty():
                problem = _(
                    "There is nothing to report for %(month)s: no one was screened or enrolled, no session "
                    "was held, and there were no alerts or fidelity ratings."
                ) % {"month": month.strftime("%Y-%m")}
            else:
                result = ind.compute(
                    cohort, min_sessions=settings.min_sessions, threshold=settings.suppress_below
                )
                actions.record_export(actor, kind=kind, period=month.strftime("%Y-%m"), filters={})
                name = f"openipt-programme-{month:%Y-%m}"
                if mapping is not None:
                    body = json.dumps(data_value_set(result, mapping, month), indent=2)
                    response = HttpResponse(body, content_type="application/json")
                    response["Content-Disposition"] = f'attachment; filename="{name}-dhis2.json"'
                else:
                    response = HttpResponse(csv_text(result, month), content_type="text/csv; charset=utf-8")
                    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
                return response
    return render(request, "programmes/report.html", {"form": form, "problem": problem})


@admin_required
def settings_view(request: HttpRequest) -> HttpResponse:
    """The minimum dose, small-number hiding, quality targets and DHIS2 codes."""
    actor = request.actor  # type: ignore[attr-defined]
    current = queries.settings_for(actor.organisation_id)
    fields = (
        "min_sessions",
        "suppress_below",
        "attendance_target",
        "fidelity_target",
        "checks_missed_target",
        "ack_minutes_target",
        "dhis2_org_unit",
        "dhis2_data_set",
        "dhis2_mapping",
    )
    initial = {name: getattr(current, name) for name in fields} | {"version": current.version}
    form = SettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = actions.SettingsInput(**{name: d[name] for name in fields})
        if save_versioned(form, lambda: actions.save_settings(actor, data, expected_version=d["version"])):
            messages.success(request, _("Programme settings saved."))
            return redirect("programmes:settings")
    return render(request, "programmes/settings.html", {"form": form, "indicators": ind.INDICATORS})
