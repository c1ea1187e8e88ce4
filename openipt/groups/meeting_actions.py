"""Individual meetings before and half way through the group.

The pre-group meeting holds a PHQ-9 (entered through the measures app, which raises its own
alerts on item 9), the link between low mood and relationships, the problem area, the exclusion
screen and the invitation. A current plan to end one's life or an attempt in the last 3 months
means a referral instead of the group, recorded with a safety alert in the same transaction
(hazard GRP-01 in docs/clinical-safety/hazard-log.md, once the lead adds it).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients.access import visible_clients
from openipt.core.errors import ActionError
from openipt.courses import group_courses
from openipt.courses.goal_actions import add_goal
from openipt.courses.models import OPEN_STATUSES
from openipt.courses.state import protocol
from openipt.groups import access
from openipt.groups.actions import _add, _member_course, _text, group_for_change, today
from openipt.groups.models import GroupStatus, Meeting, MeetingKind, Member, MemberStatus, Outcome
from openipt.measures.actions import enter_paper
from openipt.safety import api as safety_api

MEETING_RECORDED = register("group.meeting_recorded", "Individual group meeting recorded")
MEETING_VIEWED = register("group.meeting_viewed", "Individual group meeting viewed")

PHQ9_ITEMS = tuple(f"q{n}" for n in range(1, 10))
NOT_JOINING = (Outcome.DECLINED, Outcome.REFERRED, Outcome.NOT_SUITABLE)


def plan_steps(kind: str):
    """Return the protocol's steps for a pre-group or mid-group meeting."""
    sets = protocol().plan_sets_for("group", kind)
    return [step for plan in sets for step in plan.steps]


def _yes_no(value, field: str) -> bool:
    if value is True or value is False:
        return value
    raise ActionError(_("Answer yes or no. Ask it in your own words, gently and directly."), field=field)


