"""Every change to competency assessments: a first rating, a second rater's blind rating, acting on a harmful-item
flag, the programme's sign-off rule, and following up a sign-off the rule withdrew. Each takes the Actor first,
checks permission, runs in a transaction and records an audit event. An item rated potentially harmful raises a flag
in the same transaction.

When an assessment becomes complete (saved with no second rater named, or its blind second rating saved) and its
first rating falls below the programme's rule, a live sign-off to lead a group alone given on or before the day it
was observed is withdrawn in the same transaction (`_withdraw_by_rule`): the person cannot be set to lead a group
alone until they are signed off again, which needs a new assessment that meets the rule."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.accounts.models import Membership, Role
from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.core.errors import ActionError, ConflictError
from openipt.supervision import access, api
from openipt.supervision.competency import rule as rules
from openipt.supervision.competency.tool import HARMFUL, LEVELS, Tool
from openipt.supervision.competency_tools import rule_row, tool, tools
from openipt.supervision.models import (
    Competency,
    CompetencyAssessment,
    CompetencyFlag,
    CompetencyRule,
    ObservationSource,
    SignOff,
)

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

ASSESSED = register("competency.assessed", "Competency assessed")
SECOND_RATED = register("competency.second_rated", "Competency rated by a second rater")
FLAG_RAISED = register("competency.flag_raised", "Competency item rated potentially harmful")
FLAG_ACTED = register("competency.flag_acted", "Harmful-item flag acted on")
RULE_SAVED = register("competency.rule_saved", "Competency sign-off rule saved")
WITHDRAWN_BY_RULE = register("competency.withdrawn_by_rule",
                             "Sign-off to lead a group alone withdrawn by the programme's rule")
FOLLOWED_UP = register("competency.withdrawal_followed_up", "Sign-off withdrawn by the rule: follow-up recorded")

MAX_TEXT = 5000


def _clean_levels(the_tool: Tool, levels: Mapping[str, object]) -> dict[str, int]:
    """Every item of the tool with a level from 1 to 4, or an ActionError beside the first item missing one."""
    cleaned: dict[str, int] = {}
    for item in the_tool.items:
        raw = levels.get(item.id)
        value = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
        if isinstance(raw, str) and raw.strip().isdigit() and len(raw.strip()) == 1:
            value = int(raw.strip())
        if value not in LEVELS:
            raise ActionError(
                _("Choose a level from 1 to 4 for every item. Missing: %(item)s") % {"item": item.title},
                field=f"item_{item.id}",
            )
        cleaned[item.id] = int(value)
    return cleaned


def _clean_notes(notes: str) -> str:
    notes = (notes or "").strip()
    if len(notes) > MAX_TEXT:
        raise ActionError(_("Keep the notes under %(n)d characters.") % {"n": MAX_TEXT}, field="notes")
    return notes


def _raise_flags(actor: Actor, made: CompetencyAssessment, the_tool: Tool) -> None:
    now = timezone.now()
    for item in the_tool.items:
        if made.levels.get(item.id) == HARMFUL:
            flag = CompetencyFlag.objects.create(
                organisation_id=made.organisation_id,
                assessment=made,
                trainee_id=made.trainee_id,
                item_id=item.id,
                item_title=item.title[:200],
                raised_at=now,
            )
            audit.record(
                FLAG_RAISED.code,
                actor=actor,
                obj=flag,
                details={"membership": made.trainee_id, "item": item.id},
            )


def _second_rater(actor: Actor, trainee_id: int, raw: object) -> Membership | None:
    if raw in (None, "", 0):
        return None
    pk = access._pk(raw)
    found = (
        Membership.objects.filter(
            pk=pk,
            organisation_id=actor.organisation_id,
            is_active=True,
            role__in=(Role.SUPERVISOR, Role.ADMIN),
        ).first()
        if pk
        else None
    )
    ok = (
        found is not None
        and found.pk not in (actor.membership.pk, trainee_id)
        and (
            found.role == Role.ADMIN
            or Membership.objects.filter(pk=trainee_id, supervisor_id=found.pk).exists()
        )
    )
    if not ok:
        raise ActionError(
            _("Choose a second rater who is a supervisor of this person or an admin, and not you."),
            field="second_rater",
        )
    return found


def assess(
    actor: Actor,
    trainee_id: int | str,
    *,
    levels: Mapping[str, object],
    source: str,
    observed_on: date | None = None,
    notes: str = "",
    second_rater: int | str | None = None,
) -> CompetencyAssessment:
    """Record a first rating of one observation of a trainee on the organisation's competency tool."""
    if not access.is_overseer(actor):
        raise PermissionDenied
    member = access.get_member(actor, trainee_id)
    if member is None or not access.can_assess(actor, member.pk):
        raise ActionError(_("Choose someone you supervise."), field="trainee")
    the_tool = tool(rule_row(actor.organisation_id).tool_id)
    if source not in ObservationSource.values:
        raise ActionError(
            _("Choose how you observed them: a role-play, a recording or a live session."), field="source"
        )
    observed_on = observed_on or timezone.localdate()
    if observed_on > timezone.localdate():
        raise ActionError(_("The date cannot be in the future."), field="observed_on")
    cleaned = _clean_levels(the_tool, levels)
    notes = _clean_notes(notes)
    second = _second_rater(actor, member.pk, second_rater)
    with transaction.atomic():
        made = CompetencyAssessment.objects.create(
            organisation_id=actor.organisation_id,
            trainee=member,
            rater=actor.membership,
            tool_id=the_tool.id,
            tool_version=the_tool.version[:40],
            items=[{"id": i.id, "section": i.section, "title": i.title} for i in the_tool.items],
            levels=cleaned,
            source=source,
            observed_on=observed_on,
            notes=notes,
            created_at=timezone.now(),
            second_rater=second,
        )
        audit.record(
            ASSESSED.code,
            actor=actor,
            obj=made,
            details={
                "membership": member.pk,
                "tool": the_tool.id,
                "source": source,
                "second_rater": second.pk if second else None,
            },
        )
        _raise_flags(actor, made, the_tool)
        if second is None:  # complete now; with a second rater named, when their rating is saved
            _withdraw_by_rule(actor, made)
    return made


