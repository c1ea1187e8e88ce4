"""The programme dashboard, its monthly reports and the programme settings."""

from __future__ import annotations

import json
from calendar import monthrange
from dataclasses import replace
from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from openipt.accounts import site_actions
from openipt.accounts.access import site_limit
from openipt.accounts.decorators import admin_required
from openipt.clients import site_actions as client_site_actions
from openipt.core.decorators import actor_required
from openipt.core.errors import ActionError
from openipt.core.forms import apply_action_error, save_versioned
from openipt.groups import site_actions as group_site_actions
from openipt.programmes import actions, competency_queries, present, queries, row_queries, site_queries
from openipt.programmes import benchmarks as bench
from openipt.programmes import indicators as ind
from openipt.programmes.access import DASHBOARD_ROLES, EXPORT_ROLES, can_view_rows
from openipt.programmes.forms import (
    FilterForm,
    PlaceClientsForm,
    PlaceGroupsForm,
    PlaceStaffForm,
    ReportForm,
    SettingsForm,
    SiteForm,
    default_period,
)
from openipt.programmes.reporting import MappingError, csv_text, data_value_set, parse_mapping
from openipt.supervision import competency_actions
from openipt.supervision.competency_tools import rule_row
from openipt.supervision.competency_tools import tools as competency_tools
from openipt.supervision.forms import RuleForm


def _filters(request: HttpRequest) -> tuple[FilterForm, queries.Filters]:
    """The dashboard's choices from the query string (the default period when they do not make sense)."""
    actor = request.actor  # type: ignore[attr-defined]
    options = queries.choices(actor, queries.chosen_site(request.GET.get("site")))
    form = FilterForm(request.GET, options=options)
    if form.is_valid():
        d = form.cleaned_data
        return form, queries.Filters(d["start"], d["end"], d["facilitator"], d["group"], d["cohort"], d["site"])
    start, end = default_period()
    return form, queries.Filters(start, end)


@actor_required(*DASHBOARD_ROLES)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """The care cascade and quality of care for a period, a facilitator, a group or a group programme."""
    actor = request.actor  # type: ignore[attr-defined]
    form, filters = _filters(request)
    settings = queries.settings_for(actor.organisation_id)
    kept = queries.snapshot_for(actor, filters, settings, default_period())
    if kept is not None and kept.supervisor_id is not None:  # a supervisor's kept figures, their alerts counted now
        alerts = queries.alerts_of(queries.scoped_groups(actor, filters), filters)
        total, each, empty = present.with_live_alerts(kept.figures, alerts, min_sessions=settings.min_sessions)
        result = ind.from_counts(
            total, tuple(tuple(row) for row in kept.figures["per_session"]), threshold=settings.suppress_below
        )
        rows = present.rows_from_counts(
            each, queries.names_of(actor, list(each)), threshold=settings.suppress_below,
            targets=settings.targets(), total=result,
        )
        rows_total = len(rows)
    elif kept is not None:  # the figures `openipt programme-refresh` keeps for the default period
        figures = kept.figures
        result = ind.from_counts(
            figures["total"], tuple(tuple(row) for row in figures["per_session"]), threshold=settings.suppress_below
        )
        rows = present.rows_from_kept(
            figures["rows"],
            queries.names_of(actor, [int(row["pk"]) for row in figures["rows"]]),
            threshold=settings.suppress_below,
            targets=settings.targets(),
        )
        rows_total = int(figures["rows_total"])
        empty = bool(figures["empty"])
    else:
        cohort = queries.cohort(actor, filters)
        result = ind.compute(cohort, min_sessions=settings.min_sessions, threshold=settings.suppress_below)
        rows = present.facilitator_rows(
            cohort,
            queries.facilitator_names(queries.scoped_groups(actor, filters)),
            min_sessions=settings.min_sessions,
            threshold=settings.suppress_below,
            targets=settings.targets(),
            total=result,
        )
        rows_total = len(rows)
        empty = cohort.is_empty()
    return render(
        request,
        "programmes/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "settings": settings,
            "result": result,
            "empty": empty,
            "computed_at": kept.computed_at if kept is not None else None,
            "alerts_now": kept is not None and kept.supervisor_id is not None,
            "cascade": result.section("cascade"),
            "quality": result.section("quality"),
            "chart": present.cascade_chart(result),
            "benchmarks": bench.panel(result),
            "rows": rows[: present.ROWS_SHOWN],
            "rows_left": max(0, rows_total - present.ROWS_SHOWN),
            "per_session": result.per_session,
            "can_export": actor.role in EXPORT_ROLES,
            "competency": (kept is not None and competency_queries.can_use_kept(actor)
                           and competency_queries.from_kept(kept.figures.get("competency"), actor.organisation_id))
            or competency_queries.summary(actor, filters.site_id),
            "row_steps": row_queries.ROW_STEPS if can_view_rows(actor) else (),
            "query": request.GET.urlencode(),
        },
    )


