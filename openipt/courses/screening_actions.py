"""Recording the initial-phase screening on a course (what IPT alone does not treat, and medication).

Each function takes the Actor first, checks permission through the course actions, runs in a
transaction and records an audit event. Answers are never changed: a new answer is a new row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.accounts.actor import Actor
from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.core.errors import ActionError
from openipt.courses import screening
from openipt.courses.actions import course_for_change
from openipt.courses.models import ScreeningAnswer
from openipt.courses.present import course_format

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.courses.models import Course
    from openipt.seed.demo import DemoWorld

SCREENING_RECORDED = register("course.screening_recorded", "Initial-phase screening recorded")
SCREENING_VIEWED = register("course.screening_viewed", "Initial-phase screening viewed")

MAX_ANSWER = 2000
DECISION_VALUES = tuple(value for value, _label in screening.DECISIONS)


def topics_for(course: Course) -> tuple[str, ...]:
    fmt = course_format(course)
    return fmt.screening_topics if fmt is not None else ()


@transaction.atomic
def record_screening(actor: Actor, course_id: int | str, entries: dict[str, Any]) -> list[ScreeningAnswer]:
    """Record answers: `entries` maps a topic id to {"answer": text, "decision": proceed/refer/shared_care}.

    Topics left without an answer and a decision are skipped; at least one must be filled in.
    """
    course = course_for_change(actor, course_id)
    topics = topics_for(course)
    rows = []
    now = timezone.now()
    for topic_id, entry in (entries or {}).items():
        if topic_id not in topics:
            raise ActionError(_("That screening topic is not part of this course's format."))
        entry = entry or {}
        answer = entry.get("answer")
        answer = answer.strip() if isinstance(answer, str) else ""
        decision = entry.get("decision") if isinstance(entry.get("decision"), str) else ""
        if not answer and not decision:
            continue
        field = f"{topic_id}-answer"
        if not answer:
            raise ActionError(_("Write what the client said about this, in a few words."), field=field)
        if len(answer) > MAX_ANSWER:
            raise ActionError(_("Keep the answer under %(n)d characters.") % {"n": MAX_ANSWER}, field=field)
        if decision not in DECISION_VALUES:
            raise ActionError(_("Choose what you decided: go ahead, shared care, or refer first."),
                              field=f"{topic_id}-decision")
        rows.append(ScreeningAnswer(course=course, topic=topic_id, asked=str(screening.topic(topic_id).prompt),
                                    answer=answer, decision=decision, by=actor.membership, at=now))
    if not rows:
        raise ActionError(_("Fill in at least one topic: what the client said and what you decided."))
    made = ScreeningAnswer.objects.bulk_create(rows)
    audit.record(SCREENING_RECORDED.code, actor=actor, client=course.client, obj=course,
                 details={"topics": {r.topic: r.decision for r in rows}})
    return made


def record_screening_view(actor: Actor, course: Course) -> None:
    with transaction.atomic():
        audit.record(SCREENING_VIEWED.code, actor=actor, client=course.client, obj=course)


def add_demo_screening(world: DemoWorld) -> None:
    """Demo: open courses past their initial phase have the initial screening recorded (idempotent).

    Courses still in the initial phase are left unscreened, so the demo shows what is missing.
    """
    from openipt.courses.models import OPEN_STATUSES, Course

    courses = Course.objects.filter(organisation=world.organisation, status__in=[s.value for s in OPEN_STATUSES],
                                    screening_answers__isnull=True).exclude(phase="initial").select_related("therapist")
    for course in courses:
        try:
            record_screening(Actor(course.therapist), course.pk, {
                t: {"answer": "Asked at assessment; nothing found.", "decision": "proceed"} for t in topics_for(course)})
        except ActionError:
            continue  # a course the demo therapist may no longer change: leave it
