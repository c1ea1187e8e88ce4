"""The programme's rule for signing a trainee off to lead a group alone, applied to their latest assessment.

The default rule: no item at level 1 (potentially harmful) and every item of the tool at level 3 or more.
`shortfalls` returns what is missing, in order, so the sign-off can refuse with the reason and the page can list
every item still short.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .tool import HARMFUL, Tool

DEFAULT_MIN_LEVEL = 3


@dataclass(frozen=True)
class Rule:
    min_level: int = DEFAULT_MIN_LEVEL  # every item at this level or above
    no_harmful: bool = True  # no item at level 1
    required: bool = True  # an assessment is needed at all


@dataclass(frozen=True)
class Shortfall:
    """One reason the rule is not met: `code` is "no_assessment", "not_rated", "harmful" or "below"."""

    code: str
    item_id: str = ""
    level: int | None = None


def shortfalls(tool: Tool, levels: Mapping[str, int] | None, rule: Rule) -> list[Shortfall]:
    """What the latest assessment (`levels`: item id -> level; None when there is none) lacks under `rule`."""
    if not rule.required:
        return []
    if levels is None:
        return [Shortfall("no_assessment")]
    out: list[Shortfall] = []
    for item in tool.items:
        level = levels.get(item.id)
        if level is None:
            out.append(Shortfall("not_rated", item.id))
        elif rule.no_harmful and level == HARMFUL:
            out.append(Shortfall("harmful", item.id, level))
        elif level < rule.min_level:
            out.append(Shortfall("below", item.id, level))
    return out
