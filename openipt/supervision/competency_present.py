"""Shapes a trainee's assessments for the pages: each item's level over time as a small chart, the table of levels
by date, and what the programme's rule still needs in words for the trainee themselves. No queries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from openipt.core.charts import sparkline
from openipt.supervision.competency.tool import Tool
from openipt.supervision.queries.competency import Observation, Readiness

COLUMNS_SHOWN = 6  # the newest observations in the table; the chart draws them all


def item_rows(tool: Tool, observations: Sequence[Observation]) -> dict[str, Any]:
    """One row per item: its title, a level chart over every observation, and the newest levels by date."""
    shown = list(observations)[-COLUMNS_SHOWN:]
    rows = []
    for item in tool.items:
        series = [o.first.levels.get(item.id) for o in observations]
        values: list[float | None] = [float(v) if isinstance(v, int) else None for v in series]
        chart = None
        if sum(1 for v in values if v is not None) >= 2:
            chart = sparkline(
                values,
                y_max=4,
                title=_("Levels of %(item)s over time") % {"item": item.title},
                id_prefix=f"cl-{item.id}"[:40],
                text={
                    "sparkline_desc": _(
                        "{count} levels from {first} to {last}; lowest {low}, highest {high}."
                    ),
                    "sparkline_one": _("One level: {last}."),
                },
            )
        cells = []
        for o in shown:
            level = o.first.levels.get(item.id)
            cells.append(
                {"level": level, "harmful": level == 1, "short": isinstance(level, int) and level < 3,
                 "name": tool.levels.get(level, "") if isinstance(level, int) else ""}
            )
        latest = series[-1] if series else None
        rows.append({"item": item, "chart": chart, "cells": cells, "latest": latest,
                     "seen": item.levels.get(latest, "") if isinstance(latest, int) else ""})
    return {
        "rows": rows,
        "dates": [date_format(o.first.observed_on, "j M Y") for o in shown],
        "sources": [o.first.get_source_display() for o in shown],
    }


def trainee_sentences(ready: Readiness) -> list[str]:
    """What the programme's rule still needs, one kind sentence each, written to the trainee."""
    out = []
    for flag in ready.open_flags:
        out.append(_("Your supervisor will talk with you about “%(item)s” and note what you agree together.")
                   % {"item": flag.item_title})
    for short in ready.shortfalls:
        title = ready.item_title(short.item_id)
        if short.code == "no_assessment":
            out.append(_("You have not had an assessment on “%(tool)s” yet. Your supervisor will plan one with you.")
                       % {"tool": ready.tool.title})
        elif short.code == "not_rated":
            out.append(_("“%(item)s” was not rated in your latest assessment.") % {"item": title})
        elif short.code == "harmful":
            out.append(_("“%(item)s” is at level 1 in your latest assessment. This is the skill to work on first, "
                         "with your supervisor's help.") % {"item": title})
        else:
            out.append(_("“%(item)s” is at level %(level)s; the programme looks for level %(min)s or more.")
                       % {"item": title, "level": short.level, "min": ready.rule.min_level})
    return out
