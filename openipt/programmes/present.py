"""Shapes the computed indicators for the dashboard: the cascade chart and the facilitator rows. No queries."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
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
    pk: int = 0

    def html(self) -> SafeString:
        """The row of the dashboard's facilitator table, drawn in Python: the table has up to ROWS_SHOWN rows of
        eight cells, and drawing each cell through the template took about half of drawing the whole page."""
        v = self.result.values
        alerts = v["alerts"].shown() or "0"
        breached = v["alerts_breached"].shown()
        fidelity = (f"{v['fidelity_mean'].shown()}% ({v['fidelity_ratings'].shown()})"
                    if v["fidelity_mean"].value is not None else "—")
        return format_html(
            '\n      <tr{}><th scope="row">{}</th>\n        <td>{}</td>\n        <td>{}</td>\n        <td>{}</td>'
            '\n        <td>{}{}</td>\n        <td>{}</td>\n        <td>{}</td>\n        <td>{}</td>\n      </tr>',
            mark_safe(' class="oi-below-target"') if self.below else "",  # noqa: S308 - a constant
            self.name,
            v["enrolled"].shown() or "0",
            v["attendance_present"].percent() or "—",
            v["checks_missed"].percent() or "—",
            alerts,
            format_html(" ({})", breached) if breached else "",
            v["ack_minutes"].shown() or "—",
            fidelity,
            _below_cell(self.below),
        )


def _below_cell(below: tuple[str, ...]) -> SafeString:
    """The "Below target" cell: which targets the facilitator falls short of, or "No"."""
    if not below:
        return escape(_("No"))  # escaped as `{% translate %}` escapes it
    names = {"attendance_present": _("attendance"), "checks_missed": _("questionnaires"), "ack_minutes": _("alert time")}
    listed = ", ".join(names.get(target, _("fidelity")) for target in below)
    return format_html("<strong>{}</strong> {}", _("Below target:"), listed)


# The facilitator table lists this many rows (those below a target first); a site or a facilitator narrows it.
ROWS_SHOWN = 50

# The counts the facilitator table shows, one column each; the rows of a column add up to the dashboard's total.
ROW_COUNTS = ("enrolled", "alerts", "alerts_breached", "fidelity_ratings")


def _hide_across_rows(rows: list[FacilitatorRow], total: ind.Result | None) -> list[FacilitatorRow]:
    """In a column where exactly one row's count is hidden, the total less the shown rows would give it back:
    hide the next smallest count of that column too (unless the total itself is hidden). Two hidden counts
    show only their sum, at least the threshold or itself hidden."""
    values = [dict(row.result.values) for row in rows]
    for column in ROW_COUNTS:
        if total is not None and total.values[column].suppressed:
            continue
        hidden = [i for i, v in enumerate(values) if v[column].suppressed and (v[column].value or 0) > 0]
        shown = [i for i, v in enumerate(values) if not v[column].suppressed and (v[column].value or 0) > 0]
        if len(hidden) == 1 and shown:
            second = min(shown, key=lambda i: (values[i][column].value or 0, i))
            values[second][column] = replace(values[second][column], suppressed=True, low=None, high=None)
    return [
        replace(row, result=ind.Result(v, row.result.per_session))
        for row, v in zip(rows, values, strict=True)
    ]


def facilitator_counts(cohort: ind.Cohort, *, min_sessions: int) -> dict[int, dict[str, float | None]]:
    """Each facilitator's counts (`indicators.counts` of their part of the cohort), in one pass over it."""
    return {pk: ind.counts(part, min_sessions) for pk, part in cohort.by_facilitator().items()}


def facilitator_rows(
    cohort: ind.Cohort,
    names: dict[int, str],
    *,
    min_sessions: int,
    threshold: int,
    targets: ind.Targets,
    total: ind.Result | None = None,
) -> list[FacilitatorRow]:
    """One row per facilitator with anything in the period, those below a target first.

    Small counts are hidden in each row, and a second one in any column where a single hidden count could be
    worked out from the total (`total`, the whole dashboard's result; without it, always).
    """
    return rows_from_counts(
        facilitator_counts(cohort, min_sessions=min_sessions), names, threshold=threshold, targets=targets, total=total
    )


