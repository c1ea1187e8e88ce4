"""The client's Messages page, the staff inbox and a client's thread, and the reply-time setting."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from openipt.accounts.decorators import admin_required, client_required
from openipt.accounts.models import CARE_ROLES
from openipt.core import submissions
from openipt.core.decorators import actor_required
from openipt.core.errors import ActionError
from openipt.core.forms import apply_action_error, save_versioned
from openipt.core.pagination import paginate
from openipt.messaging import access, actions
from openipt.messaging.forms import MessageForm, ReplyForm, SettingsForm
from openipt.messaging.models import MAX_LENGTH
from openipt.messaging.queries import settings as settings_queries
from openipt.messaging.queries import threads

care_staff_only = actor_required(*CARE_ROLES)


@client_required
def mine_view(request):
    """The client's conversation with their care team, and a box to write a new message."""
    actor = request.actor
    client = access.own_client(actor)
    if client is None:
        raise Http404
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        # Whatever refuses the message (too long, empty, no care team, a conflict, a form error), the
        # words the client typed are still checked for risk, and they stay in the box.
        if form.is_valid():

            def send():
                sent = actions.send_from_client(actor, form.cleaned_data["body"])
                return sent, reverse("messaging:mine") + f"#message-{sent.message.pk}"

            try:
                _sent, earlier = submissions.run_once(request, send)
            except ActionError as exc:
                actions.screen_unsent(actor, request.POST.get("body"))
                apply_action_error(form, exc)
            else:
                if not earlier:
                    flash.success(request, _("Your message is sent. Your care team will read it."))
                return redirect(earlier or reverse("messaging:mine") + "#thread")
        else:
            actions.screen_unsent(actor, request.POST.get("body"))
    actions.open_thread(actor, client)
    return render(
        request,
        "messaging/mine.html",
        {
            "client": client,
            "form": form,
            "thread": access.thread(actor, client),
            "has_team": access.has_care_team(client),
            "max_length": MAX_LENGTH,
            "reply_time": threads.reply_time_words(actions.reply_days(client.organisation_id)),
        },
    )


@care_staff_only
def inbox_view(request):
    """The clients whose messages this person may read: unread first, then the newest."""
    actor = request.actor
    page = paginate(request, threads.inbox(actor), per_page=25)
    return render(
        request,
        "messaging/inbox.html",
        {"page": page, "rows": page.object_list, "unread": threads.unread_count(actor)},
    )


@care_staff_only
def thread_view(request, client_id):
    """One client's messages, with who read each and when, and a reply box for the care team."""
    actor = request.actor
    client = access.staff_thread_client(actor, client_id)
    if client is None:
        raise Http404
    can_send = access.can_send(actor, client)
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        if not can_send:
            raise PermissionDenied
        if form.is_valid():

            def send():
                message = actions.reply(actor, client.pk, form.cleaned_data["body"])
                return message, reverse("messaging:thread", args=[client.pk]) + f"#message-{message.pk}"

            try:
                _message, earlier = submissions.run_once(request, send)
            except ActionError as exc:
                apply_action_error(form, exc)
            else:
                if not earlier:
                    flash.success(request, _("Reply sent."))
                return redirect(earlier or reverse("messaging:thread", args=[client.pk]) + "#thread")
    actions.open_thread(actor, client)
    return render(
        request,
        "messaging/thread.html",
        {
            "client": client,
            "form": form,
            "thread": access.thread(actor, client),
            "can_send": can_send,
            "reply_time": threads.reply_time_words(actions.reply_days(client.organisation_id)),
        },
    )


@admin_required
def settings_view(request):
    """How soon the clinic replies to clients' messages (shown to clients above the message box)."""
    actor = request.actor
    current = settings_queries.saved_settings(actor.organisation_id)
    days = actions.reply_days(actor.organisation_id)
    form = SettingsForm(
        request.POST or None, initial={"reply_days": days, "version": current.version if current else 0}
    )
    if request.method == "POST" and form.is_valid():
        if save_versioned(
            form,
            lambda: actions.set_reply_days(
                actor, form.cleaned_data["reply_days"], expected_version=form.cleaned_data["version"] or 0
            ),
        ):
            flash.success(request, _("Reply time saved. Clients now see it on their Messages page."))
            return redirect("messaging:settings")
    return render(
        request, "messaging/settings.html", {"form": form, "reply_time": threads.reply_time_words(days)}
    )