@actor_required(*EXPORT_ROLES)
def report_view(request: HttpRequest) -> HttpResponse:
    """The month's indicators as CSV or as a DHIS2 dataValueSet; a month with no data, or a mapping that
    cannot be used, is said on the page instead."""
    actor = request.actor  # type: ignore[attr-defined]
    sites = site_queries.visible_sites(actor)
    form = ReportForm(request.GET if "month" in request.GET else None, sites=[(x.pk, x.name) for x in sites])
    problem = ""
    if form.is_bound and form.is_valid():
        month: date = form.cleaned_data["month"]
        kind = form.cleaned_data["format"]
        settings = queries.settings_for(actor.organisation_id)
        limit = site_limit(actor)  # a manager limited to a site reports that site, under its code
        site = next((x for x in sites if x.pk == (form.cleaned_data["site"] or limit)), None)
        mapping = None
        if kind == "dhis2":
            org_unit = site.report_code if site is not None else settings.dhis2_org_unit
            try:
                if site is not None and not org_unit:
                    raise MappingError(
                        _("the site %(site)s has no DHIS2 organisation unit code (an admin adds it on the site's page).")
                        % {"site": site.name}
                    )
                mapping = parse_mapping(settings.dhis2_mapping, org_unit=org_unit, data_set=settings.dhis2_data_set)
            except MappingError as error:
                problem = _(
                    "The DHIS2 codes cannot be used yet: %(why)s An admin can fix them on the programme "
                    "settings page."
                ) % {"why": str(error)}
        if not problem:
            end = month.replace(day=monthrange(month.year, month.month)[1])
            cohort = queries.cohort(actor, queries.Filters(month, end, site_id=site.pk if site else None))
            cohort = replace(cohort, staff=competency_queries.staff_competency(
                actor, site.pk if site else None, month, end))
            if cohort.is_empty():
                problem = _(
                    "There is nothing to report for %(month)s: no one was screened or enrolled, no session "
                    "was held, and there were no alerts or fidelity ratings."
                ) % {"month": month.strftime("%Y-%m")}
            else:
                result = ind.compute(
                    cohort, min_sessions=settings.min_sessions, threshold=settings.suppress_below
                )
                actions.record_export(
                    actor, kind=kind, period=month.strftime("%Y-%m"), filters={"site": site.pk if site else None}
                )
                name = f"openipt-programme-{month:%Y-%m}" + (f"-site-{site.pk}" if site else "")
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


@admin_required
def sites_view(request: HttpRequest) -> HttpResponse:
    """The organisation's sites with how many groups, staff and clients each has, and a form to add one."""
    actor = request.actor  # type: ignore[attr-defined]
    form = SiteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = site_actions.SiteInput(d["name"], d["kind"], d["time_zone"], d["is_active"], d["report_code"])
        try:
            site = site_actions.save_site(actor, None, data)
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, _("Site %(name)s added. Now put staff, groups and clients in it.") % {"name": site.name})
            return redirect("programmes:site", site_id=site.pk)
    rows, nowhere = site_queries.site_rows(actor)
    return render(request, "programmes/sites.html", {"form": form, "rows": rows, "nowhere": nowhere})


