"""What the couples pages show: the side-by-side rows and the two partners' PHQ-9 trajectories."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

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


def saved_rows(view) -> list[dict]:
    labels = dict(EntryKind.choices)
    return [{"label": labels.get(e.kind, e.kind), "text": e.text, "shared": e.shared} for e in view.entries.all()]


def _points(client):
    from openipt.core.charts import Point
    from openipt.measures import api as measures_api

    return tuple(Point(timezone.localdate(at), total) for at, total in measures_api.score_points(client, "phq9"))


def latest_scores(couple) -> list[dict]:
    from openipt.measures import api as measures_api

    out = []
    for partner in (couple.partner_one, couple.partner_two):
        points = measures_api.score_points(partner, "phq9")
        out.append({"partner": partner, "latest": points[-1][1] if points else None,
                    "when": points[-1][0] if points else None, "count": len(points)})
    return out


def phq9_chart(couple):
    """Both partners' PHQ-9 scores over time on one chart (dates on the x axis), or None with no scores."""
    from openipt.core.charts import Cutoff, Series, trajectory_chart

    one, two = _points(couple.partner_one), _points(couple.partner_two)
    if not one and not two:
        return None
    series = [Series(couple.partner_one.display_name, one), Series(couple.partner_two.display_name, two)]
    series = [s for s in series if s.points]
    description = _("PHQ-9 scores of both partners over time. Scores of 10 or more suggest depression.")
    return trajectory_chart(series, y_max=27, cutoff=Cutoff(10, _("10: likely depression")),
                            title=_("Both partners' PHQ-9 scores"), description=description,
                            id_prefix=f"couple{couple.pk}", x_label=_("Date"), y_label="PHQ-9")
