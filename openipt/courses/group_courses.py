"""Changes to the individual courses of group members, made on behalf of the group.

Every member of an IPT group has their own course of the group format, so their measures, goals
and history sit with the rest of their care. The group pages (`openipt.groups`) start, activate,
move and end those courses through the functions here, so each change is made by the courses app:
checked, in a transaction, with a row in the course's history (`PhaseTransition`) and an audit
event (`course.started`, `course.transition`, `course.focus_set`).

Start checks: a member's course is started planned and becomes active only when every check its
format lists under `start_checks` has passed (the same checks and screening pages as an
individual course), so a group cannot start, nor a member join a running group, with one
outstanding; a course with one outstanding does not leave its initial phase either.

Who may act: the groups app first checks who may run or manage the group. Here the actor must be
an admin or care staff of the course's organisation and the course must be of a group format.
Changes to one client (start, end, focus) also need the client within the actor's reach
(`visible_clients`). Moves of the whole group (activating, following the phase of the session
held) apply to every member's course, because the group moves together.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients.access import visible_clients
from openipt.core.errors import ActionError, ErrorCode
from openipt.courses import lifecycle, start_checks
from openipt.courses.actions import (
    COURSE_STARTED,
    COURSE_TRANSITION,
    FOCUS_SET,
    _bump,
    _check_area,
    _text,
    today,
)
from openipt.courses.formulation import course_has_agreed_formulation
from openipt.courses.models import OPEN_STATUSES, Course, CourseStatus, Frequency, Phase, PhaseTransition
from openipt.courses.present import protocol

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

OPEN = [s.value for s in OPEN_STATUSES]
COURSE_HANDED_OVER = register("course.handed_over", "Group course given to the group's new facilitator")


def _forbidden() -> ActionError:
    return ActionError(_("Only the group's facilitators or an admin can change the courses of its members."),
                       code=ErrorCode.FORBIDDEN)


def _check_actor(actor: Actor | None) -> None:
    if actor is None or not (actor.is_admin or actor.is_care_staff):
        raise _forbidden()


def _group_format_ids() -> list[str]:
    return [f.id for f in protocol().formats() if f.is_group]


def _check_client(actor: Actor, client) -> None:
    _check_actor(actor)
    if client is None or client.organisation_id != actor.organisation_id or not visible_clients(actor).filter(
            pk=client.pk).exists():
        raise _forbidden()


def _locked(actor: Actor, course_ids: Iterable[int]) -> list[Course]:
    """Return the group courses among `course_ids` in the actor's organisation, locked, in id order."""
    _check_actor(actor)
    ids = sorted({pk for pk in course_ids if pk is not None})
    if not ids:
        return []
    return list(Course.objects.select_for_update(of=("self",)).filter(
        pk__in=ids, organisation_id=actor.organisation_id, format_id__in=_group_format_ids(),
    ).select_related("client").order_by("pk"))


def _one(actor: Actor, course) -> Course:
    """Return one group course locked for a change to one client, after checking the actor may make it."""
    pk = course.pk if isinstance(course, Course) else course
    found = _locked(actor, [pk])
    if not found:
        raise _forbidden()
    _check_client(actor, found[0].client)
    return found[0]


def _moved(actor: Actor, moves: list[tuple[Course, str]], to_value: str, reason: str) -> None:
    """Record each course's move (course, value before) in its history and in the audit log."""
    now = timezone.now()
    PhaseTransition.objects.bulk_create([
        PhaseTransition(course=c, from_value=before, to_value=to_value, at=now, by=actor.membership, reason=reason)
        for c, before in moves])
    for c, before in moves:
        audit.record(COURSE_TRANSITION.code, actor=actor, client=c.client, obj=c,
                     details={"from": before, "to": to_value, "reason": reason[:200], "group": True})


