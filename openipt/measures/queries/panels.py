"""What the measures app adds to pages it does not own: the course page, the client record, the
portal, and the count of questionnaires due in the navigation."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.clients.access import visible_clients
from openipt.core.languages import LANGUAGE_NAMES
from openipt.courses import participants
from openipt.measures import access, actions, due, instruments
from openipt.measures.models import Administration, Status
from openipt.measures.queries import outcomes, summary
from openipt.measures.queries.versions import installed


def due_count(request) -> int:
    """Count the questionnaires due or overdue across the care staff member's clients (for the navigation)."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_care_staff:
        return 0
    courses = access.open_courses_in_scope(actor)
    actions.ensure_default_schedules(courses)
    return due.open_items(courses, clients=visible_clients(actor)).count()


def course_panel_context(request, course):
    """Scores, chart, verdicts and the due list of one course, for the course page."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_staff:
        return None
    if course.is_open:
        actions.ensure_default_schedule(course)
    data = summary.course_summary(course, id_prefix="panel")
    return {
        "course": course,
        "summary": data,
        # the panel keeps to the questionnaires with scores (the PHQ-9 and GAD-7 first); the page shows them all
        "shown": ([s for s in data.instruments if s.inst.code in instruments.TRACKED and s.administrations]
                  or [s for s in data.instruments if s.administrations][:2]),
        "pair": data.pair if data.pair is not None and data.pair.enough_data else None,
        "can_administer": access.can_administer(actor, course) and course.is_open,
        "definitions": summary.definitions(),
    }


def client_panel_context(request, client):
    """The latest score of each questionnaire in the client's courses, with a link to the course scores."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_staff:
        return None
    courses = list(access.staff_courses(actor).filter(
        Q(client_id=client.pk) | Q(pk__in=participants.course_ids_as_second(client.pk, open_only=False))).order_by("-start_date", "-pk")[:3])
    if not courses:
        return None
    latest: dict[tuple[int, str], Administration] = {}
    counts: dict[tuple[int, str], int] = {}
    for a in (Administration.objects.filter(course__in=courses, client_id=client.pk, status=Status.COMPLETED)
              .only("course_id", "instrument_code", "total", "completed_at")
              .order_by("course_id", "instrument_code", "completed_at", "pk")):
        if a.course_id is None:  # the filter above asks for these courses: never empty here
            continue
        latest[(a.course_id, a.instrument_code)] = a
        counts[(a.course_id, a.instrument_code)] = counts.get((a.course_id, a.instrument_code), 0) + 1
    rows = []
    for course in courses:
        scores = []
        for (course_id, code), admin in sorted(latest.items(), key=lambda kv: summary.ORDER.get(kv[0][1], 9)):
            if course_id != course.pk:
                continue
            inst = instruments.get(code)
            band = inst.band_for(admin.total) if inst and admin.total is not None else None
            scores.append({"name": instruments.name(code), "admin": admin, "band": band.label if band else "",
                           "count": counts.get((course_id, code), 0)})
        # A couples course in which this client is partner two: its scores page shows partner one's.
        rows.append({"course": course, "scores": scores, "second_partner": course.client_id != client.pk})
    signal = client.signals.filter(source=outcomes.SIGNAL_SOURCE).first()
    return {"client": client, "rows": rows, "signal": signal,
            "language_note": language_note(client.preferred_language, client.organisation_id)}


def language_note(preferred: str, organisation_id: int) -> str:
    """Why a client who prefers another language gets their questionnaires in English (staff see it), or ''.

    The measures app holds one language version of each instrument (English); a validated translation
    would be installed as data. OpenIPT never writes its own translation of a questionnaire.
    """
    if not preferred or preferred == "en":
        return ""
    versions = [v.instrument_code for v in installed(organisation_id, preferred)]
    if versions:
        return _(
            "This client prefers %(language)s. A validated %(language)s version is installed for %(with)s, so they "
            "see those in %(language)s (scored the same way). Other questionnaires are shown in English, with a note: "
            "OpenIPT does not translate questionnaires itself."
        ) % {"language": LANGUAGE_NAMES.get(preferred, preferred),
             "with": ", ".join(instruments.name(code) for code in versions)}
    return _(
        "This client prefers %(language)s. Their questionnaires are shown in English, with a note, because no "
        "validated %(language)s version is installed. OpenIPT does not translate questionnaires itself: changed "
        "words can change what a score means."
    ) % {"language": LANGUAGE_NAMES.get(preferred, preferred)}


def portal_panel_context(request, client):
    """The questionnaires waiting for the client now, for the portal."""
    courses = access.client_open_courses(client)  # with a couples course in which the client is partner two
    for course in courses.filter(measure_plan__isnull=True).select_related("client"):
        actions.ensure_default_schedule(course)
    own = instruments.self_report_codes()
    now = timezone.now()
    items = [due.row_item(row, now) for row in due.open_items(courses, now, codes=own, client_id=client.pk)]
    done = list(Administration.objects.filter(client_id=client.pk, status=Status.COMPLETED, source__in=["portal", "link"])
                .order_by("-completed_at")[:3])
    return {"items": [{"item": i, "name": instruments.name(i.instrument_code)} for i in items], "recent": done,
            "names": {a.pk: instruments.name(a.instrument_code) for a in done}}

