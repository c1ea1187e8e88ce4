"""Placing clients in a site (admins, in bulk): by record number, or the members of given groups."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.accounts.access import is_admin
from openipt.accounts.models import Site
from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients.models import Client
from openipt.core import events
from openipt.core.errors import ActionError, ErrorCode

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

CLIENT_SITE_SET = register("clients.site_set", "Clients placed in a site")

MOST_AT_ONCE = 5000


def _site(actor: Actor, site_id: int | None) -> Site | None:
    if site_id is None:
        return None
    site = Site.objects.filter(pk=site_id, organisation_id=actor.organisation_id).first()
    if site is None:
        raise ActionError(_("That site does not exist. Reload the page."), code=ErrorCode.NOT_FOUND)
    return site


@transaction.atomic
def set_client_site(
    actor: Actor, site_id: int | None, *, record_numbers: Iterable[str] = (), client_ids: Iterable[int] = ()
) -> int:
    """Put clients in a site (None: no site). Every record number must be one of the organisation's, or nothing
    changes and the unknown ones are named. Returns how many records changed."""
    if not is_admin(actor):
        raise ActionError(_("Only an admin can place clients in a site."), code=ErrorCode.FORBIDDEN)
    site = _site(actor, site_id)
    numbers = sorted({n.strip().upper() for n in record_numbers if n and n.strip()})
    ids = {pk for pk in client_ids if isinstance(pk, int) and not isinstance(pk, bool)}
    if len(numbers) + len(ids) > MOST_AT_ONCE:
        raise ActionError(_("Place at most %(n)d clients at once.") % {"n": MOST_AT_ONCE}, field="record_numbers")
    mine = Client.objects.filter(organisation_id=actor.organisation_id)
    found = dict(mine.filter(record_number__in=numbers).values_list("record_number", "pk"))
    unknown = [n for n in numbers if n not in found]
    if unknown:
        shown = ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
        raise ActionError(
            _("These record numbers are not in this organisation: %(numbers)s. Nothing was changed.")
            % {"numbers": shown},
            field="record_numbers",
        )
    wanted = set(found.values()) | set(mine.filter(pk__in=ids).values_list("pk", flat=True))
    moving = mine.filter(pk__in=wanted).exclude(**({"site__isnull": True} if site is None else {"site_id": site.pk}))
    moved = sorted(moving.values_list("pk", flat=True)) if wanted else []
    if moved:
        # Staff limited to a site see only its clients: told before the change is written (in this transaction), so
        # the listeners (the API's changes feed) can read who saw these clients until now.
        events.emit(events.EventType.ACCESS_CHANGED, organisation_id=actor.organisation_id, occurred_at=timezone.now(),
                    data={"change": "site", "client_ids": moved, "site_id": site.pk if site is not None else None})
    changed = Client.objects.filter(pk__in=moved).update(site=site, updated_at=timezone.now()) if moved else 0
    audit.record(CLIENT_SITE_SET.code, actor=actor, obj=site,
                 details={"site": site.pk if site else None, "clients": sorted(wanted)[:MOST_AT_ONCE]})
    return changed
