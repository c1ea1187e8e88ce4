"""Pages of the private partner-violence and fear screen: the partner's own page and the therapist's pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from openipt.accounts.decorators import client_required, staff_required
from openipt.core.errors import ActionError
from openipt.core.forms import apply_action_error
from openipt.couples import access, screen, screen_actions
from openipt.couples.forms import ScreenForm, StaffScreenForm
from openipt.couples.models import PartnerScreen
from openipt.courses.access import can_change_course

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


@client_required
def my_screen_view(request):
    """A partner answers the private questions on their own device, once; the answers go to the therapist only."""
    client = access.own_client(request.actor)
    couple = access.client_couple(client)
    if client is None or couple is None:
        raise Http404
    answered = PartnerScreen.objects.filter(couple=couple, partner=client).exists()
    form = ScreenForm(request.POST if request.method == "POST" else None) if not answered else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            screen_actions.answer_own_screen(request.actor, form.cleaned_data)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Thank you. Your answers went to your therapist only."))
            return redirect("couples:my_screen")
    return render(request, "couples/my_screen.html", {"client": client, "form": form, "answered": answered})


def _staff_couple(request, couple_id):
    couple = access.get_couple(request.actor, couple_id)
    if couple is None:
        raise Http404
    return couple


def _can_change(actor: Actor, couple) -> bool:
    return can_change_course(actor, couple.course) and couple.course.is_open


@staff_required
def screens_view(request, couple_id):
    """Each partner's screen status (no answers), and what to do when there is a concern."""
    couple = _staff_couple(request, couple_id)
    latest = screen_actions.latest_screens(couple)
    rows = [{"partner": p, "screen": latest.get(p.pk)} for p in (couple.partner_one, couple.partner_two)]
    return render(request, "couples/screens.html", {
        "couple": couple, "course": couple.course, "rows": rows, "concern": any(r.concern for r in latest.values()),
        "can_change": _can_change(request.actor, couple)})


@staff_required
def partner_screen_view(request, couple_id, client_id):
    """One partner's answers (staff only, audited on read), and the form to ask them again when alone."""
    couple = _staff_couple(request, couple_id)
    partner = next((p for p in (couple.partner_one, couple.partner_two) if p.pk == client_id), None)
    if partner is None:
        raise Http404
    can_change = _can_change(request.actor, couple)
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    form = StaffScreenForm(request.POST if request.method == "POST" else None) if can_change else None
    if request.method == "POST" and form is not None and form.is_valid():  # a POST here always has a form
        try:
            screen_actions.enter_screen(request.actor, couple.pk, partner.pk, form.cleaned_data,
                                        alone=form.cleaned_data.get("alone", False))
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("The screen is saved."))
            return redirect("couples:screens", couple_id=couple.pk)
    rows = screen_actions.read_screens(request.actor, couple, partner)
    history = [{"screen": r, "answers": [{"question": q.text, "answer": screen.answer_label(r.answers.get(q.id, "")),
                                          "concern": q.id in screen.concerns(r.answers)} for q in screen.QUESTIONS]}
               for r in rows]
    return render(request, "couples/partner_screen.html", {
        "couple": couple, "course": couple.course, "partner": partner, "history": history, "form": form})
