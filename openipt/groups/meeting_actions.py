"""Individual meetings before and half way through the group.

The pre-group meeting is also where the checks before the group are done: the member's group
course is started (planned) here, and its screening page records them (`openipt.courses`). A
group that has started takes a new member only once those checks have passed.

The pre-group meeting holds a PHQ-9 (entered through the measures app, which raises its own
alerts on item 9), the link between low mood and relationships, the problem area, the exclusion
screen and the invitation. A current plan to end one's life or an attempt in the last 3 months
means a referral instead of the group, recorded with a safety alert in the same transaction
(hazard GRP-01 in docs/clinical-safety/hazard-log.md, once the lead adds it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients.access import visible_clients
from openipt.core.errors import ActionError
from openipt.core.numbers import as_id
from openipt.courses import group_courses
from openipt.courses.goal_actions import add_goal
from openipt.courses.models import OPEN_STATUSES, Course
from openipt.courses.present import protocol
from openipt.groups import access
from openipt.groups.actions import _add, _member_course, _text, checks_to_do, group_for_change, today
from openipt.groups.models import Group, GroupStatus, Meeting, MeetingKind, Member, MemberStatus, Outcome
from openipt.measures.actions import enter_paper
from openipt.safety import api as safety_api

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.clients.models import Client
    from openipt.protocol.model import Step

MEETING_RECORDED = register("group.meeting_recorded", "Individual group meeting recorded")
MEETING_VIEWED = register("group.meeting_viewed", "Individual group meeting viewed")

PHQ9_ITEMS = tuple(f"q{n}" for n in range(1, 10))
NOT_JOINING = (Outcome.DECLINED, Outcome.REFERRED, Outcome.NOT_SUITABLE)


def plan_steps(kind: str) -> list[Step]:
    """Return the protocol's steps for a pre-group or mid-group meeting."""
    sets = protocol().plan_sets_for("group", kind)
    return [step for plan in sets for step in plan.steps]


def _yes_no(value: object, field: str) -> bool:
    if value is True or value is False:
        return value
    raise ActionError(_("Answer yes or no. Ask it in your own words, gently and directly."), field=field)


