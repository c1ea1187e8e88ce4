"""Assessment pages: the inventory with its closeness circle, the timeline, the suggestions, the formulation.

Each page is requested by the therapist of a synthetic course whose client has an inventory, a
timeline and (for a chosen area) a formulation, picked the same way at every size: among a
sample from the middle of the course list, the one with the most people in the inventory. The
client record (which carries the assessment panel) is measured by the core scenarios.
"""

from __future__ import annotations

from django.db.models import Count

from bench.harness import Scenario
from openipt.courses.models import Course


def scenarios(world) -> list[Scenario]:
    client_ids = getattr(world, "assessment_client_ids", [])
    if not client_ids:
        return []
    sample = client_ids[len(client_ids) // 2:][:200]
    course = (
        Course.objects.filter(client_id__in=sample).exclude(primary_area="")
        .annotate(people=Count("client__inventory_people"))
        .select_related("therapist__user").order_by("-people", "pk").first()
    )
    if course is None:
        course = Course.objects.select_related("therapist__user").filter(client_id__in=sample).order_by("pk").first()
    if course is None:
        return []
    therapist = course.therapist
    found = [
        Scenario("assessment.inventory.therapist", therapist, f"/assessment/client/{course.client_id}/inventory/"),
        Scenario("assessment.timeline.therapist", therapist, f"/assessment/client/{course.client_id}/timeline/"),
        Scenario("assessment.suggestions.therapist", therapist, f"/assessment/course/{course.pk}/suggestions/"),
        Scenario("assessment.formulation.therapist", therapist, f"/assessment/course/{course.pk}/formulation/"),
    ]
    if therapist.supervisor_id:
        found.append(Scenario("assessment.inventory.supervisor", therapist.supervisor,
                              f"/assessment/client/{course.client_id}/inventory/"))
    return found
