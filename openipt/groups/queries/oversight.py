"""The supervisor's view of every group they oversee, in a fixed number of queries per page."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time
from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from openipt.clients.access import visible_clients
from openipt.clients.models import ClientSignal
from openipt.groups import access, supervision_link
from openipt.groups.models import GroupSession, GroupStatus, MemberStatus, SessionReport

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

PER_PAGE = 25


def _count(queryset):
    return Coalesce(Subquery(queryset.values("c")[:1], output_field=IntegerField()), 0)


def _start_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def not_recorded_count():
    """An expression: how many of the group's sessions had their day pass without anyone recording them."""
    return _count(GroupSession.objects.filter(group=OuterRef("pk"), held=False, scheduled_start__lt=_start_of_today())
                  .order_by().values("group").annotate(c=Count("pk")))


def not_recorded_sessions(groups) -> QuerySet[GroupSession]:
    """Sessions of these groups (ended ones left out) whose day has passed with nobody recording them, oldest first.

    The same rule as the group page's "Sessions not recorded" list (issue 14, defect 14).
    """
    return (GroupSession.objects.filter(group__in=groups.exclude(status=GroupStatus.ENDED), held=False,
                                        scheduled_start__lt=_start_of_today())
            .select_related("group").order_by("scheduled_start", "group_id", "number"))


def annotated(groups):
    upcoming = (GroupSession.objects.filter(group=OuterRef("pk"), held=False)  # past ones not recorded come first
                .order_by("scheduled_start", "number"))
    waiting = (SessionReport.objects.filter(session__group=OuterRef("pk"), reply="").order_by()
               .values("session__group").annotate(c=Count("pk")))
    unfiled = (GroupSession.objects.filter(group=OuterRef("pk"), held=True, report__isnull=True).order_by()
               .values("group").annotate(c=Count("pk")))
    return (groups.select_related("facilitator__user", "co_facilitator__user", "programme")
            .annotate(member_count=Count("members", filter=Q(members__status=MemberStatus.ACTIVE), distinct=True),
                      next_start=Subquery(upcoming.values("scheduled_start")[:1]),
                      next_number=Subquery(upcoming.values("number")[:1]), not_recorded=not_recorded_count(),
                      reports_waiting=_count(waiting), reports_missing=_count(unfiled))
            .order_by("status", "next_start", "pk"))


def attention_by_group(actor: Actor, group_ids) -> dict[int, list[dict]]:
    """Return {group id: [{"member", "reasons"}]} for members with a risk, dropout or off-track signal (one query)."""
    rows = (ClientSignal.objects.filter(
        client__group_memberships__group_id__in=list(group_ids), client__group_memberships__status=MemberStatus.ACTIVE,
        client__in=visible_clients(actor))
        .filter(Q(source__in=["safety", "groups"]) | Q(source="measures", level__gte=2))
        .values("client_id", "client__given_name", "client__family_name", "client__group_memberships__group_id",
                "source", "label"))
    found: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in rows:
        group_id = row["client__group_memberships__group_id"]
        entry = found[group_id].setdefault(row["client_id"], {
            "name": f'{row["client__given_name"]} {row["client__family_name"]}'.strip(), "reasons": []})
        entry["reasons"].append(row["label"])
    return {g: sorted(v.values(), key=lambda e: e["name"]) for g, v in found.items()}


def overview(actor: Actor, page_number=None, *, include_ended: bool = False, per_page: int = PER_PAGE) -> dict:
    groups = access.visible_groups(actor)
    if actor.role == "supervisor":
        me = actor.membership.pk
        groups = groups.filter(Q(supervisor_id=me) | Q(facilitator__supervisor_id=me) | Q(co_facilitator__supervisor_id=me))
    if not include_ended:
        groups = groups.exclude(status=GroupStatus.ENDED)
    page = Paginator(annotated(groups), per_page).get_page(page_number)
    ids = [g.pk for g in page.object_list]
    attention = attention_by_group(actor, ids)
    waiting = list(SessionReport.objects.filter(session__group_id__in=ids, reply="")
                   .select_related("session", "filed_by__user").order_by("filed_at")[:50])
    ratings = supervision_link.latest_ratings([r.session_id for r in waiting])
    by_group: dict[int, list] = defaultdict(list)
    for report in waiting:
        by_group[report.session.group_id].append({"report": report, "rating": ratings.get(report.session_id)})
    rows = [{"group": g, "attention": attention.get(g.pk, []), "waiting": by_group.get(g.pk, [])}
            for g in page.object_list]
    return {"page": page, "rows": rows, "total_attention": sum(len(r["attention"]) for r in rows)}


def panel_context(request, actor: Actor | None):
    """The groups panel on the supervision dashboard (None when the person oversees no groups)."""
    if actor is None or actor.role not in ("supervisor", "admin"):
        return None
    context = overview(actor, per_page=10)
    if not context["page"].paginator.count:
        return None
    return context