def answer_value(value: object) -> int | None:
    """Return a PHQ answer 0-3 given as a whole number or its digit, or None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip() in ("0", "1", "2", "3"):
        return int(value.strip())
    if isinstance(value, int) and 0 <= value <= 3:
        return value
    return None


def _answers(given: Mapping[str, object] | None) -> dict[str, int | None]:
    """Return PHQ-9 answers for the measures app: all nine required, the difficulty item optional."""
    answers = dict(given or {})
    missing = [item for item in PHQ9_ITEMS if answers.get(item) in (None, "")]
    if missing:
        raise ActionError(_("Answer all nine PHQ-9 questions (%(n)d have no answer yet).") % {"n": len(missing)},
                          field=missing[0])
    values: dict[str, int | None] = {}
    for item in (*PHQ9_ITEMS, "difficulty"):
        value = answers.get(item)
        if value in (None, ""):
            values[item] = None
            continue
        number = answer_value(value)
        if number is None:
            raise ActionError(_("Choose one of the four answers."), field=item)
        values[item] = number
    return values


@dataclass(frozen=True)
class MeetingRecord:
    """What a facilitator writes down at a pre-group or mid-group meeting.

    `current_plan` and `recent_attempt` are the two safety questions: None means not asked
    yet, which is refused. `phq9` holds the nine answers (and optionally "difficulty").
    """

    kind: str
    held_on: date
    phq9: Mapping[str, object]
    current_plan: bool | None
    recent_attempt: bool | None
    mood_link: str = ""
    problem_area: str = ""
    problem_words: str = ""
    goal: str = ""
    outcome: str = ""
    referral: str = ""
    notes: str = ""
    done_step_ids: Sequence[str] = ()


@dataclass(frozen=True)
class _Checked:
    """A meeting record after every check, with the texts trimmed and the outcome settled."""

    record: MeetingRecord
    answers: dict[str, int | None]
    at_risk: bool
    steps: list[str]


@transaction.atomic
def record_meeting(actor: Actor, group_id: int | str, client_id: int | str, record: MeetingRecord) -> Meeting:
    """Record a pre-group or mid-group meeting; an invitation accepted adds the client to the group."""
    group, client, member = _meeting_place(actor, group_id, client_id, record.kind)
    checked = _checked(record)
    record = checked.record
    course = member.course if member is not None else _member_course(actor, client, group)
    if record.kind == MeetingKind.PRE_GROUP and record.outcome == Outcome.INVITED and group.status == GroupStatus.RUNNING:
        missing = checks_to_do(course)
        if missing:
            raise ActionError(_("This group has started, so %(name)s can join only once the checks before the group "
                                "are done. Still to do: %(what)s. Choose “%(thinking)s” and save: the meeting is kept "
                                "and its page links to the screening and, once it is done, adds them to the group.")
                              % {"name": client.display_name, "what": "; ".join(f"{r.title} ({r.detail})" for r in missing),
                                 "thinking": Outcome.THINKING.label}, field="outcome", code="start_checks")
    administration = enter_paper(actor, course.pk, instrument_code="phq9", session_number=None,
                                 completed_on=record.held_on, answers=checked.answers)
    meeting = Meeting.objects.create(
        group=group, client=client, kind=record.kind, held_on=record.held_on, by=actor.membership, phq9=administration,
        mood_link=record.mood_link, problem_area=record.problem_area, problem_words=record.problem_words,
        goal=record.goal, current_plan=record.current_plan, recent_attempt=record.recent_attempt,
        outcome=record.outcome, referral=record.referral, notes=record.notes, done_step_ids=checked.steps,
    )
    if checked.at_risk:
        _raise_alert(actor, group, meeting, record)
    _carry_focus(actor, course, record)
    if record.kind == MeetingKind.PRE_GROUP:
        _follow_invitation(actor, group, client, course, record)
    audit.record(MEETING_RECORDED.code, actor=actor, client=client, obj=meeting,
                 details={"kind": record.kind, "outcome": record.outcome, "phq9": administration.total,
                          "screen_positive": checked.at_risk, "group": group.pk})
    return meeting


def _meeting_place(
    actor: Actor, group_id: int | str, client_id: int | str, kind: str
) -> tuple[Group, Client, Member | None]:
    """Return the group, the client and their membership (or None), after checking the meeting fits."""
    group = group_for_change(actor, group_id)
    if not access.can_run(actor, group):
        raise ActionError(_("Only the group's facilitators hold these meetings."), code="forbidden")
    if kind not in MeetingKind.values:
        raise ActionError(_("Choose a meeting before the group or half way through."), field="kind")
    client = _visible_client(actor, client_id)
    if client is None:
        raise ActionError(_("Choose one of your clients."), field="client")
    if group.status == GroupStatus.ENDED:
        raise ActionError(_("This group has ended. Hold the meeting for a new group."), field="client")
    member = Member.objects.filter(group=group, client=client, status=MemberStatus.ACTIVE).first()
    if kind == MeetingKind.MID_GROUP and member is None:
        raise ActionError(_("%(name)s is not in this group, so there is no half-way meeting to record.")
                          % {"name": client.display_name}, field="client")
    if kind == MeetingKind.PRE_GROUP and member is not None:
        raise ActionError(_("%(name)s is already in this group. Record a half-way meeting instead.")
                          % {"name": client.display_name}, field="client")
    return group, client, member


def _visible_client(actor: Actor, client_id: int | str) -> Client | None:
    pk = as_id(client_id)
    return visible_clients(actor).filter(pk=pk).first() if pk is not None else None


def _checked(record: MeetingRecord) -> _Checked:
    """Return the record checked and trimmed; a refusal names the field to correct."""

    held_on = record.held_on
    if not isinstance(held_on, date) or held_on > today() or (today() - held_on).days > 366:
        raise ActionError(_("Enter the day you met: today or an earlier day this year."), field="held_on")
    answers = _answers(record.phq9)
    current_plan = _yes_no(record.current_plan, "current_plan")
    recent_attempt = _yes_no(record.recent_attempt, "recent_attempt")
    record = replace(
        record, current_plan=current_plan, recent_attempt=recent_attempt,
        mood_link=_text(record.mood_link, "mood_link", limit=4000),
        problem_words=_text(record.problem_words, "problem_words", limit=500),
        goal=_text(record.goal, "goal", limit=500), notes=_text(record.notes, "notes", limit=4000),
        referral=_text(record.referral, "referral", limit=2000), problem_area=(record.problem_area or "").strip(),
    )
    if record.problem_area and record.problem_area not in {a.id for a in protocol().areas()}:
        raise ActionError(_("Choose one of the listed problem areas."), field="problem_area")
    known = {s.id for s in plan_steps(record.kind)}
    steps = [s for s in (record.done_step_ids or ()) if s in known]
    at_risk = current_plan or recent_attempt
    outcome = _pre_group_outcome(record, at_risk) if record.kind == MeetingKind.PRE_GROUP else _mid_group_outcome(record, at_risk)
    return _Checked(replace(record, outcome=outcome), answers, at_risk, steps)


def _pre_group_outcome(record: MeetingRecord, at_risk: bool) -> str:
    """Return how the invitation went: a plan or an attempt always means a referral instead of the group."""
    outcome = (record.outcome or "").strip()
    if at_risk:
        outcome = Outcome.REFERRED
    elif outcome == Outcome.REFERRED:
        pass
    elif outcome not in Outcome.values:
        raise ActionError(_("Choose how the invitation went."), field="outcome")
    if outcome == Outcome.REFERRED and not record.referral:
        raise ActionError(
            _("Write where you referred them and who you told, for example: clinic nurse today, supervisor phoned. "
              "Do not invite them to the group now.") if at_risk else
            _("Write where you referred them."), field="referral")
    if outcome in (Outcome.INVITED, Outcome.THINKING):
        if not record.problem_words:
            raise ActionError(_("Write their problem in their own words before inviting them."), field="problem_words")
        if not record.mood_link:
            raise ActionError(_("Write how their low mood and what happens with people are linked."), field="mood_link")
    return outcome


def _mid_group_outcome(record: MeetingRecord, at_risk: bool) -> str:
    """Half way through, a plan or an attempt also means urgent help: the meeting is recorded as a
    referral (the member stays in the group unless the facilitator and supervisor decide otherwise)."""
    if at_risk and not record.referral:
        raise ActionError(_("Write what help you arranged today and who you told."), field="referral")
    return Outcome.REFERRED if at_risk else ""


def _raise_alert(actor: Actor, group: Group, meeting: Meeting, record: MeetingRecord) -> None:
    """Raise a high-severity safety alert for a plan or an attempt disclosed at the meeting."""
    what = []
    if record.current_plan:
        what.append(_("has a plan to end their life now"))
    if record.recent_attempt:
        what.append(_("tried to end their life in the last 3 months"))
    text = _("Group screen (%(group)s): the client %(what)s. Referral: %(referral)s") % {
        "group": group.name, "what": _(" and ").join(what), "referral": record.referral}
    safety_api.raise_for_review(client=meeting.client, level="high", text=text, obj=meeting, actor=actor)


def _carry_focus(actor: Actor, course: Course, record: MeetingRecord) -> None:
    """Carry the problem area and the goal named at the meeting into the client's group course."""
    if record.problem_area:
        group_courses.record_group_focus(actor, course, record.problem_area, record.problem_words or record.mood_link)
    goal = record.goal
    if goal and course.status in [s.value for s in OPEN_STATUSES] and not course.goals.filter(text=goal).exists():
        add_goal(actor, course.pk, text=goal, area=record.problem_area)


