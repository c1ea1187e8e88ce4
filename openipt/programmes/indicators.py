"""The programme indicators, defined once as data, and the arithmetic that turns counts into them.

Pure Python (no Django): the dashboard, the monthly CSV and the DHIS2 export all read `INDICATORS`
and call `compute`. The words here are documented, with their sources, in
docs/programmes/indicators.md; a test checks that the two agree.

The input is a `Cohort`: plain records of who was screened and who was enrolled, with what happened
to each enrolled member, and the quality-of-care facts (attendance marks, quick checks, risk alerts,
fidelity ratings). `openipt/programmes/queries.py` builds it from the database. The monthly reports add
the facilitators' competency (`StaffCompetency`, from `openipt/programmes/competency_queries.py`); without
it those indicators have no value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from statistics import median

Z_95 = 1.959963984540054  # the 97.5th centile of the standard normal distribution
DEFAULT_MIN_SESSIONS = 2  # NHS Talking Therapies: a finished course has at least 2 attended sessions
DEFAULT_SUPPRESS_BELOW = 5


@dataclass(frozen=True)
class Indicator:
    """One indicator: its count (numerator) and, for a proportion, the indicator that is its denominator."""

    id: str
    name: str
    section: str  # "cascade", "quality" or "competency"
    numerator: str
    denominator: str  # words; "" for a plain count, a mean or a median
    of: str  # id of the indicator whose count is the denominator; "" when there is none
    kind: str  # "count", "mean" or "median"
    notes: str
    source: str
    optional: bool = False  # a DHIS2 mapping may leave it out (then it is not sent); the others must be mapped


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "screened",
        "Screened",
        "cascade",
        "People with a pre-group meeting held in the period",
        "",
        "",
        "count",
        "Counted once per person, however many pre-group meetings they had.",
        "OpenIPT definition",
    ),
    Indicator(
        "eligible",
        "Eligible",
        "cascade",
        "Screened people who were invited to join a group (whether they said yes, no or are still deciding)",
        "Screened",
        "screened",
        "count",
        "People referred for urgent help or not invited for another reason are not eligible; a meeting "
        "with no outcome yet is not counted as eligible.",
        "OpenIPT definition; exclusion rule from SAATHI-2",
    ),
    Indicator(
        "enrolled",
        "Enrolled",
        "cascade",
        "Members who joined a group in the period",
        "",
        "",
        "count",
        "The intention-to-treat denominator: everyone enrolled stays in it, including those who left.",
        "OpenIPT definition (intention to treat)",
    ),
    Indicator(
        "attended_min",
        "Attended the minimum",
        "cascade",
        "Enrolled members who came to at least the programme's minimum number of group sessions",
        "Enrolled",
        "enrolled",
        "count",
        "The minimum is a programme setting; the default, 2, is the NHS Talking Therapies rule for a "
        "finished course of treatment.",
        "NHS Talking Therapies manual",
    ),
    Indicator(
        "completed",
        "Completed",
        "cascade",
        "Enrolled members whose place in the group is marked finished",
        "Enrolled",
        "enrolled",
        "count",
        "Members who left the group, and members still in it, are not completed.",
        "OpenIPT definition",
    ),
    Indicator(
        "reliable_improvement",
        "Reliable improvement",
        "cascade",
        "Enrolled members whose PHQ-9 fell by 6 points or more from their first to their latest score",
        "Enrolled",
        "enrolled",
        "count",
        "Members with fewer than 2 scored sessions count as not improved (intention to treat).",
        "NHS Talking Therapies (PHQ-9 reliable change 6 points); Jacobson & Truax 1991",
    ),
    Indicator(
        "case_at_start",
        "A case at the start, or not known",
        "cascade",
        "Enrolled members whose first PHQ-9 was 10 or more, or who have no PHQ-9 score",
        "Enrolled",
        "enrolled",
        "count",
        "The denominator of response and remission: only those who were a case at the start can respond "
        "or remit; members with no score stay in it (intention to treat).",
        "NCQA HEDIS; NHS Talking Therapies",
    ),
    Indicator(
        "response",
        "Response",
        "cascade",
        "Members in the row above whose PHQ-9 fell by half or more from their first score",
        "A case at the start, or not known",
        "case_at_start",
        "count",
        "Members with fewer than 2 scored sessions count as not responding.",
        "NCQA HEDIS",
    ),
    Indicator(
        "remission",
        "Remission",
        "cascade",
        "Members in the row above whose latest PHQ-9 is under 5",
        "A case at the start, or not known",
        "case_at_start",
        "count",
        "Members with fewer than 2 scored sessions count as not in remission.",
        "NCQA HEDIS",
    ),
    Indicator(
        "attendance_marks",
        "Places at held sessions",
        "quality",
        "Attendance marks at group sessions held in the period (one per member per session)",
        "",
        "",
        "count",
        "A member not marked at a held session is not counted.",
        "OpenIPT definition",
    ),
    Indicator(
        "attendance_present",
        "Came to the session",
        "quality",
        "Attendance marks that say the member came",
        "Places at held sessions",
        "attendance_marks",
        "count",
        "Shown per session number on the dashboard as well.",
        "OpenIPT definition",
    ),
    Indicator(
        "checks_missed",
        "Questionnaires missed",
        "quality",
        "Members who came to a held session but have no quick check (PHQ-2 with item 9) for it",
        "Came to the session",
        "attendance_present",
        "count",
        "Each session's quick check asks PHQ-9 item 9, so a missed one is a missed safety question too.",
        "OpenIPT definition; PHQ-2 (Kroenke, Spitzer & Williams 2003)",
    ),
    Indicator(
        "alerts",
        "Risk alerts",
        "quality",
        "Risk alerts raised in the period about members of the groups counted",
        "",
        "",
        "count",
        "Alerts about a member before they joined or after they left are counted too.",
        "OpenIPT definition",
    ),
    Indicator(
        "alerts_breached",
        "Alerts escalated",
        "quality",
        "Risk alerts that were not acknowledged in time, so their escalation went past the first step",
        "Risk alerts",
        "alerts",
        "count",
        "The steps and times are the organisation's escalation policy (safety settings).",
        "OpenIPT definition",
    ),
    Indicator(
        "ack_minutes",
        "Minutes to acknowledge an alert (median)",
        "quality",
        "The median time from a risk alert being raised to its acknowledgement",
        "",
        "",
        "median",
        "Alerts not yet acknowledged are left out of the median and counted as escalated when late.",
        "OpenIPT definition",
    ),
    Indicator(
        "fidelity_ratings",
        "Fidelity ratings",
        "quality",
        "Supervisors' fidelity ratings of group sessions in the period (current versions only)",
        "",
        "",
        "count",
        "",
        "OpenIPT definition",
    ),
    Indicator(
        "fidelity_mean",
        "Fidelity score (mean %)",
        "quality",
        "The mean score of those ratings, in per cent of the applicable checklist items",
        "",
        "",
        "mean",
        "",
        "OpenIPT fidelity checklists (docs/clinical/sources.md)",
    ),
    Indicator(
        "facilitators",
        "Facilitators",
        "competency",
        "Active facilitators the report covers (a supervisor's own supervisees; the site's, for a site)",
        "",
        "",
        "count",
        "Counted when the report is made: OpenIPT keeps no history of who was a facilitator in a past month.",
        "OpenIPT definition",
        True,
    ),
    Indicator(
        "facilitators_assessed",
        "Facilitators assessed",
        "competency",
        "Facilitators with a complete competency assessment observed in the period",
        "Facilitators",
        "facilitators",
        "count",
        "Complete: no second rater was named, or the named one has saved their rating. Only first ratings count; "
        "a second rater's rating of the same observation does not count twice.",
        "OpenIPT definition; levels after WHO EQUIP (Kohrt et al. 2020)",
        True,
    ),
    Indicator(
        "facilitators_signed_off",
        "Signed off to lead a group alone",
        "competency",
        "Facilitators holding a sign-off to lead a group alone on the last day of the period",
        "Facilitators",
        "facilitators",
        "count",
        "Signed off on or before that day and not withdrawn by its end (by a person, or by the programme's rule "
        "after a later assessment).",
        "OpenIPT definition",
        True,
    ),
    Indicator(
        "facilitators_harmful_open",
        "With an open harmful-item flag",
        "competency",
        "Facilitators with an item rated potentially harmful (level 1) that nobody had acted on by the end of the "
        "period",
        "Facilitators",
        "facilitators",
        "count",
        "A flag counts from the day it was raised until someone records what was done about it.",
        "OpenIPT definition",
        True,
    ),
)
BY_ID: dict[str, Indicator] = {i.id: i for i in INDICATORS}

# Cascade counts that are subsets of another (outer, inner): subtracting a shown inner count from a shown
# outer one gives the people who fell out between them, so that difference must not be a small cell either.
NESTED: tuple[tuple[str, str], ...] = (
    ("screened", "eligible"),
    ("enrolled", "attended_min"),
    ("enrolled", "completed"),
    ("enrolled", "reliable_improvement"),
    ("enrolled", "case_at_start"),
    ("case_at_start", "response"),
    ("case_at_start", "remission"),
    ("facilitators", "facilitators_assessed"),
    ("facilitators", "facilitators_signed_off"),
    ("facilitators", "facilitators_harmful_open"),
)
# Counts of people (small ones are suppressed); the others count events (marks, alerts, ratings).
PERSON_COUNTS = frozenset(
    {
        "screened",
        "eligible",
        "enrolled",
        "attended_min",
        "completed",
        "reliable_improvement",
        "case_at_start",
        "response",
        "remission",
    }
)
EVENT_COUNTS_SUPPRESSED = frozenset(
    {"alerts", "alerts_breached"}
)  # alerts are about people: treated like them
# Counts of facilitators: staff, not clients, but small numbers of them are hidden by the same rule (a harmful-item
# flag is about one person's work).
STAFF_COUNTS = frozenset({"facilitators", "facilitators_assessed", "facilitators_signed_off",
                          "facilitators_harmful_open"})


# ---- input records


@dataclass(frozen=True)
class Screening:
    """One person screened in the period; `eligible` True when they were invited."""

    person: int
    eligible: bool


@dataclass(frozen=True)
class Enrolment:
    """One member enrolled in the period, and what happened to them."""

    member: int
    facilitator: int
    attended: int
    completed: bool
    reliable_improvement: bool
    case_at_start: bool  # True also when there is no PHQ-9 score (intention to treat)
    response: bool
    remission: bool


@dataclass(frozen=True)
class Mark:
    """One attendance mark at a held session, and whether there is a quick check for it."""

    facilitator: int
    session_number: int
    present: bool
    checked: bool


@dataclass(frozen=True)
class Alert:
    """One risk alert: minutes to acknowledgement (None when not acknowledged) and whether it escalated."""

    facilitator: int
    ack_minutes: float | None
    breached: bool


@dataclass(frozen=True)
class Rating:
    facilitator: int
    score_percent: int


@dataclass(frozen=True)
class StaffCompetency:
    """The facilitators a report covers, and which of them were assessed in the period, were signed off to lead a
    group alone at its end, and had a harmful-item flag open at its end (membership ids)."""

    facilitators: frozenset[int] = frozenset()
    assessed: frozenset[int] = frozenset()
    signed_off: frozenset[int] = frozenset()
    harmful_open: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Cohort:
    screenings: Sequence[Screening] = ()
    enrolments: Sequence[Enrolment] = ()
    marks: Sequence[Mark] = ()
    alerts: Sequence[Alert] = ()
    ratings: Sequence[Rating] = ()
    staff: StaffCompetency | None = None  # the reports add it; None: the competency indicators have no value

    def is_empty(self) -> bool:
        return not (self.screenings or self.enrolments or self.marks or self.alerts or self.ratings)

    def by_facilitator(self) -> dict[int, Cohort]:
        """The cohort split into each facilitator's part, in one pass (screening is not tied to a facilitator)."""
        parts: dict[int, tuple[list[Enrolment], list[Mark], list[Alert], list[Rating]]] = {}

        def part(pk: int) -> tuple[list[Enrolment], list[Mark], list[Alert], list[Rating]]:
            return parts.setdefault(pk, ([], [], [], []))

        for e in self.enrolments:
            part(e.facilitator)[0].append(e)
        for m in self.marks:
            part(m.facilitator)[1].append(m)
        for a in self.alerts:
            part(a.facilitator)[2].append(a)
        for r in self.ratings:
            part(r.facilitator)[3].append(r)
        return {pk: Cohort((), *lists) for pk, lists in parts.items()}

    def for_facilitator(self, facilitator: int) -> Cohort:
        """The part of the cohort in one facilitator's groups (screening is not tied to a facilitator)."""
        return Cohort(
            (),
            [e for e in self.enrolments if e.facilitator == facilitator],
            [m for m in self.marks if m.facilitator == facilitator],
            [a for a in self.alerts if a.facilitator == facilitator],
            [r for r in self.ratings if r.facilitator == facilitator],
        )