def rate_second(
    actor: Actor, first_id: int | str, *, levels: Mapping[str, object], notes: str = ""
) -> CompetencyAssessment:
    """The named second rater's own rating of the same observation, made without seeing the first."""
    first = access.blind_assessment(actor, first_id)
    if first is None:
        raise ActionError(_("There is no observation waiting for your second rating."))
    the_tool = tools().get(first.tool_id) or tool(first.tool_id)
    cleaned = _clean_levels(the_tool, levels)
    notes = _clean_notes(notes)
    try:
        with transaction.atomic():
            made = CompetencyAssessment.objects.create(
                organisation_id=actor.organisation_id,
                trainee_id=first.trainee_id,
                rater=actor.membership,
                tool_id=first.tool_id,
                tool_version=first.tool_version,
                items=first.items,
                levels=cleaned,
                source=first.source,
                observed_on=first.observed_on,
                notes=notes,
                created_at=timezone.now(),
                first=first,
            )
            audit.record(
                SECOND_RATED.code,
                actor=actor,
                obj=made,
                details={"first": first.pk, "membership": first.trainee_id},
            )
            _raise_flags(actor, made, the_tool)
            _withdraw_by_rule(actor, first)
    except IntegrityError:
        raise ActionError(_("This observation already has its second rating.")) from None
    return made


def act_on_flag(actor: Actor, flag_id: int | str, *, action: str) -> CompetencyFlag:
    """Record what was done about a harmful-item flag; the flag then leaves the open list and stays as history."""
    action = (action or "").strip()
    if not action:
        raise ActionError(
            _("Say what was done, for example the conversation you had and the plan agreed."), field="action"
        )
    pk = access._pk(flag_id)
    with transaction.atomic():
        flag = (
            access.visible_flags(actor).select_for_update(of=("self",)).filter(pk=pk).first() if pk else None
        )
        if flag is None:
            raise ActionError(_("That flag was not found."))
        if flag.acted_at is not None:
            raise ActionError(_("Someone already recorded what was done about this flag."), field="action")
        flag.acted_at, flag.acted_by, flag.action = timezone.now(), actor.membership, action[:MAX_TEXT]
        flag.save(update_fields=["acted_at", "acted_by", "action"])
        audit.record(FLAG_ACTED.code, actor=actor, obj=flag, details={"membership": flag.trainee_id})
    return flag


@dataclass(frozen=True)
class RuleInput:
    tool_id: str
    required: bool
    no_harmful: bool
    min_level: int


