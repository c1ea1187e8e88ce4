"""Groups led alone by someone whose sign-off to lead a group alone was withdrawn (HAZ-041), as a person sees them.

A hold is *live* while the person it names still leads the group (as facilitator or co-facilitator), the group has
not ended and none of the group's leaders holds a live sign-off to lead a group: adding a signed-off leader through
the group's staff actions, signing the person off again or ending the group ends it. A live hold *needs a decision*
until a supervisor pauses the group's remaining sessions or decides it continues, and again once that decision's
review date has come.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from openipt.accounts.access import site_q_for
from openipt.accounts.models import Membership
from openipt.groups.access import LEADER_ROLES, visible_groups
from openipt.groups.models import Group, GroupStatus, HoldState, SoloLeadHold
from openipt.supervision.models import Competency, SignOff

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def _live_signoff(field: str) -> Exists:
    return Exists(SignOff.objects.filter(membership_id=OuterRef(field), competency=Competency.GROUP_LEAD,
                                         withdrawn_at__isnull=True))


def live(holds: QuerySet[SoloLeadHold]) -> QuerySet[SoloLeadHold]:
    """The holds whose group the person still leads without a signed-off leader beside them."""
    return (holds.exclude(group__status=GroupStatus.ENDED)
            .filter(Q(membership_id=F("group__facilitator_id")) | Q(membership_id=F("group__co_facilitator_id")))
            .exclude(_live_signoff("group__facilitator_id"))
            .exclude(_live_signoff("group__co_facilitator_id")))


def needs_decision_q(today: date) -> Q:
    return Q(state=HoldState.OPEN) | Q(state=HoldState.CONTINUES, review_on__lte=today)


def state_of(hold: SoloLeadHold, today: date) -> str:
    """"open" (a supervisor must act), "paused" or "continues" (until its review date)."""
    if hold.state == HoldState.PAUSED:
        return "paused"
    if hold.state == HoldState.CONTINUES and hold.review_on is not None and hold.review_on > today:
        return "continues"
    return "open"


def visible_holds(actor: Actor | None) -> QuerySet[SoloLeadHold]:
    """Live holds on the groups the actor may see."""
    if actor is None:
        return SoloLeadHold.objects.none()
    return live(SoloLeadHold.objects.filter(organisation_id=actor.organisation_id,
                                            group__in=visible_groups(actor).values("pk")))


def for_group(group: Group) -> list[SoloLeadHold]:
    """Live holds on one group (its page, facilitator mode, the offline pack); the caller has checked access."""
    today = timezone.localdate()
    found = list(live(SoloLeadHold.objects.filter(group=group)).select_related("membership__user", "decided_by__user"))
    for hold in found:
        hold.shown_state = state_of(hold, today)  # type: ignore[attr-defined]
    return found


def for_groups(group_ids: list[int]) -> dict[int, list[SoloLeadHold]]:
    """Live holds on several groups at once (the offline pack), one query."""
    today = timezone.localdate()
    found: dict[int, list[SoloLeadHold]] = {}
    rows = live(SoloLeadHold.objects.filter(group_id__in=group_ids)).select_related("membership__user",
                                                                                      "decided_by__user")
    for hold in rows:
        hold.shown_state = state_of(hold, today)  # type: ignore[attr-defined]
        found.setdefault(hold.group_id, []).append(hold)
    return found


def co_leader_choices(group: Group) -> QuerySet[Membership]:
    """Who may join a held group as its co-facilitator: active facilitators, therapists and supervisors of its
    organisation with a live sign-off to lead a group, within the group's site when it has one, who do not lead
    it already."""
    people = (Membership.objects.filter(organisation_id=group.organisation_id, is_active=True,
                                        role__in=LEADER_ROLES)
              .filter(_live_signoff("pk"))
              .exclude(pk__in=[pk for pk in (group.facilitator_id, group.co_facilitator_id) if pk is not None]))
    if group.site_id is not None:
        people = people.filter(site_q_for(group.site_id))
    return people.select_related("user").order_by("user__display_name", "user__username", "pk")


def needing_decision(actor: Actor) -> list[SoloLeadHold]:
    """The supervision dashboard's list: live holds the actor sees that wait for a decision, oldest first."""
    return list(visible_holds(actor).filter(needs_decision_q(timezone.localdate()))
                .select_related("group", "membership__user").order_by("raised_at", "pk")[:200])
