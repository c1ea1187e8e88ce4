"""Session reports read for the group pages."""

from __future__ import annotations

from openipt.groups.models import SessionReport


def session_report(session) -> SessionReport | None:
    """Return the report of one group session, with who filed it and who replied (one query), or None."""
    return (
        SessionReport.objects.filter(session=session)
        .select_related("filed_by__user", "replied_by__user")
        .first()
    )


def report_ids_by_number(group) -> dict[int, int]:
    """Return the group's filed reports as {session number: report id} (one query)."""
    return dict(SessionReport.objects.filter(session__group=group).values_list("session__number", "pk"))
