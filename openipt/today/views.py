"""The Today page, the week calendar (a day view on a phone), and moving a session to a new slot."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.accounts.decorators import admin_required, staff_required
from openipt.core.errors import ActionError, ConflictError
from openipt.core.extensions import render_panels
from openipt.core.forms import save_versioned
from openipt.courses import access as course_access
from openipt.courses import session_actions
from openipt.courses.models import Attendance
from openipt.measures import instruments
from openipt.messaging.queries import threads
from openipt.safety import present
from openipt.today import actions, queries, week
from openipt.today.forms import OTHER, MoveForm, WorkingHoursForm
from openipt.today.present import hours_words

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


@staff_required
def today_view(request):
    """What needs this person today: sessions, group meetings, alerts, returned questionnaires, notes, off-track clients."""
    actor = request.actor
    now = timezone.now()
    today = queries.today_for(actor, now)
    alerts = [{"alert": a, "open_for": present.duration_words(present.minutes_open(a, now)),
               "kind": present.kind_label(a.kind)} for a in today.alerts]
    for administration in today.returned:
        administration.instrument_name = instruments.name(administration.instrument_code)
    is_admin = actor.role == "admin"
    unread = None if is_admin else threads.for_today(actor)  # admins do not read clients' messages
    shown = (len(today.sessions) + len(today.group_sessions) + len(alerts) + len(today.returned)
             + len(today.notes) + len(today.off_track) + len(today.not_recorded) + len(today.withdrawn)
             + (len(unread.clients) if unread else 0))
    actions.record_today_view(actor, shown)
    # Open safety work other apps own (urgent texts from unknown numbers), shown beside the open alerts.
    panels = render_panels("today", request, None)
    return render(request, "today/today.html", {"today": today, "alerts": alerts, "is_admin": is_admin,
                                                "unread": unread, "panels": panels})


def _week_context(actor: Actor, request):
    local_today = timezone.localdate()
    day = week.parse_day(request.GET.get("day"), local_today)
    monday = week.monday_of(day)
    days = week.week_days(actor, monday)
    return {
        "days": days, "monday": monday, "sunday": monday + timedelta(days=6), "day": day,
        "entries_of_day": next(d["entries"] for d in days if d["day"] == day),
        "prev_week": monday - timedelta(days=7), "next_week": monday + timedelta(days=7),
        "prev_day": day - timedelta(days=1), "next_day": day + timedelta(days=1), "today": local_today,
    }


@staff_required
def week_view(request):
    """Monday to Sunday of one week (a wide screen) and one day of it (a phone)."""
    actor = request.actor
    context = _week_context(actor, request)
    actions.record_week_view(actor, context["monday"], sum(len(d["entries"]) for d in context["days"]))
    return render(request, "today/week.html", context)


def _movable_session(actor: Actor, course_id, number):
    session = course_access.get_session(actor, course_id, number)
    if session is None:
        raise Http404
    if not course_access.can_change_course(actor, session.course):
        raise PermissionDenied
    return session


@staff_required
def move_view(request, course_id, session_number):
    """Move a session to a free slot of its week, or to another day and time (the session-rescheduling action)."""
    actor = request.actor
    session = _movable_session(actor, course_id, session_number)
    local = timezone.localtime(session.scheduled_start)
    monday = week.monday_of(week.parse_day(request.GET.get("week"), local.date()))
    hours = queries.working_hours(actor.organisation_id)
    slots = week.free_slots(actor, monday, session.duration_minutes, moving=session, hours=hours)
    form = MoveForm(request.POST or None, slots=slots, hours_words=hours_words(hours), initial={"version": session.version, "slot": OTHER,
                                                               "date": local.date(), "time": local.strftime("%H:%M")})
    if request.method == "POST" and form.is_valid():
        when = form.when()
        try:
            session_actions.reschedule_session(actor, session.course_id, session.number, when=when,
                                               duration=session.duration_minutes, mode=session.mode,
                                               expected_version=form.cleaned_data["version"])
        except ConflictError as exc:
            form.add_error(None, exc.message)
            kept = request.POST.copy()  # keep what was chosen; a second press, after a look, goes through
            fresh = course_access.get_session(actor, course_id, session_number)
            if fresh is not None:
                kept["version"] = str(fresh.version)
            form.data = kept
        except ActionError as exc:
            form.add_error("date" if form.cleaned_data["slot"] == OTHER and exc.field == "date" else None, exc.message)
        else:
            messages.success(request, _("Session %(n)d moved.") % {"n": session.number})
            return redirect(reverse("today:week") + f"?day={timezone.localtime(when).date().isoformat()}")
    return render(request, "today/move.html", {
        "session": session, "client": session.course.client, "form": form, "monday": monday,
        "recorded": session.attendance != Attendance.SCHEDULED,
        "prev_week": monday - timedelta(days=7), "next_week": monday + timedelta(days=7)})


@admin_required
def working_hours_view(request):
    """The organisation's working days and hours: the week calendar offers free times only within them."""
    actor = request.actor
    hours = queries.working_hours(actor.organisation_id)
    form = WorkingHoursForm(request.POST or None, initial={
        "days": sorted(hours.days), "start_hour": hours.start_hour, "end_hour": hours.end_hour,
        "version": hours.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if save_versioned(form, lambda: actions.save_working_hours(
                actor, days=data["days"], start_hour=data["start_hour"], end_hour=data["end_hour"],
                expected_version=data["version"] or 0)):
            messages.success(request, _("Working hours saved."))
            return redirect("today:working_hours")
    return render(request, "today/working_hours.html", {"form": form, "hours_words": hours_words(hours)})