def rows_from_counts(
    counts: dict[int, dict[str, float | None]],
    names: dict[int, str],
    *,
    threshold: int,
    targets: ind.Targets,
    total: ind.Result | None = None,
) -> list[FacilitatorRow]:
    """The facilitator rows from each facilitator's counts (made now, or kept by `openipt programme-refresh`)."""
    rows = []
    for pk, raw in counts.items():
        result = ind.from_counts(raw, threshold=threshold)
        rows.append(
            FacilitatorRow(
                names.get(pk, _("Former facilitator")), result, tuple(ind.below_target(result, targets)), pk
            )
        )
    rows.sort(key=lambda r: (not r.below, r.name.lower()))
    return _hide_across_rows(rows, total)


def keep_rows(rows: list[FacilitatorRow], counts: dict[int, dict[str, float | None]]) -> list[dict[str, object]]:
    """The first ROWS_SHOWN rows as `openipt programme-refresh` keeps them: whose, their counts, and the columns
    hidden because of the other rows (the rest of each row's hiding is worked out again from its counts)."""
    kept = []
    for row in rows[:ROWS_SHOWN]:
        alone = ind.from_counts(counts[row.pk], threshold=_threshold(row))
        across = [c for c in ROW_COUNTS if row.result.values[c].suppressed and not alone.values[c].suppressed]
        kept.append({"pk": row.pk, "counts": counts[row.pk], "across": across})
    return kept


def _threshold(row: FacilitatorRow) -> int:
    return next(iter(row.result.values.values())).threshold


def rows_from_kept(
    kept: list[dict[str, Any]], names: dict[int, str], *, threshold: int, targets: ind.Targets
) -> list[FacilitatorRow]:
    """The rows kept by `keep_rows`, drawn again: in the same order, with the same counts hidden."""
    rows = []
    for entry in kept:
        result = ind.from_counts(entry["counts"], threshold=threshold)
        values = dict(result.values)
        for column in entry["across"]:
            values[column] = replace(values[column], suppressed=True, low=None, high=None)
        result = ind.Result(values, result.per_session)
        pk = int(entry["pk"])
        rows.append(
            FacilitatorRow(names.get(pk, _("Former facilitator")), result, tuple(ind.below_target(result, targets)), pk)
        )
    return rows


# The counts made from risk alerts alone (`indicators.counts`): a supervisor's dashboard counts these now.
ALERT_COUNTS = ("alerts", "alerts_breached", "ack_minutes")


def with_live_alerts(
    kept: dict[str, Any], alerts: list[ind.Alert], *, min_sessions: int
) -> tuple[dict[str, float | None], dict[int, dict[str, float | None]], bool]:
    """A supervisor's kept figures with their risk alerts counted now (`queries.alerts_of`): the total, each
    facilitator's counts (a facilitator with nothing else and no alert now has no row, one with a new alert gets
    one), and whether there is nothing at all to show. The same numbers counting everything now would give."""
    def alert_counts(found: list[ind.Alert]) -> dict[str, float | None]:
        counted = ind.counts(ind.Cohort((), [], [], found, []), min_sessions)
        return {key: counted[key] for key in ALERT_COUNTS}

    by_facilitator: dict[int, list[ind.Alert]] = {}
    for alert in alerts:
        by_facilitator.setdefault(alert.facilitator, []).append(alert)
    total = {**kept["total"], **alert_counts(alerts)}
    each: dict[int, dict[str, float | None]] = {}
    for pk, counts in kept["each"]:
        mine = by_facilitator.pop(int(pk), [])
        if mine or counts["enrolled"] or counts["attendance_marks"] or counts["fidelity_ratings"]:
            each[int(pk)] = {**counts, **alert_counts(mine)}
    for pk, mine in by_facilitator.items():  # alerts in groups of a facilitator with nothing else kept
        each[pk] = ind.counts(ind.Cohort((), [], [], mine, []), min_sessions)
    return total, each, bool(kept["empty_but_alerts"]) and not alerts