def answer_value(value) -> int | None:
    """Return a PHQ answer 0-3 given as a whole number or its digit, or None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip() in ("0", "1", "2", "3"):
        return int(value.strip())
    if isinstance(value, int) and 0 <= value <= 3:
        return value
    return None


def _answers(answers) -> dict:
    """Return PHQ-9 answers for the measures app: all nine required, the difficulty item optional."""
    answers = dict(answers or {})
    missing = [item for item in PHQ9_ITEMS if answers.get(item) in (None, "")]
    if missing:
        raise ActionError(_("Answer all nine PHQ-9 questions (%(n)d have no answer yet).") % {"n": len(missing)},
                          field=missing[0])
    values = {}
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


@transaction.atomic
def record_meeting(actor, group_id, client_id, *, kind: str, held_on: date, phq9: dict, mood_link: str = "",
                   problem_area: str = "", problem_words: str = "", goal: str = "", current_plan=None,
                   recent_attempt=None, outcome: str = "", referral: str = "", notes: str = "",
                   done_step_ids=()) -> Meeting:
    """Record a pre-group or mid-group meeting; an invitation accepted adds the client to the group."""
    group = group_for_change(actor, group_id)
    if not access.can_run(actor, group):
        raise ActionError(_("Only the group's facilitators hold these meetings."), code="forbidden")
    if kind not in MeetingKind.values:
        raise ActionError(_("Choose a meeting before the group or half way through."), field="kind")
    client = visible_clients(actor).filter(pk=access._int(client_id)).first()
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
    if not isinstance(held_on, date) or held_on > today() or (today() - held_on).days > 366:
        raise ActionError(_("Enter the day you met: today or an earlier day this year."), field="held_on")
    values = _answers(phq9)
    current_plan = _yes_no(current_plan, "current_plan")
    recent_attempt = _yes_no(recent_attempt, "recent_attempt")
    at_risk = current_plan or recent_attempt
    mood_link = _text(mood_link, "mood_link", limit=4000)
    problem_words = _text(problem_words, "problem_words", limit=500)
    goal = _text(goal, "goal", limit=500)
    notes = _text(notes, "notes", limit=4000)
    referral = _text(referral, "referral", limit=2000)
    problem_area = (problem_area or "").strip()

    if problem_area and problem_area not in {a.id for a in protocol().areas()}:
        raise ActionError(_("Choose one of the listed problem areas."), field="problem_area")
    known = {s.id for s in plan_steps(kind)}
    steps = [s for s in (done_step_ids or ()) if s in known]
    if kind == MeetingKind.PRE_GROUP:
        outcome = (outcome or "").strip()
        if at_risk:
            outcome = Outcome.REFERRED
        elif outcome == Outcome.REFERRED:
            pass
        elif outcome not in Outcome.values:
            raise ActionError(_("Choose how the invitation went."), field="outcome")
        if outcome == Outcome.REFERRED and not referral:
            raise ActionError(
                _("Write where you referred them and who you told, for example: clinic nurse today, supervisor phoned. "
                  "Do not invite them to the group now.") if at_risk else
                _("Write where you referred them."), field="referral")
        if outcome in (Outcome.INVITED, Outcome.THINKING):
            if not problem_words:
                raise ActionError(_("Write their problem in their own words before inviting them."), field="problem_words")
            if not mood_link:
                raise ActionError(_("Write how their low mood and what happens with people are linked."), field="mood_link")
    else:
        # Half way through, a plan or an attempt also means urgent help: the meeting is recorded as a
        # referral (the member stays in the group unless the facilitator and supervisor decide otherwise).
        outcome = Outcome.REFERRED if at_risk else ""
        if at_risk and not referral:
            raise ActionError(_("Write what help you arranged today and who you told."), field="referral")
    course = member.course if member is not None else _member_course(actor, client, group)
    administration = enter_paper(actor, course.pk, instrument_code="phq9", session_number=None, completed_on=held_on,
                                 answers=values)
    meeting = Meeting.objects.create(
        group=group, client=client, kind=kind, held_on=held_on, by=actor.membership, phq9=administration,
        mood_link=mood_link, problem_area=problem_area, problem_words=problem_words, goal=goal,
        current_plan=current_plan, recent_attempt=recent_attempt, outcome=outcome, referral=referral, notes=notes,
        done_step_ids=steps,
    )
    if at_risk:
        what = []
        if current_plan:
            what.append(_("has a plan to end their life now"))
        if recent_attempt:
            what.append(_("tried to end their life in the last 3 months"))
        text = _("Group screen (%(group)s): the client %(what)s. Referral: %(referral)s") % {
            "group": group.name, "what": _(" and ").join(what), "referral": referral}
        safety_api.raise_for_review(client=client, level="high", text=text, obj=meeting, actor=actor)
    if problem_area or goal:
        if problem_area:
            group_courses.record_group_focus(actor, course, problem_area, problem_words or mood_link)
        if goal and course.status in [s.value for s in OPEN_STATUSES] and not course.goals.filter(text=goal).exists():
            add_goal(actor, course.pk, text=goal, area=problem_area)
    if kind == MeetingKind.PRE_GROUP:
        if outcome == Outcome.INVITED:
            _add(actor, group, client, problem_words)
        elif outcome in NOT_JOINING:
            reason = {Outcome.REFERRED: _("Referred for urgent help instead of the group"),
                      Outcome.DECLINED: _("Invited to the group and said no"),
                      Outcome.NOT_SUITABLE: _("Not invited to the group")}[outcome]
            group_courses.end_group_course(actor, course, reason)
    audit.record(MEETING_RECORDED.code, actor=actor, client=client, obj=meeting,
                 details={"kind": kind, "outcome": outcome, "phq9": administration.total, "screen_positive": at_risk,
                          "group": group.pk})
    return meeting


@transaction.atomic
def rescue_refused_screen(actor, group_id, client_id, *, current_plan: bool, recent_attempt: bool,
                          phq9_item9=None) -> bool:
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
    client = visible_clients(actor).filter(pk=access._int(client_id)).first()
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


def record_meeting_view(actor, meeting: Meeting) -> None:
    audit.record(MEETING_VIEWED.code, actor=actor, client=meeting.client, obj=meeting)
