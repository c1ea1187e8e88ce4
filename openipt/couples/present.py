"""What the couples pages show, shaped from rows already loaded (no queries): the side-by-side rows and the two
partners' PHQ-9 trajectories. The rows themselves are read in `openipt/couples/queries.py`."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.core.charts import Cutoff, Point, Series, trajectory_chart
from openipt.couples.models import EntryKind


def side_by_side(couple, entries) -> list[dict]:
    """One row per kind of entry with partner one's and partner two's answer (and whether it is shared)."""
    by = {(e.view.author_id, e.kind): e for e in entries}
    rows = []
    for kind, label in EntryKind.choices:
        rows.append({
            "kind": kind, "label": label,
            "one": by.get((couple.partner_one_id, kind)),
            "two": by.get((couple.partner_two_id, kind)),
        })
    return rows


def latest_scores(couple, points: dict[int, list[tuple]]) -> list[dict]:
    out = []
    for partner in (couple.partner_one, couple.partner_two):
        mine = points.get(partner.pk, [])
        out.append({"partner": partner, "latest": mine[-1][1] if mine else None,
                    "when": mine[-1][0] if mine else None, "count": len(mine)})
    return out


def phq9_chart(couple, points: dict[int, list[tuple]]):
    """Both partners' PHQ-9 scores over time on one chart (dates on the x axis), or None with no scores."""
    series = [
        Series(partner.display_name, tuple(Point(timezone.localdate(at), total) for at, total in points.get(partner.pk, [])))
        for partner in (couple.partner_one, couple.partner_two)
    ]
    series = [s for s in series if s.points]
    if not series:
        return None
    description = _("PHQ-9 scores of both partners over time. Scores of 10 or more suggest depression.")
    return trajectory_chart(series, y_max=27, cutoff=Cutoff(10, _("10: likely depression")),
                            title=_("Both partners' PHQ-9 scores"), description=description,
                            id_prefix=f"couple{couple.pk}", x_label=_("Date"), y_label="PHQ-9")