def _follow_invitation(actor: Actor, group: Group, client: Client, course: Course, record: MeetingRecord) -> None:
    """Add an invited client to the group; end the group course of one who is not joining."""
    if record.outcome == Outcome.INVITED:
        _add(actor, group, client, record.problem_words)
    elif record.outcome in NOT_JOINING:
        reasons: dict[str, str] = {Outcome.REFERRED: _("Referred for urgent help instead of the group"),
                  Outcome.DECLINED: _("Invited to the group and said no"),
                  Outcome.NOT_SUITABLE: _("Not invited to the group")}
        group_courses.end_group_course(actor, course, reasons[record.outcome])


@transaction.atomic
def rescue_refused_screen(actor: Actor, group_id: int | str, client_id: int | str, *, current_plan: bool, recent_attempt: bool,
                          phq9_item9: object = None) -> bool:
    """Raise an alert for a safety answer in a meeting form that could not be saved; return True if raised.

    A facilitator who records "yes" to a current plan or a recent attempt and whose form is refused
    (a missing referral, a wrong day) may never come back to it: the disclosure must reach staff
    now. Repeated refusals for the same group add to the same open alert.
    """
    item9 = answer_value(phq9_item9) if phq9_item9 not in (None, "") else None
    if not (current_plan or recent_attempt or item9):
        return False
    group = access.get_group(actor, group_id)
    if group is None or not access.can_run(actor, group):
        return False
    client = _visible_client(actor, client_id)
    if client is None:
        return False
    raised = []
    if item9:  # PHQ-9 question 9 above 0, through the same rules as any PHQ-9
        raised += safety_api.raise_for_answers(
            client=client, instrument_code="phq9", answers={"q9": item9}, obj=group, actor=actor,
            text=_("Group meeting (%(group)s), form not saved yet: PHQ-9 question 9 was answered %(n)d.")
            % {"group": group.name, "n": item9})
    what = []
    if current_plan:
        what.append(_("has a plan to end their life now"))
    if recent_attempt:
        what.append(_("tried to end their life in the last 3 months"))
    if what:
        text = _("Group meeting (%(group)s), form not saved yet: the facilitator recorded that the client %(what)s.") % {
            "group": group.name, "what": _(" and ").join(what)}
        raised += safety_api.raise_for_review(client=client, level="high", text=text, obj=group, actor=actor)
    return bool(raised)


def record_meeting_view(actor: Actor, meeting: Meeting) -> None:
    audit.record(MEETING_VIEWED.code, actor=actor, client=meeting.client, obj=meeting)
