"""The roster of a group: each member's PHQ-9 trend, attendance and who needs attention now.

Built with a fixed number of queries whatever the group's size or history (the roster query
count test and bench/scenarios/groups.py hold it to that).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.clients.models import ClientSignal
from openipt.core.charts import sparkline
from openipt.groups import access, schedule
from openipt.groups.models import Attendance, Group, GroupSession, Meeting, Member, MemberStatus, QuickCheck
from openipt.measures import instruments
from openipt.measures.api import score_points_for_courses
from openipt.measures.engine.outcomes import Administration, course_outcome
from openipt.measures.queries import outcomes

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.courses.start_checks import CheckResult


def flag_text(flag) -> str:
    """Return the plain words for a roster flag."""
    if flag.key == "risk":
        return _("Open risk alert")
    if flag.key == "dropout":
        return _("Missed the last %(n)d sessions") % {"n": flag.count}
    if flag.key == "worse":
        return _("Getting worse")
    return _("Slower than expected")


@dataclass(frozen=True)
class ShownFlag:
    key: str
    level: int
    text: str


@dataclass
class Row:
    member: Member
    scores: list[int] = field(default_factory=list)
    score_days: list[date] = field(default_factory=list)
    chart: object = None
    marks: dict[int, str] = field(default_factory=dict)  # session number -> presence
    attended: int = 0
    held: int = 0
    flags: list[ShownFlag] = field(default_factory=list)
    latest: int | None = None
    will_try: str = ""
    meetings: list[Meeting] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)  # start checks of the member's course not passed yet

    @property
    def level(self) -> int:
        return max((f.level for f in self.flags), default=0)


def build(actor: Actor, group: Group, *, include_left: bool = False) -> tuple[list[Row], list[GroupSession]]:
    """Return the roster rows (most urgent first, then by name) and the group's sessions."""
    visible = access.visible_members(actor, group)
    if not include_left:
        visible = visible.exclude(status=MemberStatus.LEFT)
    members = list(visible)
    sessions = list(GroupSession.objects.filter(group=group).order_by("number"))
    held = [s for s in sessions if s.held]
    ids = [m.pk for m in members]
    client_ids = [m.client_id for m in members]
    marks: dict[int, dict[int, Attendance]] = defaultdict(dict)
    for mark in Attendance.objects.filter(member_id__in=ids).select_related("session").only(
            "member_id", "presence", "will_try", "session__number"):
        marks[mark.member_id][mark.session.number] = mark
    points = score_points_for_courses([m.course_id for m in members], "phq9")
    signals: dict[int, dict[str, ClientSignal]] = defaultdict(dict)
    for signal in ClientSignal.objects.filter(client_id__in=client_ids):
        signals[signal.client_id][signal.source] = signal
    rows: list[Row] = []
    for member in members:
        mine = points.get(member.course_id, [])
        row = Row(member=member)
        row.scores = [total for _t, total in mine]
        row.score_days = [timezone.localtime(t).date() for t, _total in mine]
        if row.scores:
            row.latest = row.scores[-1]
            row.chart = sparkline(row.scores[-12:], y_max=27, title=_("PHQ-9 trend of %(name)s") % {
                "name": member.client.display_name}, id_prefix=f"g{group.pk}m{member.pk}")
        member_marks = marks.get(member.pk, {})
        row.marks = {n: a.presence for n, a in member_marks.items()}
        row.held = len(held)
        row.attended = sum(1 for s in held if row.marks.get(s.number) == "present")
        latest_held = held[-1].number if held else None
        row.will_try = member_marks[latest_held].will_try if latest_held in member_marks else ""
        own = signals.get(member.client_id, {})
        state = schedule.MemberState(
            marks=[row.marks.get(s.number, "") for s in held], scores=row.scores,
            open_risk="safety" in own, off_track="measures" in own and own["measures"].level >= 2)
        row.flags = [ShownFlag(f.key, f.level, flag_text(f)) for f in schedule.flags(state)]
        rows.append(row)
    rows.sort(key=lambda r: (-r.level, r.member.client.display_name.lower()))
    return rows, sessions


@dataclass(frozen=True)
class Outcomes:
    members: int
    enough: int
    improved: int
    recovered: int
    worse: int
    cases: int = 0
    cutoff: int | None = 10

    @property
    def not_cases(self) -> int:
        """Members with enough scores who were not a case at the start (recovery does not apply to them)."""
        return self.enough - self.cases


def outcome_summary(rows: list[Row], organisation_id: int | None = None) -> Outcomes:
    """Count members who improved (reliable change), recovered, got worse.

    Recovery counts only members who were a case at the start (the organisation's PHQ-9 cut-off,
    10 by default) and are below it at the latest check; its denominator is those cases (HAZ-021).
    """
    inst = instruments.get("phq9")
    if inst is None:  # no PHQ-9 loaded: nothing to count
        return Outcomes(len(rows), 0, 0, 0, 0)
    default_cutoff = inst.caseness.cutoff if inst.caseness is not None else None
    cutoff = outcomes.org_settings(organisation_id).phq9_case_cutoff if organisation_id else default_cutoff
    enough = improved = recovered = worse = cases = 0
    for row in rows:
        records = [Administration(d, n, t) for n, (d, t) in enumerate(zip(row.score_days, row.scores, strict=True), 1)]
        outcome = course_outcome(inst, records, case_cutoff=cutoff)
        if not outcome.enough_data:
            continue
        enough += 1
        status = outcome.reliable_change.status
        improved += status == "improvement"
        worse += status == "deterioration"
        if outcome.caseness_start.status == "case":
            cases += 1
            recovered += outcome.caseness_end.status == "not_case"
    return Outcomes(len(rows), enough, improved, recovered, worse, cases, cutoff)


def meetings_by_client(group: Group, client_ids) -> dict[int, list[Meeting]]:
    found: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in Meeting.objects.filter(group=group, client_id__in=list(client_ids)).order_by("held_on", "pk"):
        found[meeting.client_id].append(meeting)
    return found


def checks_for(session: GroupSession) -> dict[int, QuickCheck]:
    return {c.member_id: c for c in QuickCheck.objects.filter(session=session)}
