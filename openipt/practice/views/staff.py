"""Staff pages about a client's between-session work: reading, questions, the log (the interval
history), worksheets and rehearsals; the assigned care staff assign, answer and comment."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import staff_required
from openipt.core.errors import ActionError
from openipt.core.forms import apply_action_error
from openipt.core.pagination import paginate
from openipt.practice import access, actions, worksheet_actions
from openipt.practice.forms import (
    AnswerForm,
    AssignReadingForm,
    AssignWorksheetForm,
    CommentForm,
    RehearsalAccessForm,
)
from openipt.practice.present import (
    client_topics,
    lang,
    offered_topics,
    offered_worksheets,
    topic,
    worksheet_feedback,
)
from openipt.practice.queries.care import interval_history
from openipt.practice.views.common import staff_client_or_404
from openipt.practice.views.rehearsal import rehearsal_context
from openipt.practice.worksheetdefs import definition, definitions


def _guided_or_403(request, client_id):
    client = staff_client_or_404(request, client_id)
    if not access.can_guide(request.actor, client):
        raise PermissionDenied
    return client


def _back(client, anchor=""):
    return redirect(reverse("practice:care", args=[client.pk]) + anchor)


def _care_context(request, client, **forms_given) -> dict:
    actor = request.actor
    course = access.current_course(actor, client)
    readings = access.readings(actor, client)
    assigned = {r.topic_id for r in readings}
    offered = [t for t in offered_topics(course) if t.id not in assigned]
    others = [t for t in client_topics() if t.id not in assigned and t not in offered]
    fits, rest = offered_worksheets(course)
    defs = definitions(lang())
    history, last = interval_history(actor, client, course, limit=20)
    practice = access.settings_for(client)
    return {
        "client": client, "course": course, "can_guide": access.can_guide(actor, client),
        "readings": [{"reading": r, "topic": topic(r.topic_id)} for r in readings],
        "offered": offered,
        "reading_form": forms_given.get("reading_form") or AssignReadingForm(topics=offered + others),
        "questions": [{"q": q, "topic": topic(q.assignment.topic_id),
                       "form": forms_given.get(f"answer_{q.pk}") or AnswerForm(prefix=f"q{q.pk}")}
                      for q in access.open_questions(actor, client)],
        "history": history, "last_session": last,
        "sheets": [{"sheet": w, "defn": defs.get(w.kind)} for w in access.worksheets(actor, client)],
        "worksheet_form": forms_given.get("worksheet_form") or AssignWorksheetForm(definitions=fits + rest),
        "rehearsals": access.rehearsals(actor, client)[:30],
        "practice": practice,
        "access_form": forms_given.get("access_form") or RehearsalAccessForm(
            initial={"enabled": "on" if practice.rehearsal_enabled else "off"}),
    }


@staff_required
def care_view(request, client_id):
    """Everything a client did between sessions, for the care team."""
    client = staff_client_or_404(request, client_id)
    actions.record_staff_view(request.actor, client, "between sessions")
    return render(request, "practice/care.html", _care_context(request, client))


@staff_required
@require_POST
def care_reading_view(request, client_id):
    """Assign a reading, or take one back."""
    client = _guided_or_403(request, client_id)
    if request.POST.get("withdraw"):
        try:
            actions.withdraw_reading(request.actor, client.pk, request.POST.get("withdraw"))
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The reading was taken back."))
        return _back(client, "#reading")
    form = AssignReadingForm(request.POST, topics=client_topics())
    if form.is_valid():
        try:
            actions.assign_reading(request.actor, client.pk, form.cleaned_data["topic"])
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Reading assigned. The client sees it in their portal."))
            return _back(client, "#reading")
    return render(request, "practice/care.html", _care_context(request, client, reading_form=form))


@staff_required
@require_POST
def care_answer_view(request, client_id, reading_question_id):
    client = _guided_or_403(request, client_id)
    question = access.get_question(request.actor, reading_question_id)
    if question is None or question.assignment.client_id != client.pk:
        raise Http404
    form = AnswerForm(request.POST, prefix=f"q{question.pk}")
    if form.is_valid():
        try:
            actions.answer_question(request.actor, client.pk, question.pk, form.cleaned_data["answer"])
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Answer sent. The client sees it under the reading."))
            return _back(client, "#questions")
    return render(request, "practice/care.html", _care_context(request, client, **{f"answer_{question.pk}": form}))


@staff_required
def care_log_view(request, client_id):
    """The client's whole weekly log, newest first (the interval history is the part since the last session)."""
    client = staff_client_or_404(request, client_id)
    actions.record_staff_view(request.actor, client, "weekly log")
    course = access.current_course(request.actor, client)
    last = access.last_held_session(course) if course is not None else None
    page = paginate(request, access.log_entries(request.actor, client), per_page=30)
    return render(request, "practice/care_log.html", {"client": client, "page": page, "entries": page.object_list,
                                                       "last_session": last, "course": course})


