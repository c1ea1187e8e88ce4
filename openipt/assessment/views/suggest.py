"""Problem-area suggestions for a course, and the therapist's choice."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from openipt.accounts.decorators import staff_required
from openipt.assessment import access, actions, casebuild, formulation_actions, present
from openipt.assessment.choices import AREA_NAMES
from openipt.assessment.forms import ChooseAreaForm
from openipt.assessment.views.common import changeable_course, course_or_404
from openipt.core.errors import ActionError
from openipt.core.forms import apply_action_error
from openipt.courses import access as course_access
from openipt.protocol import default_protocol


def _initial(course, built):
    if course.primary_area:
        return {"area": course.primary_area, "stage": course.dispute_stage, "rationale": course.primary_rationale,
                "secondary_area": course.secondary_area, "secondary_rationale": course.secondary_rationale}
    primary = next((s for s in built.suggestions if s.role == "primary"), None)
    if primary is None:
        return {}
    return {"area": primary.area, "stage": primary.stage.stage if primary.stage else ""}


@staff_required
def suggest_view(request, course_id):
    """The ranked suggestions with their evidence and confidence, and the form to choose the area."""
    actor = request.actor
    course = course_or_404(actor, course_id, request)
    can_change = course_access.can_change_course(actor, course) and course.is_open
    if request.method == "POST":
        course = changeable_course(actor, course_id, request)
    built = casebuild.build(course.client)
    form = ChooseAreaForm(request.POST if request.method == "POST" else None, initial=_initial(course, built))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            choice = formulation_actions.choose_area(
                actor, course.pk, area=d["area"], stage=d.get("stage", ""), rationale=d["rationale"],
                secondary_area=d.get("secondary_area", ""), secondary_rationale=d.get("secondary_rationale", ""),
                confirm_deficits=d.get("confirm_deficits", False), suggestions=built.suggestions)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            name = AREA_NAMES[choice.area]
            if choice.followed:
                messages.success(request, _("%(area)s chosen, as suggested. Next: the formulation.") % {"area": name})
            else:
                messages.success(request, _("%(area)s chosen. It differs from the suggestion; your reasons are recorded. "
                                            "Next: the formulation.") % {"area": name})
            return redirect("assessment:formulation", course_id=course.pk)
    if request.method == "GET":
        actions.record_view(actor, actions.SUGGESTIONS_VIEWED, course.client, obj=course,
                            suggested=[s.area for s in built.suggestions])
    areas = {a.id: a for a in default_protocol().areas()}
    latest = access.latest_choice(course)
    return render(request, "assessment/suggest.html", {
        "course": course, "client": course.client, "built": built, "rows": present.suggestion_rows(built),
        "form": form, "can_change": can_change, "choice": latest, "areas": areas,
        "choice_area": AREA_NAMES.get(latest.area, "") if latest else "",
        "choice_suggested": AREA_NAMES.get(latest.suggested_area, "") if latest else "",
        "people_count": len(built.people), "event_count": len(built.events),
        "has_onset": bool(built.data.get("onset")), "has_intake": bool(built.data.get("intake")),
    })
