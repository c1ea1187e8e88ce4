"""The consent sections on pages other apps own: the client record, a course, the client's portal."""

from __future__ import annotations

from typing import Any

from openipt.clients.models import Client
from openipt.consent import access
from openipt.consent.queries import records
from openipt.courses.models import Course
from openipt.courses.participants import participant_ids


def client_panel_context(request: Any, client: Client) -> dict[str, Any] | None:
    """On the staff view of a record: where consent stands, a withdrawal first and loud."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_staff:
        return None
    return {
        "client": client,
        "status": records.status(client),
        "required": records.required_before_start(client.organisation_id),
        "open_courses": records.open_courses(client).exists(),
    }


def course_panel_context(request: Any, course: Course) -> dict[str, Any] | None:
    """On an open course: shown only when someone in it took back their consent."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_staff or not course.is_open:
        return None
    ids = participant_ids(course)
    found = records.statuses(ids, course.organisation_id)
    withdrawn = [pk for pk in ids if found[pk].withdrawn]
    if not withdrawn:
        return None
    people = list(Client.objects.filter(pk__in=withdrawn).order_by("pk"))
    return {"course": course, "people": [(p, found[p.pk]) for p in people]}


def portal_panel_context(request: Any, client: Client) -> dict[str, Any] | None:
    """On the client's portal: whether they have signed, and a link to read, sign or stop."""
    actor = getattr(request, "actor", None)
    if access.own_client(actor) is None:
        return None
    return {"status": records.status(client)}
