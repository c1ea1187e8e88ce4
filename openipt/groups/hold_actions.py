"""What a supervisor does about a group led alone by someone whose sign-off was withdrawn (HAZ-041).

`hold_groups` runs in the transaction that withdraws a sign-off to lead a group alone (registered with the
supervision app): each group the person leads that is not ended and has no other leader with a live sign-off gets
a hold. A supervisor of the group or an admin then pauses its remaining sessions, or decides it continues with a
reason and a review date; a paused group can be resumed, which asks for a decision again. An admin can add a
signed-off leader through the group's staff change (`edit_actions.update_group`); the same supervisor can add a
signed-off co-facilitator from the hold itself (`add_co_leader`). Each step is audited.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.accounts.access import site_q_for
from openipt.accounts.models import Membership
from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients.access import visible_clients
from openipt.core.errors import ActionError, ConflictError
from openipt.groups import access, actions, supervision_link
from openipt.groups.edit_actions import GROUP_CHANGED
from openipt.groups.models import Group, GroupStatus, HoldState, Member, MemberStatus, SoloLeadHold
from openipt.groups.queries import holds as hold_queries
from openipt.supervision.models import Competency, SignOff

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

HELD = register("group.solo_lead_held", "Group led alone after a withdrawn sign-off: needs a supervisor")
PAUSED = register("group.solo_lead_paused", "Group led alone after a withdrawn sign-off: sessions paused")
CONTINUES = register("group.solo_lead_continues", "Group led alone after a withdrawn sign-off: continues by decision")
RESUMED = register("group.solo_lead_resumed", "Group led alone after a withdrawn sign-off: paused sessions resumed")
CO_LEADER = register("group.solo_lead_co_leader",
                     "Group led alone after a withdrawn sign-off: a signed-off co-facilitator added")

MAX_TEXT = 2000
LONGEST_REVIEW_DAYS = 84  # a decision to continue is looked at again within twelve weeks


def hold_groups(actor: Actor | None, signoff: SignOff) -> list[SoloLeadHold]:
    """Hold every group the person still leads with no signed-off leader beside them (same transaction)."""
    if signoff.competency != Competency.GROUP_LEAD:
        return []
    person = signoff.membership_id
    groups = (Group.objects.filter(organisation_id=signoff.organisation_id)
              .exclude(status=GroupStatus.ENDED)
              .filter(Q(facilitator_id=person) | Q(co_facilitator_id=person)))
    now, made = timezone.now(), []
    for group in groups:
        hold, created = SoloLeadHold.objects.get_or_create(
            group=group, signoff=signoff,
            defaults={"organisation_id": group.organisation_id, "membership_id": person, "raised_at": now})
        if created:
            made.append(hold)
    # only the groups with no other signed-off leader need a person; the others were never led alone
    kept = set(hold_queries.live(SoloLeadHold.objects.filter(pk__in=[h.pk for h in made])).values_list("pk", flat=True))
    SoloLeadHold.objects.filter(pk__in=[h.pk for h in made if h.pk not in kept]).delete()
    held = [h for h in made if h.pk in kept]
    for hold in held:
        audit.record(HELD.code, actor=actor, obj=hold,
                     details={"group": hold.group_id, "membership": person, "signoff": signoff.pk})
    return held


def can_decide(actor: Actor | None, group: Group) -> bool:
    """The group's supervisor, the supervisor of its facilitators, or an admin; never one of the group's own
    leaders (a supervisor may lead a group, and must not decide about a group they lead themselves)."""
    if access.can_manage(actor, group):
        return True
    if actor is None or actor.membership.pk in (group.facilitator_id, group.co_facilitator_id):
        return False
    return access.can_reply(actor, group)


def _hold_for_change(actor: Actor, hold_id: object, expected_version: object) -> SoloLeadHold:
    pk = access._int(hold_id)
    hold = (hold_queries.visible_holds(actor).select_for_update(of=("self",)).filter(pk=pk).first()
            if pk is not None else None)
    if hold is None:
        raise ActionError(_("That group no longer needs a decision: reload the page."), code="forbidden")
    group = Group.objects.get(pk=hold.group_id)
    if not can_decide(actor, group):
        raise ActionError(_("Only the group's supervisor or an admin can decide this."), code="forbidden")
    if expected_version not in (None, "") and access._int(expected_version) != hold.version:
        raise ActionError(_("Someone else recorded a decision about this group while you were writing. Reload "
                            "the page to see it; what you wrote is still in the form."), field="reason")
    hold.group = group
    return hold


def _reason(reason: object) -> str:
    text = (reason if isinstance(reason, str) else "").strip()
    if not text:
        raise ActionError(_("Say why, in a sentence the facilitator and the next supervisor will understand."),
                          field="reason")
    if len(text) > MAX_TEXT:
        raise ActionError(_("Keep it under %(n)d characters.") % {"n": MAX_TEXT}, field="reason")
    return text


def _save(actor: Actor, hold: SoloLeadHold, state: str, reason: str, review_on: date | None) -> SoloLeadHold:
    SoloLeadHold.objects.filter(pk=hold.pk).update(state=state, reason=reason, review_on=review_on,
                                                   decided_at=timezone.now(), decided_by=actor.membership,
                                                   version=F("version") + 1)
    hold.refresh_from_db()
    return hold


@transaction.atomic
def pause(actor: Actor, hold_id: object, *, reason: object, expected_version: object = None) -> SoloLeadHold:
    """Pause the group's remaining sessions until a signed-off leader joins or someone decides."""
    hold = _hold_for_change(actor, hold_id, expected_version)
    if hold.state == HoldState.PAUSED:
        raise ActionError(_("The group's sessions are already paused."), field="reason")
    hold = _save(actor, hold, HoldState.PAUSED, _reason(reason), None)
    audit.record(PAUSED.code, actor=actor, obj=hold, details={"group": hold.group_id, "membership": hold.membership_id})
    return hold


