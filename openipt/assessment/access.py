"""Who may see and change a client's assessment.

Every query starts from `openipt.clients.access.visible_clients(actor)`: staff see the
assessment of the clients they may see (a supervisor and an admin read only); care staff
assigned to the client change it. A client sees and edits their own inventory in the portal and
reads the formulations shared with them; they never see staff pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from openipt.accounts.access import is_care_staff
from openipt.accounts.models import Role
from openipt.assessment.models import (
    AreaChoice,
    ClientAssessment,
    FormulationDraft,
    FormulationVersion,
    InventoryPerson,
    InventoryRevision,
    InventorySeen,
    InventorySnapshot,
    LifeEvent,
)
from openipt.clients.access import visible_clients
from openipt.clients.models import Assignment

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def as_id(value) -> int | None:
    """Return a positive database id from untrusted input, or None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


def is_same_org(actor: Actor | None, client) -> bool:
    return client is not None and actor is not None and client.organisation_id == actor.organisation_id


def is_assigned(actor: Actor | None, client) -> bool:
    return actor is not None and Assignment.objects.filter(client_id=client.pk, staff_id=actor.membership.pk).exists()


def is_own_record(actor: Actor | None, client) -> bool:
    return actor is not None and actor.role == Role.CLIENT and client.user_id is not None and client.user_id == actor.membership.user_id


def can_change_assessment(actor: Actor | None, client) -> bool:
    """Care staff assigned to the client change their assessment."""
    return is_same_org(actor, client) and is_care_staff(actor) and is_assigned(actor, client)


def can_edit_own_inventory(actor: Actor | None, client) -> bool:
    """A client edits their own inventory in the portal."""
    return is_same_org(actor, client) and is_own_record(actor, client)


def visible_people(actor: Actor | None) -> QuerySet[InventoryPerson]:
    """Return the inventory entries (not removed) of the clients this actor may see."""
    if actor is None:
        return InventoryPerson.objects.none()
    return InventoryPerson.objects.filter(client__in=visible_clients(actor), removed_at__isnull=True)


def get_person(actor: Actor, person_id, *, lock: bool = False) -> InventoryPerson | None:
    """Return one visible entry (locked for update when asked) with its client, or None."""
    pk = as_id(person_id)
    if pk is None:
        return None
    qs = visible_people(actor).filter(pk=pk)
    if lock:
        qs = InventoryPerson.objects.select_for_update(of=("self",)).filter(pk__in=qs.values("pk"))
    return qs.select_related("client").first()


def client_people(client) -> list[InventoryPerson]:
    """Return a client's current inventory (already checked visible), in the order entered."""
    return list(InventoryPerson.objects.filter(client=client, removed_at__isnull=True)
                .select_related("updated_by__user").order_by("pk"))


def seen_versions(actor: Actor | None, people) -> dict[int, int]:
    """Return {person id: version this member last acknowledged} for the given entries."""
    if actor is None or not people:
        return {}
    return dict(InventorySeen.objects.filter(membership_id=actor.membership.pk, person__in=[p.pk for p in people])
                .values_list("person_id", "version"))


def revisions_at(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], dict]:
    """Return the stored data of applied revisions {(person id, version): data} for the given pairs."""
    if not pairs:
        return {}
    people = {p for p, _v in pairs}
    versions = {v for _p, v in pairs}
    rows = (InventoryRevision.objects.filter(person_id__in=people, version__in=versions)
            .exclude(kind="conflict").values_list("person_id", "version", "data"))
    wanted = set(pairs)
    return {(p, v): d for p, v, d in rows if (p, v) in wanted}


def open_conflicts(people) -> dict[int, list[InventoryRevision]]:
    """Return unresolved clashing changes by entry id, with their authors."""
    out: dict[int, list[InventoryRevision]] = {}
    if not people:
        return out
    for rev in (InventoryRevision.objects.filter(person__in=[p.pk for p in people], kind="conflict",
                                                  resolved_at__isnull=True).select_related("by__user").order_by("at")):
        out.setdefault(rev.person_id, []).append(rev)
    return out


def person_revisions(person) -> list[InventoryRevision]:
    return list(InventoryRevision.objects.filter(person=person).select_related("by__user").order_by("at", "pk"))


def client_events(client) -> list[LifeEvent]:
    """Return a client's life events, oldest first, with the people involved."""
    return list(
        LifeEvent.objects.filter(client=client).select_related("main_person")
        .prefetch_related(Prefetch("people", queryset=InventoryPerson.objects.order_by("pk")))
        .order_by("year", "month", "day", "pk")
    )


def get_event(actor: Actor, event_id) -> LifeEvent | None:
    pk = as_id(event_id)
    if pk is None:
        return None
    return LifeEvent.objects.filter(pk=pk, client__in=visible_clients(actor)).select_related("client").first()


def client_assessment(client) -> ClientAssessment | None:
    return ClientAssessment.objects.filter(client=client).first()


def snapshots(client) -> list[InventorySnapshot]:
    return list(InventorySnapshot.objects.filter(client=client).select_related("taken_by__user").order_by("taken_at", "pk"))


def get_snapshot(client, snapshot_id) -> InventorySnapshot | None:
    pk = as_id(snapshot_id)
    return InventorySnapshot.objects.filter(client=client, pk=pk).first() if pk else None


def latest_choice(course) -> AreaChoice | None:
    return AreaChoice.objects.filter(course=course).select_related("by__user").order_by("-at", "-pk").first()


def formulation_draft(course) -> FormulationDraft | None:
    return FormulationDraft.objects.filter(course=course).select_related("updated_by__user").first()


def formulation_versions(course) -> list[FormulationVersion]:
    return list(FormulationVersion.objects.filter(course=course)
                .select_related("saved_by__user", "shared_by__user", "agreement_recorded_by__user").order_by("number"))


def own_client(actor: Actor | None):
    """Return the client record of a signed-in client, or None."""
    if actor is None or actor.role != Role.CLIENT:
        return None
    return visible_clients(actor).first()


def shared_formulations(actor: Actor) -> list[FormulationVersion]:
    """Return, for a client, the latest shared version of the formulation of each of their courses."""
    client = own_client(actor)
    if client is None:
        return []
    latest: dict[int, FormulationVersion] = {}
    for version in (FormulationVersion.objects.filter(course__client=client, shared_at__isnull=False)
                    .select_related("course").order_by("course_id", "number")):
        latest[version.course_id] = version
    return sorted(latest.values(), key=lambda v: -v.course_id)


def get_shared_version(actor: Actor, version_id) -> FormulationVersion | None:
    """Return a shared version of the signed-in client's own formulation, or None."""
    pk = as_id(version_id)
    client = own_client(actor)
    if pk is None or client is None:
        return None
    return FormulationVersion.objects.filter(pk=pk, course__client=client, shared_at__isnull=False).select_related(
        "course").first()
