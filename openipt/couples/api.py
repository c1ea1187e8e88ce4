"""What other apps may ask of couples IPT (kept small and stable).

`register()` makes partner two the second participant of a couples course in
openipt.courses.participants, which measures asks to give partner two their own questionnaires (see
docs/guides/couples.md, "Each partner's questionnaires"). They add no permission check: callers
pass a client or course they already fetched through their own access checks.
"""

from __future__ import annotations

from openipt.courses.models import OPEN_STATUSES
from openipt.courses.participants import SecondParticipant, register_second_participant


def open_course_ids_as_second_partner(client_id: int) -> list[int]:
    """Return the ids of open couples courses in which the client is partner two (the course's client is partner one)."""
    from openipt.couples.models import Couple

    if client_id is None:
        return []
    return list(Couple.objects.filter(partner_two_id=client_id, course__status__in=[s.value for s in OPEN_STATUSES])
                .values_list("course_id", flat=True))


def partner_ids(course) -> tuple[int, ...]:
    """Return the client ids taking part in a course: (partner one, partner two) for a linked couples course, else (client,)."""
    from openipt.couples.models import Couple

    if course is None or getattr(course, "pk", None) is None:
        return ()
    if getattr(course, "format_id", "couples") != "couples":  # only a couples course takes a second partner
        return (course.client_id,)
    two = Couple.objects.filter(course_id=course.pk).values_list("partner_two_id", flat=True).first()
    return (course.client_id, two) if two else (course.client_id,)


def second_partner_course_ids(client_id: int):
    """The same as `open_course_ids_as_second_partner`, as a lazy query (for use inside another query: no extra query)."""
    from openipt.couples.models import Couple

    return Couple.objects.filter(partner_two_id=client_id, course__status__in=[s.value for s in OPEN_STATUSES]).values("course_id")


def second_partner_id(course_ref: str):
    """An expression for partner two's client id of the course at `course_ref` (an outer field name), NULL if none.

    For measures' lists across many courses, which give each partner their own row in one query.
    """
    from django.db.models import OuterRef, Subquery

    from openipt.couples.models import Couple

    return Subquery(Couple.objects.filter(course_id=OuterRef(course_ref)).values("partner_two_id")[:1])


def course_ids_of_client(client_id: int):
    """Lazy query of the ids of every couples course (open or not) in which the client is partner two."""
    from openipt.couples.models import Couple

    return Couple.objects.filter(partner_two_id=client_id).values("course_id")


ENDING_STAGE = "dissolution"  # the dispute stage whose material is about leaving a relationship


def ending_material_blocked(client) -> bool:
    """True when material about leaving a partner must not be offered to this client.

    That is while the client is in an open couples course whose two private safety screens are not
    both answered and clear (HAZ-018): practising "I am leaving" can raise the danger, and closing it
    only after a concern would tell the other partner that there was one.
    """
    from openipt.couples.screen_actions import client_in_concern

    if client is None or getattr(client, "pk", None) is None:
        return False
    return client_in_concern(client)


def second_partner_course_ids_of(client_id: int, open_only: bool):
    """`second_partner_course_ids` (open_only) or `course_ids_of_client` (any status): for courses.participants."""
    return second_partner_course_ids(client_id) if open_only else course_ids_of_client(client_id)


def partner_two_id(course) -> int | None:
    """Partner two's client id of a linked couples course, or None."""
    ids = partner_ids(course)
    return ids[1] if len(ids) > 1 else None


def register() -> None:
    """Make partner two the second participant of couples courses (courses.participants), from CouplesConfig.ready."""
    register_second_participant(SecondParticipant(
        of_course=partner_two_id, course_ids=second_partner_course_ids_of, expression=second_partner_id))
