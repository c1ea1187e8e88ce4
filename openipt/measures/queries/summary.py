"""What a course's questionnaires say: charts, outcome verdicts, not-on-track zones, items and due list.

Built once from rows loaded in a fixed number of queries, and used by the course panel, the
course measures page and the end-of-treatment report, so the three always agree (the report
draws the very same SVG as the page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.core import charts
from openipt.courses.models import Attendance
from openipt.courses.present import bounds_of, phase_label
from openipt.measures import access, due, instruments, outcome_actions
from openipt.measures.engine import (
    DEFINITIONS,
    CourseOutcome,
    Instrument,
    PairOutcome,
    TrackStatus,
    talking_therapies_outcome,
)
from openipt.measures.engine import course_outcome as engine_course_outcome
from openipt.measures.engine.trajectory import ZONE_DEFINITIONS
from openipt.measures.queries import outcomes

FREQUENCY_DAYS = {"weekly": 7, "fortnightly": 14, "monthly": 30}
ORDER = {"phq9": 0, "gad7": 1, "hamd17": 2}


@dataclass
class InstrumentSummary:
    inst: Instrument
    administrations: list
    chart: charts.ChartResult
    outcome: CourseOutcome
    track: tuple[TrackStatus, ...]
    table_source: str  # "default", "organisation", "mixed" or ""
    item_rows: list = field(default_factory=list)

    @property
    def latest(self):
        scored = [a for a in self.administrations if a.total is not None]
        return scored[-1] if scored else None

    @property
    def latest_track(self) -> TrackStatus | None:
        return self.track[-1] if self.track else None

    @property
    def verdicts(self) -> list:
        o = self.outcome
        return [v for v in (o.reliable_change, o.response, o.remission, o.caseness_start, o.caseness_end)
                if v.status != "not_defined"]


@dataclass
class CourseSummary:
    course: object
    instruments: list[InstrumentSummary]
    pair: PairOutcome | None
    items: list[due.DueItem]
    schedules: list
    sessions: list
    events_before: list
    wait_sessions: int

    @property
    def open_items(self) -> list[due.DueItem]:
        return [i for i in self.items if i.is_open]

    @property
    def upcoming(self) -> list[due.DueItem]:
        return [i for i in self.items if i.state == "upcoming"][:6]

    @property
    def missed(self) -> list[due.DueItem]:
        return [i for i in self.items if i.state == "missed"]


def _anchors(course, sessions) -> list[tuple[int, date]]:
    return [(s.number, timezone.localtime(s.scheduled_start).date()) for s in sessions]


def position_of(day: date, course, anchors: list[tuple[int, date]]) -> float | None:
    """Place a date on the session axis: between the sessions around it, or past the last by the frequency."""
    step = FREQUENCY_DAYS.get(course.frequency, 7)
    if day < course.start_date:
        return None
    if not anchors:
        return round(1 + (day - course.start_date).days / step, 2)
    first_n, first_d = anchors[0]
    if day <= first_d:
        return float(first_n)
    for (n0, d0), (n1, d1) in zip(anchors, anchors[1:], strict=False):
        if d0 <= day <= d1:
            span = (d1 - d0).days or 1
            return round(n0 + (n1 - n0) * (day - d0).days / span, 2)
    last_n, last_d = anchors[-1]
    top = max(course.sessions_planned, last_n)
    return round(min(top, last_n + (day - last_d).days / step), 2)


# The assessment app, above measures, gives each client's life events for the trajectory chart
# (AssessmentConfig.ready registers `timeline_events`); without it the chart shows no events.
EVENT_SOURCES: list[Callable] = []


def add_event_source(source: Callable) -> None:
    """Register a function that returns a client's life events (charts.Event) for the trajectory chart."""
    if source not in EVENT_SOURCES:
        EVENT_SOURCES.append(source)


def _life_events(client) -> list:
    return [event for source in EVENT_SOURCES for event in source(client) or []]


