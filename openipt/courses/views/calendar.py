"""The therapist's calendar of upcoming sessions, and the secret iCalendar feed."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openipt.accounts.actor import Actor
from openipt.accounts.decorators import staff_required
from openipt.core.errors import ActionError
from openipt.core.pagination import paginate
from openipt.courses import access, actions, calendar_actions, ics
from openipt.courses.models import Attendance
from openipt.courses.present import format_name
from openipt.courses.queries.calendar import calendar_token

FEED_PAST = timedelta(days=30)
FEED_FUTURE = timedelta(days=400)
MODE_WORDS = {"in_person": "In person", "video": "Video", "phone": "Phone"}


@staff_required
def calendar_view(request):
    """Upcoming sessions across the person's clients, and their calendar feed address."""
    actor = request.actor
    page = paginate(request, access.my_upcoming_sessions(actor), per_page=25)
    actions.record_calendar_view(actor, len(page.object_list))
    token = calendar_token(actor)
    rows = [{"session": s, "format": format_name(s.course), "local": timezone.localtime(s.scheduled_start)} for s in page.object_list]
    return render(request, "courses/calendar.html", {"page": page, "rows": rows, "token": token})


@staff_required
@require_POST
def token_create_view(request):
    try:
        _token, secret = calendar_actions.create_calendar_token(request.actor)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        url = request.build_absolute_uri(reverse("courses:feed", args=[secret]))
        messages.success(request, _("Your calendar address (shown once; copy it into your calendar app now): %(url)s") % {"url": url})
    return redirect("courses:calendar")


@staff_required
@require_POST
def token_revoke_view(request):
    try:
        count = calendar_actions.revoke_calendar_token(request.actor)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        if count:
            messages.success(request, _("The calendar address no longer works. Calendars that used it stop updating."))
        else:
            messages.info(request, _("There was no calendar address to stop."))
    return redirect("courses:calendar")


@require_GET
def feed_view(request, token):
    """The iCalendar feed at a secret address: session times and record numbers, never names."""
    found = calendar_actions.membership_for_feed(token)
    if found is None:
        raise Http404
    actor = Actor(found.membership)
    now = timezone.now()
    sessions = list(access.feed_sessions(actor, now - FEED_PAST, now + FEED_FUTURE))
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    host = site.split("://", 1)[-1].split("/", 1)[0] or "openipt"
    events = []
    for s in sessions:
        course = s.course
        summary = f"IPT session {s.number} of {course.sessions_planned} · {course.client.record_number}"
        description = f"{format_name(course)}. {MODE_WORDS.get(s.mode, s.mode)}, {s.duration_minutes} minutes."
        if s.attendance != Attendance.SCHEDULED:
            description += f" Recorded as {s.get_attendance_display().lower()}."
        events.append(ics.CalendarEvent(
            uid=f"openipt-session-{s.pk}@{host}",
            start=s.scheduled_start,
            end=s.scheduled_start + timedelta(minutes=s.duration_minutes),
            summary=summary,
            description=description,
            url=f"{site}{reverse('courses:session', args=[course.pk, s.number])}" if site else "",
            cancelled=s.attendance == Attendance.CANCELLED,
            sequence=s.version,
            modified=s.updated_at,
        ))
    calendar_actions.record_feed_read(found, len(events))
    body = ics.calendar(events, name="OpenIPT sessions", now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="openipt-sessions.ics"'
    response["Cache-Control"] = "private, no-store"  # it names clients: no cache on the way may keep it
    response["X-Robots-Tag"] = "noindex"
    return response
