"""Programmes, the list of groups, setting up a group, and a group's roster and dashboard."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import admin_required, staff_required
from openipt.core import submissions
from openipt.core.errors import ActionError, ConflictError
from openipt.core.forms import apply_action_error, save_versioned
from openipt.core.numbers import as_int as post_int
from openipt.core.pagination import paginate
from openipt.courses import group_courses
from openipt.groups import access, actions, edit_actions, hold_actions
from openipt.groups.forms import (
    CoLeaderForm,
    GroupEditForm,
    GroupForm,
    HoldDecisionForm,
    ProgrammeForm,
    SessionMoveForm,
)
from openipt.groups.models import GroupStatus, MeetingKind, MemberStatus
from openipt.groups.queries import holds as hold_queries
from openipt.groups.queries import listing, roster
from openipt.groups.queries import reports as report_queries
from openipt.groups.views.common import group_or_404, local_day, next_session, not_recorded, session_or_404


@staff_required
def group_list_view(request):
    """Every group the person leads, supervises or (an admin) runs in the organisation."""
    actor = request.actor
    show = request.GET.get("show", "open")
    if show not in listing.SHOW:
        show = "all"
    page = paginate(request, listing.groups_to_list(actor, show))
    actions.record_list_view(actor, len(page.object_list))
    return render(request, "groups/list.html", {"page": page, "show": show, "can_manage": access.can_manage(actor)})


@admin_required
def programme_list_view(request):
    """Programme settings: member limits, sessions, when joining closes, sign-off rule."""
    actor = request.actor
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def save():
            programme = actions.save_programme(actor, **data)
            return programme, reverse("groups:programmes")

        try:
            _programme, earlier = submissions.run_once(request, save)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            if not earlier:
                messages.success(request, _("Programme saved."))
            return redirect(earlier or "groups:programmes")
    programmes = listing.programmes_with_counts(actor)
    return render(request, "groups/programmes.html", {"form": form, "programmes": programmes})


@admin_required
def programme_edit_view(request, programme_id):
    actor = request.actor
    programme = listing.programme_or_none(actor, programme_id)
    if programme is None:
        raise Http404
    initial = {f: getattr(programme, f) for f in ProgrammeForm.base_fields}
    form = ProgrammeForm(request.POST or None, initial=initial)
    version = post_int(request.POST.get("version")) if request.method == "POST" else programme.version
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_programme(actor, programme.pk, expected_version=version, **form.cleaned_data)
        except ConflictError as exc:
            programme = exc.current
            version = programme.version
            form.add_error(None, exc.message)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Programme settings saved."))
            return redirect("groups:programmes")
    return render(request, "groups/programme_edit.html", {"form": form, "programme": programme, "version": version})


@admin_required
def group_new_view(request):
    """Set up a group: who leads and supervises it, when and where it meets."""
    actor = request.actor
    programmes = list(access.programmes(actor))
    form = GroupForm(request.POST or None, actor=actor, programmes=programmes,
                     initial={"start_date": timezone.localdate(), "start_time": "10:00", "weekday": 1,
                              "language": actor.organisation.default_language})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def create():
            group = actions.create_group(
                actor, programme_id=d["programme"], name=d["name"], facilitator_id=d["facilitator"],
                co_facilitator_id=d["co_facilitator"], supervisor_id=d["supervisor"], weekday=d["weekday"],
                start_time=d["start_time"], start_date=d["start_date"], sessions=d["sessions"],
                session_minutes=d["session_minutes"], language=d["language"], location=d["location"],
                video_link=d["video_link"], site_id=d.get("site"))
            return group, reverse("groups:detail", args=[group.pk])

        try:
            group, earlier = submissions.run_once(request, create)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            if earlier or group is None:  # a repeat of a submission that already ran
                return redirect(earlier or request.path)
            messages.success(request, _("Group set up with %(n)d sessions.") % {"n": group.sessions_planned})
            return redirect("groups:detail", group_id=group.pk)
    return render(request, "groups/group_new.html", {"form": form, "programmes": programmes})


@admin_required
def group_edit_view(request, group_id):
    """Change who leads or supervises a group, its name, time of day, length, language or place."""
    actor = request.actor
    group = group_or_404(actor, group_id)
    if not access.can_manage(actor, group):
        raise PermissionDenied
    if group.status == GroupStatus.ENDED:
        messages.error(request, _("This group has ended, so its details stay as they were."))
        return redirect("groups:detail", group_id=group.pk)
    initial = {"name": group.name, "facilitator": group.facilitator_id, "co_facilitator": group.co_facilitator_id,
               "supervisor": group.supervisor_id, "start_time": group.start_time, "session_minutes": group.session_minutes,
               "language": group.language, "location": group.location, "video_link": group.video_link,
               "version": group.version}
    form = GroupEditForm(request.POST if request.method == "POST" else None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        outcome = {}

        def save():
            outcome["changed"] = edit_actions.update_group(
                actor, group.pk, expected_version=d["version"], name=d["name"], facilitator_id=d["facilitator"],
                co_facilitator_id=d["co_facilitator"], supervisor_id=d["supervisor"], start_time=d["start_time"],
                session_minutes=d["session_minutes"], language=d["language"], location=d["location"],
                video_link=d["video_link"])[1]

        if save_versioned(form, save):
            changed = outcome["changed"]
            if not changed:
                messages.info(request, _("Nothing was changed."))
            elif set(changed) & set(edit_actions.STAFF):
                messages.success(request, _("Group saved. New staff now look after the members and get their alerts. "
                                            "Staff who were replaced still see the members' records until you remove "
                                            "them from each record."))
            else:
                messages.success(request, _("Group saved."))
            return redirect("groups:detail", group_id=group.pk)
    return render(request, "groups/group_edit.html", {"form": form, "group": group})


@staff_required
def session_move_view(request, group_id, number):
    """Move one session that has not been held to another day or time."""
    actor = request.actor
    session = session_or_404(actor, group_id, number)
    group = session.group
    if not (access.can_manage(actor, group) or access.leads(actor, group)):
        raise PermissionDenied
    if session.held or group.status == GroupStatus.ENDED:
        messages.error(request, _("Session %(n)d has been held, so it cannot be moved.") % {"n": session.number}
                       if session.held else _("This group has ended, so its sessions stay where they were."))
        return redirect("groups:detail", group_id=group.pk)
    zone = actions.group_zone(group)  # a group with a site meets in its site's time zone
    start = session.scheduled_start.astimezone(zone)
    form = SessionMoveForm(request.POST if request.method == "POST" else None,
                           initial={"day": start.date(), "time": start.time()})
    if request.method == "POST" and form.is_valid():
        starts_at = datetime.combine(form.cleaned_data["day"], form.cleaned_data["time"])  # in the group's zone
        try:
            moved = edit_actions.move_session(actor, group.pk, session.number, starts_at=starts_at)
        except ActionError as exc:
            form.add_error("day" if exc.field == "starts_at" else None, exc.message)
        else:
            messages.success(request, _("Session %(n)d now starts on %(when)s.") % {
                "n": moved.number, "when": moved.scheduled_start.astimezone(zone).strftime("%A %d %B %Y, %H:%M")})
            return redirect("groups:detail", group_id=group.pk)
    return render(request, "groups/session_move.html", {"form": form, "group": group, "session": session})


@staff_required
def group_detail_view(request, group_id):
    """The group's dashboard: roster with trends and flags, sessions, meetings, reports."""
    actor = request.actor
    group = group_or_404(actor, group_id)
    rows, sessions = roster.build(actor, group)
    reports = report_queries.report_ids_by_number(group)
    meetings = roster.meetings_by_client(group, [r.member.client_id for r in rows])
    checks = group_courses.checks_not_passed(r.member.course for r in rows if r.member.status == MemberStatus.ACTIVE)
    for row in rows:
        row.meetings = meetings.get(row.member.client_id, [])
        row.checks = checks.get(row.member.course_id, [])
    outcomes = roster.outcome_summary(rows, group.organisation_id) if group.status == GroupStatus.ENDED or any(
        s.phase == "termination" and s.held for s in sessions) else None
    actions.record_group_view(actor, group, len(rows))
    today = timezone.localdate()
    return render(request, "groups/detail.html", {
        "group": group, "rows": rows, "sessions": sessions, "reports": reports,
        "next": next_session(sessions), "today": today, "outcomes": outcomes,
        "not_recorded": not_recorded(sessions) if group.status != GroupStatus.ENDED else [],
        "attention": [r for r in rows if r.flags], "checks_waiting": [r for r in rows if r.checks],
        "leads": access.leads(actor, group), "can_manage": access.can_manage(actor, group),
        "can_move": group.status != GroupStatus.ENDED and (access.leads(actor, group) or access.can_manage(actor, group)),
        "joining_closed": actions.join_deadline_passed(group), "kinds": MeetingKind,
        "session_days": {s.number: local_day(s.scheduled_start) for s in sessions},
        "holds": hold_queries.for_group(group), "can_decide": hold_actions.can_decide(actor, group),
    })


