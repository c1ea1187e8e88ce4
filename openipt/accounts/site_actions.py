"""Sites: adding and changing an organisation's sites, and placing staff in one.

Each function takes the Actor first, checks that they are an admin, runs in a transaction and records an
audit event. Placing clients and groups in a site is done by their own apps (`clients.site_actions`,
`groups.site_actions`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.accounts.access import is_admin
from openipt.accounts.models import Membership, Role, Site, SiteKind
from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.core import events
from openipt.core.errors import ActionError, ConflictError, ErrorCode

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

SITE_SAVED = register("accounts.site_saved", "Site added or changed")
STAFF_SITE_SET = register("accounts.staff_site_set", "Staff placed in a site")

CODE = re.compile(r"^[A-Za-z0-9_.-]{1,50}$")


@dataclass(frozen=True)
class SiteInput:
    name: str
    kind: str
    time_zone: str
    is_active: bool = True
    report_code: str = ""


def check_time_zone(name: str) -> str:
    """Return the time zone's name when Python knows it (an IANA name such as Africa/Kampala)."""
    name = (name or "").strip()
    if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
        raise ActionError(_("Give a time zone name such as Africa/Kampala or Europe/London."), field="time_zone")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ActionError(
            _("%(name)s is not a time zone we know. Use a name such as Africa/Kampala or Europe/London.")
            % {"name": name},
            field="time_zone",
        ) from error
    return name


def _require_admin(actor: Actor) -> None:
    if not is_admin(actor):
        raise ActionError(_("Only an admin can change sites."), code=ErrorCode.FORBIDDEN)


def site_for_change(actor: Actor, site_id: object) -> Site:
    """One of the actor's organisation's sites, locked, or a refusal."""
    pk = site_id if isinstance(site_id, int) and not isinstance(site_id, bool) else None
    found = (
        Site.objects.select_for_update().filter(pk=pk, organisation_id=actor.organisation_id).first()
        if pk is not None
        else None
    )
    if found is None:
        raise ActionError(_("That site does not exist. Reload the page."), code=ErrorCode.NOT_FOUND)
    return found


@transaction.atomic
def save_site(actor: Actor, site_id: int | None, data: SiteInput, *, expected_version: int | None = None) -> Site:
    """Add a site (site_id None) or change one's name, kind, time zone, report code or whether it is in use."""
    _require_admin(actor)
    name = " ".join((data.name or "").split())
    if not name:
        raise ActionError(_("Give the site a name, for example the clinic or the village."), field="name")
    if len(name) > 120:
        raise ActionError(_("Shorten the name to 120 characters or fewer."), field="name")
    if data.kind not in SiteKind.values:
        raise ActionError(_("Choose what kind of place this is."), field="kind")
    zone = check_time_zone(data.time_zone)
    code = (data.report_code or "").strip()
    if code and not CODE.match(code):
        raise ActionError(
            _("A DHIS2 code has letters, digits, dots, dashes or underscores only (at most 50)."),
            field="report_code",
        )
    clash = Site.objects.filter(organisation_id=actor.organisation_id, name__iexact=name)
    values = {"name": name, "kind": data.kind, "time_zone": zone, "is_active": bool(data.is_active), "report_code": code}
    if site_id is None:
        if clash.exists():
            raise ActionError(_("There is already a site called %(name)s.") % {"name": name}, field="name")
        site = Site.objects.create(organisation_id=actor.organisation_id, **values)
    else:
        site = site_for_change(actor, site_id)
        if expected_version is not None and site.version != expected_version:
            raise ConflictError(
                _("Someone else changed this site while you were editing. Their version is shown; check and save again."),
                current=site,
            )
        if clash.exclude(pk=site.pk).exists():
            raise ActionError(_("There is already a site called %(name)s.") % {"name": name}, field="name")
        Site.objects.filter(pk=site.pk).update(version=F("version") + 1, **values)
        site.refresh_from_db()
    audit.record(SITE_SAVED.code, actor=actor, obj=site, details={k: v for k, v in values.items() if k != "name"})
    return site


def _access_changed(actor: Actor, membership_ids: list[int], site: Site | None) -> None:
    if membership_ids:
        events.emit(events.EventType.ACCESS_CHANGED, organisation_id=actor.organisation_id, occurred_at=timezone.now(),
                    data={"change": "staff_site", "staff_ids": sorted(membership_ids),
                          "site_id": site.pk if site is not None else None})


@transaction.atomic
def set_staff_site(actor: Actor, site_id: int | None, membership_ids: Iterable[int], *, replace: bool = False) -> int:
    """Place staff in a site (site_id None: no site, the whole organisation). With `replace`, the site's staff
    become exactly these: anyone else in it goes back to no site. Admins stay unlimited whatever their site;
    returns how many memberships changed."""
    _require_admin(actor)
    site = site_for_change(actor, site_id) if site_id is not None else None
    ids = sorted({pk for pk in membership_ids if isinstance(pk, int) and not isinstance(pk, bool)})
    staff = Membership.objects.filter(
        pk__in=ids, organisation_id=actor.organisation_id, is_service=False
    ).exclude(role=Role.CLIENT)
    found = list(staff.values_list("pk", flat=True))
    if len(found) != len(ids):
        raise ActionError(_("Some of the people chosen are not staff of this organisation. Reload the page."),
                          field="staff")
    moving = staff.exclude(**({"site__isnull": True} if site is None else {"site_id": site.pk})) if ids else None
    removed: list[int] = []
    leaving = None
    if replace and site is not None:
        leaving = Membership.objects.filter(site=site).exclude(pk__in=ids)
        removed = list(leaving.values_list("pk", flat=True))
    # A site limit decides which clients a person sees: told before the change is written (in this transaction), so
    # the listeners (the API's changes feed) can read who saw which clients until now.
    if moving is not None:
        _access_changed(actor, list(moving.values_list("pk", flat=True)), site)
    _access_changed(actor, removed, None)
    changed = moving.update(site=site) if moving is not None else 0
    if leaving is not None:
        changed += leaving.update(site=None)
    audit.record(STAFF_SITE_SET.code, actor=actor, obj=site,
                 details={"site": site.pk if site else None, "memberships": found, "removed": removed})
    return changed