@transaction.atomic
def decide_continue(actor: Actor, hold_id: object, *, reason: object, review_on: object,
                    expected_version: object = None) -> SoloLeadHold:
    """Let the group go on with its leader alone, with a reason and the day the decision is looked at again."""
    hold = _hold_for_change(actor, hold_id, expected_version)
    text = _reason(reason)
    today = timezone.localdate()
    if not isinstance(review_on, date) or not today < review_on <= today + timedelta(days=LONGEST_REVIEW_DAYS):
        raise ActionError(_("Choose a review date after today and within %(n)d weeks.") % {
            "n": LONGEST_REVIEW_DAYS // 7}, field="review_on")
    hold = _save(actor, hold, HoldState.CONTINUES, text, review_on)
    audit.record(CONTINUES.code, actor=actor, obj=hold, details={
        "group": hold.group_id, "membership": hold.membership_id, "review_on": review_on.isoformat()})
    return hold


@transaction.atomic
def resume(actor: Actor, hold_id: object, *, expected_version: object = None) -> SoloLeadHold:
    """End a pause: the group then needs a decision again (or a signed-off leader) before its next session."""
    hold = _hold_for_change(actor, hold_id, expected_version)
    if hold.state != HoldState.PAUSED:
        raise ActionError(_("The group's sessions are not paused."))
    hold = _save(actor, hold, HoldState.OPEN, "", None)
    audit.record(RESUMED.code, actor=actor, obj=hold, details={"group": hold.group_id, "membership": hold.membership_id})
    return hold


def co_leader_place(group: Group) -> bool:
    """Whether a co-facilitator can be added from a hold: the group has none, or its co-facilitator is a person
    whose withdrawn sign-off holds the group (anyone else an admin replaces through the group's staff change)."""
    if group.co_facilitator_id is None:
        return True
    held = hold_queries.live(SoloLeadHold.objects.filter(group_id=group.pk)).values_list("membership_id", flat=True)
    return group.co_facilitator_id in set(held)


@transaction.atomic
def add_co_leader(actor: Actor, hold_id: object, *, co_facilitator_id: object,
                  expected_version: object = None) -> Group:
    """Add a co-facilitator with a live sign-off to lead a group to a held group; the hold then ends.

    Only the co-facilitator changes; the facilitator keeps the group and its members' courses. When the group has
    no co-facilitator the new person becomes it. When its co-facilitator is the person whose sign-off was
    withdrawn, the new person takes their place (the group keeps two leaders, one of them signed off); the person
    replaced stays on the members' care teams, as with any change of staff, until an admin removes them. When the
    group already has another co-facilitator this refuses: choosing which of two people stops leading is an
    admin's staff change. The new person must be an active facilitator, therapist or supervisor of the
    organisation (the checks of a group's staff, `actions.clean_details`), signed off to lead a group, and within
    the group's site when it has one. They join the members' care teams, the change is audited on the group
    (`group.changed`) and on the hold, and the hold ends because the group now has a signed-off leader (live
    holds are worked out each time, `queries.holds.live`). `expected_version` is the group's version.
    """
    hold = _hold_for_change(actor, hold_id, None)
    group = actions.group_for_change(actor, hold.group_id)
    if expected_version not in (None, "") and access._int(expected_version) != group.version:
        raise ConflictError(_("Someone else changed this group while you were choosing. Look at who leads it now, "
                              "then choose again."), current=group)
    present = group.co_facilitator
    if present is not None and not co_leader_place(group):
        raise ActionError(_("The group already has a co-facilitator, %(name)s. An admin can change who leads it "
                            "(the group's staff change).") % {"name": present.user},
                          field="co_facilitator")
    co = actions.leader(actor, co_facilitator_id, "co_facilitator",
                        _("Choose one of the listed people who are signed off to lead a group."))
    if co is None:
        raise ActionError(_("Choose who joins the group as co-facilitator."), field="co_facilitator")
    actions.check_leaders(group.programme, group.facilitator, co)
    if not supervision_link.is_signed_off(co.pk):
        raise ActionError(_("%(name)s is not signed off to lead a group, so the group would still have no "
                            "signed-off leader. Choose someone who is.") % {"name": co.user}, field="co_facilitator")
    if group.site_id is not None and not Membership.objects.filter(site_q_for(group.site_id), pk=co.pk).exists():
        raise ActionError(_("%(name)s works at another site. Choose someone from this group's site.")
                          % {"name": co.user}, field="co_facilitator")
    members = set(Member.objects.filter(group=group, status=MemberStatus.ACTIVE).values_list("client_id", flat=True))
    if visible_clients(actor).filter(pk__in=members).count() != len(members):
        # Joining the members' care teams is part of this change; a member whose record the person deciding
        # cannot open (another site, or a care team they were taken off) would undo it half-way.
        raise ActionError(_("Some members of this group have records you cannot open (at another site, or you are "
                            "not on their care team), so an admin needs to add the co-facilitator. You can still "
                            "pause the sessions or decide below."), code="forbidden", field="co_facilitator")
    before = group.co_facilitator_id
    Group.objects.filter(pk=group.pk).update(co_facilitator=co, version=F("version") + 1, updated_at=timezone.now())
    group.refresh_from_db()
    actions.care_teams(actor, group)
    audit.record(GROUP_CHANGED.code, actor=actor, obj=group, details={
        "changed": ["co_facilitator"], "co_facilitator_before": before})
    audit.record(CO_LEADER.code, actor=actor, obj=hold, details={
        "group": group.pk, "membership": hold.membership_id, "co_facilitator": co.pk, "replaced": before})
    return group
