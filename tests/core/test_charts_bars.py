"""The bar chart of proportions with intervals (the programme's care cascade): pure, no database."""

from __future__ import annotations

import pytest

from openipt.core.charts import Bar, bar_chart


def test_bars_draw_values_and_intervals_and_the_table_says_the_same():
    chart = bar_chart(
        [
            Bar("Completed", 0.5, 0.2366, 0.7634, detail="5 of 10"),
            Bar("Eligible", None, note="Small number hidden"),
        ],
        title="Cascade",
        id_prefix="c1",
    )
    assert chart.svg.count('class="oi-bar"') == 1 and chart.svg.count('class="oi-interval"') == 1
    assert 'role="img"' in chart.svg and "style=" not in chart.svg
    assert "Small number hidden" in chart.svg
    assert chart.table_rows == (
        ("Completed", "50%", "24–76%", "5 of 10"),
        ("Eligible", "Small number hidden", "", ""),
    )
    assert chart.description == "Completed 50%."


def test_a_proportion_outside_nought_to_one_is_refused():
    with pytest.raises(ValueError):
        bar_chart([Bar("Too many", 1.2)], title="Cascade", id_prefix="c2")


def test_no_bars_still_draws_an_empty_frame():
    chart = bar_chart([], title="Cascade", id_prefix="c3")
    assert chart.svg.startswith("<svg") and chart.table_rows == () and chart.description == "Nothing to show."
