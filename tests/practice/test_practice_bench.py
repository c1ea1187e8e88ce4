"""The practice benchmark scenarios run against synthetic data without errors, and the autosave saves each time."""

from __future__ import annotations

import pytest

from bench.harness import measure
from bench.scenarios import practice
from openipt.practice.models import Worksheet
from openipt.seed import synth


@pytest.mark.slow
def test_every_practice_scenario_answers_and_the_autosave_really_saves(db):
    world = synth.generate(300, seed=11)
    found = practice.scenarios(world)
    assert {s.name for s in found} >= {"portal.home.client", "portal.worksheet-autosave.client"}
    for scenario in found:
        result = measure(scenario, repeat=3, warmup=1)
        assert "error" not in result, result
        assert result["status"] == 200, result
    sheet = Worksheet.objects.filter(title="Friday").get()
    assert sheet.version == 1 + 1 + 1 + 1 + 3  # warm-up, query count, memory, then three timed saves
