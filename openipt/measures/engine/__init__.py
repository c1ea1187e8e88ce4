"""The measurement engine of OpenIPT: instruments as data, scoring, outcomes, trajectories.

Pure Python with no Django import, so it can be tested fast and reused by the web app,
the command line and the exporters alike. Instruments are YAML files in
`openipt/measures/content/`; a site adds its own (for example a licensed scale) by
passing extra directories to `load_instruments`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from .errors import (
    AnswerTypeError,
    AnswerValueError,
    InstrumentFileError,
    MeasuresError,
    ScoringError,
    UnknownInstrumentError,
    UnknownItemError,
)
from .model import Band, Caseness, Instrument, Item, Option, ReliableChange, SafetyItem
from .outcomes import (
    DEFINITIONS,
    MIN_SCORED_SESSIONS,
    Administration,
    CourseOutcome,
    PairOutcome,
    Verdict,
    course_outcome,
    reliable_change,
    talking_therapies_outcome,
)
from .registry import SHIPPED_DIR, Registry, load_directories, load_file
from .scoring import BandResult, SafetyFlag, ScoreResult, ScreenResult, score
from .trajectory import (
    DEFAULT_WAIT_SESSIONS,
    BandTrajectory,
    ExpectedCell,
    TrackStatus,
    TrajectoryModel,
    TrajectoryTable,
    classify,
    classify_course,
    default_table,
    derive_table,
    load_model,
)


@lru_cache(maxsize=1)
def _default_registry() -> Registry:
    return load_directories([SHIPPED_DIR])


def load_instruments(extra_dirs: Iterable[Path | str] = ()) -> Registry:
    """Return the shipped instruments plus those of extra_dirs (the shipped set alone is cached)."""
    extra = [Path(d) for d in extra_dirs]
    if not extra:
        return _default_registry()
    return load_directories([SHIPPED_DIR, *extra])


__all__ = [
    "DEFAULT_WAIT_SESSIONS", "DEFINITIONS", "MIN_SCORED_SESSIONS", "SHIPPED_DIR",
    "Administration", "AnswerTypeError", "AnswerValueError", "Band", "BandResult",
    "BandTrajectory", "Caseness", "CourseOutcome", "ExpectedCell", "Instrument",
    "InstrumentFileError", "Item", "MeasuresError", "Option", "PairOutcome", "Registry",
    "ReliableChange", "SafetyFlag", "SafetyItem", "ScoreResult", "ScoringError",
    "ScreenResult", "TrackStatus", "TrajectoryModel", "TrajectoryTable",
    "UnknownInstrumentError", "UnknownItemError", "Verdict", "classify", "classify_course",
    "course_outcome", "default_table", "derive_table", "load_directories", "load_file",
    "load_instruments", "load_model", "reliable_change", "score", "talking_therapies_outcome",
]
