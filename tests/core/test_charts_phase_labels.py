"""The PHQ-9 chart's phase strip names each phase in full words, never "Termination pha…"."""

from __future__ import annotations

import re

import pytest

from openipt.core.charts import Phase, Point, trajectory_chart
from openipt.courses.present import phase_label


def phase_texts(sessions: int, initial: int, termination: int, scored: int) -> list[str]:
    bounds = {"initial": (1, initial), "middle": (initial + 1, sessions - termination),
              "termination": (sessions - termination + 1, sessions)}
    phases = [Phase(a, b, phase_label(kind), kind) for kind, (a, b) in bounds.items()]
    chart = trajectory_chart([Point(s, 20 - s) for s in range(scored + 1)], y_max=27, phases=phases,
                             title="PHQ-9", description="Scores", id_prefix="phq9", x_label="Session",
                             y_label="Score")
    strip = re.search(r'<g class="oi-phases".*?</g>', chart.svg, re.S)
    assert strip is not None
    return re.findall(r"<text[^>]*>([^<]*)</text>", strip.group(0))


# the shipped formats (openipt/protocol/content/en/formats.yaml): brief 8 sessions, individual 12 to 16
# with 3 or 4 initial sessions and 3 for termination, and the short form of 3 to 6 sessions
@pytest.mark.parametrize("sessions, initial, termination", [
    (8, 2, 2), (8, 3, 2), (12, 3, 3), (12, 4, 3), (14, 3, 3), (16, 3, 3), (16, 4, 3), (6, 1, 1), (3, 1, 1)])
def test_no_phase_label_is_cut_for_typical_course_lengths(sessions, initial, termination):
    for scored in (1, sessions):  # early in the course and at its end: the axis spans the whole course
        texts = phase_texts(sessions, initial, termination, scored)
        assert len(texts) == 3, texts
        assert not any("\u2026" in t for t in texts), texts
        assert texts[0] and texts[2].startswith("Termination"), texts
