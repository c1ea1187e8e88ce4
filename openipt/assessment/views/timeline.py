"""The life-event timeline (chart and table), its events, and the onset and intake answers."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import staff_required
from openipt.assessment import access, actions, present, timeline_actions
from openipt.assessment.choices import INTAKE_QUESTIONS
from openipt.assessment.forms import EventForm, IntakeForm
from openipt.assessment.views.common import changeable_client, client_or_404
from openipt.core import submissions
from openipt.core.errors import ActionError, ConflictError
from openipt.core.forms import apply_action_error, set_data
from openipt.measures.api import score_points


def scores_for(client) -> list:
    """The client's PHQ-9 totals from the measures app (empty until it has some)."""
    return list(score_points(client, "phq9") or [])


@staff_required
def timeline_view(request, client_id):
    """Life events, the onset and the PHQ-9 scores on one date axis, with the same content as a table."""
    actor = request.actor
    client = client_or_404(actor, client_id)
    events = access.client_events(client)
    record = access.client_assessment(client)
    scores = scores_for(client)
    rows = [{"event": e, "when": present.when_text(e.year, e.month, e.day), "mood": present.mood_text(e.mood_effect),
             "people": ([e.main_person] if e.main_person else []) + list(e.people.all())} for e in events]
    actions.record_view(actor, actions.TIMELINE_VIEWED, client, events=len(events))
    return render(request, "assessment/timeline.html", {
        "client": client, "rows": rows, "record": record, "scores": len(scores),
        "onset": present.when_text(record.onset_year, record.onset_month, record.onset_day) if record and record.onset_year else "",
        "chart": present.timeline(client, events, record, scores),
        "can_change": access.can_change_assessment(actor, client),
    })


def _event_data(form) -> dict:
    d = form.cleaned_data
    return {"year": d.get("year"), "month": d.get("month"), "day": d.get("day"), "kind": d.get("kind"),
            "description": d.get("description"), "main_person": d.get("main_person") or None,
            "people": d.get("people") or [], "mood_effect": d.get("mood_effect")}


@staff_required
def add_event_view(request, client_id):
    actor = request.actor
    client = changeable_client(actor, client_id)
    if request.method == "POST":
        earlier = submissions.previous_result(request)
        if earlier:
            messages.info(request, _("That form was already sent; here is the event it added."))
            return redirect(earlier)
    people = access.client_people(client)
    form = EventForm(request.POST if request.method == "POST" else None, people=people, initial={"mood_effect": "unknown"})
    if request.method == "POST" and form.is_valid():
        def add():
            made = timeline_actions.add_event(actor, client.pk, _event_data(form))
            return made, reverse("assessment:timeline", args=[client.pk]) + f"#event-{made.pk}"

        try:
            event, earlier = submissions.run_once(request, add)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            if earlier or event is None:  # a repeat of a submission that already ran
                return redirect(earlier or request.path)
            messages.success(request, _("Event added to the timeline."))
            return redirect(reverse("assessment:timeline", args=[client.pk]) + f"#event-{event.pk}")
    return render(request, "assessment/event_form.html", {"client": client, "form": form, "event": None,
                                                          "draft_key": f"openipt-event-new-{client.pk}"})


@staff_required
def edit_event_view(request, event_id):
    actor = request.actor
    event = access.get_event(actor, event_id)
    if event is None:
        raise Http404
    client = changeable_client(actor, event.client_id)
    people = access.client_people(client)
    initial = {"year": event.year, "month": event.month, "day": event.day, "kind": event.kind,
               "description": event.description, "main_person": str(event.main_person_id or ""),
               "people": [str(p.pk) for p in event.people.all()], "mood_effect": event.mood_effect,
               "version": event.version}
    form = EventForm(request.POST if request.method == "POST" else None, people=people, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            timeline_actions.edit_event(actor, event.pk, _event_data(form), expected_version=form.cleaned_data.get("version") or 0)
        except ConflictError as exc:
            conflict = exc.current
            form.add_error(None, exc.message)
            set_data(form, "version", conflict.version)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Event saved."))
            return redirect(reverse("assessment:timeline", args=[client.pk]) + f"#event-{event.pk}")
    return render(request, "assessment/event_form.html", {
        "client": client, "form": form, "event": event, "draft_key": f"openipt-event-{event.pk}",
        "conflict": conflict, "conflict_when": present.when_text(conflict.year, conflict.month, conflict.day) if conflict else ""})


@staff_required
@require_POST
def remove_event_view(request, event_id):
    actor = request.actor
    event = access.get_event(actor, event_id)
    if event is None:
        raise Http404
    changeable_client(actor, event.client_id)
    try:
        timeline_actions.remove_event(actor, event.pk)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Event removed from the timeline."))
    return redirect("assessment:timeline", client_id=event.client_id)


def _intake_initial(record) -> dict:
    if record is None:
        return {"version": 0}
    initial = {"onset_year": record.onset_year, "onset_month": record.onset_month, "onset_day": record.onset_day,
               "onset_note": record.onset_note, "version": record.version}
    for key in INTAKE_QUESTIONS:
        value = (record.intake or {}).get(key)
        initial[key] = value if key == "close_confidants" else ("" if value is None else ("yes" if value else "no"))
    return initial


@staff_required
def intake_view(request, client_id):
    """When the episode began, and the short intake questions the suggestion reads."""
    actor = request.actor
    client = client_or_404(actor, client_id)
    record = access.client_assessment(client)
    can_change = access.can_change_assessment(actor, client)
    if request.method == "POST" and not can_change:
        client = changeable_client(actor, client_id)
    form = IntakeForm(request.POST if request.method == "POST" else None, initial=_intake_initial(record))
    conflict = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            timeline_actions.save_intake(
                actor, client.pk, onset={"year": d.get("onset_year"), "month": d.get("onset_month"), "day": d.get("onset_day")},
                onset_note=d.get("onset_note", ""), answers=form.answers(), expected_version=d.get("version") or 0)
        except ConflictError as exc:
            conflict = exc.current
            form.add_error(None, exc.message)
            set_data(form, "version", conflict.version if conflict else 0)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Onset and intake answers saved."))
            return redirect("assessment:timeline", client_id=client.pk)
    if request.method == "GET":
        actions.record_view(actor, actions.TIMELINE_VIEWED, client, intake=True)
    return render(request, "assessment/intake.html", {
        "client": client, "form": form, "can_change": can_change, "conflict": conflict,
        "conflict_onset": present.when_text(conflict.onset_year, conflict.onset_month, conflict.onset_day)
        if conflict and conflict.onset_year else ""})