@staff_required
@require_POST
def care_assign_worksheet_view(request, client_id):
    client = _guided_or_403(request, client_id)
    form = AssignWorksheetForm(request.POST, definitions=definitions(lang()).values())
    if form.is_valid():
        try:
            worksheet_actions.assign_worksheet(request.actor, client.pk, form.cleaned_data["kind"],
                                               form.cleaned_data["note"])
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Worksheet assigned. The client sees it in their portal."))
            return _back(client, "#worksheets")
    return render(request, "practice/care.html", _care_context(request, client, worksheet_form=form))


def _comment(request, client, *, worksheet_id=None, rehearsal_id=None):
    """Handle the comment form; return (form, redirect or None)."""
    form = CommentForm(request.POST)
    if not access.can_guide(request.actor, client):
        raise PermissionDenied
    if form.is_valid():
        try:
            worksheet_actions.add_comment(request.actor, client.pk, form.cleaned_data["text"],
                                          worksheet_id=worksheet_id, rehearsal_id=rehearsal_id)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Your answer is saved. The client reads it beside their work."))
            return form, redirect(request.path + "#comments")
    return form, None


@staff_required
def care_worksheet_view(request, client_id, sheet_id):
    """Read a client's worksheet (with the analyser's feedback and earlier versions) and answer it."""
    client = staff_client_or_404(request, client_id)
    sheet = access.get_worksheet(request.actor, sheet_id)
    defn = definition(sheet.kind, lang()) if sheet is not None else None
    if sheet is None or defn is None or sheet.client_id != client.pk:
        raise Http404
    form = CommentForm()
    if request.method == "POST":
        form, done = _comment(request, client, worksheet_id=sheet.pk)
        if done:
            return done
    else:
        actions.record_staff_view(request.actor, client, f"worksheet {sheet.pk}")
    values = sheet.data or {}
    return render(request, "practice/care_worksheet.html", {
        "client": client, "sheet": sheet, "defn": defn,
        "rows": [{"field": f, "value": values.get(f.id, "")} for f in defn.fields],
        "feedback": worksheet_feedback(defn, values, client.preferred_language), "comments": access.comments_on(worksheet=sheet),
        "versions": access.worksheet_versions(sheet), "form": form, "can_guide": access.can_guide(request.actor, client),
    })


@staff_required
def care_rehearsal_view(request, client_id, conversation_id):
    """Review a practice conversation with its feedback, and answer it."""
    from openipt.practice.rehearsal_actions import scenario_of

    client = staff_client_or_404(request, client_id)
    rehearsal = access.get_rehearsal(request.actor, conversation_id)
    if rehearsal is None or rehearsal.client_id != client.pk or scenario_of(rehearsal) is None:
        raise Http404
    form = CommentForm()
    if request.method == "POST":
        form, done = _comment(request, client, rehearsal_id=rehearsal.pk)
        if done:
            return done
    else:
        actions.record_staff_view(request.actor, client, f"rehearsal {rehearsal.pk}")
    context = rehearsal_context(rehearsal)
    for row in context["rows"]:
        row["compact"] = False  # the therapist sees every message marked, with every tip
    context.update(client=client, form=form, comments=access.comments_on(rehearsal=rehearsal),
                   can_guide=access.can_guide(request.actor, client))
    return render(request, "practice/care_rehearsal.html", context)


@staff_required
@require_POST
def care_rehearsal_access_view(request, client_id):
    """Turn practice conversations on or off for this client."""
    client = _guided_or_403(request, client_id)
    form = RehearsalAccessForm(request.POST)
    if form.is_valid():
        try:
            actions.set_rehearsal_access(request.actor, client.pk, enabled=form.cleaned_data["enabled"],
                                         reason=form.cleaned_data["reason"])
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Practice conversations are now on.") if form.cleaned_data["enabled"]
                             else _("Practice conversations are now off for this client."))
            return _back(client, "#rehearsals")
    return render(request, "practice/care.html", _care_context(request, client, access_form=form))
