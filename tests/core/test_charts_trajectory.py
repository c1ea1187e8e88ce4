"""Behaviour of the score trajectory chart that therapists, clients and screen-reader users rely on."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from openipt.core.charts import (
    Band,
    Cutoff,
    Event,
    ExpectedRange,
    Phase,
    Point,
    Series,
    band_ranges,
    trajectory_chart,
)

NS = "{http://www.w3.org/2000/svg}"

# PHQ-9 severity bands as published (docs/clinical/sources.md, "Questionnaires"): 0–4, 5–9, 10–14, 15–19, 20–27.
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
PHASES = (Phase(1, 3, "Initial", "initial"), Phase(4, 13, "Middle", "middle"), Phase(14, 16, "Termination"))


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def with_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [el for el in root.iter() if cls in (el.get("class") or "").split()]


def chart(points, **kw):
    args = dict(
        y_max=27,
        bands=PHQ9_BANDS,
        title="PHQ-9 over the course",
        description="Scores by session.",
        id_prefix="c1",
        x_label="Session",
        y_label="PHQ-9 score",
    )
    args.update(kw)
    return trajectory_chart(points, **args)


def sixteen_sessions():
    scores = [19, 18, 17, None, 15, 14, 14, 12, 11, None, 9, 8, 8, 7, 6, 5]
    return [Point(i + 1, s) for i, s in enumerate(scores)]


def full_chart():
    return chart(
        sixteen_sessions(),
        cutoff=Cutoff(10, "Caseness 10"),
        phases=PHASES,
        events=[
            Event(2, "Argument with sister about care", "dispute"),
            Event(5, "Started a new job", "role_change"),
            Event(6, "Anniversary of father's death", "death_loss", approximate=True),
            Event(9, "Moved flat", "isolation"),
            Event(12, "Visit from an old friend", "other"),
        ],
        expected=[ExpectedRange(i, max(0, 16 - i), 22 - i) for i in range(1, 17)],
    )


def test_svg_is_labelled_by_its_title_and_desc_with_prefixed_ids():
    # Given a trajectory drawn with id prefix "c1"
    result = chart(sixteen_sessions())
    # When the SVG is parsed
    root = parse(result.svg)
    # Then it is an image labelled by its own title and desc elements
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{NS}title").get("id") == "c1-title"
    assert root.find(f"{NS}title").text == "PHQ-9 over the course"
    assert root.find(f"{NS}desc").get("id") == "c1-desc"
    assert root.find(f"{NS}desc").text == "Scores by session."
    assert root.get("width") == "100%" and root.get("viewBox").startswith("0 0 ")


def test_one_marker_per_score_and_none_for_missing_scores():
    # Given 16 sessions of which 2 have no score
    result = chart(sixteen_sessions())
    # Then exactly 14 score markers are drawn
    assert len(with_class(parse(result.svg), "oi-point")) == 14


def test_missing_score_breaks_the_line():
    # Given scores at sessions 1-3, a gap at 4, 5-9, a gap at 10, then 11-16
    result = chart(sixteen_sessions())
    # Then the line is drawn as three separate pieces
    assert len(with_class(parse(result.svg), "oi-line")) == 3


def test_table_lists_every_session_with_score_band_and_missing_marked():
    # Given the 16-session course
    result = chart(sixteen_sessions())
    # Then the table has one row per session with the published PHQ-9 band for each score
    assert result.table_headers == ("Session", "PHQ-9 score", "Severity")
    rows = {r[0]: r for r in result.table_rows}
    assert len(rows) == 16
    assert rows["1"] == ("1", "19", "Moderately severe")
    assert rows["4"] == ("4", "No score", "")
    assert rows["8"] == ("8", "12", "Moderate")
    assert rows["11"] == ("11", "9", "Mild")
    assert rows["16"] == ("16", "5", "Mild")


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "Minimal"),
        (4, "Minimal"),
        (5, "Mild"),
        (9, "Mild"),
        (10, "Moderate"),
        (14, "Moderate"),
        (15, "Moderately severe"),
        (19, "Moderately severe"),
        (20, "Severe"),
        (27, "Severe"),
    ],
)
def test_band_edges_follow_the_published_phq9_ranges(score, band):
    # Given a single score on a band edge
    result = chart([Point(1, score)])
    # Then the table names the band the published ranges put it in
    assert result.table_rows[0][2] == band


def test_band_rects_cover_the_whole_score_range_without_gaps():
    # Given PHQ-9 bands from 0 to 27
    root = parse(chart(sixteen_sessions()).svg)
    # When the band rectangles are collected
    rects = sorted(
        (float(r.get("y")), float(r.get("y")) + float(r.get("height"))) for r in with_class(root, "oi-band")
    )
    # Then they touch end to end and span the y axis exactly
    axis = with_class(root, "oi-axes")[0].findall(f"{NS}line")[0]
    top, bottom = float(axis.get("y1")), float(axis.get("y2"))
    assert len(rects) == 5
    assert rects[0][0] == pytest.approx(top, abs=0.11)
    assert rects[-1][1] == pytest.approx(bottom, abs=0.11)
    for (_, end), (start, _) in zip(rects, rects[1:], strict=False):
        assert start == pytest.approx(end, abs=0.11)


def test_band_rects_carry_theme_classes_and_labels():
    root = parse(chart(sixteen_sessions()).svg)
    classes = {c for r in with_class(root, "oi-band") for c in r.get("class").split()}
    assert {"oi-band-minimal", "oi-band-mild", "oi-band-moderate", "oi-band-severe"} <= classes
    labels = " ".join(t.text for t in with_class(root, "oi-band-label"))
    assert "Minimal" in labels and "Severe" in labels


def test_score_at_the_cutoff_sits_on_the_cutoff_line_and_zero_on_the_axis():
    # Given a score of exactly 10 (caseness) and a score of 0
    root = parse(chart([Point(1, 10), Point(2, 0), Point(3, 27)], cutoff=Cutoff(10, "Caseness 10")).svg)
    line = with_class(root, "oi-cutoff")[0]
    markers = with_class(root, "oi-point")
    axis_bottom = float(with_class(root, "oi-axes")[0].findall(f"{NS}line")[1].get("y1"))
    axis_top = float(with_class(root, "oi-axes")[0].findall(f"{NS}line")[0].get("y1"))
    # Then the 10 lies on the cut-off line, the 0 on the x axis and 27 at the top
    assert float(markers[0].get("cy")) == pytest.approx(float(line.get("y1")), abs=0.11)
    assert float(markers[1].get("cy")) == pytest.approx(axis_bottom, abs=0.11)
    assert float(markers[2].get("cy")) == pytest.approx(axis_top, abs=0.11)
    assert [t.text for t in with_class(root, "oi-cutoff-label")] == ["Caseness 10"]


def test_a_higher_score_is_drawn_higher_and_later_sessions_further_right():
    root = parse(chart([Point(1, 5), Point(2, 20)]).svg)
    a, b = with_class(root, "oi-point")
    assert float(b.get("cy")) < float(a.get("cy"))
    assert float(b.get("cx")) > float(a.get("cx"))


def test_score_above_y_max_is_kept_inside_the_plot_but_reported_truly():
    result = chart([Point(1, 40)])
    root = parse(result.svg)
    axis_top = float(with_class(root, "oi-axes")[0].findall(f"{NS}line")[0].get("y1"))
    assert float(with_class(root, "oi-point")[0].get("cy")) == pytest.approx(axis_top, abs=0.11)
    assert result.table_rows[0][1] == "40"


def test_no_scores_gives_a_clear_message_not_an_error():
    # Given no points at all
    result = chart([], phases=PHASES)
    root = parse(result.svg)
    # Then the chart says there are no scores yet and draws no markers
    assert [t.text for t in with_class(root, "oi-empty")[0].iter(f"{NS}text")] == ["No scores yet"]
    assert with_class(root, "oi-point") == []
    assert result.table_rows == ()


def test_only_missing_scores_also_shows_the_empty_message():
    result = chart([Point(1, None), Point(2, None)])
    root = parse(result.svg)
    assert with_class(root, "oi-empty")
    assert [r[1] for r in result.table_rows] == ["No score", "No score"]


def test_one_point_draws_one_marker_and_no_line():
    root = parse(chart([Point(1, 14)]).svg)
    assert len(with_class(root, "oi-point")) == 1
    assert with_class(root, "oi-line") == []
    assert not with_class(root, "oi-empty")


def test_phases_are_labelled_strips_in_session_order():
    root = parse(chart(sixteen_sessions(), phases=PHASES).svg)
    strips = with_class(root, "oi-phase")
    assert len(strips) == 3
    xs = [float(s.get("x")) for s in strips]
    assert xs == sorted(xs)
    texts = [t.text for t in with_class(root, "oi-phases")[0].iter(f"{NS}text")]
    assert texts[:2] == ["Initial", "Middle"]
    # The phase strips meet: initial ends where middle begins.
    assert float(strips[0].get("x")) + float(strips[0].get("width")) == pytest.approx(xs[1], abs=0.11)


def test_events_have_markers_with_full_label_tooltips_and_short_visible_labels():
    long = "Argument with my sister about who looks after Mum at the weekend"
    result = chart(sixteen_sessions(), events=[Event(3, long, "dispute")])
    root = parse(result.svg)
    group = with_class(root, "oi-event")[0]
    assert "oi-event-dispute" in group.get("class")
    assert long in group.find(f"{NS}title").text
    shown = [t.text for t in group.iter(f"{NS}text")][0]
    assert shown.endswith("\u2026") and len(shown) <= 18
    # And the table keeps the whole label on the event's session.
    assert result.table_headers[-1] == "Life events"
    assert dict((r[0], r[-1]) for r in result.table_rows)["3"] == f"{long} (Dispute)"


def test_approximate_event_marker_is_hollow():
    root = parse(
        chart(
            sixteen_sessions(),
            events=[
                Event(3, "Lost job", "role_change", approximate=True),
                Event(5, "New job", "role_change"),
            ],
        ).svg
    )
    hollow, solid = (g.find(f"{NS}path") for g in with_class(root, "oi-event"))
    assert hollow.get("fill") == "#ffffff"
    assert solid.get("fill") != "#ffffff"


def test_expected_range_is_drawn_and_listed():
    result = chart(sixteen_sessions(), expected=[ExpectedRange(1, 14, 20), ExpectedRange(2, 13, 19)])
    root = parse(result.svg)
    assert len(with_class(root, "oi-expected")) == 1
    assert root.find(f"{NS}defs/{NS}pattern").get("id") == "c1-hatch"
    rows = {r[0]: r for r in result.table_rows}
    assert rows["1"][result.table_headers.index("Expected range")] == "14\u201320"


def test_two_series_get_different_marker_shapes_and_dash_patterns():
    phq = Series("PHQ-9", [Point(1, 18), Point(2, 15)], "phq9")
    gad = Series("GAD-7", [Point(1, 12), Point(2, 11), Point(3, None), Point(4, 9)], "gad7")
    result = chart([phq, gad], bands=())
    root = parse(result.svg)
    groups = with_class(root, "oi-series")
    tags = [{el.tag for el in g if "oi-point" in (el.get("class") or "")} for g in groups]
    assert tags[0] != tags[1]
    assert "oi-series-gad7" in groups[1].get("class")
    lines = [g.find(f"{NS}polyline") for g in groups]
    assert lines[0].get("stroke-dasharray") != lines[1].get("stroke-dasharray")
    assert len(with_class(root, "oi-point")) == 5
    assert result.table_headers == ("Session", "PHQ-9", "GAD-7")
    assert result.table_rows[1] == ("2", "15", "11")
    assert result.table_rows[2] == ("3", "", "No score")
    assert result.table_rows[3] == ("4", "", "9")
    # The legend names both series.
    legend_text = [t.text for t in with_class(root, "oi-legend")[0].iter(f"{NS}text")]
    assert legend_text[:2] == ["PHQ-9", "GAD-7"]


def test_dates_on_the_x_axis_work_and_show_in_the_table():
    d0 = date(2024, 1, 8)
    pts = [Point(d0 + timedelta(weeks=i), 20 - i) for i in range(16)]
    result = chart(pts, events=[Event(date(2024, 2, 1), "Job loss", "role_change")], x_label="Date")
    root = parse(result.svg)
    assert len(with_class(root, "oi-point")) == 16
    assert result.table_rows[0][0] == "8 Jan 2024"
    assert any(r[0] == "1 Feb 2024" and r[-1] == "Job loss (Role change)" for r in result.table_rows)


def test_mixing_dates_and_session_numbers_is_refused():
    with pytest.raises(ValueError, match="mix dates and session numbers"):
        chart([Point(1, 5), Point(date(2024, 1, 1), 6)])


def test_bad_id_prefix_and_y_max_are_refused():
    with pytest.raises(ValueError, match="id_prefix"):
        chart([Point(1, 5)], id_prefix="1 bad")
    with pytest.raises(ValueError, match="y_max"):
        chart([Point(1, 5)], y_max=0)


def test_user_text_is_escaped_everywhere():
    nasty = "<script>alert(\"x\")</script> & 'quotes' \u202eevil \U0001f600 \u05e9\u05dc\u05d5\u05dd"
    result = chart(
        [Point(1, 12, nasty)],
        events=[Event(1, nasty, "other")],
        title=nasty,
        description=nasty,
        cutoff=Cutoff(10, nasty),
        phases=[Phase(1, 3, nasty)],
        bands=[Band(0, 27, nasty)],
    )
    assert "<script" not in result.svg
    root = parse(result.svg)
    assert root.find(f"{NS}title").text == nasty
    assert result.title == nasty
    assert result.table_rows[0][-1] == nasty


def test_control_characters_are_dropped_so_the_svg_still_parses():
    result = chart([Point(1, 12)], title="Bad\x00title\x1b", description="ok")
    assert parse(result.svg).find(f"{NS}title").text == "Badtitle"


def test_sixteen_sessions_with_everything_stays_under_20_kb():
    result = full_chart()
    assert len(result.svg.encode("utf-8")) <= 20 * 1024


def test_output_is_deterministic():
    assert full_chart() == full_chart()


def test_no_inline_style_or_script():
    svg = full_chart().svg
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg
