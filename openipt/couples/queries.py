"""The couples read side: its panels on pages it does not own (the course page, the client portal), and the
rows its own pages read."""

from __future__ import annotations

from openipt.couples import access
from openipt.couples.actions import COUPLES_FORMAT
from openipt.couples.models import Entry, EntryKind, PartnerScreen
from openipt.courses.access import can_change_course
from openipt.measures import api as measures_api


def course_panel_context(request, course):
    """On a couples course: the second partner and the in-session page, or the link to add them."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_staff or course.format_id != COUPLES_FORMAT:
        return None
    from openipt.couples.screen_actions import latest_screens

    couple = access.couple_for_course(actor, course)
    screens = latest_screens(couple) if couple is not None else {}
    return {
        "course": course,
        "couple": couple,
        "can_link": can_change_course(actor, course) and course.is_open,
        "screens_done": len(screens),
        "screen_concern": any(s.concern for s in screens.values()),
    }


def portal_panel_context(request, client):
    """On a partner's portal: a link to their view of the relationship and what the partner shared."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_client:
        return None
    couple = access.client_couple(client)
    if couple is None:
        return None
    partner_id = couple.partner_of(client.pk)
    visible = access.entries_for_client(client, couple)
    return {
        "couple": couple,
        "partner": couple.partner_two if partner_id == couple.partner_two_id else couple.partner_one,
        "shared_by_partner": visible.filter(view__author_id=partner_id).exclude(text="").count(),
        "mine_written": visible.filter(view__author_id=client.pk).exclude(text="").count(),
        # only the client's own screen: never whether or how the other partner answered
        "screen_to_answer": not PartnerScreen.objects.filter(couple=couple, partner=client).exists(),
    }


def saved_rows(view) -> list[dict]:
    """A partner's saved view, one row per entry (reads the view's entries)."""
    labels = dict(EntryKind.choices)
    return [
        {"label": labels.get(e.kind, e.kind), "text": e.text, "shared": e.shared} for e in view.entries.all()
    ]


def scores(couple) -> dict[int, list[tuple]]:
    """Each partner's completed PHQ-9 (completed_at, total), oldest first, keyed by client id (one call to measures)."""
    return {p.pk: measures_api.score_points(p, "phq9") for p in (couple.partner_one, couple.partner_two)}


def view_entries(view) -> list[Entry]:
    """A partner's own view's entries, for the form (one query)."""
    return list(Entry.objects.filter(view=view))
