"""Changes to a course's goals: adding one in the client's words, and changing, reordering or closing it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.core.errors import ActionError
from openipt.courses.actions import MAX_SHORT, _check_area, _text, course_for_change
from openipt.courses.models import Goal

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

GOAL_ADDED = register("course.goal_added", "Goal added")
GOAL_CHANGED = register("course.goal_changed", "Goal changed")


@transaction.atomic
def add_goal(actor: Actor, course_id: int | str, *, text: str, area: str = "") -> Goal:
    """Add a goal to a course."""
    course = course_for_change(actor, course_id)
    text = _text(text, "text", required=_("Write the goal in the client's words."), limit=MAX_SHORT)
    area = (area or "").strip()
    _check_area(area, "area")
    order = (Goal.objects.filter(course=course).aggregate(m=Max("order"))["m"] or 0) + 1
    goal = Goal.objects.create(course=course, text=text, area=area, order=min(order, 32000))
    audit.record(GOAL_ADDED.code, actor=actor, client=course.client, obj=goal, details={"area": area})
    return goal


@transaction.atomic
def edit_goal(actor: Actor, course_id: int | str, goal_id: int | str, *, text: str, area: str, order: int, active: bool) -> Goal:
    """Change a goal's words, area, order, or whether it is still worked on."""
    course = course_for_change(actor, course_id)
    goal = Goal.objects.filter(course=course, pk=goal_id).first() if isinstance(goal_id, int) else None
    if goal is None:
        raise ActionError(_("That goal is not part of this course. Reload the page."))
    text = _text(text, "text", required=_("Write the goal in the client's words."), limit=MAX_SHORT)
    area = (area or "").strip()
    _check_area(area, "area")
    if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= 999:
        raise ActionError(_("Enter a position from 1 to 999."), field="order")
    Goal.objects.filter(pk=goal.pk).update(text=text, area=area, order=order, active=bool(active), updated_at=timezone.now())
    goal.refresh_from_db()
    audit.record(GOAL_CHANGED.code, actor=actor, client=course.client, obj=goal, details={"active": goal.active})
    return goal
