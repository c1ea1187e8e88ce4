"""The plain input records the chart functions take.

They are frozen dataclasses with no behaviour beyond light normalising, so callers (views, PDF reports,
the synthetic-data generator) can build them from model rows without importing anything from Django.
An x position is either a session number (int or float) or a date; one chart uses one kind throughout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

X = int | float | date
# A score given as a plain tuple: (x, y) or (x, y, label).
PointTuple = tuple[X, float | None] | tuple[X, float | None, str]


@dataclass(frozen=True)
class Point:
    """One score: ``x`` is a session number or a date; ``y`` None marks a missing score (a gap)."""

    x: X
    y: float | None
    label: str = ""


@dataclass(frozen=True)
class Series:
    """A named run of points drawn with its own colour, marker shape and dash pattern."""

    name: str
    points: Sequence[Point] = field(default_factory=tuple)
    kind: str = ""  # extra CSS class fragment: oi-series-<kind>


@dataclass(frozen=True)
class Band:
    """A severity band drawn from ``lower`` to ``upper`` in score units.

    A score equal to a boundary belongs to the band above it ([lower, upper)), except that the top
    band includes its upper edge. For PHQ-9 ``Band(5, 10, "Mild", "mild")`` holds the scores 5 to 9.
    """

    lower: float
    upper: float
    label: str
    kind: str = ""


@dataclass(frozen=True)
class Cutoff:
    """A horizontal threshold line, e.g. caseness at PHQ-9 10."""

    value: float
    label: str


@dataclass(frozen=True)
class Phase:
    """A stretch of the course along the x axis; sessions ``start`` to ``end`` inclusive."""

    start: X
    end: X
    label: str
    kind: str = ""


@dataclass(frozen=True)
class Event:
    """A life event. ``approximate`` draws a hollow marker; ``until`` draws a span from ``at``."""

    at: X
    label: str
    kind: str = "other"
    approximate: bool = False
    until: X | None = None


@dataclass(frozen=True)
class ExpectedRange:
    """The expected score range at one x position (for the not-on-track display)."""

    x: X
    lower: float
    upper: float


@dataclass(frozen=True)
class Person:
    """Someone in the closeness circle. ``ring`` is 'inner', 'middle' or 'outer'.

    ``key`` (for example the database id) makes the marker's element id ``<id_prefix>-person-<key>``,
    so a page can link to it; without a key the position in the input list is used.
    """

    name: str
    ring: str
    kind: str = ""
    key: str | int | None = None


def band_ranges(ranges: Sequence[tuple[int, int, str]], *, y_max: float) -> tuple[Band, ...]:
    """Turn published inclusive score ranges, e.g. (5, 9, "Mild"), into drawable bands up to ``y_max``."""
    bands = []
    for low, high, label in ranges:
        bands.append(Band(float(low), min(float(high) + 1, float(y_max)), label, label))
    return tuple(bands)
