"""Sparklines, shared text handling and the colour palette of the charts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from openipt.core.charts import ChartResult, contrast_ratio, sparkline
from openipt.core.charts import palette as P
from openipt.core.charts._base import fit, text_width, truncate

NS = "{http://www.w3.org/2000/svg}"


def with_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [el for el in root.iter() if cls in (el.get("class") or "").split()]


# --- sparkline -----------------------------------------------------------------------------------


def test_sparkline_is_small_accessible_and_describes_the_numbers():
    # Given a 16-entry PHQ-9 history with two missing scores
    values = [19, 18, 17, None, 15, 14, 14, 12, 11, None, 9, 8, 8, 7, 6, 5]
    result = sparkline(values, y_max=27, title="PHQ-9 trend for Ana", id_prefix="sp-7")
    root = ET.fromstring(result.svg)
    # Then it stays under 1.5 KB, is labelled, and says first/last/lowest/highest in words
    assert len(result.svg.encode()) <= 1536
    assert root.get("role") == "img" and root.get("aria-labelledby") == "sp-7-title sp-7-desc"
    assert result.description == "14 scores. First 19, last 5, lowest 5, highest 19."
    assert root.find(f"{NS}desc").text == result.description
    assert result.table_rows[3] == ("4", "No score")
    assert len(result.table_rows) == 16
    # The two gaps split the line into three pieces and the latest score gets a dot.
    assert len(with_class(root, "oi-line")) == 3
    assert len(with_class(root, "oi-last")) == 1


def test_sparkline_with_sixty_entries_stays_under_1_5_kb():
    result = sparkline([(i * 7) % 28 for i in range(60)], y_max=27, title="PHQ-9", id_prefix="s")
    assert len(result.svg.encode()) <= 1536


def test_sparkline_draws_only_the_last_sixty_and_says_so():
    result = sparkline(list(range(80)), y_max=100, title="t", id_prefix="s")
    points = with_class(ET.fromstring(result.svg), "oi-line")[0].get("points").split()
    assert len(points) == 60
    assert "last 60 of 80" in result.description
    assert len(result.table_rows) == 80


def test_sparkline_without_scores_says_so():
    result = sparkline([], y_max=27, title="PHQ-9", id_prefix="s")
    root = ET.fromstring(result.svg)
    assert with_class(root, "oi-empty")[0].text == "No scores yet"
    assert result.description == "No scores yet"
    assert result.table_rows == ()


def test_sparkline_single_score():
    result = sparkline([None, 5], y_max=27, title="PHQ-9", id_prefix="s")
    assert result.description == "One score: 5."
    assert len(with_class(ET.fromstring(result.svg), "oi-point")) == 1


def test_sparkline_lower_score_is_drawn_lower():
    root = ET.fromstring(sparkline([27, 0], y_max=27, title="t", id_prefix="s").svg)
    (a, b) = [tuple(map(float, p.split(","))) for p in with_class(root, "oi-line")[0].get("points").split()]
    assert b[1] > a[1]


def test_sparkline_text_can_be_translated():
    result = sparkline([], y_max=27, title="PHQ-9", id_prefix="s", text={"no_scores": "Sin puntuaciones"})
    assert "Sin puntuaciones" in result.svg


# --- text handling ---------------------------------------------------------------------------------


def test_truncate_keeps_short_text_and_marks_cut_text():
    assert truncate("Mum", 18) == "Mum"
    assert truncate("Grandmother Rosalind", 8) == "Grandmo\u2026"


def test_truncate_never_splits_an_emoji_sequence_or_an_accent():
    family = "\U0001f469\u200d\U0001f467"  # woman ZWJ girl: one visible emoji
    assert truncate((family + "x") * 10, 3) == family + "x\u2026"
    accented = "e\u0301" * 10  # e + combining acute, ten times
    assert truncate(accented, 4) == "e\u0301" * 3 + "\u2026"


def test_fit_shortens_to_the_width_it_is_given():
    long = "Moderately severe depression band"
    short = fit(long, 60, 10)
    assert short.endswith("\u2026")
    assert text_width(short, 10) <= 60


def test_wide_characters_count_wider_than_latin():
    assert text_width("\u6f22\u5b57", 10) > text_width("ab", 10)


def test_table_html_escapes_and_uses_header_cells():
    result = ChartResult("<svg/>", "A & B", "d", ("Who", "Score"), (("<b>Ana</b>", "5"),))
    html = result.table_html()
    assert "<caption>A &amp; B</caption>" in html
    assert '<th scope="row">&lt;b&gt;Ana&lt;/b&gt;</th>' in html
    assert '<th scope="col">Score</th>' in html


# --- colours ---------------------------------------------------------------------------------------


def test_contrast_ratio_matches_the_wcag_extremes():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
    # #767676 on white is the well-known just-passing grey (4.54:1).
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_lines_and_markers_reach_3_to_1_on_every_background_they_sit_on():
    backgrounds = (P.WHITE, P.EXPECTED_FILL, *P.BAND_FILLS)
    for colour, _shape, _dash in P.SERIES_STYLES:
        for bg in backgrounds:
            assert contrast_ratio(colour, bg) >= 3, (colour, bg)
    for colour, _shape in P.EVENT_STYLES.values():
        assert contrast_ratio(colour, P.WHITE) >= 3
    for colour, _shape in [*P.PERSON_STYLES.values(), P.PERSON_DEFAULT]:
        for bg in P.RING_FILLS:
            assert contrast_ratio(colour, bg) >= 3, (colour, bg)
    for colour in (P.AXIS, P.CUTOFF, P.ONSET, P.RING_LINE, P.EXPECTED_LINE):
        assert contrast_ratio(colour, P.WHITE) >= 3


def test_text_reaches_4_5_to_1_on_its_background():
    for bg in (P.WHITE, *P.BAND_FILLS, *P.PHASE_FILLS, *P.RING_FILLS):
        assert contrast_ratio(P.TEXT, bg) >= 4.5, bg
    for bg in (P.WHITE, *P.RING_FILLS):
        assert contrast_ratio(P.MUTED_TEXT, bg) >= 4.5, bg
    assert contrast_ratio(P.CUTOFF, P.WHITE) >= 4.5  # cut-off label sits on a white box
    assert contrast_ratio(P.WHITE, P.CLIENT_FILL) >= 4.5  # client name in the centre disc


def test_series_and_event_kinds_differ_by_shape_not_only_colour():
    shapes = [shape for _c, shape, _d in P.SERIES_STYLES]
    assert len(set(shapes)) == len(shapes)
    kinds = ["death_loss", "dispute", "role_change", "isolation", "other"]
    assert len({P.EVENT_STYLES[k][1] for k in kinds}) == 5


def test_a_broken_translation_falls_back_to_english_instead_of_failing():
    # Given a translated sentence with a misspelt placeholder
    result = sparkline([4, 6], y_max=27, title="t", id_prefix="s", text={"sparkline_desc": "{cuenta} puntuaciones"})
    # Then the English sentence is used rather than raising
    assert result.description == "2 scores. First 4, last 6, lowest 4, highest 6."
