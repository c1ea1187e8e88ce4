"""Starting a course, its overview, contract, focus, ending, goals and phase transitions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import staff_required
from openipt.clients import access as client_access
from openipt.core import submissions
from openipt.core.charts import sparkline
from openipt.core.errors import ActionError, ConflictError
from openipt.core.extensions import render_panels
from openipt.core.forms import apply_action_error, set_data
from openipt.core.numbers import as_int as post_int
from openipt.core.pagination import paginate
from openipt.courses import access, actions, goal_actions, lifecycle
from openipt.courses.actions import TARGET_WORDS, TransitionError, today
from openipt.courses.forms import (
    ContractForm,
    EndingForm,
    FocusForm,
    GoalEditForm,
    GoalForm,
    RenegotiateForm,
    StartCourseForm,
    TransitionForm,
)
from openipt.courses.formulation import course_formulation, formulation_page_url
from openipt.courses.models import CourseStatus
from openipt.courses.present import (
    course_format,
    format_name,
    phase_label,
    position,
    protocol,
    timeline,
)
from openipt.courses.queries.course import (
    STATUS_FILTERS,
    contract_changes,
    course_list,
    course_state,
    expectation,
    goal_of,
    transition_rows,
)
from openipt.courses.views.common import changeable_course_or_403, course_or_404, lang

if TYPE_CHECKING:
    from django.forms import Form

    from openipt.courses.models import Course

MOVES = {
    (CourseStatus.PLANNED, None): ("active", "ended_early"),
    (CourseStatus.ACTIVE, "initial"): ("middle", "ended_early"),
    (CourseStatus.ACTIVE, "middle"): ("termination", "ended_early"),
    (CourseStatus.ACTIVE, "termination"): ("completed", "ended_early"),
    (CourseStatus.COMPLETED, None): ("maintenance",),
    (CourseStatus.MAINTENANCE, None): ("completed", "ended_early"),
}


def moves_for(course) -> list[dict]:
    key = (course.status, course.phase if course.status == CourseStatus.ACTIVE else None)
    return [{"target": t, "label": str(TARGET_WORDS[t]).capitalize()} for t in MOVES.get(key, ())]


@staff_required
def start_course_view(request, client_id):
    """Start a course of IPT for a client."""
    actor = request.actor
    client = client_access.get_client(actor, client_id)
    if client is None:
        raise Http404
    if not access.can_start_course(actor, client):
        raise PermissionDenied
    if request.method == "POST":
        earlier = submissions.previous_result(request)
        if earlier:
            messages.info(request, _("That form was already sent; here is the course it started."))
            return redirect(earlier)
    form = StartCourseForm(request.POST or None, initial={"start_date": today(), "format_id": "individual"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def start():
            course = actions.start_course(
                actor, client.pk, format_id=data["format_id"], start_date=data["start_date"],
                sessions=data["sessions_planned"], frequency=data["frequency"] or None,
                initial_sessions=data["initial_sessions"], first_session=form.first_session(),
                duration=data["duration"], mode=data["mode"],
            )
            return course, reverse("courses:overview", args=[course.pk])

        try:
            course, earlier = submissions.run_once(request, start)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            if earlier or course is None:  # a repeat of a submission that already ran
                return redirect(earlier or request.path)
            messages.success(request, _("Course started: %(format)s.") % {"format": format_name(course, lang())})
            return redirect("courses:overview", course_id=course.pk)
    formats = [f for f in protocol().formats(lang()) if not f.is_group]
    return render(request, "courses/start.html", {"client": client, "form": form, "formats": formats})


def _goal_rows(goals) -> list[dict]:
    rows = []
    for goal in goals:
        ratings = list(goal.ratings.all())
        chart = None
        if ratings:
            chart = sparkline([r.rating for r in ratings], y_max=10, title=_("Ratings of this goal"), id_prefix=f"goal{goal.pk}")
        rows.append({"goal": goal, "ratings": ratings, "chart": chart, "latest": ratings[-1] if ratings else None})
    return rows


@staff_required
def overview_view(request, course_id):
    """The course at a glance: contract, timeline by phase, goals, what comes next."""
    actor = request.actor
    course = course_or_404(actor, course_id, request)
    actions.record_course_view(actor, course)
    sessions = access.course_sessions(course)
    goals = access.course_goals(course)
    used = course.used
    expected = expectation(course, used)
    next_session = next((s for s in sessions if not s.is_held), None)
    context = {
        "course": course,
        "client": course.client,
        "format": course_format(course, lang()),
        "position": position(course, used),
        "bands": timeline(course, sessions),
        "sessions": sessions,
        "next_session": next_session,
        "can_add_session": course.is_open and len(sessions) < course.sessions_planned,
        "goal_rows": _goal_rows(goals),
        "expected": expected,
        "expected_target_words": str(TARGET_WORDS.get(expected.target, "")) if expected.target else "",
        "due_phase_label": phase_label(expected.due_phase) if expected.due_phase else "",
        "current_phase_label": phase_label(course.phase),
        "transitions": transition_rows(course),
        "contract_changes": contract_changes(course),
        "moves": moves_for(course),
        "can_change": access.can_change_course(actor, course) and course.is_open,
        "area": _area(course.primary_area),
        "secondary": _area(course.secondary_area),
        "stage": _stage(course),
        "panels": render_panels("course", request, course),
        "formulation": course_formulation(course),
        "formulation_url": formulation_page_url(course),
    }
    return render(request, "courses/overview.html", context)


def _area(area_id):
    if not area_id:
        return None
    try:
        return protocol().area(area_id, lang())
    except KeyError:
        return None


def _stage(course):
    area = _area(course.primary_area)
    return area.stage(course.dispute_stage) if area and course.dispute_stage else None


def _conflict_form(form: Form, exc: ConflictError, current: Course | None) -> None:
    """Show that someone else saved first, and take the saved version; a course no longer there is a 404."""
    if current is None:
        raise Http404
    form.add_error(None, exc.message)
    set_data(form, "version", current.version)


@staff_required
def contract_view(request, course_id):
    """Change the contract before the client agrees it, and record the date they agree."""
    actor = request.actor
    course = changeable_course_or_403(actor, course_id, request)
    initial = {"sessions_planned": course.sessions_planned, "frequency": course.frequency, "start_date": course.start_date,
               "initial_sessions": course.initial_sessions, "agreed_on": course.contract_agreed_on, "version": course.version}
    form = ContractForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.edit_contract(actor, course.pk, sessions=d["sessions_planned"], frequency=d["frequency"],
                                  start_date=d["start_date"], initial_sessions=d["initial_sessions"],
                                  agreed_on=d["agreed_on"], expected_version=d["version"])
        except ConflictError as exc:
            conflict = access.get_course(actor, course.pk)
            _conflict_form(form, exc, conflict)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Contract saved."))
            return redirect("courses:overview", course_id=course.pk)
    return render(request, "courses/contract.html", {"course": course, "client": course.client, "form": form,
                                                     "conflict": conflict, "format": course_format(course, lang())})


@staff_required
def renegotiate_view(request, course_id):
    """Renegotiate an agreed contract, recording the old and new count and the reason."""
    actor = request.actor
    course = changeable_course_or_403(actor, course_id, request)
    form = RenegotiateForm(request.POST or None, initial={
        "sessions_planned": course.sessions_planned, "frequency": course.frequency, "agreed_on": today(), "version": course.version})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.renegotiate_contract(actor, course.pk, sessions=d["sessions_planned"], frequency=d["frequency"],
                                         reason=d["reason"], agreed_on=d["agreed_on"], expected_version=d["version"])
        except ConflictError as exc:
            _conflict_form(form, exc, access.get_course(actor, course.pk))
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Contract renegotiated."))
            return redirect("courses:overview", course_id=course.pk)
    return render(request, "courses/renegotiate.html", {"course": course, "client": course.client, "form": form,
                                                        "format": course_format(course, lang())})


@staff_required
def focus_view(request, course_id):
    """Choose the problem areas and say why (the formulation has its own page)."""
    actor = request.actor
    course = changeable_course_or_403(actor, course_id, request)
    initial = {name: getattr(course, name) for name in (
        "primary_area", "primary_rationale", "dispute_stage", "secondary_area", "secondary_rationale",
        "version")}
    form = FocusForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        version = d.pop("version")
        try:
            actions.set_focus(actor, course.pk, expected_version=version, **d)
        except ConflictError as exc:
            conflict = access.get_course(actor, course.pk)
            _conflict_form(form, exc, conflict)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Focus saved."))
            return redirect("courses:overview", course_id=course.pk)
    return render(request, "courses/focus.html", {
        "course": course, "client": course.client, "form": form, "conflict": conflict,
        "areas": protocol().areas(lang()), "conflict_area": _area(conflict.primary_area) if conflict else None,
        "formulation_url": formulation_page_url(course),
    })


@staff_required
@require_POST
def agree_view(request, course_id):
    """Record that the client agreed the contract today."""
    actor = request.actor
    course = changeable_course_or_403(actor, course_id, request)
    what = request.POST.get("what", "")
    try:
        actions.record_agreement(actor, course.pk, what)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Agreement recorded for today."))
    return redirect("courses:overview", course_id=course.pk)


@staff_required
def transition_view(request, course_id):
    """Check and make a move to another phase or status; a refusal lists what is missing."""
    actor = request.actor
    course = changeable_course_or_403(actor, course_id, request)
    target = (request.POST.get("to") or request.GET.get("to") or "")[:20]
    moves = {m["target"]: m for m in moves_for(course)}
    if target not in moves:
        messages.error(request, _("That move is not possible from where the course is now."))
        return redirect("courses:overview", course_id=course.pk)
    if target == "ended_early":  # an early ending says how it ended (ending session, letter, drop-out): HAZ-024
        return redirect("courses:end_early", course_id=course.pk)
    form = TransitionForm(request.POST or None, initial={"version": course.version, "maintenance_sessions": 6})
    refused: list[str] = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.transition_course(actor, course.pk, target, reason=d["reason"], expected_version=d["version"],
                                      maintenance_sessions=d["maintenance_sessions"],
                                      maintenance_frequency=d["maintenance_frequency"] or "monthly")
        except TransitionError as exc:
            refused = exc.reasons
            form.add_error(None, exc.headline)
        except ConflictError as exc:
            _conflict_form(form, exc, access.get_course(actor, course.pk))
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Done: %(what)s.") % {"what": moves[target]["label"].lower()})
            return redirect("courses:overview", course_id=course.pk)
    state = course_state(course, course.used)
    unmet = lifecycle.check_transition(state, target) if state and not refused else []
    return render(request, "courses/transition.html", {
        "course": course, "client": course.client, "form": form, "target": target, "move": moves[target],
        "unmet": refused or unmet, "refused": bool(refused),
        "needs_reason": target in ("ended_early", "termination"), "formulation_url": formulation_page_url(course),
    })


@staff_required
def ending_view(request, course_id):
    """The relapse-prevention plan and the end review."""
    actor = request.actor
    course = changeable_course_or_403(actor, course_id, request)
    initial = {"warning_signs": course.relapse_warning_signs, "what_helps": course.relapse_what_helps,
               "contacts": course.relapse_contacts, "end_review": course.end_review, "version": course.version}
    form = EndingForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        version = d.pop("version")
        try:
            actions.save_ending(actor, course.pk, expected_version=version, **d)
        except ConflictError as exc:
            conflict = access.get_course(actor, course.pk)
            _conflict_form(form, exc, conflict)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Relapse-prevention plan and end review saved."))
            return redirect("courses:overview", course_id=course.pk)
    return render(request, "courses/ending.html", {"course": course, "client": course.client, "form": form, "conflict": conflict})


@staff_required
def goals_view(request, course_id):
    """The course's goals: add one (or pick a suggested one) and see them all."""
    actor = request.actor
    course = changeable_course_or_403(actor, course_id, request)
    form = GoalForm(request.POST or None, initial={"area": course.primary_area})
    if request.method == "POST" and form.is_valid():
        try:
            goal_actions.add_goal(actor, course.pk, text=form.cleaned_data["text"], area=form.cleaned_data["area"])
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Goal added."))
            return redirect("courses:goals", course_id=course.pk)
    suggested = []
    for area_id in (course.primary_area, course.secondary_area):
        area = _area(area_id)
        if area:
            suggested += [(area, entry) for entry in area.suggested_goals]
    return render(request, "courses/goals.html", {
        "course": course, "client": course.client, "form": form, "goals": access.course_goals(course), "suggested": suggested,
    })


@staff_required
def goal_edit_view(request, course_id, goal_id):
    """Change a goal, or stop working on it."""
    actor = request.actor
    course = changeable_course_or_403(actor, course_id, request)
    goal = goal_of(course, post_int(goal_id))
    if goal is None:
        raise Http404
    form = GoalEditForm(request.POST or None, initial={"text": goal.text, "area": goal.area, "order": goal.order, "active": goal.active})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            goal_actions.edit_goal(actor, course.pk, goal.pk, text=d["text"], area=d["area"], order=d["order"], active=d["active"])
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Goal saved."))
            return redirect("courses:goals", course_id=course.pk)
    return render(request, "courses/goal_edit.html", {"course": course, "client": course.client, "form": form, "goal": goal})


@staff_required
def course_list_view(request):
    """The courses this person may see, with where each one stands."""
    actor = request.actor
    which = request.GET.get("show", "open")
    if which not in STATUS_FILTERS:
        which = "open"
    page = paginate(request, course_list(actor, which), per_page=25)
    rows = [{"course": c, "position": position(c, c.used), "format": format_name(c, lang())} for c in page.object_list]
    actions.record_course_list_view(actor, len(rows))
    return render(request, "courses/list.html", {"page": page, "rows": rows, "show": which})
