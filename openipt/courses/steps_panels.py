"""The course-page panel for the steps an IPT trainer expects: review when not on track, outreach, ending."""

from __future__ import annotations

from openipt.courses import access, ending_actions, review_actions
from openipt.courses.models import CourseStatus
from openipt.courses.steps_forms import OutreachForm
from openipt.courses.steps_models import CourseEnding
from openipt.safety.plan_review import plan_review_state


def course_steps_context(request, course):
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_staff:
        return None
    from openipt.courses.views.steps import review_rows

    can_change = bool(access.can_change_course(actor, course))
    ending = CourseEnding.objects.filter(course=course).first()
    prompt = ending_actions.outreach_prompt(course)
    return {
        "course": course,
        "can_change": can_change,
        **review_actions.review_offer(course),
        "reviews": review_rows(course)[:3],
        "prompt": prompt,
        "outreach_form": OutreachForm() if prompt and can_change else None,
        "ending": ending,
        "ended_well": ending_actions.ended_well(course),
        "is_open": course.is_open,
        "is_completed": course.status == CourseStatus.COMPLETED,
        "plan_review": plan_review_state(course.client),
    }
