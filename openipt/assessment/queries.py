"""The assessment's read side: the inventory's rows, and what it adds to pages it does not own (the client
record, the course page and the portal).

Each context runs a fixed number of queries, whatever the size of the inventory or timeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from openipt.assessment import access, actions, casebuild, present
from openipt.assessment.choices import AREA_NAMES, GRIEF_EVENT_KINDS
from openipt.assessment.forms import GoalsForm
from openipt.assessment.merge import PERSON_FIELDS
from openipt.assessment.models import FormulationVersion, InventoryPerson, InventorySeen, LifeEvent
from openipt.courses import access as course_access

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def _people_counts(client, actor: Actor | None) -> dict:
    qs = InventoryPerson.objects.filter(client=client, removed_at__isnull=True)
    if actor is not None and actor.is_staff:
        seen = InventorySeen.objects.filter(person=OuterRef("pk"), membership_id=actor.membership.pk).values("version")[:1]
        qs = qs.annotate(seen_v=Coalesce(Subquery(seen), F("staff_version")))
        return qs.aggregate(n=Count("pk"), changed=Count("pk", filter=Q(client_version__gt=F("seen_v"))),
                            inner=Count("pk", filter=Q(ring="inner")))
    return qs.aggregate(n=Count("pk"), inner=Count("pk", filter=Q(ring="inner")))


def client_panel_context(request, client):
    """On the client record: the inventory and timeline at a glance, with links."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_staff:
        return None
    counts = _people_counts(client, actor)
    record = access.client_assessment(client)
    return {
        "client": client, "people": counts["n"], "inner": counts["inner"], "changed": counts.get("changed", 0),
        "events": LifeEvent.objects.filter(client=client).count(),
        "onset": present.when_text(record.onset_year, record.onset_month, record.onset_day)
        if record and record.onset_year else "",
        "can_change": access.can_change_assessment(actor, client),
    }


def course_panel_context(request, course):
    """On the course page: the area chosen (and whether it followed the suggestion), the formulation, the goals."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_staff:
        return None
    from openipt.assessment.views.formulation import goal_suggestions

    versions = list(FormulationVersion.objects.filter(course=course).order_by("-number")
                    .values("number", "shared_at", "agreed_on", "agreed_by_client", "area")[:50])
    latest = versions[0] if versions else None
    shared = next((v for v in versions if v["shared_at"]), None)
    built = casebuild.build(course.client)
    primary = next((s for s in built.suggestions if s.area), None)
    none = next((s for s in built.suggestions if s.area is None), None)
    can_change = course_access.can_change_course(actor, course) and course.is_open
    goals = course_access.course_goals(course)
    suggestions = goal_suggestions(course, goals)
    return {
        "course": course, "choice": access.latest_choice(course), "area_name": AREA_NAMES.get(course.primary_area, ""),
        "latest": latest, "shared": shared, "agreed": bool(shared and shared["agreed_on"] and shared["area"] == course.primary_area),
        "primary": primary, "primary_name": AREA_NAMES.get(primary.area or "", "") if primary else "",
        "primary_confidence": present.CONFIDENCE.get(primary.confidence or "", "") if primary else "",
        "none": none, "can_change": can_change,
        "goals_form": GoalsForm(suggestions=suggestions[:6]) if can_change and suggestions else None,
    }


def portal_panel_context(request, client):
    """On the client's own page: their list of people and the formulation shared with them."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_client:
        return None
    counts = _people_counts(client, actor)
    shared = access.shared_formulations(actor)
    return {"people": counts["n"], "formulation": shared[0] if shared else None,
            "waiting": sum(1 for v in shared if v.agreed_on is None)}


def lost_people(client) -> set[int]:
    """Entries who died or were lost (the main person of a death or loss on the timeline)."""
    return set(LifeEvent.objects.filter(client=client, kind__in=GRIEF_EVENT_KINDS, main_person__isnull=False)
               .values_list("main_person_id", flat=True))


def inventory_rows(actor: Actor, client, people, *, for_client: bool = False) -> list[dict]:
    """Each entry with its circle kind, the client's unseen changes and any change kept aside."""
    lost = lost_people(client)
    seen = access.seen_versions(actor, people) if not for_client else {}
    unseen: dict[int, int] = {}
    for p in people:
        base = seen.get(p.pk, p.staff_version)
        if not for_client and p.client_version > base:
            unseen[p.pk] = base
    bases = access.revisions_at([(pk, v) for pk, v in unseen.items() if v > 0])
    conflicts = access.open_conflicts(people) if not for_client else {}
    rows: list[dict] = []
    for p in people:
        data = actions.person_data(p)
        row = {"person": p, "kind": present.person_kind(data, p.pk in lost), "changed": p.pk in unseen,
               "new_from_client": p.pk in unseen and unseen[p.pk] == 0, "changes": [], "conflicts": conflicts.get(p.pk, []),
               "facts": [(present.field_label(f, for_client), present.value_text(f, data[f]))
                         for f in PERSON_FIELDS[3:] if data[f] and data[f] != "unknown"]}
        row["kind_label"] = present.kind_label(row["kind"])
        if p.pk in unseen:
            row["changes"] = present.changes(bases.get((p.pk, unseen[p.pk])), data)
        rows.append(row)
    return rows
