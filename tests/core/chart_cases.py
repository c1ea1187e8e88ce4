"""Fixed inputs for the three large chart builders, and the file that holds their recorded output.

`test_charts_golden.py` renders every case and compares it with `golden/charts.json`, written
from the code as it stood before the builders were split into named parts. Named cases keep
their whole output (a failure shows the difference); the seeded random ones keep a SHA-256 of
it. Run `python tests/core/chart_cases.py` to write the file again only when a chart's output
is meant to change, and say so in the commit.
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import date, timedelta
from functools import partial
from pathlib import Path

from openipt.core.charts import (
    Band,
    Cutoff,
    Event,
    ExpectedRange,
    Person,
    Phase,
    Point,
    Series,
    closeness_circle,
    demo,
    timeline_chart,
    trajectory_chart,
)

GOLDEN = Path(__file__).parent / "golden" / "charts.json"
LABELS = ["", "Mum", 'Tom & Jerry\'s "place"', "<script>x</script>", "\u0645\u0631\u064a\u0645 \u05e9\u05dc\u05d5\u05dd",
          "A very long label that goes on and on about what happened that week", "\U0001f469\u200d\U0001f467 family"]
KINDS = ["death_loss", "dispute", "role_change", "isolation", "other", "", "support", "conflict", "mixed", "x y"]
TEXT = {"no_data": "Nothing yet", "session": "Meeting"}


def named_cases() -> dict:
    """Return hand-picked inputs: the demo charts and the edges the pages meet."""
    return {
        "trajectory_demo": demo.trajectory_16,
        "trajectory_two_series": demo.trajectory_two_series,
        "trajectory_empty": demo.trajectory_empty,
        "trajectory_dates": lambda: trajectory_chart(
            [(date(2024, 1, 1) + timedelta(days=9 * i), s) for i, s in enumerate([21, None, 17, 12, 9])],
            y_max=27, cutoff=Cutoff(10, "Caseness"), events=[Event(date(2024, 1, 20), "Moved", "other", until=date(2024, 2, 2))],
            title="By date", description="Scores by date.", id_prefix="dates", x_label="Date", y_label="PHQ-9",
            text=TEXT),
        "trajectory_one_point": lambda: trajectory_chart(
            [Point(3, 12.5, "only")], y_max=27, bands=[Band(0, 10, "Low", "low"), Band(10, 27, "High", "high")],
            expected=[ExpectedRange(3, 8, 14)], title="One", description="One score.", id_prefix="one",
            x_label="Session", y_label="Score"),
        "closeness_demo": demo.closeness_30,
        "closeness_empty": lambda: closeness_circle([], client_label="Sam", title="Empty", id_prefix="empty"),
        "closeness_one": lambda: closeness_circle([Person("Mum", "inner", "support", 7)], client_label="Sam",
                                                  title="One", id_prefix="one", description="Only Mum.", text=TEXT),
        "closeness_unknown_ring": lambda: closeness_circle(
            [Person("A", "inner"), Person("B", "nowhere", "loss"), Person("C", "outer", "conflict", "c-1"),
             Person("", "middle", "mixed")], client_label="", title="Odd", id_prefix="odd"),
        "closeness_unknown_kinds": lambda: closeness_circle(
            [Person("A", "inner", "x y"), Person("B", "outer", "<b>"), Person("C", "middle", "support", "c-1")],
            client_label="Me", title="Kinds", id_prefix="kinds"),
        "timeline_demo": demo.timeline_years,
        "timeline_empty": lambda: timeline_chart([], start=date(2024, 1, 1), end=date(2024, 3, 1), title="Empty",
                                                 id_prefix="empty"),
        "timeline_reversed_outside": lambda: timeline_chart(
            [Event(date(2019, 5, 1), "Before", "dispute"), Event(date(2024, 6, 1), "After", "death_loss", True),
             Event(date(2022, 2, 2), "Inside", "role_change", until=date(2030, 1, 1))],
            start=date(2023, 1, 1), end=date(2021, 1, 1), onset=date(2022, 1, 1), scores=[Point(date(2022, 3, 1), 9)],
            title="Reversed", id_prefix="rev", description="Dates given backwards.", y_max=27, score_label="PHQ-9",
            text=TEXT),
    }


def _x(rng: random.Random, dated: bool):
    return date(2020, 1, 1) + timedelta(days=rng.randint(-400, 1500)) if dated else rng.choice(
        [rng.randint(-3, 40), round(rng.uniform(-5, 60), 2)])


def _trajectory(rng: random.Random, i: int):
    dated = rng.random() < 0.3
    y_max = rng.choice([27, 21, 10, 63, 0.5])
    score = lambda: rng.choice([None, rng.randint(0, 27), round(rng.uniform(-5, 70), 1)])  # noqa: E731
    series = [Series(rng.choice(LABELS) or "S", [Point(_x(rng, dated), score(), rng.choice(LABELS))
                                                  for _ in range(rng.randint(0, 20))], rng.choice(KINDS))
              for _ in range(rng.randint(1, 3))]
    kwargs = dict(
        y_max=y_max,
        bands=[Band(lo, lo + rng.randint(1, 9), rng.choice(LABELS), rng.choice(KINDS)) for lo in range(0, 27, 7)
               if rng.random() < 0.6],
        cutoff=[Cutoff(rng.randint(0, 30), rng.choice(LABELS)) for _ in range(rng.randint(0, 2))],
        phases=[Phase(a, a + 3, rng.choice(LABELS), rng.choice(KINDS)) for a in (1, 5, 9) if rng.random() < 0.5 and not dated],
        events=[Event(_x(rng, dated), rng.choice(LABELS), rng.choice(KINDS), rng.random() < 0.3) for _ in range(rng.randint(0, 6))],
        expected=[ExpectedRange(x, max(0, 15 - x), 20 - x / 2) for x in range(1, 12)] if rng.random() < 0.4 and not dated else None,
        title=rng.choice(LABELS) or "T", description="d", id_prefix=f"t{i}", x_label="Session", y_label="Score",
        text=TEXT if rng.random() < 0.3 else None)
    return partial(trajectory_chart, series, **kwargs)


def _closeness(rng: random.Random, i: int):
    keys = rng.sample([None] * 40 + list(range(1, 99)) + ["k"], 40)[: rng.randint(0, 40)]  # unique, or None
    people = [Person(rng.choice(LABELS), rng.choice(["inner", "middle", "outer", "inner"]), rng.choice(KINDS), key)
              for key in keys]
    return partial(closeness_circle, people, client_label=rng.choice(LABELS), title="C", id_prefix=f"c{i}",
                   description=rng.choice([None, "d"]), text=TEXT if rng.random() < 0.3 else None)


def _timeline(rng: random.Random, i: int):
    start = date(2018, 1, 1) + timedelta(days=rng.randint(0, 2000))
    end = start + timedelta(days=rng.randint(-100, 3000))
    events = [Event(_x(rng, True), rng.choice(LABELS), rng.choice(KINDS), rng.random() < 0.4,
                    _x(rng, True) if rng.random() < 0.3 else None) for _ in range(rng.randint(0, 12))]
    scores = [(_x(rng, True), rng.choice([None, rng.randint(0, 27)])) for _ in range(rng.randint(0, 10))]
    return partial(timeline_chart, events, start=start, end=end, onset=rng.choice([None, _x(rng, True)]), scores=scores,
                   title="T", id_prefix=f"l{i}", description=rng.choice([None, "d"]), y_max=rng.choice([None, 27, 10]),
                   score_label=rng.choice([None, "PHQ-9"]), text=TEXT if rng.random() < 0.3 else None)


def random_cases(count: int = 25) -> dict:
    """Return seeded random inputs for each builder (the same every run)."""
    cases = {}
    for name, build in (("trajectory", _trajectory), ("closeness", _closeness), ("timeline", _timeline)):
        rng = random.Random(f"golden-{name}")
        for i in range(count):
            cases[f"{name}_random_{i}"] = build(rng, i)
    return cases


def render(case) -> dict:
    """Return everything a chart hands to a page, as plain JSON values."""
    try:
        result = case()
    except ValueError as exc:
        return {"error": str(exc)}
    return {"svg": result.svg, "title": result.title, "description": result.description,
            "headers": list(result.table_headers), "rows": [list(r) for r in result.table_rows]}


def digest(rendered: dict) -> str:
    return hashlib.sha256(json.dumps(rendered, sort_keys=True).encode()).hexdigest()


def write() -> None:
    data = {"named": {k: render(c) for k, c in named_cases().items()},
            "random": {k: digest(render(c)) for k, c in random_cases().items()}}
    GOLDEN.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write()
