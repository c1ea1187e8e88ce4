"""The end-of-treatment report, for the record and in plain words for the client (PDF)."""

from __future__ import annotations

from django.http import HttpResponse

from openipt.accounts.decorators import staff_required
from openipt.measures import report, settings_actions
from openipt.measures.views.staff import course_or_404, whose_scores


def _pdf(request, course_id, version: str) -> HttpResponse:
    actor = request.actor
    course = course_or_404(actor, course_id, request)
    client, _partners = whose_scores(actor, course, request)
    settings_actions.record_report(actor, course, version=version, client=client)
    pdf = report.render_pdf(course, version=version, made_by=actor.membership.user, client=client)
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = "" if version == "staff" else "-for-client"
    response["Content-Disposition"] = f'inline; filename="{client.record_number}-end-of-treatment{suffix}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required
def report_view(request, course_id):
    """The end-of-treatment report for the record: scores before and after, chart, verdicts, goals, relapse plan."""
    return _pdf(request, course_id, "staff")


@staff_required
def client_report_view(request, course_id):
    """The same report in plain words, to give to the client."""
    return _pdf(request, course_id, "client")