@admin_required
def site_view(request: HttpRequest, site_id: int) -> HttpResponse:
    """One site: its details, and who and what is in it (staff, groups, clients), each changed in bulk."""
    actor = request.actor  # type: ignore[attr-defined]
    site = site_queries.get_site(actor, site_id)
    if site is None:
        raise Http404
    part = request.POST.get("part", "") if request.method == "POST" else ""
    in_staff, in_groups = site_queries.members_of(site)
    details = SiteForm(
        request.POST if part == "details" else None,
        initial={"name": site.name, "kind": site.kind, "time_zone": site.time_zone, "report_code": site.report_code,
                 "is_active": site.is_active, "version": site.version},
    )
    staff = PlaceStaffForm(request.POST if part == "staff" else None, choices=site_queries.staff_choices(actor),
                           initial={"staff": in_staff})
    groups = PlaceGroupsForm(request.POST if part == "groups" else None, choices=site_queries.group_choices(actor),
                             initial={"groups": in_groups})
    clients = PlaceClientsForm(request.POST if part == "clients" else None)
    done = ""
    if part == "details" and details.is_valid():
        d = details.cleaned_data
        data = site_actions.SiteInput(d["name"], d["kind"], d["time_zone"], d["is_active"], d["report_code"])
        if save_versioned(details, lambda: site_actions.save_site(actor, site.pk, data, expected_version=d["version"])):
            done = _("Site saved.")
    elif part == "staff" and staff.is_valid():
        try:
            n = site_actions.set_staff_site(actor, site.pk, staff.cleaned_data["staff"], replace=True)
        except ActionError as error:
            apply_action_error(staff, error)
        else:
            done = _("Staff in this site saved (%(n)d changed).") % {"n": n}
    elif part == "groups" and groups.is_valid():
        try:
            n = group_site_actions.set_group_site(actor, site.pk, groups.cleaned_data["groups"],
                                                  with_members=groups.cleaned_data["with_members"], replace=True)
        except ActionError as error:
            apply_action_error(groups, error)
        else:
            done = _("Groups in this site saved (%(n)d changed).") % {"n": n}
    elif part == "clients" and clients.is_valid():
        try:
            n = client_site_actions.set_client_site(actor, site.pk, record_numbers=clients.numbers())
        except ActionError as error:
            apply_action_error(clients, error)
        else:
            done = _("%(n)d clients put in this site.") % {"n": n}
    if done:
        messages.success(request, done)
        return redirect("programmes:site", site_id=site.pk)
    return render(request, "programmes/site.html",
                  {"site": site, "details": details, "staff": staff, "groups": groups, "clients": clients})


@admin_required
def competency_rule_view(request: HttpRequest) -> HttpResponse:
    """The programme's rule for signing a facilitator off to lead a group alone, and the competency tool it uses."""
    actor = request.actor  # type: ignore[attr-defined]
    current = rule_row(actor.organisation_id)
    initial = {"tool_id": current.tool_id, "required": current.required, "no_harmful": current.no_harmful,
               "min_level": current.min_level, "version": current.version}
    form = RuleForm(request.POST if request.method == "POST" else None, initial=initial,
                    tools=list(competency_tools().values()))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = competency_actions.RuleInput(d["tool_id"], d["required"], d["no_harmful"], d["min_level"])
        if save_versioned(form, lambda: competency_actions.save_rule(actor, data, expected_version=d["version"])):
            messages.success(request, _("The competency rule is saved. It applies to the next sign-off."))
            return redirect("programmes:competency_rule")
    return render(request, "programmes/competency_rule.html", {"form": form, "tools": list(competency_tools().values())})


@actor_required(*DASHBOARD_ROLES)
def rows_view(request: HttpRequest, step: str) -> HttpResponse:
    """The de-identified rows behind one cascade count, under the dashboard's choices; nothing when the count is
    hidden as a small number."""
    actor = request.actor  # type: ignore[attr-defined]
    if step not in row_queries.ROW_STEPS or not can_view_rows(actor):
        raise Http404
    form, filters = _filters(request)
    settings = queries.settings_for(actor.organisation_id)
    result = ind.compute(queries.cohort(actor, filters), min_sessions=settings.min_sessions,
                         threshold=settings.suppress_below)
    value = result.values[step]
    hidden = value.suppressed or int(value.value or 0) < settings.suppress_below
    rows = [] if hidden else row_queries.rows(actor, filters, step, min_sessions=settings.min_sessions)
    rows, outcomes_hidden = row_queries.hide_small_outcomes(rows, settings.suppress_below)
    if not hidden:
        actions.record_rows_viewed(actor, step=step, shown=len(rows), filters={
            "start": filters.start.isoformat(), "end": filters.end.isoformat(), "site": filters.site_id,
            "facilitator": filters.facilitator_id, "group": filters.group_id, "cohort": filters.cohort_id})
    return render(request, "programmes/rows.html", {
        "step": value.indicator, "filters": filters, "settings": settings, "hidden": hidden, "rows": rows,
        "outcomes_hidden": outcomes_hidden, "query": request.GET.urlencode(),
    })
