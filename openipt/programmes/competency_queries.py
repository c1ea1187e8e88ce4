"""The programme dashboard's competency figures: the programme's facilitators by where their latest assessment
stands under the programme's rule, how many are signed off to lead a group alone, and how many are at each level
on each item. Facilitators are staff, not clients: these are counts of staff (no small-number hiding), and no
client is involved. A fixed number of queries whatever the number of facilitators."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from openipt.accounts.access import site_q
from openipt.accounts.models import Membership, Role
from openipt.programmes import indicators as ind
from openipt.supervision.access import blind_to
from openipt.supervision.competency import rule as rules
from openipt.supervision.competency.tool import LEVELS, Tool
from openipt.supervision.competency_tools import rule_of, rule_row, tool
from openipt.supervision.models import CompetencyAssessment, CompetencyFlag, SignOff
from openipt.supervision.queries.competency import COMPLETE, latest_levels

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

STANDINGS = ("not_assessed", "harmful", "below", "meets")


@dataclass
class CompetencySummary:
    tool: Tool
    rule: rules.Rule
    facilitators: int = 0
    standing: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STANDINGS, 0))
    signed_off: int = 0
    open_flags: int = 0
    by_item: list[tuple[str, list[int]]] = field(
        default_factory=list
    )  # (item title, trainees at levels 1..4)


def programme_facilitators(actor: Actor, site_id: int | None = None) -> QuerySet[Membership]:
    """The facilitators the actor's figures cover: a supervisor's own supervisees, otherwise the organisation's
    (within the actor's site, and the chosen site)."""
    base = Membership.objects.filter(
        organisation_id=actor.organisation_id, is_active=True, role=Role.FACILITATOR
    )
    if actor.role == Role.SUPERVISOR:
        base = base.filter(supervisor_id=actor.membership.pk)
    base = base.filter(site_q(actor))
    if site_id is not None:
        base = base.filter(site_id=site_id)
    return base


def summary(actor: Actor, site_id: int | None = None) -> CompetencySummary:
    """The figures for the facilitators the actor's dashboard covers, counted now."""
    return count(actor.organisation_id, programme_facilitators(actor, site_id), hide_for=actor)


def can_use_kept(actor: Actor) -> bool:
    """Kept figures count every rating; someone still to rate an observation blind must not see its levels in
    them, so they get figures counted now, without that rating."""
    return not blind_to(actor).exists()


def organisation_facilitators(organisation_id: int, site_id: int | None) -> QuerySet[Membership]:
    """A manager's or an admin's scope, as `openipt programme-refresh` keeps it: the organisation's facilitators,
    or one site's (the same people `programme_facilitators` gives them)."""
    base = Membership.objects.filter(organisation_id=organisation_id, is_active=True, role=Role.FACILITATOR)
    return base if site_id is None else base.filter(site_id=site_id)


def count(organisation_id: int, facilitators: QuerySet[Membership], *, hide_for: Actor | None = None) -> (
    CompetencySummary
):
    """The figures for these facilitators; `hide_for`: leave out any rating that person is still to rate blind."""
    row = rule_row(organisation_id)
    the_tool, the_rule = tool(row.tool_id), rule_of(row)
    ids = list(facilitators.values_list("pk", flat=True))
    latest = latest_levels(ids, hide_for=hide_for)  # never a rating the viewer is still to rate blind
    out = CompetencySummary(the_tool, the_rule, facilitators=len(ids))
    counts = {item.id: [0] * len(LEVELS) for item in the_tool.items}
    for pk in ids:
        a = latest.get(pk)
        if a is None or a.tool_id != the_tool.id:
            out.standing["not_assessed"] += 1
            continue
        levels = {str(k): int(v) for k, v in a.levels.items()}
        short = rules.shortfalls(the_tool, levels, rules.Rule(the_rule.min_level, True, True))
        out.standing[
            "harmful" if any(s.code == "harmful" for s in short) else "below" if short else "meets"
        ] += 1
        for item_id, level in levels.items():
            if item_id in counts and level in LEVELS:
                counts[item_id][level - 1] += 1
    out.by_item = [(item.title, counts[item.id]) for item in the_tool.items]
    out.signed_off = SignOff.objects.filter(
        membership_id__in=ids or [0], competency="group_lead", withdrawn_at__isnull=True
    ).count()
    flags = CompetencyFlag.objects.filter(trainee_id__in=ids or [0], acted_at__isnull=True)
    if hide_for is not None:
        flags = flags.exclude(assessment__in=blind_to(hide_for).values("pk"))
    out.open_flags = flags.count()
    return out


def to_kept(found: CompetencySummary) -> dict[str, Any]:
    """The figures as `openipt programme-refresh` keeps them (counts only, and the tool and rule they were
    counted under, so that a change of either makes the page count again)."""
    return {
        "tool": found.tool.id, "min_level": found.rule.min_level, "facilitators": found.facilitators,
        "standing": dict(found.standing), "signed_off": found.signed_off, "open_flags": found.open_flags,
        "by_item": [list(levels) for _title, levels in found.by_item],
    }


def from_kept(kept: dict[str, Any] | None, organisation_id: int) -> CompetencySummary | None:
    """The kept figures, or None when there are none or the tool or rule changed since (then count them now)."""
    if not kept:
        return None
    row = rule_row(organisation_id)
    the_tool, the_rule = tool(row.tool_id), rule_of(row)
    if kept.get("tool") != the_tool.id or kept.get("min_level") != the_rule.min_level:
        return None
    by_item = kept.get("by_item") or []
    if len(by_item) != len(the_tool.items):
        return None
    out = CompetencySummary(the_tool, the_rule, facilitators=int(kept["facilitators"]))
    out.standing = {key: int(kept["standing"].get(key, 0)) for key in STANDINGS}
    out.signed_off, out.open_flags = int(kept["signed_off"]), int(kept["open_flags"])
    out.by_item = [(item.title, [int(n) for n in levels]) for item, levels in zip(the_tool.items, by_item, strict=True)]
    return out


def staff_competency(actor: Actor, site_id: int | None, start: date, end: date) -> ind.StaffCompetency:
    """The facilitators a monthly report covers (those of the dashboard's competency panel) and their competency
    over the period, for the report's indicators (four queries). Only complete assessments count as assessed;
    flags of an observation the actor is still to rate blind are left out, as on the dashboard."""
    ids = frozenset(programme_facilitators(actor, site_id).values_list("pk", flat=True))
    after = datetime.combine(end + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone())
    members = list(ids) or [0]
    assessed = CompetencyAssessment.objects.filter(
        COMPLETE, trainee_id__in=members, first__isnull=True, observed_on__gte=start, observed_on__lte=end
    ).values_list("trainee_id", flat=True)
    signed = SignOff.objects.filter(
        Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=after),
        membership_id__in=members, competency="group_lead", signed_on__lte=end,
    ).values_list("membership_id", flat=True)
    flagged = CompetencyFlag.objects.filter(
        Q(acted_at__isnull=True) | Q(acted_at__gte=after), trainee_id__in=members, raised_at__lt=after
    ).exclude(assessment__in=blind_to(actor).values("pk")).values_list("trainee_id", flat=True)
    return ind.StaffCompetency(ids, frozenset(assessed), frozenset(signed), frozenset(flagged))
