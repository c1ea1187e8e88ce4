"""Sample charts for eyeballing and measuring: `python -m openipt.core.charts.demo [--html FILE]`.

It exists so the size and render-time figures in docs/charts.md can be re-measured on any machine, and
so a person can open one page showing every chart (and print it through WeasyPrint) after a change.
The scores and names are invented.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import TextIO

from ._base import ChartResult, esc
from .closeness import closeness_circle
from .sparkline import sparkline
from .timeline import timeline_chart
from .trajectory import trajectory_chart
from .types import Cutoff, Event, ExpectedRange, Person, Phase, Point, Series, band_ranges

# PHQ-9 bands as published: 0–4 minimal, 5–9 mild, 10–14 moderate, 15–19 moderately severe, 20–27 severe.
PHQ9_BANDS = band_ranges(
    [
        (0, 4, "Minimal"),
        (5, 9, "Mild"),
        (10, 14, "Moderate"),
        (15, 19, "Moderately severe"),
        (20, 27, "Severe"),
    ],
    y_max=27,
)
SCORES = [19, 18, 17, None, 15, 14, 14, 12, 11, None, 9, 8, 8, 7, 6, 5]
PHASES = (
    Phase(1, 3, "Initial", "initial"),
    Phase(4, 13, "Middle", "middle"),
    Phase(14, 16, "Termination", "termination"),
)
EVENTS = (
    Event(2, "Argument with her sister about Mum's care", "dispute"),
    Event(5, "Started a new job at the clinic", "role_change"),
    Event(6, "Anniversary of her father's death", "death_loss", approximate=True),
    Event(9, "Moved flat, now living alone", "isolation"),
    Event(12, "Visit from \u0645\u0631\u064a\u0645", "other"),
)
NAMES = (
    "Mum",
    "Dad",
    "Sister Ana",
    "Brother Mateo",
    "Grandmother Rosa",
    "Best friend Chlo\u00e9",
    "Husband",
    "Boss",
    "Neighbour",
    "Priest",
    "Coach",
    "Cousin Lwazi",
    "Teacher",
    "Aunt Brigitte-Marie",
    "Uncle Bob",
    "Jo & Co",
    "Doctor",
    "Friend from school",
    "Ex-partner",
    "Daughter",
    "Son",
    "Therapist",
    "Landlord",
    "Pastor",
    "Bandmate",
    "\u05d3\u05d5\u05d3",
    "\u0633\u0627\u0631\u0629",
    'Old friend "Kiki"',
    "Flatmate",
    "Gym buddy",
)
KINDS = ("support", "conflict", "mixed", "distant", "loss", "")


def trajectory_16() -> ChartResult:
    """Draw the typical case: 16 sessions with bands, cut-off, phases, five events and an expected range."""
    return trajectory_chart(
        [Point(i + 1, s, "baseline" if i == 0 else "") for i, s in enumerate(SCORES)],
        y_max=27,
        bands=PHQ9_BANDS,
        cutoff=Cutoff(10, "Caseness 10"),
        phases=PHASES,
        events=EVENTS,
        expected=[ExpectedRange(i, max(0.0, 16 - 0.9 * i), 22 - 0.9 * i) for i in range(1, 17)],
        title="PHQ-9 across the course",
        description="PHQ-9 fell from 19 at the first session to 5 at session 16.",
        id_prefix="demo-trajectory",
        x_label="Session",
        y_label="PHQ-9 score",
    )


def trajectory_two_series() -> ChartResult:
    """Draw PHQ-9 and GAD-7 together with both caseness cut-offs."""
    phq = Series("PHQ-9", [Point(i + 1, s) for i, s in enumerate(SCORES)], "phq9")
    gad = Series(
        "GAD-7", [Point(i + 1, None if s is None else max(0, s - 5)) for i, s in enumerate(SCORES)], "gad7"
    )
    return trajectory_chart(
        [phq, gad],
        y_max=27,
        cutoff=[Cutoff(10, "PHQ-9 caseness 10"), Cutoff(8, "GAD-7 caseness 8")],
        title="PHQ-9 and GAD-7",
        description="Both scores fell over the course.",
        id_prefix="demo-two",
        x_label="Session",
        y_label="Score",
    )


def trajectory_empty() -> ChartResult:
    """Draw a course with no scores yet."""
    return trajectory_chart(
        [],
        y_max=27,
        bands=PHQ9_BANDS,
        cutoff=Cutoff(10, "Caseness 10"),
        phases=PHASES,
        title="PHQ-9 across the course",
        description="No PHQ-9 has been recorded yet.",
        id_prefix="demo-empty",
        x_label="Session",
        y_label="PHQ-9 score",
    )


def sparkline_16() -> ChartResult:
    """Draw a roster sparkline of the 16 sessions."""
    return sparkline(SCORES, y_max=27, title="PHQ-9 trend", id_prefix="demo-spark")


def closeness_30() -> ChartResult:
    """Draw a closeness circle with 30 people over the three rings."""
    rings = ("inner", "middle", "outer")
    people = [Person(name, rings[i % 3], KINDS[i % 6], i + 1) for i, name in enumerate(NAMES)]
    return closeness_circle(
        people, client_label="Maria", title="Maria's closeness circle", id_prefix="demo-circle"
    )


def timeline_years() -> ChartResult:
    """Draw three years of life events with the onset and fortnightly scores."""
    events = [
        Event(date(2021, 3, 1), "Father died", "death_loss"),
        Event(date(2022, 6, 1), "Fights with husband", "dispute", until=date(2023, 2, 1)),
        Event(date(2023, 1, 1), "Lost job", "role_change", approximate=True),
        Event(
            date(2023, 4, 1), "Stopped seeing friends", "isolation", approximate=True, until=date(2023, 9, 1)
        ),
        Event(date(2023, 8, 15), "Moved city", "other"),
    ]
    scores = [
        (date(2023, 9, 1) + timedelta(weeks=2 * i), s) for i, s in enumerate([20, 19, None, 16, 14, 12, 10])
    ]
    return timeline_chart(
        events,
        start=date(2021, 1, 1),
        end=date(2024, 1, 1),
        onset=date(2023, 3, 1),
        scores=scores,
        title="Life events and mood",
        id_prefix="demo-timeline",
        y_max=27,
        score_label="PHQ-9",
    )


SAMPLES: dict[str, Callable[[], ChartResult]] = {
    "trajectory_16_sessions": trajectory_16,
    "trajectory_two_series": trajectory_two_series,
    "trajectory_empty": trajectory_empty,
    "sparkline_16": sparkline_16,
    "closeness_30_people": closeness_30,
    "timeline_3_years": timeline_years,
}


def measure(repeat: int = 200) -> list[tuple[str, int, float]]:
    """Return (name, SVG bytes, median milliseconds per render) for each sample."""
    rows = []
    for name, build in SAMPLES.items():
        svg = build().svg
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            build()
            times.append((time.perf_counter() - t0) * 1000)
        rows.append((name, len(svg.encode("utf-8")), statistics.median(times)))
    return rows


def sample_page() -> str:
    """Return an HTML page holding every sample chart followed by its table."""
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>OpenIPT charts</title></head><body>'
    ]
    for name, build in SAMPLES.items():
        result = build()
        parts.append(f"<section><h2>{esc(name)}</h2>{result.svg}{result.table_html()}</section>")
    parts.append("</body></html>")
    return "".join(parts)


def demo_main(
    argv: list[str], stdin: TextIO | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Print size and median render time of each sample chart; `--html FILE` also writes the page."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    html_path = None
    if argv:
        if len(argv) != 2 or argv[0] != "--html":
            print("usage: demo [--html FILE]", file=err)
            return 2
        html_path = argv[1]
    for name, size, ms in measure():
        print(f"{name:24s} {size:7d} bytes {ms:7.2f} ms", file=out)
    if html_path:
        try:
            with open(html_path, "w", encoding="utf-8") as fh:
                fh.write(sample_page())
        except OSError as exc:
            print(f"cannot write {html_path}: {exc.strerror}", file=err)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(demo_main(sys.argv[1:]))
