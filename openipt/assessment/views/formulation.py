"""The formulation of a course: a generated draft, editing with autosave, versions, sharing, the client's
agreement, a printable page, and the goals of the chosen area."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import staff_required
from openipt.assessment import access, actions, formulation_actions
from openipt.assessment.choices import AREA_NAMES
from openipt.assessment.errors import AssessmentCode
from openipt.assessment.forms import AgreementForm, FormulationForm, GoalsForm
from openipt.assessment.merge import word_diff
from openipt.assessment.views.common import changeable_course, course_or_404
from openipt.core.errors import ActionError, ConflictError
from openipt.core.forms import apply_action_error, set_data
from openipt.core.numbers import as_int as post_int
from openipt.courses import access as course_access
from openipt.protocol import default_protocol


def goal_suggestions(course, goals) -> list[str]:
    """The protocol's goals for the course's area (in the client's words first), minus those already added."""
    if not course.primary_area:
        return []
    try:
        area = default_protocol().area(course.primary_area)
    except KeyError:
        return []
    have = {g.text.casefold() for g in goals}
    texts = [e.text for e in area.suggested_goals] + list(area.goals)
    return [t for t in dict.fromkeys(texts) if t.casefold() not in have]


def _context(request, course, *, form=None, generated=None, conflict=None, agreement_form=None, goals_form=None):
    actor = request.actor
    draft = access.formulation_draft(course)
    versions = access.formulation_versions(course)
    goals = course_access.course_goals(course)
    suggestions = goal_suggestions(course, goals)
    history: list[dict[str, object]] = []
    previous = None
    for v in versions:
        history.append({"v": v, "pieces": word_diff(previous.text, v.text) if previous else None})
        previous = v
    latest = versions[-1] if versions else None
    shared = [v for v in versions if v.shared_at]
    if form is None:
        form = FormulationForm(initial={"text": draft.text if draft else (latest.text if latest else ""),
                                        "version": draft.version if draft else 0})
    return {
        "course": course, "client": course.client, "form": form, "draft": draft, "history": list(reversed(history)),
        "latest": latest, "current": shared[-1] if shared else None, "generated": generated, "conflict": conflict,
        "area_name": AREA_NAMES.get(course.primary_area, ""), "choice": access.latest_choice(course),
        "can_change": course_access.can_change_course(actor, course) and course.is_open,
        "agreement_form": agreement_form or AgreementForm(initial={"agreed_on": timezone.localdate()}),
        "goals": goals, "goals_form": goals_form or GoalsForm(suggestions=suggestions), "draft_key": f"openipt-formulation-{course.pk}",
        "unsaved": bool(draft and latest and draft.text.strip() != latest.text.strip()) or bool(draft and draft.text and not latest),
    }


@staff_required
def formulation_view(request, course_id):
    """The formulation page; POST saves the text as a new version, or saves and shares it."""
    actor = request.actor
    course = course_or_404(actor, course_id, request)
    if request.method != "POST":
        actions.record_view(actor, actions.FORMULATION_VIEWED, course.client, obj=course)
        return render(request, "assessment/formulation.html", _context(request, course))
    course = changeable_course(actor, course_id, request)
    form = FormulationForm(request.POST)
    if not form.is_valid():
        return render(request, "assessment/formulation.html", _context(request, course, form=form))
    share = request.POST.get("action") == "share"
    conflict = None
    try:
        version, created = formulation_actions.save_version(actor, course.pk, text=form.cleaned_data["text"],
                                                            expected_version=form.cleaned_data.get("version") or 0)
        if share:
            version = formulation_actions.share_latest(actor, course.pk)
    except ConflictError as exc:
        conflict = exc.current
        form.add_error(None, exc.message)
        set_data(form, "version", conflict.version)
    except ActionError as exc:
        apply_action_error(form, exc)
        if exc.code in (AssessmentCode.NO_AREA, AssessmentCode.STALE_AREA):
            draft = access.formulation_draft(course)
            set_data(form, "version", draft.version if draft else 0)
    else:
        if share:
            messages.success(request, _("Version %(n)d is shared with %(name)s: they can read it in their portal and "
                                        "print it.") % {"n": version.number, "name": course.client.display_name})
        elif created:
            messages.success(request, _("Saved as version %(n)d.") % {"n": version.number})
        else:
            messages.info(request, _("No change since version %(n)d.") % {"n": version.number})
        return redirect("assessment:formulation", course_id=course.pk)
    return render(request, "assessment/formulation.html", _context(request, course, form=form, conflict=conflict))


@staff_required
@require_POST
def generate_view(request, course_id):
    """Write a draft from the chosen area, people, events and symptoms (fills an empty text, or replaces on request)."""
    actor = request.actor
    course = changeable_course(actor, course_id, request)
    try:
        _draft, made, used = formulation_actions.generate_draft(actor, course.pk, replace_text=request.POST.get("replace") == "1")
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("assessment:formulation", course_id=course.pk)
    if used:
        messages.success(request, _("A draft was written from the chosen area, the people and events, and the "
                                    "symptoms. Read it and change anything that does not fit."))
        return redirect("assessment:formulation", course_id=course.pk)
    messages.info(request, _("Your text was kept. The generated draft is shown below it."))
    return render(request, "assessment/formulation.html", _context(request, course, generated=made))


@staff_required
@require_POST
def autosave_view(request, course_id):
    """Keep the working text while the therapist types (htmx); answers with a short status and the new version."""
    actor = request.actor
    course = changeable_course(actor, course_id, request)
    form = FormulationForm(request.POST)
    context: dict[str, object] = {}
    draft = None
    if form.is_valid():
        try:
            draft = formulation_actions.autosave_draft(actor, course.pk, text=form.cleaned_data["text"],
                                                       expected_version=form.cleaned_data.get("version") or 0)
        except ConflictError:
            context.update(error=True, conflict=True)
        except ActionError as exc:
            context.update(error=exc.message)
        else:
            context.update(saved_at=timezone.localtime(draft.updated_at), version=draft.version)
    else:
        context["error"] = " ".join(str(e) for errors in form.errors.values() for e in errors)
    response = render(request, "assessment/_autosave_status.html", context)
    if draft is not None:
        response["X-Draft-Version"] = str(draft.version)
    return response


@staff_required
@require_POST
def agree_view(request, course_id):
    """Record, for the client, the date they agreed the formulation."""
    actor = request.actor
    course = changeable_course(actor, course_id, request)
    form = AgreementForm(request.POST)
    if form.is_valid():
        try:
            version = formulation_actions.record_agreement(actor, course.pk, on=form.cleaned_data["agreed_on"])
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Recorded: the client agreed version %(n)d on %(date)s.") % {
                "n": version.number, "date": (version.agreed_on or form.cleaned_data["agreed_on"]).strftime("%d/%m/%Y")})
            return redirect("assessment:formulation", course_id=course.pk)
    return render(request, "assessment/formulation.html", _context(request, course, agreement_form=form))


