"""Couples pages: link the second partner, the therapist's in-session page, each partner's view."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import client_required, staff_required
from openipt.core import submissions
from openipt.core.errors import ActionError, ConflictError
from openipt.core.forms import apply_action_error
from openipt.couples import access, actions, present, queries
from openipt.couples.forms import LinkPartnerForm, ViewForm
from openipt.couples.models import EntryKind
from openipt.courses import access as course_access
from openipt.measures import api as measures_api


@staff_required
def link_view(request, course_id):
    """Add the second partner to a couples course."""
    from django.core.exceptions import PermissionDenied


    actor = request.actor
    course = course_access.get_course(actor, course_id)
    if course is None:
        raise Http404
    if not course_access.can_change_course(actor, course):
        raise PermissionDenied
    existing = access.couple_for_course(actor, course)
    if existing is not None:
        return redirect("couples:session", couple_id=existing.pk)
    form = LinkPartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        def work():
            made = actions.link_partner(actor, course.pk, record_number=form.cleaned_data["record_number"])
            return made, reverse("couples:session", args=[made.pk])

        try:
            couple, earlier = submissions.run_once(request, work)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            if earlier or couple is None:  # a repeat of a submission that already ran
                return redirect(earlier or request.path)
            messages.success(request, _("%(name)s is now the second partner in this course.")
                             % {"name": couple.partner_two.display_name})
            return redirect("couples:session", couple_id=couple.pk)
    return render(request, "couples/link.html", {"course": course, "client": course.client, "form": form,
                                                 "is_couples": course.format_id == actions.COUPLES_FORMAT})


@staff_required
def session_view(request, couple_id):
    """Both partners' views of expectations side by side, and both PHQ-9 trajectories."""
    actor = request.actor
    couple = access.get_couple(actor, couple_id)
    if couple is None:
        raise Http404
    # "together": the screen is turned to the couple, so only what each partner shared is on it
    together = request.GET.get("together") == "1"
    actions.record_session_view(actor, couple)
    entries = list(access.entries_for_staff(couple))
    if together:
        entries = [e for e in entries if e.shared]
        return render(request, "couples/session.html", {
            "couple": couple, "course": couple.course, "rows": present.side_by_side(couple, entries),
            "together": True, "screen_shown_to_clients": True})
    points = queries.scores(couple)
    return render(request, "couples/session.html", {
        "couple": couple, "course": couple.course, "rows": present.side_by_side(couple, entries),
        "chart": present.phq9_chart(couple, points), "latest": present.latest_scores(couple, points),
    })


def _own_or_404(request):
    client = access.own_client(request.actor)
    couple = access.client_couple(client)
    if client is None or couple is None:
        raise Http404
    return client, couple


def _mine_context(request, client, couple, form, *, conflict=None, saved=False):
    partner_id = couple.partner_of(client.pk)
    visible = list(access.entries_for_client(client, couple))
    partner_shared = [e for e in visible if e.view.author_id == partner_id and e.text]
    labels = dict(EntryKind.choices)
    return {
        "client": client, "couple": couple, "form": form, "conflict": conflict, "saved": saved,
        "partner": couple.partner_two if partner_id == couple.partner_two_id else couple.partner_one,
        "partner_shared": [{"entry": e, "label": labels.get(e.kind, e.kind)} for e in partner_shared],
        "due": measures_api.due_for_client(client),
        "draft_key": f"couples-view-{couple.pk}-{client.pk}",
    }


@client_required
def mine_view(request):
    """A partner's own view of the relationship (autosaved), and what the other partner shared."""
    actor = request.actor
    client, couple = _own_or_404(request)
    view = actions.own_view(client, couple)
    entries = queries.view_entries(view)
    conflict = None
    if request.method == "POST":
        form = ViewForm(request.POST)
        if form.is_valid():
            try:
                actions.save_view(actor, form.cleaned_data, expected_version=form.cleaned_data["version"])
            except ConflictError as exc:
                conflict = queries.saved_rows(exc.current)
                data = request.POST.copy()
                data["version"] = str(exc.current.version)
                form = ViewForm(data)
                form.is_valid()
                form.add_error(None, exc.message)
            except ActionError as exc:
                apply_action_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("couples:mine")
    else:
        form = ViewForm(initial=ViewForm.initial_for(view, entries))
    return render(request, "couples/mine.html", _mine_context(request, client, couple, form, conflict=conflict,
                                                              saved=request.method == "GET"))


@client_required
@require_POST
def autosave_view(request):
    """Save as the partner types (htmx); answer with a short status and the new version."""
    actor = request.actor
    _own_or_404(request)
    form = ViewForm(request.POST)
    context: dict[str, object] = {}
    if not form.is_valid():
        context["error"] = _("something in the form could not be read.")
    else:
        try:
            view = actions.save_view(actor, form.cleaned_data, expected_version=form.cleaned_data["version"], autosave=True)
        except ConflictError:
            context.update(error=True, conflict=True)
        except ActionError as exc:
            context["error"] = exc.message
        else:
            context.update(saved_at=timezone.localtime(view.edited_at or timezone.now()), version=view.version)
    response = render(request, "couples/_autosave_status.html", context)
    if "version" in context:
        response["X-Worksheet-Version"] = str(context["version"])
    return response


@client_required
def entry_view(request, entry_id):
    """One entry by its address: your own, or your partner's if they shared it. Anything else is not found."""
    client = access.own_client(request.actor)
    entry = access.get_entry_for_client(client, entry_id)
    if entry is None:
        raise Http404
    actions.record_entry_opened(request.actor, client, entry)
    return render(request, "couples/entry.html", {
        "entry": entry, "own": entry.view.author_id == client.pk, "label": dict(EntryKind.choices).get(entry.kind),
        "client": client,
    })
