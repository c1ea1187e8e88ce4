"""Measures: a course's scores (panel and page), the due list, a caseload with signals, exports, the PDF report.

The course chosen is the one with the most PHQ-9 scores in a sample from the middle of the
synthetic organisation (so its chart is as full as synth makes it, the same shape at every size).
The caseload is that of the therapist with the most red and amber signals. The exports are the
admin's organisation-wide files (streamed); resources per second = the resources in the file
(`export_counts`) divided by the median time (see docs/guides/measures.md).
"""

from __future__ import annotations

from django.db.models import Count, Q

from bench.harness import Scenario
from openipt.clients.models import Assignment, ClientSignal
from openipt.courses.models import Course
from openipt.measures.models import Administration


def scenarios(world) -> list[Scenario]:
    course_ids = getattr(world, "course_ids", [])
    if not course_ids:
        return []
    sample = course_ids[len(course_ids) // 2:][:300]
    course = (
        Course.objects.filter(pk__in=sample, status="active")
        .annotate(scores=Count("measure_administrations", filter=Q(measure_administrations__instrument_code="phq9")))
        .select_related("therapist__user").order_by("-scores", "pk").first()
    )
    if course is None:
        return []
    therapist = course.therapist
    admin = world.staff["admin"][0]
    signalled = set(ClientSignal.objects.filter(source="measures", client__organisation=world.organisation)
                    .values_list("client_id", flat=True)[:2000])
    busiest = (Assignment.objects.filter(client_id__in=signalled).values("staff_id")
               .annotate(n=Count("pk")).order_by("-n", "staff_id").first())
    caseload_of = next((m for m in world.staff["therapist"] if busiest and m.pk == busiest["staff_id"]), therapist)
    return [
        Scenario("measures.course-page-with-scores.therapist", therapist, f"/courses/{course.pk}/"),
        Scenario("measures.course-scores.therapist", therapist, f"/measures/course/{course.pk}/"),
        Scenario("measures.due-list.therapist", therapist, "/measures/due/"),
        # the navigation's due count, fetched by every staff page after it is shown
        Scenario("measures.nav-due-count.therapist", therapist, "/nav/count/measures:due/"),
        Scenario("measures.nav-due-count.caseload", caseload_of, "/nav/count/measures:due/"),
        Scenario("measures.caseload-with-signals.therapist", caseload_of, "/clients/"),
        Scenario("measures.client-record.therapist", therapist, f"/clients/{course.client_id}/"),
        Scenario("measures.report-pdf.therapist", therapist, f"/measures/course/{course.pk}/report.pdf"),
        Scenario("measures.export-csv.admin", admin, "/measures/export/measures.csv", download=True),
        Scenario("measures.export-ndjson-responses.admin", admin, "/measures/export/fhir/QuestionnaireResponse.ndjson", download=True),
        Scenario("measures.export-ndjson-observations.admin", admin, "/measures/export/fhir/Observation.ndjson", download=True),
    ]


def export_counts(world) -> dict[str, int]:
    """Return how many resources (or CSV rows) each export scenario writes, to turn times into rates."""
    completed = Administration.objects.filter(organisation=world.organisation, status="completed")
    rows = sum(10 if code == "phq9" else 8 for code in completed.values_list("instrument_code", flat=True).iterator())
    return {
        "measures.export-ndjson-responses.admin": completed.count(),
        "measures.export-ndjson-observations.admin": completed.filter(total__isnull=False).count(),
        "measures.export-csv.admin": rows,
    }
