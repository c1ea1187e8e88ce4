"""Property tests: whatever finite data arrives, every chart is well-formed XML drawn inside its viewBox."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
    sparkline,
    timeline_chart,
    trajectory_chart,
)

NS = "{http://www.w3.org/2000/svg}"
SLACK = 0.2
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

finite = st.floats(allow_nan=False, allow_infinity=False)
score = st.one_of(st.none(), finite, st.integers(0, 27).map(float))
label = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            '<script>alert("x")</script>',
            'Tom & Jerry\'s "place"',
            "\U0001f469\u200d\U0001f467 family",
            "\u0645\u0631\u064a\u0645 \u05e9\u05dc\u05d5\u05dd",
            "\x00\x1b\ufffe",
            "",
        ]
    ),
)
kind = st.one_of(
    st.sampled_from(["death_loss", "dispute", "role_change", "isolation", "other"]), st.text(max_size=12)
)
prefix = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,20}", fullmatch=True)
days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
session = st.one_of(st.integers(-20, 400), st.floats(min_value=-1e4, max_value=1e4, allow_nan=False))
y_max = st.floats(min_value=1e-3, max_value=1e9, allow_nan=False)


def _pairs(d: str) -> list[tuple[float, float]]:
    assert re.fullmatch(r"[MLZ0-9.\- ]+", d), d
    nums = [float(v) for v in re.split(r"[MLZ ]+", d) if v]
    return list(zip(nums[0::2], nums[1::2], strict=True))


def assert_inside_viewbox(svg: str) -> ET.Element:
    """Parse the SVG and check every drawn coordinate lies inside the viewBox; return the root."""
    root = ET.fromstring(svg)
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)), "element ids must be unique"
    for ref in root.get("aria-labelledby").split():
        assert ref in ids
    defs = {el for d in root.iter(f"{NS}defs") for el in d.iter()}

    def x_ok(v: float) -> bool:
        return -SLACK <= v <= width + SLACK

    def y_ok(v: float) -> bool:
        return -SLACK <= v <= height + SLACK

    for el in root.iter():
        if el is root or el in defs:
            continue
        for a in ("x", "x1", "x2", "cx"):
            if el.get(a) is not None:
                assert x_ok(float(el.get(a))), (el.tag, a, el.get(a))
        for a in ("y", "y1", "y2", "cy"):
            if el.get(a) is not None:
                assert y_ok(float(el.get(a))), (el.tag, a, el.get(a))
        if el.tag == f"{NS}rect":
            assert float(el.get("width")) >= 0 and float(el.get("height")) >= 0
            assert x_ok(float(el.get("x")) + float(el.get("width")))
            assert y_ok(float(el.get("y")) + float(el.get("height")))
        if el.tag == f"{NS}circle":
            r = float(el.get("r"))
            assert x_ok(float(el.get("cx")) - r) and x_ok(float(el.get("cx")) + r)
            assert y_ok(float(el.get("cy")) - r) and y_ok(float(el.get("cy")) + r)
        if el.tag == f"{NS}polyline":
            for pair in el.get("points").split():
                px, py = (float(v) for v in pair.split(","))
                assert x_ok(px) and y_ok(py)
        if el.tag == f"{NS}path":
            for px, py in _pairs(el.get("d")):
                assert x_ok(px) and y_ok(py)
    assert "style=" not in svg and "<script" not in svg
    return root


@st.composite
def trajectory_inputs(draw):
    use_dates = draw(st.booleans())
    xs = days if use_dates else session
    n_series = draw(st.integers(1, 3))
    series = [
        Series(draw(label), draw(st.lists(st.builds(Point, xs, score, label), max_size=20)), draw(kind))
        for _ in range(n_series)
    ]
    points = series if n_series > 1 or draw(st.booleans()) else list(series[0].points)
    return dict(
        points=points,
        y_max=draw(y_max),
        bands=draw(st.lists(st.builds(Band, finite, finite, label, kind), max_size=6)),
        cutoff=draw(
            st.one_of(
                st.none(),
                st.builds(Cutoff, finite, label),
                st.lists(st.builds(Cutoff, finite, label), max_size=3),
            )
        ),
        phases=draw(st.lists(st.builds(Phase, xs, xs, label, kind), max_size=4)),
        events=draw(
            st.lists(st.builds(Event, xs, label, kind, st.booleans(), st.one_of(st.none(), xs)), max_size=8)
        ),
        expected=draw(
            st.one_of(st.none(), st.lists(st.builds(ExpectedRange, xs, finite, finite), max_size=20))
        ),
        title=draw(label),
        description=draw(label),
        id_prefix=draw(prefix),
        x_label=draw(label),
        y_label=draw(label),
    )


@SETTINGS
@given(trajectory_inputs())
def test_any_trajectory_is_well_formed_and_inside_its_viewbox(args):
    result = trajectory_chart(**args)
    root = assert_inside_viewbox(result.svg)
    points = args["points"]
    all_points = [p for s in points for p in s.points] if points and isinstance(points[0], Series) else points
    drawn = [el for el in root.iter() if "oi-point" in (el.get("class") or "").split()]
    assert len(drawn) == sum(1 for p in all_points if p.y is not None)
    assert all(len(row) == len(result.table_headers) for row in result.table_rows)


@SETTINGS
@given(
    st.lists(st.one_of(score, st.just(float("nan")), st.just(float("inf"))), max_size=100),
    y_max,
    prefix,
    label,
)
def test_any_sparkline_is_well_formed_and_inside_its_viewbox(values, top, pid, title):
    result = sparkline(values, y_max=top, title=title, id_prefix=pid)
    assert_inside_viewbox(result.svg)
    assert len(result.table_rows) == len(values)


@SETTINGS
@given(
    st.lists(
        st.builds(Person, label, st.sampled_from(["inner", "middle", "outer", "1", "2", "3"]), kind),
        max_size=40,
    ),
    label,
    prefix,
)
def test_any_closeness_circle_is_well_formed_and_inside_its_viewbox(people, client, pid):
    result = closeness_circle(people, client_label=client, title="t", id_prefix=pid)
    root = assert_inside_viewbox(result.svg)
    assert len([el for el in root.iter() if "oi-person" in (el.get("class") or "").split()]) == len(people)


@SETTINGS
@given(
    st.lists(st.builds(Event, days, label, kind, st.booleans(), st.one_of(st.none(), days)), max_size=12),
    days,
    days,
    st.one_of(st.none(), days),
    st.lists(st.tuples(days, score), max_size=30),
    st.one_of(st.none(), y_max),
    prefix,
)
def test_any_timeline_is_well_formed_and_inside_its_viewbox(events, start, end, onset, scores, top, pid):
    result = timeline_chart(
        events, start=start, end=end, onset=onset, scores=scores, title="t", id_prefix=pid, y_max=top
    )
    assert_inside_viewbox(result.svg)
    assert len(result.table_rows) == len(events) + len(scores) + (onset is not None)
