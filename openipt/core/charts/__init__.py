"""Server-side SVG charts for OpenIPT: trajectories, sparklines, the closeness circle and the timeline.

Pure functions with no Django import. Each returns a :class:`ChartResult`: inline SVG that needs no
script and no inline style (so it passes a strict CSP and prints through WeasyPrint), plus the same
numbers as table rows for people who cannot see the picture. See docs/charts.md.
"""

from ._base import DEFAULT_TEXT, ChartResult
from .bars import Bar, bar_chart
from .closeness import closeness_circle
from .palette import contrast_ratio
from .sparkline import sparkline
from .timeline import timeline_chart
from .trajectory import band_for, trajectory_chart
from .types import Band, Cutoff, Event, ExpectedRange, Person, Phase, Point, Series, band_ranges

__all__ = [
    "DEFAULT_TEXT",
    "Band",
    "Bar",
    "ChartResult",
    "Cutoff",
    "Event",
    "ExpectedRange",
    "Person",
    "Phase",
    "Point",
    "Series",
    "band_for",
    "band_ranges",
    "bar_chart",
    "closeness_circle",
    "contrast_ratio",
    "sparkline",
    "timeline_chart",
    "trajectory_chart",
]
