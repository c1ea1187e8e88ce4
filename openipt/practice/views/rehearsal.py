"""Practising a conversation with the automated partner."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import client_required
from openipt.core import submissions
from openipt.core.errors import ActionError, ConflictError
from openipt.core.forms import apply_action_error, set_data
from openipt.practice import access, rehearsal_actions
from openipt.practice.forms import MessageForm, StartRehearsalForm
from openipt.practice.models import RehearsalRole
from openipt.practice.present import feedback_view
from openipt.practice.queries.portal import (
    course_view,
    last_client_message,
    rehearsal_steps_now,
    scenarios_for,
)
from openipt.practice.views.common import own_client_or_404, portal_context


@client_required
def rehearsal_list_view(request):
    """Choose a conversation to practise, say who with and what about; see earlier practice."""
    client = own_client_or_404(request)
    course = course_view(request.actor, client)
    fits, others = scenarios_for(course.course if course else None, client)
    people = rehearsal_actions.inventory_people(client)
    form = StartRehearsalForm(request.POST or None, scenarios=fits + others, people=people)
    enabled = access.settings_for(client).rehearsal_enabled
    paused = rehearsal_actions.pause_cause(client)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def start():
            made = rehearsal_actions.start_rehearsal(
                request.actor, d["scenario"], person_id=d.get("person") or None, name=d["name"],
                relationship=d["relationship"], situation=d["situation"])
            return made, reverse("practice:rehearsal", args=[made.pk])

        try:
            made, earlier = submissions.run_once(request, start)
        except ActionError as exc:
            if exc.code in ("paused", "off"):
                messages.info(request, exc.message)
            else:
                apply_action_error(form, exc)
        else:
            if earlier or made is None:  # a repeat of a submission that already ran
                return redirect(earlier or request.path)
            return redirect("practice:rehearsal", rehearsal_id=made.pk)
    past = access.rehearsals(request.actor, client)[:20]
    titles = {row["id"]: row["title"] for row in fits + others}
    return render(request, "practice/rehearsal_list.html", portal_context(
        request, client, form=form, fits=fits, others=others, enabled=enabled, paused=paused,
        has_people=bool(people), past=[{"r": r, "title": titles.get(r.scenario_id, r.scenario_id)} for r in past],
        model_on=rehearsal_actions.model_settings_for(client.organisation_id) is not None))


def transcript_rows(rehearsal) -> list[dict]:
    """Each turn with who said it and, for the client's messages, the feedback on them."""
    from openipt.practice.rehearsal import fill
    from openipt.practice.rehearsal.translations import english_lines

    found = rehearsal_actions.scenario_in(rehearsal.scenario_id)
    if found is None:  # the site's content no longer has this scenario: there is nothing to show
        raise Http404
    scenario, left = found
    person = rehearsal_actions.person_of(rehearsal)
    other = fill("{name}", scenario, person) if scenario else ""
    english = {fill(line, scenario, person) for line in english_lines(rehearsal_actions.scenarios()[scenario.id], left)}
    reader = rehearsal_actions.reader_language()
    pause, pause_english = rehearsal_actions.pause_text()
    if pause_english:
        english.add(pause)
    rows = []
    for t in rehearsal.turns.all():
        row = {"turn": t, "partner": t.speaker == "partner"}
        # A partner line of a piece not translated into the reader's language is English: say so to screen readers.
        row["lang_en"] = row["partner"] and (t.text in english or (t.source == "model" and reader != "en"))
        if t.speaker == "client":
            row["feedback"] = feedback_view(t.text, t.feedback)
            row["who"] = other if rehearsal.role == RehearsalRole.SWITCHED else _("You")
        else:
            row["who"] = _("You, played by the practice partner") if rehearsal.role == RehearsalRole.SWITCHED else other
            row["model_feedback"] = feedback_view(t.text, t.feedback) if t.feedback else None
        rows.append(row)
    clients = [r for r in rows if not r["partner"]]
    for r in clients[:-1]:
        r["compact"] = True  # earlier messages: the summary and what was found; the latest gets every tip
    return rows


