"""A session: its plan with checkable steps, the note (autosaved), attendance, ratings and addenda."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import staff_required
from openipt.core import submissions
from openipt.core.errors import ActionError, ConflictError
from openipt.core.extensions import render_panels
from openipt.core.forms import apply_action_error, set_data
from openipt.courses import access, actions, session_actions
from openipt.courses.actions import today
from openipt.courses.errors import CourseCode
from openipt.courses.forms import (
    AddendumForm,
    AttendanceForm,
    NoteForm,
    RatingsForm,
    RescheduleForm,
    SessionForm,
    note_initial,
)
from openipt.courses.lifecycle import planned_session_date
from openipt.courses.present import course_format, phase_label, protocol
from openipt.courses.queries.session import (
    current_note,
    current_version,
    goal_ratings,
    next_number,
    session_numbers,
)
from openipt.courses.sessionplan import note_of, plan_for, previous_attended
from openipt.courses.views.common import changeable_course_or_403, lang, session_or_404


def _suggested_start(course, number):
    try:
        planned = planned_session_date(course.start_date, course.frequency, number)
    except ValueError:
        planned = today()
    return max(planned, today())


@staff_required
def add_session_view(request, course_id):
    """Schedule the next session of the contract."""
    actor = request.actor
    course = changeable_course_or_403(actor, course_id, request)
    if request.method == "POST":
        earlier = submissions.previous_result(request)
        if earlier:
            messages.info(request, _("That form was already sent; here is the session it added."))
            return redirect(earlier)
    number = next_number(course)
    fmt = course_format(course)
    form = SessionForm(request.POST or None, initial={
        "date": _suggested_start(course, number), "time": "10:00", "duration": fmt.minutes_max if fmt else 50, "mode": "in_person"})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def add():
            made = session_actions.add_session(actor, course.pk, when=form.when(), duration=d["duration"], mode=d["mode"])
            return made, reverse("courses:session", args=[course.pk, made.number])

        try:
            session, earlier = submissions.run_once(request, add)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            if earlier or session is None:  # a repeat of a submission that already ran
                return redirect(earlier or request.path)
            messages.success(request, _("Session %(n)d scheduled.") % {"n": session.number})
            return redirect("courses:overview", course_id=course.pk)
    return render(request, "courses/session_new.html", {"course": course, "client": course.client, "form": form, "number": number})


def _session_context(request, session, *, note_form=None, conflict=None, addendum_form=None, ratings_form=None,
                     steps_error="", attendance_form=None):
    actor = request.actor
    course = session.course
    note = note_of(session)
    previous = previous_attended(course, session)
    plan, plan_problem = plan_for(course, session, previous, lang())
    can_change = access.can_change_course(actor, course) and course.is_open
    locked = note is not None and note.is_signed
    goals = access.course_goals(course, active_only=True)
    mine = goal_ratings(session)
    if ratings_form is None:
        initial = {}
        for goal in goals:
            rating = mine.get(goal.pk)
            initial[f"rating_{goal.pk}"] = str(rating.rating) if rating else ""
            initial[f"comment_{goal.pk}"] = rating.comment if rating else ""
        ratings_form = RatingsForm(initial=initial, goals=goals)
    techniques = {t.id: t.name for t in protocol().techniques(lang())}
    numbers = session_numbers(course)
    index = numbers.index(session.number)
    return {
        "panels": render_panels("session", request, session),
        "session": session,
        "course": course,
        "client": course.client,
        "note": note,
        "locked": locked,
        "plan": plan,
        "plan_problem": plan_problem,
        "done": set(session.done_step_ids or ()),
        "previous": previous,
        "phase_label": phase_label(plan.phase if plan else session.phase),
        "can_change": can_change,
        "note_form": note_form or NoteForm(initial=note_initial(note)),
        "conflict": conflict,
        "addendum_form": addendum_form or AddendumForm(),
        "addenda": access.note_addenda(note),
        "ratings_form": ratings_form,
        "rated_goals": [{"goal": goal, "rating": mine.get(goal.pk)} for goal in goals],
        "attendance_form": attendance_form or AttendanceForm(initial={"attendance": session.attendance}),
        "steps_error": steps_error,
        "technique_names": [techniques.get(t, t) for t in (note.techniques if note else [])],
        "prev_number": numbers[index - 1] if index > 0 else None,
        "next_number": numbers[index + 1] if index + 1 < len(numbers) else None,
        "format": course_format(course, lang()),
        "draft_key": f"openipt-note-{session.pk}",
        "saved_values": _saved_values(note),
    }


def _saved_values(note) -> dict:
    """The stored note as the browser script reads its form, to tell kept typing from saved text."""
    initial = note_initial(note)
    values = {name: initial.get(name) or "" for name in session_actions.NOTE_FIELDS}
    values["risk_level"] = initial.get("risk_level") or "none"
    values["techniques"] = list(initial.get("techniques") or [])
    values["risk_reviewed"] = initial.get("risk_reviewed") or ""
    return values


@staff_required
def session_view(request, course_id, session_number):
    """One session: the plan, the note, attendance, goal ratings and addenda."""
    actor = request.actor
    session = session_or_404(actor, course_id, session_number, request)
    actions.record_session_view(actor, session)
    return render(request, "courses/session.html", _session_context(request, session))


def _changeable_session(request, course_id, number):
    session = session_or_404(request.actor, course_id, number, request)
    if not access.can_change_course(request.actor, session.course):
        raise PermissionDenied
    return session


def _back(session, anchor=""):
    return redirect(reverse("courses:session", args=[session.course_id, session.number]) + anchor)


@staff_required
def reschedule_view(request, course_id, session_number):
    """Move a session to another day, time, length or way of meeting."""
    actor = request.actor
    session = _changeable_session(request, course_id, session_number)
    local = timezone.localtime(session.scheduled_start)
    form = RescheduleForm(request.POST or None, initial={
        "date": local.date(), "time": local.strftime("%H:%M"), "duration": session.duration_minutes,
        "mode": session.mode, "version": session.version})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            session_actions.reschedule_session(actor, session.course_id, session.number, when=form.when(),
                                               duration=d["duration"], mode=d["mode"], expected_version=d["version"])
        except ConflictError as exc:
            form.add_error(None, exc.message)
            set_data(form, "version", current_version(session))
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Session %(n)d moved.") % {"n": session.number})
            return _back(session)
    return render(request, "courses/reschedule.html", {"session": session, "course": session.course,
                                                       "client": session.course.client, "form": form})


@staff_required
@require_POST
def attendance_view(request, course_id, session_number):
    actor = request.actor
    session = _changeable_session(request, course_id, session_number)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose attended, cancelled, did not attend or scheduled."))
        return _back(session, "#attendance")
    try:
        session_actions.record_attendance(actor, session.course_id, session.number, form.cleaned_data["attendance"])
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Attendance saved."))
    return _back(session, "#attendance")


@staff_required
@require_POST
def steps_view(request, course_id, session_number):
    """Save the ticked plan steps (htmx saves on each tick; a button does it without JavaScript)."""
    actor = request.actor
    session = _changeable_session(request, course_id, session_number)
    try:
        session_actions.tick_steps(actor, session.course_id, session.number, request.POST.getlist("steps"))
    except ActionError as exc:
        if request.htmx:
            return render(request, "courses/_status.html", {"error": exc.message})
        messages.error(request, exc.message)
    else:
        if request.htmx:
            return render(request, "courses/_status.html", {"saved_at": timezone.localtime()})
        messages.success(request, _("Steps saved."))
    return _back(session, "#plan")


def _note_post(request, session, *, autosave: bool):
    """Save the note form; return (form, note or None, conflict note, error)."""
    form = NoteForm(request.POST)
    if not form.is_valid():
        return form, None, None, ""
    try:
        note = session_actions.save_note(request.actor, session.course_id, session.number, form.note_data(),
                                         expected_version=form.cleaned_data["version"], autosave=autosave)
    except ConflictError as exc:
        current = exc.current or current_note(session)
        form.add_error(None, exc.message)
        set_data(form, "version", current.version if current else 0)
        return form, None, current, exc.message
    except ActionError as exc:
        if exc.code == CourseCode.LOCKED:
            return form, None, None, exc.message
        apply_action_error(form, exc)
        return form, None, None, exc.message
    return form, note, None, ""


@staff_required
@require_POST
def note_view(request, course_id, session_number):
    """Save the note as a draft, or save and sign it; nothing typed is lost on a refusal."""
    actor = request.actor
    session = _changeable_session(request, course_id, session_number)
    form, note, conflict, error = _note_post(request, session, autosave=False)
    if note is not None and request.POST.get("action") == "sign":
        try:
            session_actions.sign_note(actor, session.course_id, session.number, expected_version=note.version)
        except ActionError as exc:
            form = NoteForm(request.POST)
            form.is_valid()
            set_data(form, "version", note.version)
            apply_action_error(form, exc)
            session = session_or_404(actor, course_id, session_number, request)
            return render(request, "courses/session.html", _session_context(request, session, note_form=form), status=200)
        messages.success(request, _("Note signed. It is now locked; add an addendum for any correction."))
        return _back(session, "#note")
    if note is not None:
        messages.success(request, _("Draft saved."))
        return _back(session, "#note")
    session = session_or_404(actor, course_id, session_number, request)
    saved = note_of(session)
    if saved is not None and saved.is_signed:
        typed = "\n\n".join(v.strip() for k, v in request.POST.items() if k in session_actions.NOTE_FIELDS and v.strip())
        messages.error(request, error or _("This note is signed and locked. Add an addendum to correct or add to it."))
        return render(request, "courses/session.html",
                      _session_context(request, session, addendum_form=AddendumForm(initial={"text": typed})))
    return render(request, "courses/session.html", _session_context(request, session, note_form=form, conflict=conflict))


@staff_required
@require_POST
def autosave_view(request, course_id, session_number):
    """Save the draft while the person types (htmx); answers with a short status and the new version."""
    session = _changeable_session(request, course_id, session_number)
    form, note, conflict, error = _note_post(request, session, autosave=True)
    context = {"form": form}
    if note is not None:
        context.update(saved_at=timezone.localtime(note.updated_at), version=note.version)
    elif conflict is not None or error:
        context.update(error=error, conflict=conflict is not None)
    else:
        context["error"] = " ".join(str(e) for errors in form.errors.values() for e in errors)
    response = render(request, "courses/_autosave_status.html", context)
    if note is not None:
        response["X-Note-Version"] = str(note.version)
    return response


@staff_required
@require_POST
def addendum_view(request, course_id, session_number):
    actor = request.actor
    session = _changeable_session(request, course_id, session_number)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            session_actions.add_addendum(actor, session.course_id, session.number, form.cleaned_data["text"])
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Addendum added."))
            return _back(session, "#addenda")
    return render(request, "courses/session.html", _session_context(request, session, addendum_form=form))


@staff_required
@require_POST
def ratings_view(request, course_id, session_number):
    actor = request.actor
    session = _changeable_session(request, course_id, session_number)
    goals = access.course_goals(session.course, active_only=True)
    form = RatingsForm(request.POST, goals=goals)
    if form.is_valid():
        try:
            session_actions.rate_goals(actor, session.course_id, session.number, form.ratings())
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Ratings saved."))
            return _back(session, "#ratings")
    return render(request, "courses/session.html", _session_context(request, session, ratings_form=form))

