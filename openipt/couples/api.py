"""What other apps may ask of couples IPT (kept small and stable).

Measures needs these to tie partner two's questionnaires to the couples course (see
docs/guides/couples.md, "What is not done yet"). They add no permission check: callers pass a
client or course they already fetched through their own access rules.
"""

from __future__ import annotations


def open_course_ids_as_second_partner(client_id: int) -> list[int]:
    """Return the ids of open couples courses in which the client is partner two (the course's client is partner one)."""
    from openipt.couples.models import Couple
    from openipt.courses.models import OPEN_STATUSES

    if client_id is None:
        return []
    return list(Couple.objects.filter(partner_two_id=client_id, course__status__in=[s.value for s in OPEN_STATUSES])
                .values_list("course_id", flat=True))


def partner_ids(course) -> tuple[int, ...]:
    """Return the client ids taking part in a course: (partner one, partner two) for a linked couples course, else (client,)."""
    from openipt.couples.models import Couple

    if course is None or getattr(course, "pk", None) is None:
        return ()
    two = Couple.objects.filter(course_id=course.pk).values_list("partner_two_id", flat=True).first()
    return (course.client_id, two) if two else (course.client_id,)