def rehearsal_context(rehearsal) -> dict:
    from openipt.practice.rehearsal import fill

    found = rehearsal_actions.scenario_in(rehearsal.scenario_id)
    if found is None:  # the site's content no longer has this scenario: there is nothing to show
        raise Http404
    scenario, left = found
    person = rehearsal_actions.person_of(rehearsal)
    rows = transcript_rows(rehearsal)
    return {
        "rehearsal": rehearsal, "scenario": scenario,
        # Pieces of this scenario not translated into the reader's language are shown in English, never silently.
        "in_english": bool(left) or any(r.get("lang_en") for r in rows),
        "about_english": f"scenario:{scenario.id}" in left,
        "brief_english": f"scenario:{scenario.id}/switch" in left,
        "title": fill(scenario.title, scenario, person), "description": fill(scenario.description, scenario, person),
        "brief": fill(scenario.switch.brief, scenario, person) if rehearsal.role == RehearsalRole.SWITCHED else "",
        "other_name": fill("{name}", scenario, person), "other_relationship": fill("{relationship}", scenario, person),
        "rows": rows, "switched": rehearsal.role == RehearsalRole.SWITCHED,
    }


def _is_repeat(rehearsal_id, text: str, expected) -> bool:
    """True when the same message was just stored as the next step (the form was sent twice)."""
    if not isinstance(expected, int):
        return False
    last = last_client_message(rehearsal_id, expected + 1)
    return last is not None and last == text.replace("\r\n", "\n").strip()


def _own_rehearsal_or_404(request, rehearsal_id):
    client = own_client_or_404(request)
    rehearsal = access.get_rehearsal(request.actor, rehearsal_id)
    if rehearsal is None or rehearsal.client_id != client.pk or rehearsal_actions.scenario_of(rehearsal) is None:
        raise Http404
    return client, rehearsal


@client_required
def rehearsal_view(request, rehearsal_id):
    """The conversation so far, with feedback after every message, and the box for the next one."""
    client, rehearsal = _own_rehearsal_or_404(request, rehearsal_id)
    form = MessageForm(request.POST or None, initial={"steps": rehearsal.steps})
    if request.method == "POST" and form.is_valid():
        # Not through submissions.run_once: its transaction would be held open while a language model
        # answers. A repeat (double click, resend) is caught by the step count instead.
        text = request.POST.get("text", "")
        expected = form.cleaned_data.get("steps")
        try:
            rehearsal_actions.send_message(request.actor, rehearsal.pk, text, expected_steps=expected)
        except ConflictError as exc:
            if _is_repeat(rehearsal.pk, text, expected):
                return redirect(reverse("practice:rehearsal", args=[rehearsal.pk]) + "#latest")
            form.add_error("text", exc.message)
            set_data(form, "steps", rehearsal_steps_now(rehearsal))
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            return redirect(reverse("practice:rehearsal", args=[rehearsal.pk]) + "#latest")
        rehearsal = access.get_rehearsal(request.actor, rehearsal.pk)
    context = rehearsal_context(rehearsal)
    context.update(form=form, enabled=access.settings_for(client).rehearsal_enabled,
                   paused=rehearsal_actions.pause_cause(client), comments=access.comments_on(rehearsal=rehearsal),
                   model=rehearsal.partner == "model")
    return render(request, "practice/rehearsal.html", portal_context(request, client, **context))


@client_required
@require_POST
def rehearsal_restart_view(request, rehearsal_id):
    """"What if I had said…": a copy of the conversation up to one of the client's messages."""
    _client, rehearsal = _own_rehearsal_or_404(request, rehearsal_id)
    try:
        copy = rehearsal_actions.restart_from(request.actor, rehearsal.pk, request.POST.get("step"))
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("practice:rehearsal", rehearsal_id=rehearsal.pk)
    messages.info(request, _("You went back. Your first try is still saved. What would you say this time?"))
    return redirect(reverse("practice:rehearsal", args=[copy.pk]) + "#message")


@client_required
@require_POST
def rehearsal_switch_view(request, rehearsal_id):
    """Switch roles: the practice partner plays the client and the client plays the other person."""
    _client, rehearsal = _own_rehearsal_or_404(request, rehearsal_id)
    try:
        copy = rehearsal_actions.switch_roles(request.actor, rehearsal.pk)
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("practice:rehearsal", rehearsal_id=rehearsal.pk)
    return redirect(reverse("practice:rehearsal", args=[copy.pk]) + "#latest")
