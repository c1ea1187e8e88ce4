"""The chart builders draw exactly what they drew before they were split into named parts.

Each case renders a chart and compares everything a page receives (SVG, title, description and
table) with the recorded output in golden/charts.json; see chart_cases.py for the inputs.
"""

from __future__ import annotations

import json

import pytest

from .chart_cases import GOLDEN, digest, named_cases, random_cases, render

RECORDED = json.loads(GOLDEN.read_text(encoding="utf-8"))
NAMED = named_cases()
RANDOM = random_cases()


def test_every_case_has_a_recorded_output():
    assert sorted(RECORDED["named"]) == sorted(NAMED)
    assert sorted(RECORDED["random"]) == sorted(RANDOM)


@pytest.mark.parametrize("name", sorted(NAMED))
def test_a_chart_draws_what_was_recorded(name):
    assert render(NAMED[name]) == RECORDED["named"][name]


@pytest.mark.parametrize("name", sorted(RANDOM))
def test_a_chart_from_seeded_random_input_draws_what_was_recorded(name):
    assert digest(render(RANDOM[name])) == RECORDED["random"][name]