@transaction.atomic
def start_group_course(actor: Actor, client, *, therapist, start_date: date, sessions: int, reason: str,
                       group_id: int | None = None, format_id: str = "group") -> Course:
    """Return the client's open course of the group format, starting one (planned) when they have none.

    The course follows the group's weekly schedule from `start_date` (the first group session).
    It stays planned until its start checks pass and the group runs (`activate_group_courses`).
    """
    _check_client(actor, client)
    if format_id not in _group_format_ids():
        raise ActionError(_("Only a group format can be started for a group."), field="format_id")
    existing = Course.objects.filter(client=client, format_id=format_id, status__in=OPEN).first()
    if existing is not None:
        return existing
    if therapist is None or therapist.organisation_id != client.organisation_id:
        raise ActionError(_("Choose who leads the group."), field="facilitator")
    if isinstance(sessions, bool) or not isinstance(sessions, int) or not 1 <= sessions <= 200:
        raise ActionError(_("Enter the number of sessions as a whole number from 1 to 200."), field="sessions")
    if not isinstance(start_date, date):
        raise ActionError(_("Choose the date of the first group session."), field="start_date")
    status = CourseStatus.PLANNED
    course = Course(
        organisation_id=client.organisation_id, client=client, format_id=format_id, therapist=therapist,
        start_date=start_date, sessions_planned=sessions, frequency=Frequency.WEEKLY, initial_sessions=1,
        planned_end_date=lifecycle.planned_end_date(start_date, Frequency.WEEKLY, sessions),
        status=status, phase=Phase.INITIAL, created_by=actor.membership,
    )
    try:
        with transaction.atomic():
            course.save(force_insert=True)
    except IntegrityError:  # another page started their group course this instant: use that one
        return Course.objects.get(client=client, format_id=format_id, status__in=OPEN)
    PhaseTransition.objects.create(course=course, from_value="", to_value=status, at=timezone.now(),
                                   by=actor.membership, reason=reason)
    details = {"format": format_id, "sessions": sessions, "frequency": Frequency.WEEKLY.value, "start": start_date}
    if group_id is not None:
        details["group"] = group_id
    audit.record(COURSE_STARTED.code, actor=actor, client=client, obj=course, details=details)
    return course


def checks_not_passed(courses: Iterable[Course]) -> dict[int, list[start_checks.CheckResult]]:
    """Return, by course id, the format's start checks each open group course in its initial phase still needs."""
    return start_checks.outstanding(list(courses))


def refused_start(courses: list[Course], missing: dict[int, list[start_checks.CheckResult]]) -> ActionError:
    """Return the refusal naming each member whose checks are outstanding, what is missing and where to do it."""
    parts = []
    for course in courses:
        if course.pk in missing:
            parts.append(_("%(name)s: %(what)s") % {"name": course.client.display_name, "what": "; ".join(
                f"{r.title} ({r.detail})" for r in missing[course.pk])})
    return ActionError(_("The group cannot start yet: these checks before the group are not done. %(list)s. Each is linked from “Checks before "
                         "the group still to do” on the group's page; record them, then start the group again.") % {"list": " ".join(parts)}, code="start_checks")


@transaction.atomic
def activate_group_courses(actor: Actor, course_ids: Iterable[int], *, reason: str) -> int:
    """Make the planned group courses among `course_ids` active (the group has started); return how many.

    Refused, changing nothing, while any of them has a start check outstanding (the format's
    `start_checks`, the same ones an individual course needs before it leaves its initial phase).
    """
    courses = [c for c in _locked(actor, course_ids) if c.status == CourseStatus.PLANNED]
    if not courses:
        return 0
    missing = checks_not_passed(courses)
    if missing:
        raise refused_start(courses, missing)
    Course.objects.filter(pk__in=[c.pk for c in courses]).update(
        status=CourseStatus.ACTIVE, updated_at=timezone.now(), version=F("version") + 1)
    _moved(actor, [(c, c.status) for c in courses], CourseStatus.ACTIVE.value, reason)
    return len(courses)