def _events(course, anchors):
    """Return the client's life events on the session axis, and those from before the course."""
    on_axis, before = [], []
    for event in _life_events(course.client):
        at = event.at
        if isinstance(at, date):
            x = position_of(at, course, anchors)
            if x is None:
                before.append(event)
                continue
            until = event.until
            if isinstance(until, date):
                until = position_of(until, course, anchors)
            on_axis.append(charts.Event(x, event.label, event.kind, event.approximate, until))
        else:
            on_axis.append(event)
    return on_axis, before


def _x(a, course, anchors) -> float | None:
    if a.session_number is not None:
        return a.session_number
    return position_of(outcomes.local_day(a.completed_at), course, anchors)


def _phases(course) -> list[charts.Phase]:
    bounds = bounds_of(course)
    if bounds is None:
        return []
    out = []
    for phase in ("initial", "middle", "termination"):
        numbers = bounds.sessions(phase)
        if len(numbers):
            out.append(charts.Phase(numbers[0], numbers[-1], phase_label(phase), phase))
    return out


def chart_text() -> dict[str, str]:
    return {"no_scores": _("No scores yet"), "no_score": _("No score"), "severity": _("Severity"),
            "expected": _("Expected range"), "events": _("Life events"), "phase": _("Phase"), "notes": _("Notes"),
            "score": _("Score")}


def _chart(inst, admins, course, anchors, events, track_rows, table, id_prefix):
    points = []
    for a in admins:
        x = _x(a, course, anchors)
        notes = []
        if x is None:  # answered before the course started (a screening or referral score): drawn at 0, said so
            x = 0
            notes.append(_("before the course started"))
        if a.total is None:
            notes.append(_("too many answers missing for a total"))
        elif a.prorated:
            notes.append(_("total estimated from the answers given"))
        if a.flags:
            notes.append(_("safety question answered above zero"))
        elif a.unanswered_safety_items:
            notes.append(_("the suicide question was not answered"))
        note = "; ".join(notes)
        points.append(charts.Point(x, a.total, note))
    bands = charts.band_ranges([(b.min, b.max, b.label) for b in inst.bands], y_max=inst.max_total) if inst.bands else ()
    cutoff = None
    if inst.caseness is not None:
        value, _basis = inst.caseness.cutoff_for(admins[0].sex_used if admins and admins[0].sex_used else None)
        cutoff = charts.Cutoff(value, _("Cut-off %(n)s") % {"n": value})
    expected = []
    scored = [a for a in admins if a.total is not None]
    if table is not None and scored:
        baseline = scored[0]
        band = inst.band_for(baseline.total)
        trajectory = table.for_band(band.id) if band else None
        start = baseline.session_number or 1
        if trajectory is not None:
            last = max([course.sessions_planned, *[a.session_number or 0 for a in admins]])
            for s in range(start, last + 1):
                cell = trajectory.cell(s)
                low = max(0.0, baseline.total + cell.expected_change)
                high = min(float(inst.max_total), baseline.total + cell.upper_change)
                expected.append(charts.ExpectedRange(s, round(low, 2), round(max(low, high), 2)))
    desc = _summary_sentence(inst, scored, track_rows)
    return charts.trajectory_chart(
        points, y_max=inst.max_total, bands=bands, cutoff=cutoff, phases=_phases(course), events=events,
        expected=expected or None, title=_("%(name)s scores across the course") % {"name": inst.short_name},
        description=desc, id_prefix=id_prefix, x_label=_("Session"), y_label=inst.short_name, text=chart_text())


def _summary_sentence(inst, scored, track_rows) -> str:
    if not scored:
        return _("No %(name)s scores yet.") % {"name": inst.short_name}
    first, last = scored[0], scored[-1]
    text = _("%(n)d scores. First %(first)s, latest %(last)s.") % {"n": len(scored), "first": first.total,
                                                                  "last": last.total}
    if track_rows:
        text += " " + _("Compared with the expected path: %(zone)s.") % {
            "zone": outcomes.zone_words(track_rows[-1].zone).lower()}
    return text


