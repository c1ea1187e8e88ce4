"""The client's start page: where they are in their course, what is next, and what there is to do.

It composes what the apps below offer a client: the between-session work (practice), the course in plain
words, and the "portal" panels other apps register (questionnaires, safety plan, messages, and more).
"""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from openipt.accounts.decorators import client_required
from openipt.core.extensions import render_panels
from openipt.practice import access
from openipt.practice.models import WorksheetStatus
from openipt.practice.present import lang, topic
from openipt.practice.queries.portal import course_view
from openipt.practice.views.common import own_client_or_404, portal_context
from openipt.practice.worksheetdefs import definitions


@client_required
def portal_view(request):
    """Where the client is in their course, what is next, and what there is to do."""
    actor = request.actor
    client = own_client_or_404(request)
    readings = access.readings(actor, client)
    unread = [{"reading": r, "topic": topic(r.topic_id)} for r in readings if r.read_at is None]
    sheets = [w for w in access.worksheets(actor, client) if w.status != WorksheetStatus.SHARED][:5]
    defs = definitions(lang())
    return render(request, "portal/home.html", portal_context(
        request, client,
        course=course_view(actor, client),
        unread=[u for u in unread if u["topic"] is not None][:5],
        read_count=sum(1 for r in readings if r.read_at is not None),
        sheets=[{"sheet": w, "defn": defs.get(w.kind)} for w in sheets],
        reminders=access.unseen_reminders(actor, client, timezone.now()),
        rehearsal_on=access.settings_for(client).rehearsal_enabled,
        panels=render_panels("portal", request, client),
    ))