@staff_required
@require_POST
def group_status_view(request, group_id):
    """Start or end a group."""
    actor = request.actor
    group = group_or_404(actor, group_id)
    if not (access.can_manage(actor, group) or access.leads(actor, group)):
        raise PermissionDenied
    try:
        actions.set_status(actor, group.pk, request.POST.get("status", ""))
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The group is now %(status)s.") % {
            "status": dict(GroupStatus.choices)[request.POST["status"]].lower()})
    return redirect("groups:detail", group_id=group.pk)


@staff_required
@require_POST
def member_leave_view(request, group_id, member_id):
    """Record that a member left the group early."""
    actor = request.actor
    group = group_or_404(actor, group_id)
    if not access.can_add_members(actor, group):
        raise PermissionDenied
    try:
        actions.remove_member(actor, group.pk, member_id, reason=request.POST.get("reason", ""))
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Recorded that they left the group."))
    return redirect("groups:detail", group_id=group.pk)


def _hold_or_404(request, group_id, hold_id):
    """The group and its live hold, for someone who may decide about it (404: no such hold, 403: not theirs)."""
    actor = request.actor
    group = group_or_404(actor, group_id)
    hold = next((h for h in hold_queries.for_group(group) if str(h.pk) == str(hold_id)), None)
    if hold is None:
        raise Http404
    if not hold_actions.can_decide(actor, group):
        raise PermissionDenied
    return group, hold


