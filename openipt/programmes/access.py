"""Who may see a programme's aggregates, export them and set them up.

The programme pages show counts, percentages and averages only, never a client's record. A programme
manager, the organisation's admins and its supervisors open the dashboard; a supervisor's figures cover
only the groups they can see (`groups.access.visible_groups`). Exports are for managers and admins;
the settings (and the DHIS2 codes) for admins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from openipt.accounts.access import site_q
from openipt.accounts.models import Role
from openipt.groups.access import visible_groups
from openipt.groups.models import Group

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

DASHBOARD_ROLES = (Role.MANAGER, Role.ADMIN, Role.SUPERVISOR)
EXPORT_ROLES = (Role.MANAGER, Role.ADMIN)


def programme_groups(actor: Actor | None) -> QuerySet[Group]:
    """The groups whose members this actor's figures count: the organisation's, or a supervisor's own."""
    if actor is None or actor.role not in DASHBOARD_ROLES:
        return Group.objects.none()
    if actor.role == Role.SUPERVISOR:
        return visible_groups(actor)
    return Group.objects.filter(site_q(actor), organisation_id=actor.organisation_id)


def can_view_dashboard(actor: Actor | None) -> bool:
    """Programme managers, admins and supervisors see the programme's aggregates."""
    return actor is not None and actor.role in DASHBOARD_ROLES


def can_export(actor: Actor | None) -> bool:
    """Programme managers and admins take the monthly CSV and DHIS2 reports."""
    return actor is not None and actor.role in EXPORT_ROLES


def can_configure(actor: Actor | None) -> bool:
    """Admins change the programme settings and DHIS2 codes."""
    return actor is not None and actor.role == Role.ADMIN


def can_view_rows(actor: Actor | None) -> bool:
    """Whoever sees the dashboard sees the de-identified rows behind its counts, within the same groups (never
    below the small-number threshold; no names, birth dates or free text are in them)."""
    return can_view_dashboard(actor)
