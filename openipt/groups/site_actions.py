"""Placing groups in a site (admins, in bulk), and, if asked, their members too."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.accounts.models import Site
from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients.site_actions import set_client_site
from openipt.core.errors import ActionError, ErrorCode
from openipt.groups import access
from openipt.groups.models import Group, Member

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

GROUP_SITE_SET = register("group.site_set", "Groups placed in a site")


@transaction.atomic
def set_group_site(actor: Actor, site_id: int | None, group_ids: Iterable[int], *, with_members: bool = False,
                   replace: bool = False) -> int:
    """Put groups in a site (None: no site). Sessions already made keep their times; sessions of groups set up
    in a site are made in its time zone. With `with_members`, the groups' members are placed in the site too;
    with `replace`, the site's groups become exactly these (others go back to no site, their members stay)."""
    if not access.can_manage(actor):
        raise ActionError(_("Only an admin can place groups in a site."), code=ErrorCode.FORBIDDEN)
    site = None
    if site_id is not None:
        site = Site.objects.filter(pk=site_id, organisation_id=actor.organisation_id).first()
        if site is None:
            raise ActionError(_("That site does not exist. Reload the page."), code=ErrorCode.NOT_FOUND)
    ids = sorted({pk for pk in group_ids if isinstance(pk, int) and not isinstance(pk, bool)})
    groups = Group.objects.filter(pk__in=ids, organisation_id=actor.organisation_id)
    if groups.count() != len(ids):
        raise ActionError(_("Some of the groups chosen are not this organisation's. Reload the page."), field="groups")
    changed = (
        groups.exclude(**({"site__isnull": True} if site is None else {"site_id": site.pk})).update(
            site=site, version=F("version") + 1, updated_at=timezone.now()
        )
        if ids
        else 0
    )
    removed: list[int] = []
    if replace and site is not None:
        leaving = Group.objects.filter(site=site).exclude(pk__in=ids)
        removed = list(leaving.values_list("pk", flat=True))
        changed += leaving.update(site=None, version=F("version") + 1, updated_at=timezone.now())
    if with_members and ids:
        set_client_site(actor, site_id, client_ids=Member.objects.filter(group_id__in=ids).values_list("client_id", flat=True))
    audit.record(GROUP_SITE_SET.code, actor=actor, obj=site,
                 details={"site": site.pk if site else None, "groups": ids, "with_members": with_members,
                          "removed": removed})
    return changed
