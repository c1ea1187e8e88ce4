"""The list of groups and the programmes, read for the groups pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from openipt.groups import access
from openipt.groups.models import Group, GroupSession, GroupStatus, MemberStatus, Programme
from openipt.groups.queries import oversight

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

SHOW = ("open", "ended", "all")


def groups_to_list(actor: Actor, show: str) -> QuerySet[Group]:
    """The groups the actor leads, supervises or (an admin) runs: the open ones, the ended ones, or "all".

    Each comes with its people, programme, number of active members, the start of its earliest session not
    recorded yet (past or future: a past one is shown as not recorded) and how many past days nobody recorded.
    """
    groups = access.visible_groups(actor)
    if show == "open":
        groups = groups.exclude(status=GroupStatus.ENDED)
    elif show == "ended":
        groups = groups.filter(status=GroupStatus.ENDED)
    upcoming = (GroupSession.objects.filter(group=OuterRef("pk"), held=False)
                .order_by("scheduled_start", "number").values("scheduled_start")[:1])
    return (groups.select_related("facilitator__user", "co_facilitator__user", "supervisor__user", "programme")
            .annotate(member_count=Count("members", filter=Q(members__status=MemberStatus.ACTIVE), distinct=True),
                      next_start=Subquery(upcoming), not_recorded=oversight.not_recorded_count())
            .order_by("status", "-start_date", "pk"))


def programmes_with_counts(actor: Actor) -> QuerySet[Programme]:
    """The organisation's programmes, each with its number of groups."""
    return access.programmes(actor).annotate(group_count=Count("groups"))


def programme_or_none(actor: Actor, programme_id) -> Programme | None:
    """One of the organisation's programmes, or None."""
    return access.programmes(actor).filter(pk=programme_id).first()