# ---- arithmetic


def wilson(successes: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for a proportion (95% by default); (0, 1) when the total is 0."""
    if total < 0 or successes < 0 or successes > total:
        raise ValueError(f"need 0 <= successes <= total, not {successes} of {total}")
    if total == 0:
        return 0.0, 1.0
    p = successes / total
    z2 = z * z
    centre = (p + z2 / (2 * total)) / (1 + z2 / total)
    half = (z / (1 + z2 / total)) * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total))
    return max(0.0, centre - half), min(1.0, centre + half)


def counts(cohort: Cohort, min_sessions: int = DEFAULT_MIN_SESSIONS) -> dict[str, float | None]:
    """Every indicator's value: counts of people and events, a median and a mean (None when there is nothing)."""
    e = cohort.enrolments
    acked = [a.ack_minutes for a in cohort.alerts if a.ack_minutes is not None]
    present = [m for m in cohort.marks if m.present]
    staff = cohort.staff
    team = staff.facilitators if staff is not None else frozenset()
    return {
        "screened": len({s.person for s in cohort.screenings}),
        "eligible": len({s.person for s in cohort.screenings if s.eligible}),
        "enrolled": len(e),
        "attended_min": sum(1 for x in e if x.attended >= min_sessions),
        "completed": sum(1 for x in e if x.completed),
        "reliable_improvement": sum(1 for x in e if x.reliable_improvement),
        "case_at_start": sum(1 for x in e if x.case_at_start),
        "response": sum(1 for x in e if x.case_at_start and x.response),
        "remission": sum(1 for x in e if x.case_at_start and x.remission),
        "attendance_marks": len(cohort.marks),
        "attendance_present": len(present),
        "checks_missed": sum(1 for m in present if not m.checked),
        "alerts": len(cohort.alerts),
        "alerts_breached": sum(1 for a in cohort.alerts if a.breached),
        "ack_minutes": float(median(acked)) if acked else None,
        "fidelity_ratings": len(cohort.ratings),
        "fidelity_mean": (sum(r.score_percent for r in cohort.ratings) / len(cohort.ratings))
        if cohort.ratings
        else None,
        "facilitators": len(team) if staff is not None else None,
        "facilitators_assessed": len(staff.assessed & team) if staff is not None else None,
        "facilitators_signed_off": len(staff.signed_off & team) if staff is not None else None,
        "facilitators_harmful_open": len(staff.harmful_open & team) if staff is not None else None,
    }


# the counts hidden when small (people, some events, staff)
_GUARDED = PERSON_COUNTS | EVENT_COUNTS_SUPPRESSED | STAFF_COUNTS


def suppressed_cells(values: Mapping[str, float | None], threshold: int = DEFAULT_SUPPRESS_BELOW) -> set[str]:
    """The counts to show as "<threshold": small ones, and any a reader could work out by subtraction.

    Primary: a count of people (or alerts, or facilitators) from 1 to threshold - 1. Complementary: for two shown counts where
    one holds the other (`NESTED`, followed through), a difference from 1 to threshold - 1 would itself be a
    small cell, so the inner count is hidden too; repeated until nothing changes.
    """
    hidden = {k for k in _GUARDED if isinstance(values.get(k), int) and 0 < int(values[k] or 0) < threshold}
    changed = True
    while changed:
        changed = False
        for outer, inner in _nested_pairs():
            if outer in hidden or inner in hidden:
                continue
            diff = int(values.get(outer) or 0) - int(values.get(inner) or 0)
            if 0 < diff < threshold:
                hidden.add(inner)
                changed = True
    return hidden


@cache
def _nested_pairs() -> tuple[tuple[str, str], ...]:
    """Every (outer, inner) pair of counts where one holds the other, outermost first: the same for every call
    (worked out once; the dashboard hides cells in a result per facilitator row)."""
    pairs = _closure(NESTED) | {("alerts", "alerts_breached")}
    return tuple(sorted(pairs, key=lambda pair: (_depth(pair[0]), pair)))


def _depth(cell: str) -> int:
    """How many counts hold this one: the cascade is checked from its top, so an outer count is hidden before the
    counts inside it are compared with it (hiding fewer cells; the result is safe in any order)."""
    outers = [outer for outer, inner in NESTED if inner == cell]
    return 1 + max(_depth(outer) for outer in outers) if outers else 0


def _closure(pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    out = set(pairs)
    grew = True
    while grew:
        grew = False
        for a, b in list(out):
            for c, d in list(out):
                if b == c and (a, d) not in out:
                    out.add((a, d))
                    grew = True
    return out


@dataclass(frozen=True)
class Value:
    """One indicator as shown: the count (or mean, median), its denominator, percentage and interval."""

    indicator: Indicator
    value: float | None
    denominator: int | None = None
    suppressed: bool = False
    denominator_suppressed: bool = False
    low: float | None = None  # Wilson 95% interval of the proportion, 0..1
    high: float | None = None
    threshold: int = DEFAULT_SUPPRESS_BELOW

    @property
    def proportion(self) -> float | None:
        if self.suppressed or self.denominator_suppressed or not self.denominator or self.value is None:
            return None
        return self.value / self.denominator

    def shown(self) -> str:
        """The value as a reader sees it: "<5" when suppressed, "" when there is nothing."""
        if self.suppressed:
            return f"<{self.threshold}"
        if self.value is None:
            return ""
        if self.indicator.kind == "count":
            return str(int(self.value))
        return f"{self.value:.0f}" if self.indicator.kind == "median" else f"{self.value:.1f}"

    def percent(self) -> str:
        p = self.proportion
        return "" if p is None else f"{100 * p:.0f}%"

    def interval(self) -> str:
        if self.proportion is None or self.low is None or self.high is None:
            return ""
        return f"{100 * self.low:.0f}–{100 * self.high:.0f}%"


@dataclass(frozen=True)
class Result:
    values: dict[str, Value]
    per_session: tuple[tuple[int, int, int], ...] = field(default=())  # (session number, present, marks)

    def section(self, name: str) -> list[Value]:
        return [v for v in self.values.values() if v.indicator.section == name]


def compute(
    cohort: Cohort, *, min_sessions: int = DEFAULT_MIN_SESSIONS, threshold: int = DEFAULT_SUPPRESS_BELOW
) -> Result:
    """Every indicator of the cohort, with small cells suppressed and Wilson intervals for proportions."""
    return from_counts(counts(cohort, min_sessions), per_session(cohort.marks), threshold=threshold)


def from_counts(
    raw: Mapping[str, float | None],
    sessions: tuple[tuple[int, int, int], ...] = (),
    *,
    threshold: int = DEFAULT_SUPPRESS_BELOW,
) -> Result:
    """The indicators from counts already made (`counts`, or figures kept by `openipt programme-refresh`)."""
    hidden = suppressed_cells(raw, threshold)
    out: dict[str, Value] = {}
    for ind in INDICATORS:
        value = raw.get(ind.id)  # figures kept before an indicator was added have none
        suppressed = ind.id in hidden
        if ind.id == "ack_minutes" and "alerts" in hidden:
            suppressed = True  # a median of a handful of alerts says too much about each
        if not ind.of:
            out[ind.id] = Value(ind, value, suppressed=suppressed, threshold=threshold)
            continue
        denominator = int(raw[ind.of] or 0)
        low = high = None
        if not suppressed and ind.of not in hidden and denominator and value is not None:
            low, high = wilson(int(value), denominator)
        out[ind.id] = Value(ind, value, denominator, suppressed, ind.of in hidden, low, high, threshold)
    return Result(out, sessions)


def per_session(marks: Iterable[Mark]) -> tuple[tuple[int, int, int], ...]:
    """Attendance by session number: (number, came, marked), in order."""
    table: dict[int, list[int]] = {}
    for m in marks:
        row = table.setdefault(m.session_number, [0, 0])
        row[0] += 1 if m.present else 0
        row[1] += 1
    return tuple((number, came, marked) for number, (came, marked) in sorted(table.items()))


# ---- targets: facilitators below the programme's own standards


@dataclass(frozen=True)
class Targets:
    attendance_percent: int = 75
    fidelity_percent: int = 80
    checks_missed_percent: int = 10
    ack_minutes: int = 30


def below_target(result: Result, targets: Targets) -> list[str]:
    """The ids of the quality indicators on which a result falls short of the targets (none for a hidden one)."""
    v = result.values
    short = []
    attendance = v["attendance_present"].proportion
    if attendance is not None and attendance * 100 < targets.attendance_percent:
        short.append("attendance_present")
    missed = v["checks_missed"].proportion
    if missed is not None and missed * 100 > targets.checks_missed_percent:
        short.append("checks_missed")
    ack = v["ack_minutes"]
    if not ack.suppressed and ack.value is not None and ack.value > targets.ack_minutes:
        short.append("ack_minutes")
    fidelity = v["fidelity_mean"].value
    if fidelity is not None and fidelity < targets.fidelity_percent:
        short.append("fidelity_mean")
    return short
