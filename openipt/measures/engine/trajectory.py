"""Expected trajectories and the "not on track" signal.

Compares each score in a course with where a client who started in the same severity
band would be expected to be by that session (after Lambert's OQ signal system). The
default table comes from a stated model of our own (see
docs/measures/expected-trajectories.md); `derive_table` replaces it with an
organisation's own figures once it has enough completed courses. A single early reading
is a prompt to review, not a verdict, so no amber or red is shown before `wait_sessions`.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field

from openipt.core.content import ContentFileError, ContentModel, Number, Text, Whole, check

from .errors import InstrumentFileError
from .model import Band, Instrument
from .outcomes import Administration, reliable_change, total_of
from .registry import read_yaml

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "content" / "trajectories" / "default-model.yaml"
DEFAULT_WAIT_SESSIONS = 4
DEFAULT_MIN_COURSES = 30
DEFAULT_MIN_PER_SESSION = 10
UPPER_PERCENTILE = 0.9

ZONE_DEFINITIONS = {
    "green": "On track: the score is at or better than expected for someone who started at this level, by this session.",
    "amber": "Slower than expected: the score is worse than expected by this session, but within the usual range. Worth a review.",
    "red": ("Not on track: the score is worse than the usual range for this session, or it has risen by a "
            "reliable amount since the start. Review the plan with the client and in supervision."),
    "too_early": "Too early to say: some people improve only after several sessions, so no signal is shown yet.",
    "not_applicable": "No expected trajectory: the first score was below the range the table covers.",
}


@dataclass(frozen=True)
class TrajectoryModel:
    """Parameters of the default exponential-decay model."""

    eventual_fall_fraction: float
    rate_per_session: float
    last_session: int
    instruments: tuple[str, ...]


@dataclass(frozen=True)
class ExpectedCell:
    """Expected change from baseline, and the worst usual change, at one session."""

    session: int
    expected_change: float
    upper_change: float
    n: int | None = None  # observations behind an organisation cell; None for the default model
    from_default: bool = True


@dataclass(frozen=True)
class BandTrajectory:
    """The expected trajectory for clients whose first score fell in one band."""

    band_id: str
    source: str  # "default" or "organisation"
    courses: int
    cells: tuple[ExpectedCell, ...]

    def cell(self, session: int) -> ExpectedCell:
        """Return the cell for a session, using the first or last row outside the table."""
        index = min(max(session, self.cells[0].session), self.cells[-1].session) - self.cells[0].session
        return self.cells[index]


@dataclass(frozen=True)
class TrajectoryTable:
    """Expected trajectories of one instrument, one per baseline band."""

    instrument: str
    bands: tuple[BandTrajectory, ...]

    def for_band(self, band_id: str) -> BandTrajectory | None:
        """Return the trajectory for a baseline band, or None when the table has none."""
        return next((b for b in self.bands if b.band_id == band_id), None)


@dataclass(frozen=True)
class TrackStatus:
    """Where one score sits against the expected trajectory."""

    session: int | None
    score: int
    baseline: int
    zone: str
    expected: float | None
    upper: float | None
    reason: str
    definition: str


class _ModelFile(ContentModel):
    """The shape of a trajectory model file."""

    model: Literal["exponential_decay"]
    tolerance: Literal["reliable_change"]
    eventual_fall_fraction: Number = Field(gt=0, le=1)
    rate_per_session: Number = Field(gt=0)
    last_session: Whole = Field(ge=2)
    instruments: tuple[Text, ...]


def load_model(path: Path | None = None) -> TrajectoryModel:
    """Read the default trajectory model parameters from YAML."""
    path = path or DEFAULT_MODEL_PATH
    document = read_yaml(path)
    try:
        spec = check(_ModelFile, document.data, document)
    except ContentFileError as exc:
        raise InstrumentFileError(path, [(p.line, f"{p.field}: {p.message}") for p in exc.problems]) from None
    return TrajectoryModel(float(spec.eventual_fall_fraction), float(spec.rate_per_session),
                           spec.last_session, spec.instruments)


def _require_symptom_measure(instrument: Instrument) -> None:
    if not instrument.higher_is_worse or not instrument.bands or instrument.reliable_change is None:
        raise ValueError(f"{instrument.code}: expected trajectories need a symptom measure (higher is worse) "
                         "with bands and a reliable-change rule")


def _table_bands(instrument: Instrument) -> list[Band]:
    below = instrument.remission.below if instrument.remission else None
    return [b for b in instrument.bands if below is None or b.min >= below]


def _default_band(instrument: Instrument, band: Band, model: TrajectoryModel, courses: int = 0) -> BandTrajectory:
    midpoint = (band.min + band.max) / 2
    assert instrument.reliable_change is not None  # _require_symptom_measure checked it
    tolerance = instrument.reliable_change.size
    cells = []
    for s in range(1, model.last_session + 1):
        expected = -model.eventual_fall_fraction * midpoint * (1 - math.exp(-model.rate_per_session * (s - 1)))
        cells.append(ExpectedCell(session=s, expected_change=round(expected, 2) + 0.0,
                                  upper_change=round(expected + tolerance, 2) + 0.0))
    return BandTrajectory(band_id=band.id, source="default", courses=courses, cells=tuple(cells))


def default_table(instrument: Instrument, model: TrajectoryModel | None = None) -> TrajectoryTable:
    """Build the default expected-trajectory table of an instrument from the documented model."""
    _require_symptom_measure(instrument)
    model = model or load_model()
    return TrajectoryTable(instrument.code, tuple(_default_band(instrument, b, model) for b in _table_bands(instrument)))


def _percentile(values: Sequence[float], p: float) -> float:
    """Return the p-quantile with linear interpolation between order statistics."""
    xs = sorted(values)
    h = (len(xs) - 1) * p
    lo = math.floor(h)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def derive_table(instrument: Instrument, courses: Sequence[Sequence[Administration]], *,
                 min_courses: int = DEFAULT_MIN_COURSES, min_per_session: int = DEFAULT_MIN_PER_SESSION,
                 model: TrajectoryModel | None = None) -> TrajectoryTable:
    """Derive a table from an organisation's completed courses, falling back to the default where data are thin."""
    _require_symptom_measure(instrument)
    model = model or load_model()
    bands = _table_bands(instrument)
    band_ids = {b.id for b in bands}
    course_counts: dict[str, int] = defaultdict(int)
    changes: dict[tuple[str, int], list[int]] = defaultdict(list)
    for course in courses:
        scored = sorted((a for a in course if a.total is not None),
                        key=lambda a: (a.date, -1 if a.session is None else a.session))
        if len(scored) < 2:
            continue
        base = scored[0]
        band = instrument.band_for(total_of(base))
        if band is None or band.id not in band_ids:
            continue
        course_counts[band.id] += 1
        for a in scored[1:]:
            if a.session is not None:
                changes[(band.id, a.session)].append(total_of(a) - total_of(base))
    out = []
    for band in bands:
        n_courses = course_counts[band.id]
        default = _default_band(instrument, band, model, n_courses)
        if n_courses < min_courses:
            out.append(default)
            continue
        cells = []
        for cell in default.cells:
            obs = changes.get((band.id, cell.session), [])
            if len(obs) >= min_per_session:
                cells.append(ExpectedCell(session=cell.session, expected_change=float(statistics.median(obs)),
                                          upper_change=round(_percentile(obs, UPPER_PERCENTILE), 2),
                                          n=len(obs), from_default=False))
            else:
                cells.append(ExpectedCell(cell.session, cell.expected_change, cell.upper_change, n=len(obs)))
        out.append(BandTrajectory(band_id=band.id, source="organisation", courses=n_courses, cells=tuple(cells)))
    return TrajectoryTable(instrument.code, tuple(out))


