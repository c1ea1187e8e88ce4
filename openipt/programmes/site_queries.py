"""The sites pages' reads: the organisation's sites with how many groups, staff and clients each has, and the
staff and groups an admin may place in a site. A fixed number of queries whatever the number of sites."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count

from openipt.accounts.access import site_limit
from openipt.accounts.models import Membership, Role, Site
from openipt.clients.models import Client
from openipt.groups.models import Group

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


@dataclass(frozen=True)
class SiteRow:
    site: Site
    groups: int
    staff: int
    clients: int


def visible_sites(actor: Actor) -> list[Site]:
    """The sites the actor's figures may be filtered by: all the organisation's, or their own site alone."""
    sites = Site.objects.filter(organisation_id=actor.organisation_id).order_by("name", "pk")
    limit = site_limit(actor)
    if limit is not None:
        sites = sites.filter(pk=limit)
    return list(sites)


def _counts(rows: object) -> dict[int | None, int]:
    return {site: n for site, n in rows}  # type: ignore[attr-defined]


def site_rows(actor: Actor) -> tuple[list[SiteRow], SiteRow]:
    """Every site of the organisation with its counts, and the counts with no site (four queries)."""
    org = actor.organisation_id
    groups = _counts(Group.objects.filter(organisation_id=org).values("site_id").annotate(n=Count("pk"))
                     .values_list("site_id", "n"))
    staff = _counts(Membership.objects.filter(organisation_id=org, is_service=False).exclude(role=Role.CLIENT)
                    .values("site_id").annotate(n=Count("pk")).values_list("site_id", "n"))
    clients = _counts(Client.objects.filter(organisation_id=org).values("site_id").annotate(n=Count("pk"))
                      .values_list("site_id", "n"))
    sites = list(Site.objects.filter(organisation_id=org).order_by("name", "pk"))
    rows = [SiteRow(s, groups.get(s.pk, 0), staff.get(s.pk, 0), clients.get(s.pk, 0)) for s in sites]
    nowhere = SiteRow(Site(organisation_id=org, name=""), groups.get(None, 0), staff.get(None, 0), clients.get(None, 0))
    return rows, nowhere


def get_site(actor: Actor, site_id: int) -> Site | None:
    return Site.objects.filter(pk=site_id, organisation_id=actor.organisation_id).first()


def staff_choices(actor: Actor) -> list[tuple[int, str]]:
    """The organisation's staff (not API logins, not clients), each with the site they are in now."""
    rows = (Membership.objects.filter(organisation_id=actor.organisation_id, is_service=False)
            .exclude(role=Role.CLIENT).select_related("user", "site").order_by("user__display_name", "user__username", "pk"))
    return [(m.pk, f"{m.user} ({m.get_role_display()}) · {m.site.name if m.site else '—'}") for m in rows]


def group_choices(actor: Actor) -> list[tuple[int, str]]:
    """The organisation's groups, each with the site it is in now."""
    rows = Group.objects.filter(organisation_id=actor.organisation_id).order_by("name", "pk").values_list(
        "pk", "name", "site__name")
    return [(pk, f"{name} · {site or '—'}") for pk, name, site in rows]


def members_of(site: Site) -> tuple[list[int], list[int]]:
    """The staff and groups in a site (their ids), to tick them on its page."""
    staff = list(Membership.objects.filter(site=site).values_list("pk", flat=True))
    groups = list(Group.objects.filter(site=site).values_list("pk", flat=True))
    return staff, groups
