"""What facilitator mode reads for one group session: the marks made so far and who has a safety signal."""

from __future__ import annotations

from openipt.clients.models import ClientSignal
from openipt.groups.models import Attendance, Group, GroupSession
from openipt.groups.queries import oversight


def marks_by_member(session: GroupSession) -> dict[int, Attendance]:
    """The attendance marked so far in this session, by member, with who marked it (one query)."""
    return {a.member_id: a for a in Attendance.objects.filter(session=session).select_related("marked_by__user")}


def clients_with_safety_signal(client_ids: list[int]) -> set[int]:
    """Which of these clients have a signal raised by the safety app (one query)."""
    return set(ClientSignal.objects.filter(client_id__in=client_ids, source="safety").values_list("client_id", flat=True))


def not_recorded_in(group: Group) -> list[GroupSession]:
    """The group's sessions whose day passed with nobody recording them, oldest first (none once it ended)."""
    return list(oversight.not_recorded_sessions(Group.objects.filter(pk=group.pk)))