@staff_required
@require_POST
def goals_view(request, course_id):
    """Add goals for the chosen area (through the courses app's goal action)."""
    actor = request.actor
    course = changeable_course(actor, course_id, request)
    goals = course_access.course_goals(course)
    form = GoalsForm(request.POST, suggestions=goal_suggestions(course, goals))
    if form.is_valid():
        try:
            made = formulation_actions.add_area_goals(actor, course.pk, form.texts())
        except ActionError as exc:
            if exc.field not in form.fields:
                messages.error(request, exc.message)
                return redirect(reverse("assessment:formulation", args=[course.pk]) + "#goals")
            apply_action_error(form, exc)
        else:
            messages.success(request, ngettext("%(n)d goal added to the course.", "%(n)d goals added to the course.",
                                               len(made)) % {"n": len(made)})
            return redirect("assessment:formulation", course_id=course.pk)
    return render(request, "assessment/formulation.html", _context(request, course, goals_form=form))


@staff_required
def print_view(request, course_id):
    """A page to print: the latest version, or the one asked for (?v=N)."""
    actor = request.actor
    course = course_or_404(actor, course_id, request)
    versions = access.formulation_versions(course)
    number = post_int(request.GET.get("v"))
    version = next((v for v in versions if v.number == number), None) if number else (versions[-1] if versions else None)
    if version is None:
        raise Http404
    actions.record_view(actor, actions.FORMULATION_VIEWED, course.client, obj=version, printed=True)
    return render(request, "assessment/print.html", {"version": version, "client": course.client, "course": course,
                                                     "area_name": AREA_NAMES.get(version.area, ""), "staff": True})
