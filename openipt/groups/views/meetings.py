"""Individual meetings before and half way through the group."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import staff_required
from openipt.core import submissions
from openipt.core.errors import ActionError
from openipt.core.forms import apply_action_error
from openipt.courses.present import protocol
from openipt.groups import access, actions, content, meeting_actions
from openipt.groups.actions import GROUP_FORMAT
from openipt.groups.forms import MeetingForm
from openipt.groups.models import GroupStatus, MeetingKind, Outcome
from openipt.groups.queries import meetings
from openipt.groups.views.common import group_or_404
from openipt.measures import instruments

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def _phq9_items():
    return [i for i in instruments.registry().get(instruments.DEPRESSION).items if i.id != "difficulty"]  # shipped: always loaded


@staff_required
def meeting_new_view(request, group_id, kind):
    """Record a pre-group or mid-group meeting, following the protocol's steps."""
    actor = request.actor
    group = group_or_404(actor, group_id)
    if kind not in MeetingKind.values:
        raise Http404
    if not access.can_run(actor, group):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, clients=meetings.meeting_candidates(actor, group, kind),
                       areas=protocol().areas(get_language() or "en"), items=_phq9_items(), kind=kind,
                       initial={"held_on": timezone.localdate(), "client": request.GET.get("client")})
    steps = content.meeting_steps(kind)
    done = request.POST.getlist("done") if request.method == "POST" else []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def record():
            meeting = meeting_actions.record_meeting(actor, group.pk, d["client"], meeting_actions.MeetingRecord(
                kind=kind, held_on=d["held_on"], phq9={name: d.get(name) for name in form.phq_fields},
                current_plan=form.yes_no(d["current_plan"]), recent_attempt=form.yes_no(d["recent_attempt"]),
                mood_link=d["mood_link"], problem_area=d["problem_area"], problem_words=d["problem_words"],
                goal=d["goal"], outcome=d.get("outcome", ""), referral=d["referral"], notes=d["notes"],
                done_step_ids=done))
            return meeting, reverse("groups:meeting", args=[group.pk, meeting.pk])

        try:
            meeting, earlier = submissions.run_once(request, record)
        except ActionError as exc:
            apply_action_error(form, exc)  # the form now has errors: the safety answers are passed on below
        else:
            if earlier or meeting is None:  # a repeat of a submission that already ran
                return redirect(earlier or request.path)
            if meeting.kind == MeetingKind.MID_GROUP and (meeting.current_plan or meeting.recent_attempt):
                messages.warning(request, _("Recorded. A safety alert was raised and your supervisor is told. Follow "
                                            "the safety steps today, and talk with your supervisor before the next "
                                            "session about whether the group is still right for them."))
            elif meeting.outcome == Outcome.REFERRED and (meeting.current_plan or meeting.recent_attempt):
                messages.warning(request, _("Recorded. A safety alert was raised and your supervisor is told. Do not "
                                            "invite them to the group now; follow the safety steps today."))
            elif meeting.outcome == Outcome.INVITED:
                messages.success(request, _("Recorded. %(name)s is now a member of the group.") % {
                    "name": meeting.client.display_name})
            else:
                messages.success(request, _("Meeting recorded."))
            return redirect("groups:meeting", group_id=group.pk, meeting_id=meeting.pk)
    if request.method == "POST" and not form.is_valid():
        _rescue_safety_answers(request, group)
    return render(request, "groups/meeting_new.html", {
        "group": group, "form": form, "kind": kind, "kind_label": MeetingKind(kind).label, "steps": steps,
        "done": set(done), "phq_fields": [form[name] for name in form.phq_fields],
    })


def _rescue_safety_answers(request, group) -> None:
    """A refused form with "yes" to a safety question still raises an alert now, and says so."""
    plan, attempt = (MeetingForm.yes_no(request.POST.get(name)) for name in ("current_plan", "recent_attempt"))
    if meeting_actions.rescue_refused_screen(request.actor, group.pk, request.POST.get("client"),
                                             current_plan=bool(plan), recent_attempt=bool(attempt),
                                             phq9_item9=request.POST.get("q9")):
        messages.warning(request, _("Not saved yet: fix what is marked below. Because of the safety answers, a safety "
                                    "alert was raised now and your supervisor is told."))


@staff_required
def meeting_view(request, group_id, meeting_id):
    """One recorded meeting."""
    actor = request.actor
    group = group_or_404(actor, group_id)
    meeting = meetings.meeting_for(actor, group, meeting_id)
    if meeting is None:
        raise Http404
    meeting_actions.record_meeting_view(actor, meeting)
    steps = content.meeting_steps(meeting.kind)
    area = ""
    if meeting.problem_area:
        try:
            area = protocol().area(meeting.problem_area, get_language() or "en").name
        except KeyError:
            area = meeting.problem_area
    return render(request, "groups/meeting.html", {"group": group, "meeting": meeting, "steps": steps, "area": area,
                                                   "done": set(meeting.done_step_ids), **_joining(actor, group, meeting)})


def _joining(actor: Actor, group, meeting) -> dict:
    """After a pre-group meeting of someone not in the group yet: their checks before the group, and the way in."""
    if meeting.kind != MeetingKind.PRE_GROUP or group.status == GroupStatus.ENDED or meeting.outcome not in (
            Outcome.INVITED, Outcome.THINKING):
        return {}
    if meetings.is_active_member(group, meeting.client):
        return {}
    course = meetings.open_course(meeting.client, GROUP_FORMAT)
    if course is None:
        return {}
    return {"course": course, "checks": actions.checks_to_do(course), "can_join": access.can_add_members(actor, group)}


@staff_required
@require_POST
def join_view(request, group_id, meeting_id):
    """Add the client of a pre-group meeting to the group, once they said yes and their checks are done."""
    actor = request.actor
    group = group_or_404(actor, group_id)
    if not access.can_add_members(actor, group):
        raise PermissionDenied
    meeting = meetings.meeting_for(actor, group, meeting_id, pre_group_only=True)
    if meeting is None:
        raise Http404
    try:
        actions.add_member(actor, group.pk, meeting.client_id, problem_words=meeting.problem_words)
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("groups:meeting", group_id=group.pk, meeting_id=meeting.pk)
    messages.success(request, _("%(name)s is now a member of the group.") % {"name": meeting.client.display_name})
    return redirect("groups:detail", group_id=group.pk)
