"""Competency assessments for tests, made through the real action."""

from __future__ import annotations

from openipt.supervision import competency_actions
from openipt.supervision.competency_tools import tool
from tests.support.people import actor


def levels(level: int = 3, **overrides: int) -> dict[str, int]:
    """Every item of the shipped tool at `level`, with some items at other levels."""
    return {item.id: overrides.get(item.id, level) for item in tool().items}


def assess(rater, trainee, level: int = 3, source: str = "role_play", **overrides: int):
    """A first rating of `trainee` by `rater` (memberships) with every item at `level` unless overridden."""
    return competency_actions.assess(
        actor(rater), trainee.pk, levels=levels(level, **overrides), source=source
    )
