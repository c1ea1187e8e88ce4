"""The client's worksheets: start one, fill it in (saved as they type), save a copy, share it."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import client_required
from openipt.core import submissions
from openipt.core.errors import ActionError, ConflictError
from openipt.core.forms import apply_action_error, set_data
from openipt.practice import access, worksheet_actions
from openipt.practice.feedback_words import reads
from openipt.practice.forms import StartWorksheetForm, worksheet_form
from openipt.practice.present import lang, offered_worksheets, worksheet_feedback
from openipt.practice.queries.portal import course_view, worksheet_now
from openipt.practice.views.common import own_client_or_404, portal_context
from openipt.practice.worksheetdefs import definition, definitions


@client_required
def worksheet_list_view(request):
    """The client's worksheets, and a form to start a new one."""
    client = own_client_or_404(request)
    defs = definitions(lang())  # in the client's language, piece by piece (English pieces are marked)
    form = StartWorksheetForm(request.POST or None, definitions=defs.values())
    if request.method == "POST" and form.is_valid():
        def start():
            sheet = worksheet_actions.start_worksheet(request.actor, form.cleaned_data["kind"])
            return sheet, reverse("practice:worksheet", args=[sheet.pk])

        try:
            sheet, earlier = submissions.run_once(request, start)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            if earlier or sheet is None:  # a repeat of a submission that already ran
                return redirect(earlier or request.path)
            return redirect("practice:worksheet", worksheet_id=sheet.pk)
    course = course_view(request.actor, client)
    fits, _others = offered_worksheets(course.course if course else None)
    rows = [{"sheet": w, "defn": defs.get(w.kind)} for w in access.worksheets(request.actor, client)]
    return render(request, "practice/worksheet_list.html", portal_context(
        request, client, form=form, rows=[r for r in rows if r["defn"] is not None],
        suggested={d.id for d in fits} if course and course.course.primary_area else set(),
        in_english={d.id for d in defs.values() if d.in_english}))


def _own_sheet_or_404(request, worksheet_id):
    client = own_client_or_404(request)
    sheet = access.get_worksheet(request.actor, worksheet_id)
    if sheet is None or sheet.client_id != client.pk:
        raise Http404
    defn = definition(sheet.kind, lang())
    if defn is None:
        raise Http404
    return client, sheet, defn


def _initial(sheet, defn) -> dict:
    initial = {f.id: (sheet.data or {}).get(f.id, "") for f in defn.fields}
    initial.update(title=sheet.title, version=sheet.version, editor=secrets.token_hex(8))
    return initial


def _page(request, client, sheet, defn, form, *, conflict=None, status=200):
    values = form.data if form.is_bound else _initial(sheet, defn)
    feedback = {fb["id"]: fb for fb in worksheet_feedback(defn, values, client.preferred_language)}
    # A worksheet wholly in English (a language with no translation) says so once at the top; one translated
    # in part marks each piece that is still in English. English words carry lang="en" either way.
    whole = defn.in_english and all(f.in_english for f in defn.fields)
    rows = [{"field": form[f.id], "def": f, "feedback": feedback.get(f.id), "mark": f.in_english and not whole}
            for f in defn.fields]
    return render(request, "practice/worksheet.html", portal_context(
        request, client, sheet=sheet, defn=defn, form=form, conflict=conflict, rows=rows, all_in_english=whole,
        saved=not form.is_bound,
        conflict_rows=[{"label": f.label, "value": (conflict.data or {}).get(f.id, "")} for f in defn.fields]
        if conflict is not None else [],
        comments=access.comments_on(worksheet=sheet), versions=access.worksheet_versions(sheet), draft_key=f"openipt-worksheet-{sheet.pk}",
        analyser_reads=reads(client.preferred_language),
    ), status=status)


def _save(request, sheet, form, *, autosave: bool, share: bool = False):
    """Run the save action; return (saved sheet or None, conflict sheet or None, error message)."""
    d = request.POST
    raw = {key: d.get(key, "") for key in form.fields if key not in ("title", "version", "editor")}
    try:
        version = int(d.get("version", ""))
    except ValueError:
        version = -1
    try:
        saved = worksheet_actions.save_worksheet(request.actor, sheet.pk, raw, title=d.get("title", ""),
                                                 expected_version=version, autosave=autosave, share=share,
                                                 editor=d.get("editor", ""))
    except ConflictError as exc:
        current = exc.current or worksheet_now(sheet.pk)
        form.add_error(None, exc.message)
        set_data(form, "version", current.version)
        return None, current, exc.message
    except ActionError as exc:
        apply_action_error(form, exc)
        return None, None, exc.message
    return saved, None, ""


@client_required
def worksheet_view(request, worksheet_id):
    """Fill in a worksheet. "Save" keeps a copy; "Share" also sends it to the therapist."""
    client, sheet, defn = _own_sheet_or_404(request, worksheet_id)
    if request.method != "POST":
        return _page(request, client, sheet, defn, worksheet_form(defn, initial=_initial(sheet, defn)))
    form = worksheet_form(defn, data=request.POST)
    share = request.POST.get("action") == "share"
    saved, conflict, _error = _save(request, sheet, form, autosave=False, share=share)
    if saved is None:
        return _page(request, client, sheet, defn, form, conflict=conflict)
    if share:
        messages.success(request, _("Saved and shared with your therapist. They will read it before your next session."))
    else:
        messages.success(request, _("Saved. You can come back to it any time."))
    return redirect(reverse("practice:worksheet", args=[saved.pk]) + ("#feedback" if defn.analysed else ""))


@client_required
@require_POST
def worksheet_autosave_view(request, worksheet_id):
    """Save the draft as the client types (htmx); answer with a short status, the version and the feedback."""
    client, sheet, defn = _own_sheet_or_404(request, worksheet_id)
    form = worksheet_form(defn, data=request.POST)
    saved, conflict, error = _save(request, sheet, form, autosave=True)
    context = {"defn": defn}
    if saved is not None:
        values = saved.data or {}
        feedback = {fb["id"]: fb for fb in worksheet_feedback(defn, values, client.preferred_language)}
        context.update(saved_at=timezone.localtime(saved.edited_at or timezone.now()), version=saved.version,
                       analysed=[{"id": f.id, "fb": feedback.get(f.id)} for f in defn.analysed])
    else:
        context.update(error=error, conflict=conflict is not None)
    response = render(request, "practice/_autosave_status.html", context)
    if saved is not None:
        response["X-Worksheet-Version"] = str(saved.version)
    return response
