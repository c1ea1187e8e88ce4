"""The client's reading and weekly log."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import client_required
from openipt.core import submissions
from openipt.core.errors import ActionError
from openipt.core.forms import apply_action_error, save_versioned
from openipt.core.pagination import paginate
from openipt.practice import access, actions
from openipt.practice.forms import LogForm, QuestionForm
from openipt.practice.present import topic, topic_html, topic_in_english
from openipt.practice.views.common import own_client_or_404, portal_context


@client_required
def reading_list_view(request):
    client = own_client_or_404(request)
    rows = [{"reading": r, "topic": topic(r.topic_id)} for r in access.readings(request.actor, client)]
    rows = [r for r in rows if r["topic"] is not None]
    return render(request, "practice/reading_list.html", portal_context(
        request, client, unread=[r for r in rows if r["reading"].read_at is None],
        done=[r for r in rows if r["reading"].read_at is not None]))


def _own_reading_or_404(request, reading_id):
    client = own_client_or_404(request)
    reading = access.get_reading(request.actor, reading_id)
    if reading is None or reading.client_id != client.pk or not reading.active:
        raise Http404
    found = topic(reading.topic_id)
    if found is None:
        raise Http404
    return client, reading, found


@client_required
def reading_view(request, reading_id):
    """Read a piece, mark it read, and ask a question about it."""
    client, reading, found = _own_reading_or_404(request, reading_id)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        def ask():
            made = actions.ask_question(request.actor, reading.pk, form.cleaned_data["text"])
            return made, reverse("practice:reading", args=[reading.pk]) + "#questions"

        try:
            _made, earlier = submissions.run_once(request, ask)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            if not earlier:
                messages.success(request, _("Your question is sent. Your therapist will answer it."))
            return redirect(earlier or reverse("practice:reading", args=[reading.pk]) + "#questions")
    return render(request, "practice/reading.html", portal_context(
        request, client, reading=reading, topic=found, body=topic_html(found), in_english=topic_in_english(found), form=form,
        questions=access.reading_questions(reading)))


@client_required
@require_POST
def mark_read_view(request, reading_id):
    _client, reading, _found = _own_reading_or_404(request, reading_id)
    read = request.POST.get("read", "1") != "0"
    try:
        actions.mark_read(request.actor, reading.pk, read=read)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Marked as read. Well done.") if read else _("Marked as not read yet."))
    return redirect("practice:reading", reading_id=reading.pk)


def _log_data(form) -> dict:
    d = form.cleaned_data
    return {k: d.get(k) for k in ("occurred_on", "who", "what_happened", "feeling", "mood")}


@client_required
def log_view(request):
    """The weekly log: what happened with whom, how it felt, and mood 0–10."""
    client = own_client_or_404(request)
    form = LogForm(request.POST or None, initial={"occurred_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        def add():
            made = actions.add_log_entry(request.actor, _log_data(form))
            return made, reverse("practice:log") + "#entries"

        try:
            _made, earlier = submissions.run_once(request, add)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            if not earlier:
                messages.success(request, _("Saved in your log."))
            return redirect(earlier or reverse("practice:log") + "#entries")
    page = paginate(request, access.log_entries(request.actor, client), per_page=20)
    return render(request, "practice/log.html", portal_context(request, client, form=form, page=page,
                                                               entries=page.object_list))


@client_required
def log_edit_view(request, log_entry_id):
    client = own_client_or_404(request)
    entry = access.get_log_entry(request.actor, log_entry_id)
    if entry is None or entry.client_id != client.pk:
        raise Http404
    initial = {"occurred_on": entry.occurred_on, "who": entry.who, "what_happened": entry.what_happened,
               "feeling": entry.feeling, "mood": str(entry.mood), "version": entry.version}
    form = LogForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if save_versioned(form, lambda: actions.change_log_entry(
                request.actor, entry.pk, _log_data(form), expected_version=form.cleaned_data.get("version") or 0),
                version_if_gone=entry.version):
            messages.success(request, _("Your log entry is saved."))
            return redirect(reverse("practice:log") + "#entries")
    return render(request, "practice/log_edit.html", portal_context(request, client, form=form, entry=entry))
