"""Shapes the computed indicators for the dashboard: the cascade chart and the facilitator rows. No queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from openipt.core.charts import Bar, ChartResult, bar_chart
from openipt.programmes import indicators as ind


def cascade_chart(result: ind.Result) -> ChartResult:
    bars = []
    for v in result.section("cascade"):
        if not v.indicator.of:
            continue
        p = v.proportion
        note = _("Small number hidden") if v.suppressed or v.denominator_suppressed else _("No one to count")
        detail = "" if p is None else _("%(n)s of %(d)s") % {"n": v.shown(), "d": v.denominator}
        bars.append(
            Bar(
                v.indicator.name,
                p,
                v.low if p is not None else None,
                v.high if p is not None else None,
                note=note,
                detail=detail,
            )
        )
    return bar_chart(
        bars,
        title=_("The care cascade, in per cent of the step it comes from"),
        id_prefix="cascade",
        text={
            "bar_row": _("Step"),
            "bar_value": _("Per cent"),
            "bar_interval": _("95% interval"),
            "bar_detail": _("Count"),
            "no_value": _("No value"),
            "no_bars": _("Nothing to show."),
        },
    )


@dataclass(frozen=True)
class FacilitatorRow:
    name: str
    result: ind.Result
    below: tuple[str, ...]


def facilitator_rows(
    cohort: ind.Cohort, names: dict[int, str], *, min_sessions: int, threshold: int, targets: ind.Targets
) -> list[FacilitatorRow]:
    """One row per facilitator with anything in the period, those below a target first."""
    ids = (
        {e.facilitator for e in cohort.enrolments}
        | {m.facilitator for m in cohort.marks}
        | {a.facilitator for a in cohort.alerts}
        | {r.facilitator for r in cohort.ratings}
    )
    rows = []
    for pk in ids:
        result = ind.compute(cohort.for_facilitator(pk), min_sessions=min_sessions, threshold=threshold)
        rows.append(
            FacilitatorRow(
                names.get(pk, _("Former facilitator")), result, tuple(ind.below_target(result, targets))
            )
        )
    return sorted(rows, key=lambda r: (not r.below, r.name.lower()))
