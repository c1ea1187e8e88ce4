"""Course outcomes from a list of scored administrations.

Turns a client's scores on one instrument over a course into the verdicts therapists,
clients and programmes read: reliable change, response, remission and caseness, and the
NHS Talking Therapies pair rules (recovery, reliable recovery) across PHQ-9 and GAD-7.
Each verdict carries a plain-language definition for the help panel beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from .model import Instrument

MIN_SCORED_SESSIONS = 2

DEFINITIONS: dict[str, str] = {
    "reliable_change": (
        "Reliable change means the score moved by more than the questionnaire's own "
        "measurement error, so the change is probably real. PHQ-9: 6 points or more; GAD-7: "
        "4 points or more (NHS Talking Therapies). Other questionnaires use the Jacobson-Truax "
        "reliable change index: the change divided by SD x sqrt(2) x sqrt(1 - reliability) must "
        "be above 1.96 (Jacobson & Truax 1991)."),
    "response": (
        "Response means the score fell by half or more from the first score of the course "
        "(NCQA HEDIS depression measures). It is only worked out for people who were a case at "
        "the start; for others the answer is \"not a case at the start\"."),
    "remission": (
        "Remission means the latest score is below the questionnaire's remission line: under 5 "
        "on the PHQ-9 (NCQA HEDIS). It is only worked out for people who were a case at the "
        "start; for others the answer is \"not a case at the start\"."),
    "caseness_start": (
        "A case at the start means the first score of the course was at or above the "
        "questionnaire's cut-off (PHQ-9 10 or more, GAD-7 8 or more, unless the organisation "
        "set its own in the measures settings)."),
    "caseness_end": (
        "A case at the end means the latest score is still at or above the questionnaire's cut-off."),
    "case_at_start": (
        "NHS Talking Therapies counts a person as a case at the start when the first PHQ-9 is 10 "
        "or more, or the first GAD-7 is 8 or more, or both. The first PHQ-9 and GAD-7 are the "
        "first pair filled in at the same appointment."),
    "recovery": (
        "Recovery (NHS Talking Therapies) means the person was a case at the start and, at the "
        "end, is below the cut-off on both the PHQ-9 (under 10) and the GAD-7 (under 8). Start "
        "and end each use a PHQ-9 and a GAD-7 from the same appointment: the first and the last "
        "such pair."),
    "reliable_improvement": (
        "Reliable improvement (NHS Talking Therapies) means at least one of PHQ-9 and GAD-7 fell "
        "by a reliable amount (6 and 4 points) and neither rose by a reliable amount."),
    "reliable_deterioration": (
        "Reliable deterioration means at least one of PHQ-9 and GAD-7 rose by a reliable amount "
        "and neither fell by a reliable amount."),
    "reliable_recovery": (
        "Reliable recovery (NHS Talking Therapies) means both recovery and reliable improvement."),
    "not_enough_data": (
        "A finished course needs scores from at least 2 attended sessions before outcomes are "
        "worked out (NHS Talking Therapies). The PHQ-9 and GAD-7 rules need both questionnaires "
        "filled in at the same appointment at least twice."),
}

NOT_A_CASE = "not_case_at_start"

_LABELS = {
    "improvement": "Reliable improvement", "no_reliable_change": "No reliable change",
    "deterioration": "Reliable deterioration", "response": "Response", "no_response": "No response",
    "remission": "Remission", "no_remission": "No remission", "case": "Case", "not_case": "Not a case",
    "met": "Yes", "not_met": "No", "not_defined": "Not defined for this questionnaire",
    "not_applicable": "Does not apply", "not_enough_data": "Not enough data",
    NOT_A_CASE: "Not a case at the start",
}
_MET = {"improvement", "response", "remission", "case", "met"}
_NOT_MET = {"no_reliable_change", "deterioration", "no_response", "no_remission", "not_case", "not_met"}


@dataclass(frozen=True)
class Administration:
    """One scored (or unscorable) administration in a course."""

    date: dt.date
    session: int | None
    total: int | None


def total_of(a: Administration) -> int:
    """The total of an administration known to be scored (kept by `_scored`, or filtered on a total)."""
    assert a.total is not None
    return a.total


@dataclass(frozen=True)
class Verdict:
    """One outcome verdict: a status id, a label, and the definition behind it."""

    key: str
    status: str
    label: str
    definition: str
    detail: str = ""

    @property
    def met(self) -> bool | None:
        """Return True/False for a yes/no verdict, None when it could not be decided."""
        if self.status in _MET:
            return True
        if self.status in _NOT_MET:
            return False
        return None


def _verdict(key: str, status: str, detail: str = "") -> Verdict:
    return Verdict(key=key, status=status, label=_LABELS[status], definition=DEFINITIONS[key], detail=detail)


@dataclass(frozen=True)
class CourseOutcome:
    """Outcomes of one course on one instrument."""

    instrument: str
    enough_data: bool
    scored_sessions: int
    baseline: Administration | None
    latest: Administration | None
    change: int | None
    reliable_change: Verdict
    response: Verdict
    remission: Verdict
    caseness_start: Verdict
    caseness_end: Verdict


def reliable_change(instrument: Instrument, before: int, after: int) -> Verdict:
    """Classify the change from before to after as reliable improvement, deterioration or neither."""
    rule = instrument.reliable_change
    if rule is None:
        return _verdict("reliable_change", "not_defined", f"{instrument.short_name} has no reliable-change rule.")
    diff = after - before
    better = -diff if instrument.higher_is_worse else diff
    if rule.method == "threshold":
        size = rule.size
        reliable = abs(diff) >= size
        detail = f"change {diff:+d}; reliable at {size:g} points or more"
    else:
        s_diff = rule.s_diff
        if s_diff is None:
            raise ValueError(f"{instrument.code}: unknown reliable-change method {rule.method!r}")
        rc = diff / s_diff
        reliable = abs(rc) > 1.96
        detail = f"change {diff:+d}; RC = {rc:.2f} (reliable when |RC| > 1.96)"
    if not reliable or better == 0:
        return _verdict("reliable_change", "no_reliable_change", detail)
    return _verdict("reliable_change", "improvement" if better > 0 else "deterioration", detail)


def _scored(instrument: Instrument, administrations: Iterable[Administration]) -> list[Administration]:
    out = []
    for a in administrations:
        if a.total is None:
            continue
        if isinstance(a.total, bool) or not isinstance(a.total, int):
            raise ValueError(f"{instrument.code}: total must be a whole number, not {a.total!r}")
        if not instrument.min_total <= a.total <= instrument.max_total:
            raise ValueError(f"{instrument.code}: total {a.total} is outside {instrument.min_total}-{instrument.max_total}")
        out.append(a)
    return sorted(out, key=lambda a: (a.date, -1 if a.session is None else a.session))


def _case(instrument: Instrument, key: str, total: int, sex: str | None, cutoff: int | None = None) -> Verdict:
    note = ""
    if cutoff is None:
        if instrument.caseness is None:
            return _verdict(key, "not_defined", f"{instrument.short_name} has no caseness cut-off.")
        cutoff, basis = instrument.caseness.cutoff_for(sex if sex in ("female", "male") else None)
        note = " (sex not recorded: lower cut-off used)" if basis == "sex_unknown" else ""
    status = "case" if total >= cutoff else "not_case"
    return _verdict(key, status, f"score {total}, cut-off {cutoff}{note}")


def course_outcome(instrument: Instrument, administrations: Sequence[Administration],
                   sex: str | None = None, case_cutoff: int | None = None) -> CourseOutcome:
    """Work out the outcome verdicts for one course on one instrument.

    `case_cutoff` replaces the instrument's caseness cut-off (an organisation's own setting).
    Response and remission are only worked out for someone who was a case at the start
    (HAZ-021): for anyone else they say "not a case at the start".
    """
    scored = _scored(instrument, administrations)
    sessions = len({a.session for a in scored if a.session is not None})
    baseline = scored[0] if scored else None
    latest = scored[-1] if scored else None
    start = (_case(instrument, "caseness_start", total_of(baseline), sex, case_cutoff) if baseline
             else _verdict("caseness_start", "not_enough_data"))
    if sessions < MIN_SCORED_SESSIONS or len(scored) < 2:
        detail = f"{sessions} attended {'session' if sessions == 1 else 'sessions'} with a score; {MIN_SCORED_SESSIONS} needed"
        nd = {k: _verdict(k, "not_enough_data", detail) for k in ("reliable_change", "response", "remission", "caseness_end")}
        return CourseOutcome(instrument.code, False, sessions, baseline, latest, None,
                             nd["reliable_change"], nd["response"], nd["remission"], start, nd["caseness_end"])
    assert baseline is not None and latest is not None
    first, last = total_of(baseline), total_of(latest)
    change = last - first

    not_case = start.status == "not_case"
    not_case_detail = f"first {start.detail}"
    if instrument.response is None or not instrument.higher_is_worse:
        response = _verdict("response", "not_defined", f"{instrument.short_name} has no response rule.")
    elif not_case:
        response = _verdict("response", NOT_A_CASE, not_case_detail)
    elif first == 0:
        response = _verdict("response", "not_applicable", "the first score was 0, so it cannot halve")
    else:
        frac = Fraction(str(instrument.response.fall_fraction))
        fall = first - last
        met = fall >= frac * first
        response = _verdict("response", "response" if met else "no_response",
                            f"fell {fall} of {first} points; {float(frac * first):g} needed")

    if instrument.remission is None:
        remission = _verdict("remission", "not_defined", f"{instrument.short_name} has no remission rule.")
    elif not_case:
        remission = _verdict("remission", NOT_A_CASE, not_case_detail)
    else:
        below = instrument.remission.below
        remission = _verdict("remission", "remission" if last < below else "no_remission",
                             f"latest score {last}; remission is below {below}")

    return CourseOutcome(
        instrument=instrument.code, enough_data=True, scored_sessions=sessions, baseline=baseline,
        latest=latest, change=change, reliable_change=reliable_change(instrument, first, last),
        response=response, remission=remission, caseness_start=start,
        caseness_end=_case(instrument, "caseness_end", last, sex, case_cutoff),
    )


@dataclass(frozen=True)
class PairOutcome:
    """NHS Talking Therapies outcomes across a depression and an anxiety measure.

    `first_pair` and `last_pair` are the (depression, anxiety) administrations from the same
    appointment that the rules compared; `pairs` is how many such appointments there were.
    """

    enough_data: bool
    case_at_start: Verdict
    recovery: Verdict
    reliable_improvement: Verdict
    reliable_deterioration: Verdict
    reliable_recovery: Verdict
    depression: CourseOutcome
    anxiety: CourseOutcome
    pairs: int = 0
    first_pair: tuple[Administration, Administration] | None = None
    last_pair: tuple[Administration, Administration] | None = None


def same_appointment(a: Administration, b: Administration) -> bool:
    """True when two administrations were filled in at the same appointment.

    Two numbered sessions must be the same session; otherwise they must be on the same day.
    """
    if a.session is not None and b.session is not None:
        return a.session == b.session
    return a.date == b.date


def paired_administrations(depression: Sequence[Administration], anxiety: Sequence[Administration]
                           ) -> list[tuple[Administration, Administration]]:
    """Pair each depression score with an anxiety score from the same appointment, in time order.

    Each score is used in at most one pair; a score without a partner from the same appointment
    is left out of the pair rules (NHS Talking Therapies compares the measures at the same contact).
    """
    def key(a: Administration) -> tuple[dt.date, int]:
        return (a.date, -1 if a.session is None else a.session)

    left = sorted(anxiety, key=key)
    pairs = []
    for d in sorted(depression, key=key):
        match = next((a for a in left if same_appointment(d, a)), None)
        if match is not None:
            left.remove(match)
            pairs.append((d, match))
    return pairs


def talking_therapies_outcome(depression: Instrument, anxiety: Instrument,
                              depression_admins: Sequence[Administration],
                              anxiety_admins: Sequence[Administration], *,
                              depression_cutoff: int | None = None, anxiety_cutoff: int | None = None) -> PairOutcome:
    """Apply the NHS Talking Therapies pair rules to a PHQ-9 (depression) and GAD-7 (anxiety) course.

    The start is the first appointment with both questionnaires, the end the last such one (HAZ-021):
    a PHQ-9 from one day is never set against a GAD-7 from another. The cut-offs default to the
    instruments' own and can be an organisation's setting.
    """
    for inst in (depression, anxiety):
        if inst.caseness is None or inst.caseness.cutoff is None or inst.reliable_change is None:
            raise ValueError(f"{inst.code} needs a caseness cut-off and a reliable-change rule for the pair rules")
    dep = course_outcome(depression, depression_admins, case_cutoff=depression_cutoff)
    anx = course_outcome(anxiety, anxiety_admins, case_cutoff=anxiety_cutoff)
    pairs = paired_administrations(_scored(depression, depression_admins), _scored(anxiety, anxiety_admins))
    keys = ("case_at_start", "recovery", "reliable_improvement", "reliable_deterioration", "reliable_recovery")
    if len(pairs) < 2 or not (dep.enough_data and anx.enough_data):
        detail = (f"a {depression.short_name} and a {anxiety.short_name} from the same appointment are needed at "
                  f"least twice; there {'is' if len(pairs) == 1 else 'are'} {len(pairs)}")
        v = {k: _verdict(k, "not_enough_data", detail) for k in keys}
        return PairOutcome(False, v["case_at_start"], v["recovery"], v["reliable_improvement"],
                           v["reliable_deterioration"], v["reliable_recovery"], dep, anx, len(pairs),
                           pairs[0] if pairs else None, None)
    assert depression.caseness is not None and anxiety.caseness is not None  # checked at the top
    d_cut = depression.caseness.cutoff if depression_cutoff is None else depression_cutoff
    a_cut = anxiety.caseness.cutoff if anxiety_cutoff is None else anxiety_cutoff
    assert d_cut is not None and a_cut is not None
    (d_first, a_first), (d_last, a_last) = pairs[0], pairs[-1]
    d0, a0, d1, a1 = total_of(d_first), total_of(a_first), total_of(d_last), total_of(a_last)
    case = d0 >= d_cut or a0 >= a_cut
    when0, when1 = d_first.date.isoformat(), d_last.date.isoformat()
    case_v = _verdict("case_at_start", "met" if case else "not_met",
                      f"{when0}: {depression.short_name} {d0} (case at {d_cut}+), {anxiety.short_name} {a0} (case at {a_cut}+)")
    end_ok = d1 < d_cut and a1 < a_cut
    if not case:
        recovery = _verdict("recovery", NOT_A_CASE, "not a case at the start")
    else:
        recovery = _verdict("recovery", "met" if end_ok else "not_met",
                            f"{when1}: {depression.short_name} {d1}, {anxiety.short_name} {a1}")
    statuses = (reliable_change(depression, d0, d1).status, reliable_change(anxiety, a0, a1).status)
    improved = "improvement" in statuses and "deterioration" not in statuses
    worse = "deterioration" in statuses and "improvement" not in statuses
    detail = (f"{when0} to {when1}: {depression.short_name} {d0} to {d1} ({_LABELS[statuses[0]]}); "
              f"{anxiety.short_name} {a0} to {a1} ({_LABELS[statuses[1]]})")
    ri = _verdict("reliable_improvement", "met" if improved else "not_met", detail)
    rd = _verdict("reliable_deterioration", "met" if worse else "not_met", detail)
    if not case:
        rr = _verdict("reliable_recovery", NOT_A_CASE, "not a case at the start")
    else:
        rr = _verdict("reliable_recovery", "met" if (recovery.met and improved) else "not_met",
                      f"recovery: {recovery.label}; reliable improvement: {ri.label}")
    return PairOutcome(True, case_v, recovery, ri, rd, rr, dep, anx, len(pairs), pairs[0], pairs[-1])
