"""Session reports and the supervisor's page of every group they oversee."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import actor_required, staff_required
from openipt.accounts.models import Role
from openipt.core.errors import ActionError
from openipt.core.forms import apply_action_error
from openipt.groups import access, report_actions, supervision_link
from openipt.groups.forms import ReplyForm, ReportForm
from openipt.groups.queries import oversight, reports
from openipt.groups.views.common import session_or_404

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


@staff_required
def report_view(request, group_id, number):
    """File the session report (facilitators), read it and the reply (everyone who can see the group)."""
    actor = request.actor
    session = session_or_404(actor, group_id, number)
    group = session.group
    report = reports.session_report(session)
    leads = access.can_run(actor, group)
    form = ReportForm(request.POST or None) if leads and (report is None or request.method == "POST") else None
    if request.method == "POST":
        if not leads or form is None:  # only a facilitator gets the form
            raise PermissionDenied
        if form.is_valid():
            try:
                report_actions.file_report(actor, group.pk, session.number, **form.cleaned_data)
            except report_actions.ReportExists as exc:
                report = exc.report
                form.add_error(None, exc.message)
            except ActionError as exc:
                apply_action_error(form, exc)
            else:
                messages.success(request, _("Report filed. Your supervisor can read it now."))
                return redirect("groups:report", group_id=group.pk, number=session.number)
    if report is not None:
        report_actions.record_report_view(actor, report)
        report_actions.mark_reply_seen(actor, report)
    rating = supervision_link.latest_ratings([session.pk]).get(session.pk)
    can_reply = access.can_reply(actor, group)
    return render(request, "groups/report.html", {
        "group": group, "session": session, "report": report, "form": form,
        "reply_form": ReplyForm(initial={"reply": report.reply}) if report is not None and can_reply else None,
        "can_reply": can_reply, "rating": rating,
        "rate_url": supervision_link.rate_url(session.pk) if _may_rate(actor, group) else "",
    }, status=400 if form is not None and form.errors else 200)


def _may_rate(actor: Actor, group) -> bool:
    """The supervision app lets a supervisor rate their own supervisees (and an admin any care staff)."""
    return actor.is_admin or group.facilitator.supervisor_id == actor.membership.pk


@staff_required
@require_POST
def reply_view(request, group_id, number):
    """The supervisor replies to a report."""
    actor = request.actor
    session = session_or_404(actor, group_id, number)
    if not access.can_reply(actor, session.group):
        raise PermissionDenied
    form = ReplyForm(request.POST)
    report = reports.session_report(session)
    if form.is_valid():
        try:
            report_actions.reply(actor, session.group.pk, session.number, text=form.cleaned_data["reply"])
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Reply sent. The facilitator sees it on the report."))
            return redirect("groups:report", group_id=session.group.pk, number=session.number)
    return render(request, "groups/report.html", {
        "group": session.group, "session": session, "report": report, "form": None, "reply_form": form,
        "can_reply": True, "rating": None,
        "rate_url": supervision_link.rate_url(session.pk) if _may_rate(actor, session.group) else "",
    }, status=400)


@actor_required(Role.SUPERVISOR, Role.ADMIN)
def oversight_view(request):
    """Every group the supervisor oversees: next session, reports waiting, members needing attention."""
    actor = request.actor
    context = oversight.overview(actor, page_number=request.GET.get("page"))
    context["panel_url"] = reverse("groups:oversight")
    return render(request, "groups/oversight.html", context)
