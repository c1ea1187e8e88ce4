"""What other apps may ask of the measures app (kept small and stable).

Callers pass a client they already fetched through their own access checks; these functions
add no permission check of their own.
"""

from __future__ import annotations


def score_points(client, instrument_code: str = "phq9") -> list[tuple]:
    """Return (completed_at, total) for a client's completed administrations of an instrument, oldest first.

    Administrations without a total (too many answers missing) are left out.
    """
    from openipt.measures.models import Administration, Status

    if client is None or getattr(client, "pk", None) is None:
        return []
    return list(
        Administration.objects.filter(client_id=client.pk, instrument_code=instrument_code, status=Status.COMPLETED,
                                      total__isnull=False)
        .order_by("completed_at", "pk")
        .values_list("completed_at", "total")
    )


def due_for_client(client) -> list[dict]:
    """Return the questionnaires the client can fill in now, oldest first.

    Each item: {"key", "instrument" (code), "name" (short name), "session" (number or None),
    "due_at" (aware datetime), "state" ("due" or "overdue"), "url" (the portal page to fill it in)}.
    """
    from django.urls import reverse
    from django.utils import timezone

    from openipt.measures import access, due, instruments

    if client is None or getattr(client, "pk", None) is None:
        return []
    now = timezone.now()
    rows = due.open_items(access.client_open_courses(client), now, codes=instruments.self_report_codes(),
                          client_id=client.pk)
    out = []
    for row in rows:
        item = due.row_item(row, now)
        out.append({"key": item.key, "instrument": item.instrument_code, "name": instruments.name(item.instrument_code),
                    "session": item.session_number, "due_at": item.at, "state": item.state,
                    "url": reverse("measures:fill", args=[item.key])})
    return out


def score_points_for_courses(course_ids, instrument_code: str = "phq9") -> dict[int, list[tuple]]:
    """Return {course id: [(completed_at, total), ...] oldest first} for many courses in one query.

    Every id asked for is a key (an empty list when there are no scores). Used by the groups roster,
    which looks only at the scores of each member's group course, not at older ones.
    """
    from openipt.measures.models import Administration, Status

    ids = [int(i) for i in course_ids]
    out: dict[int, list[tuple]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = (Administration.objects.filter(course_id__in=ids, instrument_code=instrument_code, status=Status.COMPLETED,
                                          total__isnull=False)
            .order_by("completed_at", "pk").values_list("course_id", "completed_at", "total"))
    for course_id, completed_at, total in rows:
        out[course_id].append((completed_at, total))
    return out
