"""Competency assessments read for the trainee page, the sign-off check and the programme dashboard.

Each function runs a fixed number of queries whatever the number of assessments.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from openipt.supervision import access, api
from openipt.supervision.competency import agreement as agree
from openipt.supervision.competency import rule as rules
from openipt.supervision.competency.tool import Tool
from openipt.supervision.competency_tools import rule_of, rule_row, tool
from openipt.supervision.models import Competency, CompetencyAssessment, CompetencyFlag, SignOff

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.accounts.models import Membership


# A first rating is complete when no second rater was named, or the named one has saved their rating.
COMPLETE = Q(second_rater__isnull=True) | Q(second_ratings__isnull=False)


def complete_first_ratings(membership_id: int) -> QuerySet[CompetencyAssessment]:
    """The trainee's first ratings that are complete: what the trainee may see of their own assessments."""
    return CompetencyAssessment.objects.filter(COMPLETE, trainee_id=membership_id, first__isnull=True)


def latest_first_rating(
    membership_id: int, hide_for: Actor | None = None, *, complete_only: bool = False
) -> CompetencyAssessment | None:
    """The trainee's newest first rating (a second rater's calibration rating never counts for sign-off); with
    `hide_for`, leaving out those that actor is still to rate blind; with `complete_only`, those still waiting for
    their second rating."""
    found = (complete_first_ratings(membership_id) if complete_only
             else CompetencyAssessment.objects.filter(trainee_id=membership_id, first__isnull=True))
    return (
        found.exclude(pk__in=access.blind_to(hide_for).values("pk"))
        .order_by("-observed_on", "-created_at", "-pk")
        .first()
    )


def open_flags_of(membership_id: int, hide_for: Actor | None = None, *, complete_only: bool = False) -> (
    list[CompetencyFlag]
):
    found = CompetencyFlag.objects.filter(trainee_id=membership_id, acted_at__isnull=True)
    if complete_only:  # a flag on a first rating still waiting for its second rating is not shown yet
        found = found.exclude(assessment__second_rater__isnull=False, assessment__second_ratings__isnull=True)
    return list(found.exclude(assessment__in=access.blind_to(hide_for).values("pk")).order_by("raised_at", "pk"))


@dataclass(frozen=True)
class Readiness:
    """Whether the programme's rule lets the trainee be signed off to lead a group alone, and what is missing."""

    tool: Tool
    rule: rules.Rule
    latest: CompetencyAssessment | None
    shortfalls: list[rules.Shortfall]
    open_flags: list[CompetencyFlag] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.shortfalls and not self.open_flags

    def item_title(self, item_id: str) -> str:
        item = self.tool.item(item_id)
        return item.title if item else item_id


def readiness(
    organisation_id: int, membership_id: int, hide_for: Actor | None = None, *, complete_only: bool = False
) -> Readiness:
    """The rule applied to the trainee's latest first rating, and any harmful-item flag not yet acted on.

    With `hide_for`, as that actor may see it: without the first ratings they are still to rate blind (for pages
    only; a sign-off decision always uses every rating). With `complete_only`, as the trainee sees it: without the
    ratings still waiting for their second rater."""
    row = rule_row(organisation_id)
    the_tool = tool(row.tool_id)
    the_rule = rule_of(row)
    latest = latest_first_rating(membership_id, hide_for, complete_only=complete_only)
    if latest is not None and latest.tool_id != the_tool.id:
        latest = None  # rated on another tool: the programme's rule is about its own tool
    levels = {str(k): int(v) for k, v in latest.levels.items()} if latest is not None else None
    flags = open_flags_of(membership_id, hide_for, complete_only=complete_only) if the_rule.required else []
    return Readiness(the_tool, the_rule, latest, rules.shortfalls(the_tool, levels, the_rule), flags)


@dataclass(frozen=True)
class Observation:
    first: CompetencyAssessment
    second: CompetencyAssessment | None
    agreement: agree.Agreement | None
    waiting_for_second: bool


def observations(actor: Actor, member: Membership) -> list[Observation]:
    """The trainee's first ratings the actor may see, oldest first, each with its second rating and agreement
    (two queries)."""
    visible = (
        access.visible_assessments(actor)
        .filter(trainee_id=member.pk)
        .select_related("rater__user", "second_rater__user")
    )
    rows = list(visible.order_by("observed_on", "created_at", "pk"))
    seconds = {a.first_id: a for a in rows if a.first_id is not None}
    out = []
    for a in rows:
        if a.first_id is not None:
            continue
        second = seconds.get(a.pk)
        figures = agree.agreement(a.levels, second.levels) if second is not None else None
        out.append(Observation(a, second, figures, a.second_rater_id is not None and second is None))
    return out


def trainee_flags(actor: Actor, member: Membership) -> list[CompetencyFlag]:
    return list(
        access.visible_flags(actor)
        .filter(trainee_id=member.pk)
        .select_related("acted_by__user")
        .order_by("acted_at", "-raised_at", "-pk")
    )


def open_flags(actor: Actor, limit: int = 50) -> list[CompetencyFlag]:
    """Harmful-item flags not yet acted on, of the staff the actor oversees, oldest first (for the dashboard)."""
    return list(
        access.visible_flags(actor)
        .filter(acted_at__isnull=True)
        .select_related("trainee__user")
        .order_by("raised_at", "pk")[:limit]
    )


def waiting_second(actor: Actor) -> list[CompetencyAssessment]:
    """Observations waiting for the actor's own second rating."""
    if not access.is_overseer(actor):
        return []
    return list(
        CompetencyAssessment.objects.filter(
            organisation_id=actor.organisation_id,
            second_rater_id=actor.membership.pk,
            second_ratings__isnull=True,
            trainee__in=access.supervised_members(actor),
        )
        .select_related("trainee__user")
        .order_by("observed_on", "pk")
    )


