"""The client's reminder settings, and the "Got it" on a reminder shown on their portal home."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import client_required
from openipt.core.errors import ActionError
from openipt.core.forms import apply_action_error
from openipt.practice import access, actions, reminder_actions
from openipt.practice.forms import ReminderForm
from openipt.practice.views.common import own_client_or_404, portal_context


@client_required
def reminders_view(request):
    """Choose whether, how and when to be reminded."""
    actor = request.actor
    client = own_client_or_404(request)
    current = access.settings_for(client)
    initial = ReminderForm.initial_for(current)
    initial["reminder_email"] = initial["reminder_email"] and bool(client.email)  # nothing to send to
    form = ReminderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.set_reminders(actor, enabled=d["reminders_enabled"], email=d["reminder_email"],
                                  at=d["reminder_time"], days_before=d["session_days_before"])
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Your reminder choices are saved."))
            return redirect("practice:reminders")
    return render(request, "practice/reminders.html", portal_context(request, client, form=form, has_email=bool(client.email)))


@client_required
@require_POST
def dismiss_reminder_view(request, reminder_id):
    own_client_or_404(request)
    if access.get_reminder(request.actor, reminder_id) is None:
        raise Http404
    try:
        reminder_actions.dismiss_reminder(request.actor, reminder_id)
    except ActionError as exc:
        messages.error(request, exc.message)
    return redirect("practice:portal")
