"""Who may see a couple and each partner's entries.

Staff: a couple is visible when its course is visible (`openipt.courses.access.visible_courses`,
built on `visible_clients`) AND partner two is a client the actor can see; they see every entry,
private or shared. A client sees their own entries, and only the SHARED entries of their partner:
a partner's private entry does not exist for them (404, never listed) — hazard "wrong client's
data" in docs/clinical-safety/hazard-log.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from openipt.accounts.models import Role
from openipt.clients.access import visible_clients
from openipt.couples.models import Couple, Entry
from openipt.courses.access import visible_courses
from openipt.courses.models import OPEN_STATUSES

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def _pk(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


def visible_couples(actor: Actor | None) -> QuerySet[Couple]:
    """Couples whose course and both partners the staff member can see."""
    if actor is None or actor.role == Role.CLIENT:
        return Couple.objects.none()
    return Couple.objects.filter(
        organisation_id=actor.organisation_id,
        course__in=visible_courses(actor),
        partner_two__in=visible_clients(actor),
    ).select_related("course", "partner_one", "partner_two", "course__therapist__user")


def get_couple(actor: Actor, couple_id) -> Couple | None:
    pk = _pk(couple_id)
    return visible_couples(actor).filter(pk=pk).first() if pk else None


def couple_for_course(actor: Actor, course) -> Couple | None:
    return visible_couples(actor).filter(course_id=course.pk).first()


def own_client(actor: Actor | None):
    if actor is None or actor.role != Role.CLIENT:
        return None
    return visible_clients(actor).first()


def client_couple(client) -> Couple | None:
    """The open couples course a client takes part in (as either partner), or None."""
    if client is None:
        return None
    return (
        Couple.objects.filter(Q(partner_one_id=client.pk) | Q(partner_two_id=client.pk),
                              organisation_id=client.organisation_id,
                              course__status__in=[s.value for s in OPEN_STATUSES])
        .select_related("course", "partner_one", "partner_two", "course__therapist__user")
        .order_by("-created_at").first()
    )


def entries_for_client(client, couple) -> QuerySet[Entry]:
    """The entries a client may see in their couple: all of their own, and their partner's shared ones."""
    if client is None or couple is None or client.pk not in (couple.partner_one_id, couple.partner_two_id):
        return Entry.objects.none()
    return Entry.objects.filter(view__couple_id=couple.pk).filter(
        Q(view__author_id=client.pk) | Q(shared=True)
    ).select_related("view")


def get_entry_for_client(client, entry_id) -> Entry | None:
    """One entry a client may open by its address; a partner's private entry is None (404)."""
    pk = _pk(entry_id)
    if pk is None or client is None:
        return None
    return (
        Entry.objects.filter(pk=pk, view__couple__organisation_id=client.organisation_id)
        .filter(Q(view__couple__partner_one_id=client.pk) | Q(view__couple__partner_two_id=client.pk))
        .filter(Q(view__author_id=client.pk) | Q(shared=True))
        .select_related("view__couple", "view__author")
        .first()
    )


def entries_for_staff(couple) -> QuerySet[Entry]:
    """Every entry of a couple the staff member already may see."""
    return Entry.objects.filter(view__couple_id=couple.pk).select_related("view")
