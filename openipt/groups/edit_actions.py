"""Changes to a group after it is set up: its details and staff, and the time of one session.

A facilitator may leave, a supervisor may change, a holiday may move a session. The day of the
week, the first date and the number of sessions are fixed once the group exists (members' courses
follow them); one session at a time can be moved instead.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.core.errors import ActionError, ConflictError
from openipt.courses import group_courses
from openipt.groups import access
from openipt.groups.actions import care_teams, clean_details, group_for_change, group_zone, today
from openipt.groups.models import Group, GroupSession, GroupStatus, Member, MemberStatus

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

GROUP_CHANGED = register("group.changed", "Group details or staff changed")
SESSION_MOVED = register("group.session_moved", "Group session moved to another time")

STAFF = ("facilitator", "co_facilitator", "supervisor")


@transaction.atomic
def update_group(actor: Actor, group_id: int | str, *, expected_version: int, name: str, facilitator_id: object,
                 co_facilitator_id: object = None, supervisor_id: object, start_time: object, session_minutes: int, language: str, location: str = "",
                 video_link: str = "") -> tuple[Group, list[str]]:
    """Change a group's name, staff, time of day, length, language or place; return it and what changed.

    A new facilitator takes over the open courses of the members still in the group, and new staff
    join those members' care teams so that alerts reach them. Staff who were replaced stay on the
    care teams: an admin removes them from a client's record when they should no longer see it.
    A new time of day moves every session not yet held and not yet past by the same amount.
    """
    group = group_for_change(actor, group_id)
    if not access.can_manage(actor, group):
        raise ActionError(_("Only an admin can change a group's details."), code="forbidden")
    group = Group.objects.select_related("programme", "facilitator", "co_facilitator", "supervisor").get(pk=group.pk)
    if group.status == GroupStatus.ENDED:
        raise ActionError(_("This group has ended, so its details stay as they were."))
    if group.version != expected_version:
        raise ConflictError(_("Someone else changed this group while you were editing. What you typed is still "
                              "in the form: look at the group's page for their change, then save again."), current=group)
    details = clean_details(actor, group.programme, name=name, facilitator_id=facilitator_id,
                            co_facilitator_id=co_facilitator_id, supervisor_id=supervisor_id, start_time=start_time,
                            session_minutes=session_minutes, language=language, location=location, video_link=video_link)
    changed = [field for field, value in details.items() if getattr(group, field) != value]
    if not changed:
        return group, []
    before = {field: getattr(group, field) for field in changed}
    if "facilitator" in changed:  # sessions already held stay with the person who led them
        GroupSession.objects.filter(group=group, held=True, led_by__isnull=True).update(led_by=group.facilitator)
    Group.objects.filter(pk=group.pk).update(version=F("version") + 1, updated_at=timezone.now(), **details)
    group.refresh_from_db()
    if "start_time" in changed:
        _move_time_of_day(group, before["start_time"])
    staff_changed = [field for field in STAFF if field in changed]
    if staff_changed:
        if "facilitator" in changed:
            courses = Member.objects.filter(group=group, status=MemberStatus.ACTIVE).values_list("course_id", flat=True)
            group_courses.hand_over_group_courses(
                actor, list(courses), group.facilitator,
                reason=_("%(name)s now leads the group %(group)s") % {"name": group.facilitator.user, "group": group.name})
        care_teams(actor, group)
    audit.record(GROUP_CHANGED.code, actor=actor, obj=group, details={
        "changed": changed,
        **{f"{field}_before": getattr(before[field], "pk", None) for field in staff_changed},
    })
    return group, changed


def _move_time_of_day(group: Group, before: time) -> None:
    """Shift every session still to come by the change of start time, so their order stays as it was.

    A session's `version` guards its notes, so a new time does not touch it (a facilitator writing
    notes on that session must not be told someone else saved them).
    """
    shift = datetime.combine(date.min, group.start_time) - datetime.combine(date.min, before)
    GroupSession.objects.filter(group=group, held=False, scheduled_start__gte=timezone.now()).update(
        scheduled_start=F("scheduled_start") + shift, updated_at=timezone.now())


@transaction.atomic
def move_session(actor: Actor, group_id: int | str, number: int | str, *, starts_at: object) -> GroupSession:
    """Move one session that has not been held to another day or time, keeping the sessions in order."""
    group = group_for_change(actor, group_id)
    if not (access.can_manage(actor, group) or access.leads(actor, group)):
        raise ActionError(_("Only the group's facilitators or an admin can move a session."), code="forbidden")
    if group.status == GroupStatus.ENDED:
        raise ActionError(_("This group has ended, so its sessions stay where they were."))
    wanted = access._int(number)
    session = (GroupSession.objects.select_for_update().filter(group=group, number=wanted).first()
               if wanted is not None else None)
    if session is None:
        raise ActionError(_("That session does not exist. Reload the page."), code="forbidden")
    if session.held:
        raise ActionError(_("Session %(n)d has been held, so it cannot be moved.") % {"n": session.number})
    if not isinstance(starts_at, datetime):
        raise ActionError(_("Enter the new day and time."), field="starts_at")
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at, group_zone(group))
    if abs((timezone.localtime(starts_at).date() - today()).days) > 366:
        raise ActionError(_("Choose a day within a year of today."), field="starts_at")
    earlier = (GroupSession.objects.filter(group=group, number__lt=session.number)
               .order_by("-number").only("number", "scheduled_start").first())
    later = (GroupSession.objects.filter(group=group, number__gt=session.number)
             .order_by("number").only("number", "scheduled_start").first())
    when = "%a %d %b, %H:%M"
    if earlier is not None and starts_at <= earlier.scheduled_start:
        raise ActionError(_("Session %(n)d must come after session %(m)d (%(when)s).") % {
            "n": session.number, "m": earlier.number,
            "when": timezone.localtime(earlier.scheduled_start).strftime(when)}, field="starts_at")
    if later is not None and starts_at >= later.scheduled_start:
        raise ActionError(_("Session %(n)d must come before session %(m)d (%(when)s). Move that one first.") % {
            "n": session.number, "m": later.number,
            "when": timezone.localtime(later.scheduled_start).strftime(when)}, field="starts_at")
    before = session.scheduled_start
    # not `version`: it guards the session's notes, which a new time does not change
    GroupSession.objects.filter(pk=session.pk).update(scheduled_start=starts_at, updated_at=timezone.now())
    session.refresh_from_db()
    audit.record(SESSION_MOVED.code, actor=actor, obj=session, details={
        "group": group.pk, "number": session.number, "from": before.isoformat(), "to": starts_at.isoformat()})
    return session
