"""Structured review when not on track, outreach after missed sessions, early ending, ending letter, booster."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import staff_required
from openipt.core.errors import ActionError
from openipt.core.forms import apply_action_error
from openipt.courses import ending_actions, review_actions
from openipt.courses.actions import TransitionError
from openipt.courses.models import CourseStatus
from openipt.courses.queries.steps import attended_numbers, ending_of, review_rows
from openipt.courses.steps_forms import BoosterForm, EndEarlyForm, LetterForm, OutreachForm, ReviewForm
from openipt.courses.views.common import changeable_course_or_403, lang


@staff_required
def review_view(request, course_id):
    """The structured review of a course that is not on track, and the reviews recorded so far."""
    actor = request.actor
    course = changeable_course_or_403(actor, course_id, request)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_actions.record_review(actor, course.pk, findings=form.findings(),
                                         outcomes=form.cleaned_data["outcomes"], plan=form.cleaned_data["plan"])
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Review recorded. What will change is shown on the course page."))
            return redirect("courses:overview", course_id=course.pk)
    return render(request, "courses/review.html", {
        "course": course, "client": course.client, "form": form, "areas": review_actions.AREAS,
        "due": review_actions.due_signal(course), "measures": review_actions.measures_signal(course),
        "reviews": review_rows(course),
    })


@staff_required
@require_POST
def outreach_view(request, course_id):
    """Record an attempt to reach a client after missed sessions."""
    actor = request.actor
    course = changeable_course_or_403(actor, course_id, request)
    form = OutreachForm(request.POST)
    if form.is_valid():
        try:
            ending_actions.record_outreach(actor, course.pk, **form.cleaned_data)
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Outreach recorded."))
    else:
        messages.error(request, _("Choose how you tried to reach the client and what happened."))
    return redirect("courses:overview", course_id=course.pk)


@staff_required
def end_early_view(request, course_id):
    """End a course early: with an ending session, with a letter, as a drop-out, or before it started."""
    actor = request.actor
    course = changeable_course_or_403(actor, course_id, request)
    if not course.is_open:
        messages.error(request, _("This course has already ended."))
        return redirect("courses:overview", course_id=course.pk)
    attended = attended_numbers(course)
    form = EndEarlyForm(request.POST or None, sessions=attended)
    unmet: list[str] = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ending_actions.end_early(actor, course.pk, kind=d["kind"], reason=d["reason"], ending_session=d["ending_session"])
        except TransitionError as exc:
            unmet = exc.reasons
            form.add_error(None, exc.headline)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("The course has ended early. How it ended is recorded."))
            return redirect("courses:overview", course_id=course.pk)
    ending = ending_of(course)
    return render(request, "courses/end_early.html", {
        "course": course, "client": course.client, "form": form, "unmet": unmet, "ending": ending,
        "prompt": ending_actions.outreach_prompt(course),
    })


@staff_required
def letter_view(request, course_id):
    """Write the ending letter, starting from a plain-language draft built from the course."""
    actor = request.actor
    course = changeable_course_or_403(actor, course_id, request)
    ending = ending_of(course)
    text = ending.letter if ending and ending.letter else ending_actions.letter_draft(course, lang())
    form = LetterForm(request.POST or None, initial={"letter": text})
    if request.method == "POST" and form.is_valid():
        try:
            ending_actions.save_letter(actor, course.pk, form.cleaned_data["letter"])
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Ending letter saved. Print it or save it as a PDF to send it."))
            return redirect("courses:letter", course_id=course.pk)
    return render(request, "courses/letter.html", {"course": course, "client": course.client, "form": form,
                                                   "ending": ending})


@staff_required
def letter_print_view(request, course_id):
    """The saved ending letter, ready to print."""
    actor = request.actor
    course = changeable_course_or_403(actor, course_id, request)
    ending = ending_of(course)
    if ending is None or not ending.letter:
        messages.info(request, _("Save the letter first, then print it."))
        return redirect("courses:letter", course_id=course.pk)
    return render(request, "courses/letter_print.html", {"course": course, "client": course.client, "ending": ending})


@staff_required
def booster_view(request, course_id):
    """Offer booster sessions or maintenance, and record the client's answer."""
    actor = request.actor
    course = changeable_course_or_403(actor, course_id, request)
    ending = ending_of(course)
    initial = {"booster": ending.booster, "booster_sessions": ending.booster_sessions, "booster_note": ending.booster_note} if ending else {}
    form = BoosterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ending_actions.save_booster(actor, course.pk, booster=d["booster"], sessions=d["booster_sessions"],
                                        note=d["booster_note"])
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Booster offer recorded."))
            return redirect("courses:overview", course_id=course.pk)
    return render(request, "courses/booster.html", {
        "course": course, "client": course.client, "form": form,
        "can_maintain": course.status == CourseStatus.COMPLETED,
    })