def save_rule(actor: Actor, data: RuleInput, *, expected_version: int | None = None) -> CompetencyRule:
    """An admin sets the programme's rule for signing a facilitator off to lead a group alone."""
    if actor.role != Role.ADMIN:
        raise PermissionDenied
    if data.tool_id not in tools():
        raise ActionError(_("Choose a competency tool from the list."), field="tool_id")
    if data.min_level not in LEVELS:
        raise ActionError(_("Choose a level from 1 to 4."), field="min_level")
    with transaction.atomic():
        row = CompetencyRule.objects.select_for_update().filter(organisation_id=actor.organisation_id).first()
        current = row.version if row else 1
        if expected_version is not None and int(expected_version) != current:
            raise ConflictError(
                _(
                    "Someone else changed the rule while you were editing it. Their rule is shown; "
                    "make your change again."
                ),
                current=row,
            )
        if row is None:
            row = CompetencyRule(organisation_id=actor.organisation_id, version=0)
        row.tool_id, row.required, row.no_harmful, row.min_level = (
            data.tool_id,
            data.required,
            data.no_harmful,
            data.min_level,
        )
        row.version += 1
        row.updated_at, row.updated_by = timezone.now(), actor.membership
        row.save()
        audit.record(
            RULE_SAVED.code,
            actor=actor,
            obj=row,
            details={
                "tool": data.tool_id,
                "required": data.required,
                "no_harmful": data.no_harmful,
                "min_level": data.min_level,
            },
        )
    return row


def _withdraw_by_rule(actor: Actor, first: CompetencyAssessment) -> SignOff | None:
    """Withdraw the trainee's live sign-off to lead a group alone when this complete assessment (its first rating,
    on the programme's tool, observed on or after the day of the sign-off) falls below the programme's rule."""
    row = rule_row(first.organisation_id)
    the_tool = tool(row.tool_id)
    if first.tool_id != the_tool.id:
        return None  # the rule is about the programme's own tool
    levels = {str(k): int(v) for k, v in first.levels.items()}
    # `required` only says whether a sign-off needs an assessment; an assessment that was made always counts.
    short = rules.shortfalls(the_tool, levels, rules.Rule(row.min_level, row.no_harmful, True))
    if not short:
        return None
    live = (
        SignOff.objects.select_for_update()
        .filter(membership_id=first.trainee_id, competency=Competency.GROUP_LEAD, withdrawn_at__isnull=True,
                signed_on__lte=first.observed_on)
        .first()
    )
    if live is None:
        return None
    harmful = sum(1 for s in short if s.code == "harmful")
    live.withdrawn_at, live.withdrawn_by = timezone.now(), actor.membership
    live.withdrawn_reason = _(
        "Withdrawn by the programme's rule: the assessment of %(when)s has %(harmful)d item(s) at level 1 and "
        "%(below)d item(s) below level %(min)d."
    ) % {"when": first.observed_on.isoformat(), "harmful": harmful, "below": len(short) - harmful,
         "min": row.min_level}
    live.withdrawn_by_rule, live.withdrawn_assessment = True, first
    live.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason", "withdrawn_by_rule",
                             "withdrawn_assessment"])
    audit.record(
        WITHDRAWN_BY_RULE.code,
        actor=actor,
        obj=live,
        details={"membership": live.membership_id, "assessment": first.pk, "harmful": harmful,
                 "below": len(short) - harmful, "min_level": row.min_level},
    )
    api.group_lead_withdrawn(actor, live)  # groups holds the groups they still lead alone (HAZ-041)
    return live


def follow_up_withdrawal(actor: Actor, signoff_id: int | str, *, text: str) -> SignOff:
    """Record what was done after the rule withdrew a sign-off; the item then leaves the supervisors' lists."""
    text = (text or "").strip()
    if not text:
        raise ActionError(
            _("Say what was done, for example who leads their groups with them now and when they will be "
              "observed again."),
            field="text",
        )
    if len(text) > MAX_TEXT:
        raise ActionError(_("Keep it under %(n)d characters.") % {"n": MAX_TEXT}, field="text")
    pk = access._pk(signoff_id)
    with transaction.atomic():
        found = (
            access.visible_signoffs(actor).select_for_update(of=("self",))
            .filter(pk=pk, withdrawn_by_rule=True).first()
            if pk and access.is_overseer(actor) else None
        )
        if found is None:
            raise ActionError(_("That withdrawn sign-off was not found."))
        if found.followed_up_at is not None:
            raise ActionError(_("Someone already recorded what was done about this."), field="text")
        found.followed_up_at, found.followed_up_by, found.follow_up = timezone.now(), actor.membership, text
        found.save(update_fields=["followed_up_at", "followed_up_by", "follow_up"])
        audit.record(FOLLOWED_UP.code, actor=actor, obj=found, details={"membership": found.membership_id})
    return found