def _item_rows(inst, admins) -> list[dict]:
    flagged = {(a.pk, f["item"]) for a in admins for f in a.flags}
    safety = {s.item for s in inst.safety_items}
    rows = []
    for item in inst.items:
        labels = {o.value: o.label for o in item.options}
        cells = []
        for a in admins:
            value = a.answers.get(item.id)
            cells.append({"value": value, "label": labels.get(value, "") if value is not None else "",
                          "flagged": (a.pk, item.id) in flagged})
        rows.append({"item": item, "cells": cells, "safety": item.id in safety})
    return rows


def course_summary(course, *, with_items: bool = False, id_prefix: str = "m", client_id: int | None = None) -> CourseSummary:
    """Work out everything the course's questionnaires say, from a fixed number of queries.

    The scores are one person's: the course's client, or partner two of a couples course (`client_id`).
    """
    schedules, sessions, administrations = access.course_rows(course, client_id)
    settings = outcomes.org_settings(course.organisation_id)
    anchors = _anchors(course, [s for s in sessions if s.attendance != Attendance.CANCELLED] or sessions)
    events, before = _events(course, anchors)
    codes = {s.instrument_code for s in schedules} | {a.instrument_code for a in administrations}
    loaded = {c: inst for c in codes if (inst := instruments.get(c)) is not None}
    summaries = []
    for code in sorted(loaded, key=lambda c: (ORDER.get(c, 9), c)):
        inst = loaded[code]
        admins = [a for a in administrations if a.instrument_code == code]
        rows = outcomes.engine_rows([a for a in admins if a.total is not None])
        table = outcome_actions.trajectory_table(course.organisation_id, inst, settings) if instruments.has_trajectory(inst) else None
        track_rows = outcomes.track(inst, table, rows, settings.wait_sessions) if rows else ()
        sources = {b.source for b in table.bands} if table else set()
        source = "" if not sources else (sources.pop() if len(sources) == 1 else "mixed")
        sex = admins[0].sex_used if admins else ""
        outcome = engine_course_outcome(inst, rows, sex=sex or None, case_cutoff=settings.case_cutoff(code))
        chart = _chart(inst, admins, course, anchors, events, track_rows, table, f"{id_prefix}-{code.replace('_', '-')}")
        summaries.append(InstrumentSummary(inst, admins, chart, outcome, track_rows, source,
                                           _item_rows(inst, admins) if with_items else []))
    pair = None
    by_code = {s.inst.code: s for s in summaries}
    if instruments.DEPRESSION in by_code and instruments.ANXIETY in by_code:
        dep, anx = by_code[instruments.DEPRESSION], by_code[instruments.ANXIETY]
        pair = talking_therapies_outcome(
            dep.inst, anx.inst, outcomes.engine_rows([a for a in dep.administrations if a.total is not None]),
            outcomes.engine_rows([a for a in anx.administrations if a.total is not None]),
            depression_cutoff=settings.case_cutoff(dep.inst.code), anxiety_cutoff=settings.case_cutoff(anx.inst.code))
    items = due.course_items(course, schedules, sessions, administrations, client_id=client_id)
    return CourseSummary(course, summaries, pair, items, schedules, sessions, before, settings.wait_sessions)


def definitions() -> list[tuple[str, str]]:
    """Return the outcome and zone definitions for the help panel."""
    names = {
        "reliable_change": _("Reliable change"), "response": _("Response"), "remission": _("Remission"),
        "caseness_start": _("Case at the start"), "caseness_end": _("Case at the end"),
        "recovery": _("Recovery"), "reliable_improvement": _("Reliable improvement"),
        "reliable_deterioration": _("Reliable deterioration"), "reliable_recovery": _("Reliable recovery"),
        "not_enough_data": _("Not enough data"),
    }
    out = [(names[k], DEFINITIONS[k]) for k in names]
    zones = {"green": _("On track"), "amber": _("Slower than expected"), "red": _("Not on track"),
             "too_early": _("Too early to say"), "not_applicable": _("No expected path")}
    out += [(zones[k], ZONE_DEFINITIONS[k]) for k in zones]
    return out