@transaction.atomic
def set_group_phase(actor: Actor, course_ids: Iterable[int], phase: str, *, reason: str) -> int:
    """Move the open group courses among `course_ids` to `phase` (the phase of the group session held).

    A course still in its initial phase with a start check outstanding (for example a screening
    decision changed to "refer first") stays there, as an individual course would, until the
    check passes; the roster shows what is missing.
    """
    if phase not in Phase.values:
        raise ActionError(_("Choose the initial, middle or termination phase."), field="phase")
    courses = [c for c in _locked(actor, course_ids) if c.status in OPEN and c.phase != phase]
    if phase != Phase.INITIAL:
        held = checks_not_passed(courses)
        courses = [c for c in courses if c.pk not in held]
    if not courses:
        return 0
    Course.objects.filter(pk__in=[c.pk for c in courses]).update(
        phase=phase, updated_at=timezone.now(), version=F("version") + 1)
    _moved(actor, [(c, c.phase) for c in courses], phase, reason)
    return len(courses)


@transaction.atomic
def complete_group_courses(actor: Actor, course_ids: Iterable[int], *, reason: str) -> int:
    """Complete the open group courses among `course_ids` (the group has ended); return how many.

    The group's last sessions are its termination phase (ending named, gains reviewed, a relapse
    plan made together), so a member who was still in the group when it ended has finished their
    course. Members who left earlier already had their course ended early and are not touched.
    """
    courses = [c for c in _locked(actor, course_ids) if c.status in OPEN]
    if not courses:
        return 0
    Course.objects.filter(pk__in=[c.pk for c in courses]).update(
        status=CourseStatus.COMPLETED, ended_on=today(), updated_at=timezone.now(), version=F("version") + 1)
    _moved(actor, [(c, c.status) for c in courses], CourseStatus.COMPLETED.value, reason)
    return len(courses)


@transaction.atomic
def hand_over_group_courses(actor: Actor, course_ids: Iterable[int], therapist, *, reason: str) -> int:
    """Make `therapist` the lead of the open group courses among `course_ids` (the group has a new facilitator).

    Return how many courses changed hands; each gets an audit event naming who led it before.
    """
    if therapist is None or therapist.organisation_id != actor.organisation_id:
        raise ActionError(_("Choose who leads the group."), field="facilitator")
    courses = [c for c in _locked(actor, course_ids) if c.status in OPEN and c.therapist_id != therapist.pk]
    if not courses:
        return 0
    Course.objects.filter(pk__in=[c.pk for c in courses]).update(
        therapist=therapist, updated_at=timezone.now(), version=F("version") + 1)
    for c in courses:
        audit.record(COURSE_HANDED_OVER.code, actor=actor, client=c.client, obj=c,
                     details={"from": c.therapist_id, "to": therapist.pk, "reason": reason[:200], "group": True})
    return len(courses)


@transaction.atomic
def end_group_course(actor: Actor, course, reason: str) -> Course:
    """End a member's open group course early with the reason; a course already closed is left as it is."""
    course = _one(actor, course)
    reason = _text(reason, "reason", required=_("Say why the course ends early."), limit=4000)
    if course.status not in OPEN:
        return course
    before = course.status
    course = _bump(course, status=CourseStatus.ENDED_EARLY, end_reason=reason, ended_on=today())
    _moved(actor, [(course, before)], CourseStatus.ENDED_EARLY.value, reason)
    return course


@transaction.atomic
def record_group_focus(actor: Actor, course, area: str, rationale: str) -> bool:
    """Record the problem area found at a group meeting, unless the course already has one; return True if set."""
    area = (area or "").strip()
    _check_area(area, "problem_area")
    course = _one(actor, course)
    if not area or course.primary_area:
        return False
    rationale = _text(rationale, "primary_rationale", limit=20000)
    _bump(course, primary_area=area, primary_rationale=rationale)
    audit.record(FOCUS_SET.code, actor=actor, client=course.client, obj=course,
                 details={"area": area, "stage": course.dispute_stage, "secondary": course.secondary_area,
                          "formulation_agreed": course_has_agreed_formulation(course), "group": True})
    return True
