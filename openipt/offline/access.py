"""Who may keep groups on a tablet, revoke a tablet, and see tablets and conflicts.

A tablet holds only its owner's own groups: the groups they facilitate or co-facilitate that
have not ended. Supervisors and admins of the organisation oversee the tablets (revoke, stale
list, conflicts) but never receive group data through them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from openipt.accounts.models import CARE_ROLES, Membership, Role
from openipt.core.numbers import as_id
from openipt.groups.models import Group, GroupStatus
from openipt.offline.models import Conflict, Device

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def runs_groups_of(membership: Membership) -> QuerySet[Group]:
    """The groups this person runs now (facilitator or co-facilitator, not ended), in their organisation."""
    me = membership.pk
    return (Group.objects.filter(organisation_id=membership.organisation_id)
            .exclude(status=GroupStatus.ENDED).filter(Q(facilitator_id=me) | Q(co_facilitator_id=me)))


def may_keep_groups(membership: Membership) -> bool:
    """A person may keep groups on a tablet while they are active care staff who run a group."""
    return (membership.is_active and membership.user.is_active and membership.role in CARE_ROLES
            and runs_groups_of(membership).exists())


def oversees(actor: Actor) -> bool:
    """Supervisors and admins see the organisation's tablets and their conflicts."""
    return actor.role in (Role.SUPERVISOR, Role.ADMIN)


def own_devices(actor: Actor) -> QuerySet[Device]:
    return Device.objects.filter(owner_id=actor.membership.pk, organisation_id=actor.organisation_id)


def own_device_rows(actor: Actor) -> list[Device]:
    """This person's tablets, newest first, for their page."""
    return list(own_devices(actor).order_by("-created_at", "-pk"))


def visible_devices(actor: Actor) -> QuerySet[Device]:
    """A person's own tablets; for supervisors and admins, every tablet in the organisation."""
    if oversees(actor):
        return Device.objects.filter(organisation_id=actor.organisation_id)
    return own_devices(actor)


def device_for(actor: Actor, device_uuid: object) -> Device | None:
    """The tablet with this id, when the actor may act on it (owner, or a supervisor or admin of the organisation)."""
    text = str(device_uuid or "")
    if len(text) != 36:
        return None
    try:
        return visible_devices(actor).select_related("owner__user").filter(uuid=text).first()
    except (ValueError, TypeError):
        return None


def visible_conflicts(actor: Actor) -> QuerySet[Conflict]:
    """Changes from tablets that were not applied: the owner's own; every one in the organisation for overseers."""
    base = Conflict.objects.filter(organisation_id=actor.organisation_id)
    if oversees(actor):
        return base
    return base.filter(device__owner_id=actor.membership.pk)


def open_conflict_count(actor: Actor) -> int:
    """How many changes from tablets are still to settle (the number after the Tablets link)."""
    return visible_conflicts(actor).filter(status="open").count()


def conflict_rows(actor: Actor, limit: int = 200) -> list[Conflict]:
    """The newest changes from tablets that were not applied, with who and what, for the Conflicts page."""
    return list(visible_conflicts(actor).select_related("device__owner__user", "client", "resolved_by__user")[:limit])


def conflict_for(actor: Actor, conflict_id: object) -> Conflict | None:
    pk = as_id(conflict_id)
    if pk is None:
        return None
    return visible_conflicts(actor).select_related("device__owner__user", "client").filter(pk=pk).first()
