"""The programme dashboard's competency figures: the programme's facilitators by where their latest assessment
stands under the programme's rule, how many are signed off to lead a group alone, and how many are at each level
on each item. Facilitators are staff, not clients: these are counts of staff (no small-number hiding), and no
client is involved. A fixed number of queries whatever the number of facilitators."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from openipt.accounts.access import site_q
from openipt.accounts.models import Membership, Role
from openipt.supervision.access import blind_to
from openipt.supervision.competency import rule as rules
from openipt.supervision.competency.tool import LEVELS, Tool
from openipt.supervision.competency_tools import rule_of, rule_row, tool
from openipt.supervision.models import CompetencyFlag, SignOff
from openipt.supervision.queries.competency import latest_levels

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
    row = rule_row(actor.organisation_id)
    the_tool, the_rule = tool(row.tool_id), rule_of(row)
    ids = list(programme_facilitators(actor, site_id).values_list("pk", flat=True))
    latest = latest_levels(ids, hide_for=actor)  # never a rating the actor is still to rate blind
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
    out.open_flags = (
        CompetencyFlag.objects.filter(trainee_id__in=ids or [0], acted_at__isnull=True)
        .exclude(assessment__in=blind_to(actor).values("pk"))
        .count()
    )
    return out
