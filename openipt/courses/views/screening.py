"""The initial-phase screening page of a course, and the start-checks panel on the course page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openipt.accounts.decorators import staff_required
from openipt.core.errors import ActionError
from openipt.core.forms import apply_action_error
from openipt.courses import access, screening, screening_actions, start_checks
from openipt.courses.views.common import course_or_404


class ScreeningForm(forms.Form):
    """One answer and one decision per topic the course's format screens for."""

    def __init__(self, *args, topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.topics = topics
        for topic_id in topics:
            topic = screening.topic(topic_id)
            self.fields[f"{topic_id}-answer"] = forms.CharField(
                label=_("%(topic)s: what the client said") % {"topic": topic.title}, required=False,
                max_length=screening_actions.MAX_ANSWER, help_text=topic.prompt,
                widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"{topic_id}-decision"] = forms.ChoiceField(
                label=_("%(topic)s: what you decided") % {"topic": topic.title}, required=False,
                choices=[("", gettext_lazy("Not decided yet")), *screening.DECISIONS])

    def entries(self) -> dict:
        d = self.cleaned_data
        return {t: {"answer": d.get(f"{t}-answer", ""), "decision": d.get(f"{t}-decision", "")} for t in self.topics}


@staff_required
def screening_view(request, course_id):
    """What IPT alone does not treat, and the medication evaluation: asked, answered and decided."""
    actor = request.actor
    course = course_or_404(actor, course_id, request)
    can_change = access.can_change_course(actor, course) and course.is_open
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    topics = screening_actions.topics_for(course)
    form = ScreeningForm(request.POST if request.method == "POST" else None, topics=topics)
    if request.method == "POST" and form.is_valid():
        try:
            screening_actions.record_screening(actor, course.pk, form.entries())
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Screening saved."))
            return redirect("courses:screening", course_id=course.pk)
    screening_actions.record_screening_view(actor, course)
    latest = start_checks.latest_answers(course)
    rows = [{"topic": screening.topic(t), "latest": latest.get(t),
             "decision": screening.decision_label(latest[t].decision) if t in latest else ""} for t in topics]
    return render(request, "courses/screening.html", {
        "course": course, "client": course.client, "form": form, "rows": rows, "can_change": can_change,
        "checks": start_checks.results(course),
    })