def latest_levels(member_ids: Iterable[int], hide_for: Actor | None = None) -> dict[int, CompetencyAssessment]:
    """The newest first rating of each trainee (one query), for the dashboards; with `hide_for`, leaving out those
    that actor is still to rate blind."""
    ids = [int(i) for i in member_ids]
    latest: dict[int, CompetencyAssessment] = {}
    if not ids:
        return latest
    for a in (
        CompetencyAssessment.objects.filter(trainee_id__in=ids, first__isnull=True)
        .exclude(pk__in=access.blind_to(hide_for).values("pk"))
        .order_by("trainee_id", "-observed_on", "-created_at", "-pk")
        .only("pk", "trainee_id", "levels", "tool_id", "observed_on")
    ):
        latest.setdefault(a.trainee_id, a)
    return latest


def trainees_with_assessments(organisation_id: int) -> list[int]:
    return list(
        CompetencyAssessment.objects.filter(organisation_id=organisation_id, first__isnull=True)
        .values_list("trainee_id", flat=True)
        .distinct()
    )


def second_rater_choices(actor: Actor, member: Membership) -> list[Membership]:
    """Who may be asked to rate the same observation: the trainee's supervisor and the admins, not the actor."""
    from django.db.models import Q

    from openipt.accounts.models import Membership as Member
    from openipt.accounts.models import Role

    return list(
        Member.objects.filter(
            Q(role=Role.ADMIN) | Q(role=Role.SUPERVISOR, pk=member.supervisor_id or 0),
            organisation_id=actor.organisation_id,
            is_active=True,
        )
        .exclude(pk__in=(actor.membership.pk, member.pk))
        .select_related("user")
        .order_by("user__display_name", "pk")
    )


def trainees(actor: Actor) -> list[dict[str, Any]]:
    """The people the actor oversees with their newest first rating and open flags (three queries)."""
    members = list(
        access.supervised_members(actor).select_related("user").order_by("user__display_name", "pk")
    )
    latest = latest_levels((m.pk for m in members), hide_for=actor)
    flagged: dict[int, int] = {}
    for trainee_id in (
        access.visible_flags(actor).filter(acted_at__isnull=True).values_list("trainee_id", flat=True)
    ):
        flagged[trainee_id] = flagged.get(trainee_id, 0) + 1
    rows = []
    for m in members:
        a = latest.get(m.pk)
        values = [int(v) for v in a.levels.values()] if a is not None else []
        rows.append(
            {
                "member": m,
                "latest": a,
                "lowest": min(values) if values else None,
                "flags": flagged.get(m.pk, 0),
            }
        )
    return rows


def flag_for(actor: Actor, flag_id: object) -> CompetencyFlag | None:
    pk = access._pk(flag_id)
    return access.visible_flags(actor).filter(pk=pk).first() if pk else None


def own_observations(actor: Actor) -> list[Observation]:
    """The actor's own complete assessments, oldest first, each with its second rating (two queries)."""
    firsts = list(
        complete_first_ratings(actor.membership.pk).filter(organisation_id=actor.organisation_id)
        .select_related("rater__user").order_by("observed_on", "created_at", "pk")
    )
    seconds = {
        a.first_id: a
        for a in CompetencyAssessment.objects.filter(first__in=[a.pk for a in firsts] or [0])
        .select_related("rater__user")
    }
    out = []
    for a in firsts:
        second = seconds.get(a.pk)
        figures = agree.agreement(a.levels, second.levels) if second is not None else None
        out.append(Observation(a, second, figures, False))
    return out


def own_signoffs(actor: Actor) -> list[SignOff]:
    """The actor's own sign-offs to lead a group alone, newest first (live and withdrawn)."""
    return list(
        SignOff.objects.filter(organisation_id=actor.organisation_id, membership_id=actor.membership.pk,
                               competency=Competency.GROUP_LEAD)
        .select_related("signed_by__user").order_by("-created_at", "-pk")
    )


def rule_withdrawals(actor: Actor, membership_id: int | None = None) -> list[SignOff]:
    """Sign-offs the programme's rule withdrew that nobody has followed up yet, of the staff the actor oversees,
    oldest first: they stay on the supervisors' pages until someone records what was done."""
    if not access.is_overseer(actor):
        return []
    found = access.visible_signoffs(actor).filter(withdrawn_by_rule=True, followed_up_at__isnull=True)
    if membership_id is not None:
        found = found.filter(membership_id=membership_id)
    listed = list(found.select_related("withdrawn_assessment", "membership__user").order_by("withdrawn_at", "pk"))
    # the groups each person still leads alone, named on the withdrawal (HAZ-041; the groups app knows them)
    held = api.held_groups(actor, {s.membership_id for s in listed})
    for s in listed:
        s.held_groups = held.get(s.membership_id, [])  # type: ignore[attr-defined]
    return listed


def withdrawal_for(actor: Actor, signoff_id: object) -> SignOff | None:
    pk = access._pk(signoff_id)
    if pk is None or not access.is_overseer(actor):
        return None
    return access.visible_signoffs(actor).filter(pk=pk, withdrawn_by_rule=True).first()


def withdrawn_by(assessment_id: int) -> SignOff | None:
    """The sign-off the programme's rule withdrew when this assessment became complete, if any."""
    return SignOff.objects.filter(withdrawn_assessment_id=assessment_id, withdrawn_by_rule=True).first()