def _co_leader_form(group, place: bool, data=None):
    """The form to add a signed-off co-facilitator, or None when there is nobody to choose or no place for one."""
    people = list(hold_queries.co_leader_choices(group)) if place else []
    if not people:
        return None
    return CoLeaderForm(data, people=people, prefix="co", initial={"version": group.version})


def _hold_page(request, group, hold, *, form, co_form, co_place: bool):
    return render(request, "groups/hold.html", {
        "group": group, "hold": hold, "form": form, "co_form": co_form,
        "co_place": co_place, "can_manage": access.can_manage(request.actor, group)})


@staff_required
def hold_view(request, group_id, hold_id):
    """A group led alone by someone whose sign-off was withdrawn: add a signed-off co-facilitator (its own
    address, below), pause its sessions, let it continue with a reason and a review date, or resume paused
    sessions (HAZ-041)."""
    actor = request.actor
    group, hold = _hold_or_404(request, group_id, hold_id)
    form = HoldDecisionForm(request.POST if request.method == "POST" and "decision" in request.POST else None,
                            initial={"version": hold.version})
    if request.method == "POST" and request.POST.get("resume"):
        try:
            hold_actions.resume(actor, hold.pk, expected_version=request.POST.get("version"))
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The pause is lifted. The group needs a decision again before its next "
                                        "session, or a signed-off leader."))
        return redirect("groups:detail", group_id=group.pk)
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        try:
            if d["decision"] == "pause":
                hold_actions.pause(actor, hold.pk, reason=d["reason"], expected_version=d["version"])
                messages.success(request, _("The group's remaining sessions are paused. The facilitator sees it."))
            else:
                hold_actions.decide_continue(actor, hold.pk, reason=d["reason"], review_on=d["review_on"],
                                             expected_version=d["version"])
                messages.success(request, _("Recorded: the group continues. It comes back on the supervision "
                                            "dashboard on the review date."))
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            return redirect("groups:detail", group_id=group.pk)
    place = hold_actions.co_leader_place(group)
    return _hold_page(request, group, hold, form=form, co_form=_co_leader_form(group, place), co_place=place)


@staff_required
@require_POST
def hold_co_leader_view(request, group_id, hold_id):
    """Add a signed-off co-facilitator to a held group from its hold page; the hold then ends (HAZ-041)."""
    actor = request.actor
    group, hold = _hold_or_404(request, group_id, hold_id)
    place = hold_actions.co_leader_place(group)
    co_form = _co_leader_form(group, place, request.POST)
    if co_form is None:
        messages.error(request, _("Nobody can be added here now: reload the page to see who leads the group."))
        return redirect("groups:hold", group_id=group.pk, hold_id=hold.pk)
    if co_form.is_valid():
        d = co_form.cleaned_data
        if save_versioned(co_form, lambda: hold_actions.add_co_leader(
                actor, hold.pk, co_facilitator_id=d["co_facilitator"], expected_version=d["version"])):
            group.refresh_from_db()
            messages.success(request, _("%(name)s now co-leads the group, so it has a signed-off leader again.")
                             % {"name": group.co_facilitator.user})
            return redirect("groups:detail", group_id=group.pk)
    form = HoldDecisionForm(initial={"version": hold.version})
    return _hold_page(request, group, hold, form=form, co_form=co_form, co_place=place)
