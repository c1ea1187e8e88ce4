"""What other apps may ask of the assessment app (kept small and stable)."""

from __future__ import annotations

from django.urls import reverse

from openipt.core.charts import Event
from openipt.courses.formulation import CurrentFormulation


def timeline_events(client) -> list:
    """Return the client's life events as openipt.core.charts Event objects, oldest first.

    One query. Each event is placed at its representative day (mid-month for a month, 1 July for a
    year alone) and marked approximate unless its day is known; the label is the event's own words
    (or its kind) cut to 60 characters, and the kind is the chart kind (death_loss, dispute, ...).
    """
    from openipt.assessment.choices import EventKind, chart_kind
    from openipt.assessment.models import LifeEvent
    from openipt.assessment.suggest.dates import ApproxDate

    if client is None or getattr(client, "pk", None) is None:
        return []
    labels = dict(EventKind.choices)
    out = []
    rows = (LifeEvent.objects.filter(client_id=client.pk).order_by("year", "month", "day", "pk")
            .values_list("year", "month", "day", "kind", "description"))
    for year, month, day, kind, description in rows:
        when = ApproxDate(year, month, day)
        label = " ".join((description or "").split()) or str(labels.get(kind, kind))
        out.append(Event(at=when.representative(), label=label[:60], kind=chart_kind(kind), approximate=day is None))
    return out


def current_formulation(course) -> CurrentFormulation:
    """Return the course's current formulation: the latest version shared with the client (one query).

    It counts as agreed when the client agreed that version (in the portal, or recorded by the
    therapist) and it was written for the course's present problem area. The formulation is stored
    only here; the courses app reads it through this function (registered in AssessmentConfig.ready).
    """
    from openipt.assessment.models import FormulationVersion

    if course is None or getattr(course, "pk", None) is None:
        return CurrentFormulation()
    latest = (FormulationVersion.objects.filter(course_id=course.pk, shared_at__isnull=False)
              .order_by("-number").values_list("text", "agreed_on", "area").first())
    if latest is None:
        return CurrentFormulation()
    text, agreed_on, area = latest
    for_this_area = bool(area) and area == (course.primary_area or "")
    return CurrentFormulation(text=text, agreed_on=agreed_on if for_this_area else None)


def has_agreed_formulation(course) -> bool:
    """Return whether the client agreed the course's current formulation."""
    return current_formulation(course).agreed


def formulation_page_url(course) -> str:
    """Return the staff page of the course's formulation."""
    return reverse("assessment:formulation", args=[course.pk])


def inventory_people(client) -> list[dict]:
    """Return the people in the client's interpersonal inventory, for personalising practice.

    Each item: {"id", "name" (the name or alias as entered), "relationship", "ring"}; people
    removed from the inventory are left out. Inner ring first.
    """
    from openipt.assessment.models import InventoryPerson

    if client is None or getattr(client, "pk", None) is None:
        return []
    order = {"inner": 0, "middle": 1, "outer": 2}
    rows = InventoryPerson.objects.filter(client_id=client.pk, removed_at__isnull=True).values(
        "id", "name", "relationship", "ring"
    )
    return sorted(
        ({"id": r["id"], "name": r["name"], "relationship": r["relationship"], "ring": r["ring"]} for r in rows),
        key=lambda p: (order.get(p["ring"], 3), p["name"].casefold()),
    )
