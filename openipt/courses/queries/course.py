"""The rows of the course pages: the list, the overview's history and goals, and what the phase rules need.

The lifecycle state and what the protocol expects next read beyond the course row: the current
formulation and, in the initial phase, the format's start checks (a few queries, the same whatever
the course's size). The shaping of a course's position and timeline, which runs no queries, is in
`openipt/courses/present.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from openipt.courses import access, lifecycle
from openipt.courses.formulation import course_formulation
from openipt.courses.models import ContractChange, Course, CourseStatus, Goal, Phase, PhaseTransition
from openipt.courses.present import bounds_of, contract_of, course_format, next_target, protocol, value_label
from openipt.courses.start_checks import missing

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

STATUS_FILTERS = {"open": ("planned", "active", "maintenance"), "ended": ("completed", "ended_early"), "all": None}


def course_state(course, used: int) -> lifecycle.CourseState | None:
    """Return what the phase rules need to know about a course.

    While the course is in its initial phase this runs the format's start checks (a few queries).
    """
    fmt = course_format(course)
    if fmt is None:
        return None
    start_missing: tuple[str, ...] = ()
    if course.phase == Phase.INITIAL and course.status in (CourseStatus.PLANNED, CourseStatus.ACTIVE):
        start_missing = tuple(missing(course))
    formulation = course_formulation(course)
    return lifecycle.CourseState(
        format=fmt,
        status=course.status,
        phase=course.phase,
        contract=contract_of(course),
        contract_agreed=course.contract_agreed_on is not None,
        problem_area=course.primary_area or None,
        formulation=formulation.text,
        formulation_agreed=formulation.agreed,
        next_session=used + 1,
        early_termination_reason=course.early_termination_reason,
        relapse_plan=lifecycle.RelapsePlan(
            (course.relapse_warning_signs,), (course.relapse_what_helps,), (course.relapse_contacts,)
        ),
        end_review_done=bool(course.end_review.strip()),
        end_reason=course.end_reason,
        start_checks_missing=start_missing,
    )


@dataclass
class Expectation:
    """What the protocol expects next, for the course overview."""

    phase_tasks: list
    due_phase: str | None  # the phase the contract gives the next session
    target: str | None
    unmet: list[str]
    termination_start: int | None


def expectation(course, used: int) -> Expectation:
    state = course_state(course, used)
    bounds = bounds_of(course)
    try:
        tasks = list(protocol().phase(course.phase).tasks)
    except KeyError:
        tasks = []
    due = None
    if bounds is not None and used + 1 <= bounds.total:
        due = bounds.phase_of(used + 1)
    target = next_target(course)
    unmet = lifecycle.check_transition(state, target) if (state is not None and target) else []
    return Expectation(tasks, due, target, unmet, bounds.termination_start if bounds else None)


def course_list(actor: Actor, which: str) -> QuerySet[Course]:
    """The courses the actor may see, newest first, open or ended ones (`which`, a key of STATUS_FILTERS) or all."""
    qs = access.course_list(actor)
    statuses = STATUS_FILTERS[which]
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("-start_date", "-pk")


def transition_rows(course: Course) -> list[dict[str, Any]]:
    """The course's moves between phases and statuses, oldest first, in words (one query)."""
    return [
        {"at": t.at, "from_label": value_label(t.from_value), "to_label": value_label(t.to_value), "reason": t.reason, "by": t.by}
        for t in PhaseTransition.objects.filter(course=course).select_related("by__user")
    ]


def contract_changes(course: Course) -> list[ContractChange]:
    """The changes made to the course's contract, with who made them (one query)."""
    return list(course.contract_changes.select_related("by__user"))


def goal_of(course: Course, goal_id: int | None) -> Goal | None:
    """One of the course's goals, or None when the course has no goal with that id."""
    if goal_id is None:
        return None
    return course.goals.filter(pk=goal_id).first()
