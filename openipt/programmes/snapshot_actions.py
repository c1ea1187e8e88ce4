"""Keeping the dashboard's figures for the default period: `openipt programme-refresh` (a timer runs it hourly).

A programme of thousands of groups takes seconds to count from the records; the kept figures let its dashboard
open in a fraction of a second instead of seconds, and the page says when they were computed. Counts only; small cells are hidden when drawn.
"""

from __future__ import annotations

from dataclasses import astuple
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.accounts.access import site_limit
from openipt.accounts.actor import Actor
from openipt.accounts.models import Membership, Role, Site
from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.core.errors import ActionError, ErrorCode
from openipt.groups.models import Group
from openipt.programmes import access, competency_queries, present, queries
from openipt.programmes import indicators as ind
from openipt.programmes.forms import default_period
from openipt.programmes.models import ProgrammeSettings, ProgrammeSnapshot

REFRESHED = register("programmes.figures_refreshed", "Programme figures computed for the dashboard")


def refresh(actor: Actor | None, *, organisation_id: int) -> int:
    """Compute and keep the default period's figures for the whole organisation, each site in use and each active
    supervisor's own groups; returns how many sets were kept. The system (actor None: the command, the timer) or
    an admin may run it."""
    if actor is not None and (not access.can_configure(actor) or actor.organisation_id != organisation_id):
        raise ActionError(_("Only an admin can refresh the programme's figures."), code=ErrorCode.FORBIDDEN)
    start, end = default_period()
    settings = queries.settings_for(organisation_id)
    kept = 0
    places: list[int | None] = [None, *Site.objects.filter(organisation_id=organisation_id).values_list("pk", flat=True)]
    for site in places:
        groups = Group.objects.filter(organisation_id=organisation_id)
        if site is not None:
            groups = groups.filter(site_id=site)
        cohort = queries.cohort_of(groups, organisation_id, queries.Filters(start, end, site_id=site))
        total = ind.counts(cohort, settings.min_sessions)
        each = present.facilitator_counts(cohort, min_sessions=settings.min_sessions)
        rows = present.rows_from_counts(
            each, queries.facilitator_names(groups), threshold=settings.suppress_below, targets=settings.targets(),
            total=ind.from_counts(total, threshold=settings.suppress_below),
        )
        figures = {
            "total": total,
            "per_session": [list(row) for row in ind.per_session(cohort.marks)],
            "rows": present.keep_rows(rows, each),  # the first rows, in order, as the page lists them
            "rows_total": len(rows),
            "threshold": settings.suppress_below,  # kept figures are used only while these settings stay the same
            "targets": list(astuple(settings.targets())),
            "empty": cohort.is_empty(),
            # facilitator competency for the same scope (staff counts; the page says when they were computed)
            "competency": competency_queries.to_kept(competency_queries.count(
                organisation_id, competency_queries.organisation_facilitators(organisation_id, site))),
        }
        _keep(organisation_id, start, end, settings.min_sessions, figures, site=site)
        kept += 1
    supervisors = Membership.objects.filter(organisation_id=organisation_id, role=Role.SUPERVISOR, is_active=True)
    for supervisor in supervisors.order_by("pk"):
        _keep(organisation_id, start, end, settings.min_sessions, supervisor_figures(Actor(supervisor), settings),
              supervisor=supervisor.pk)
        kept += 1
    # a supervisor no longer active (or no longer a supervisor) keeps no figures
    ProgrammeSnapshot.objects.filter(organisation_id=organisation_id, supervisor__isnull=False).exclude(
        supervisor__in=supervisors).delete()
    audit.record(REFRESHED.code, actor=actor, organisation_id=organisation_id,
                 details={"start": start.isoformat(), "end": end.isoformat(), "sets": kept},
                 system_label="openipt programme-refresh")
    return kept


def supervisor_figures(supervisor: Actor, settings: ProgrammeSettings) -> dict[str, object]:
    """The default period's figures for a supervisor's own groups, as their dashboard counts them, except risk
    alerts: the page always counts those from the records (`present.with_live_alerts`). Every facilitator's
    counts are kept (a supervisor has few), so the page can put each one's alerts in and order the rows again."""
    start, end = default_period()
    cohort = queries.cohort(supervisor, queries.Filters(start, end))
    each = present.facilitator_counts(cohort, min_sessions=settings.min_sessions)
    return {
        "total": ind.counts(cohort, settings.min_sessions),
        "per_session": [list(row) for row in ind.per_session(cohort.marks)],
        "each": [[pk, counts] for pk, counts in each.items()],  # a list: the order of the rows is kept
        "empty_but_alerts": not (cohort.screenings or cohort.enrolments or cohort.marks or cohort.ratings),
        "threshold": settings.suppress_below,
        "targets": list(astuple(settings.targets())),
        "site_limit": site_limit(supervisor),  # the site they were in decides which groups these are
        "groups": _group_ids(supervisor),  # a facilitator who is no longer theirs: these are not their figures
        # their supervisees' competency (used only while they have no rating still to rate blind)
        "competency": competency_queries.to_kept(competency_queries.count(
            settings.organisation_id, competency_queries.programme_facilitators(supervisor))),
    }


def _group_ids(supervisor: Actor) -> list[int]:
    """The groups a supervisor's figures cover now (their supervisees'), as a sorted list of ids."""
    return sorted(queries.scoped_groups(supervisor, queries.Filters(*default_period())).values_list("pk", flat=True))


def _keep(organisation_id: int, start: date, end: date, min_sessions: int, figures: dict[str, object], *,
          site: int | None = None, supervisor: int | None = None) -> None:
    with transaction.atomic():
        ProgrammeSnapshot.objects.update_or_create(
            organisation_id=organisation_id, site_id=site, supervisor_id=supervisor,  # type: ignore[misc]
            start=start, end=end,
            defaults={"min_sessions": min_sessions, "computed_at": timezone.now(), "figures": figures},
        )
        # older periods' figures are never read again
        ProgrammeSnapshot.objects.filter(organisation_id=organisation_id, **queries._site_is(site),
                                         supervisor_id=supervisor).exclude(start=start, end=end).delete()