def classify(instrument: Instrument, table: TrajectoryTable, baseline: int, session: int | None, score: int, *,
             wait_sessions: int = DEFAULT_WAIT_SESSIONS) -> TrackStatus:
    """Place one score against the expected trajectory: green, amber, red, too_early or not_applicable."""
    if not instrument.higher_is_worse:
        raise ValueError(f"{instrument.code}: not-on-track signals are for symptom measures only")

    def status(zone: str, reason: str, expected: float | None = None, upper: float | None = None) -> TrackStatus:
        return TrackStatus(session, score, baseline, zone, expected, upper, reason, ZONE_DEFINITIONS[zone])

    rc = reliable_change(instrument, baseline, score)
    if rc.status == "deterioration":
        return status("red", f"reliable deterioration since the first score ({rc.detail})")
    if session is None or session < wait_sessions:
        return status("too_early", f"no signal before session {wait_sessions}")
    band = instrument.band_for(baseline)
    trajectory = table.for_band(band.id) if band else None
    if trajectory is None:
        return status("not_applicable", f"the first score ({baseline}) is outside the table's bands")
    cell = trajectory.cell(session)
    expected = round(baseline + cell.expected_change, 2)
    upper = round(baseline + cell.upper_change, 2)
    if score <= expected:
        return status("green", f"score {score} is at or better than the expected {expected:g}", expected, upper)
    if score > upper:
        return status("red", f"score {score} is worse than the usual range (up to {upper:g})", expected, upper)
    return status("amber", f"score {score} is worse than the expected {expected:g}, within the usual range "
                  f"(up to {upper:g})", expected, upper)


def classify_course(instrument: Instrument, table: TrajectoryTable, administrations: Sequence[Administration], *,
                    wait_sessions: int = DEFAULT_WAIT_SESSIONS) -> tuple[TrackStatus, ...]:
    """Classify every scored administration after the first one of a course."""
    scored = sorted((a for a in administrations if a.total is not None),
                    key=lambda a: (a.date, -1 if a.session is None else a.session))
    if len(scored) < 2:
        return ()
    base = total_of(scored[0])
    return tuple(classify(instrument, table, base, a.session, total_of(a), wait_sessions=wait_sessions)
                 for a in scored[1:])
