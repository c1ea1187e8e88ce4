"""Horizontal bars of proportions, each with its 95% interval: the programme's care cascade.

One bar per row, labelled on the left with the percentage written at the bar's end, a whisker for the
interval, and a note instead of a bar when the value is hidden (a small number) or there is nothing to
show. The table carries the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ._base import ChartResult, check_id_prefix, clean, fit, merged_text, n, svg_open, text_el, tooltip
from .palette import AXIS, GRID, MUTED_TEXT, SERIES_STYLES, TEXT

W = 640.0
LABEL_W = 210.0
ROW_H = 30.0
TOP = 22.0
RIGHT_PAD = 58.0


@dataclass(frozen=True)
class Bar:
    """One row: `value` and `low`/`high` are proportions from 0 to 1 (None: nothing drawn, `note` says why)."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    note: str = ""
    detail: str = ""  # the count behind the bar ("12 of 20"), for the table and tooltip


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    id_prefix: str,
    description: str | None = None,
    text: Mapping[str, str] | None = None,
) -> ChartResult:
    """Draw proportions as horizontal bars from 0% to 100% with their intervals."""
    check_id_prefix(id_prefix)
    t = merged_text(text)
    for bar in bars:
        for v in (bar.value, bar.low, bar.high):
            if v is not None and not 0 <= v <= 1:
                raise ValueError(f"{bar.label}: proportions run from 0 to 1, not {v!r}")
    height = TOP + ROW_H * max(len(bars), 1) + 24
    plot_w = W - LABEL_W - RIGHT_PAD
    if description is None:
        shown = [f"{b.label} {100 * b.value:.0f}%" for b in bars if b.value is not None]
        description = "; ".join(shown) + "." if shown else t.get("no_bars", "Nothing to show.")
    out = svg_open(
        width=W, height=height, id_prefix=id_prefix, title=title, description=description, kind="bars"
    )
    bottom = TOP + ROW_H * max(len(bars), 1)
    for pct in (0, 25, 50, 75, 100):
        x = LABEL_W + plot_w * pct / 100
        out.append(
            f'<line x1="{n(x)}" y1="{n(TOP - 6)}" x2="{n(x)}" y2="{n(bottom)}" stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(text_el(x, bottom + 16, f"{pct}%", size=11, anchor="middle", fill=AXIS))
    colour = SERIES_STYLES[0][0]
    for i, bar in enumerate(bars):
        y = TOP + ROW_H * i
        mid = y + ROW_H / 2
        out.append(
            text_el(LABEL_W - 8, mid + 4, fit(bar.label, LABEL_W - 12, 12), size=12, anchor="end", fill=TEXT)
        )
        if bar.value is None:
            out.append(
                text_el(
                    LABEL_W + 4,
                    mid + 4,
                    bar.note or t.get("no_value", "No value"),
                    size=11,
                    fill=MUTED_TEXT,
                    cls="oi-empty",
                )
            )
            continue
        width = plot_w * bar.value
        tip = tooltip(" ".join(p for p in (bar.label, f"{100 * bar.value:.0f}%", bar.detail) if p))
        out.append(
            f'<rect class="oi-bar" x="{n(LABEL_W)}" y="{n(y + 7)}" width="{n(max(width, 1))}" '
            f'height="{n(ROW_H - 14)}" fill="{colour}">{tip}</rect>'
        )
        if bar.low is not None and bar.high is not None:
            x1, x2 = LABEL_W + plot_w * bar.low, LABEL_W + plot_w * bar.high
            out.append(
                f'<path class="oi-interval" d="M{n(x1)} {n(mid)}H{n(x2)}M{n(x1)} {n(mid - 6)}V{n(mid + 6)}'
                f'M{n(x2)} {n(mid - 6)}V{n(mid + 6)}" stroke="{TEXT}" stroke-width="1.5" fill="none"/>'
            )
        end = LABEL_W + plot_w * max(bar.value, bar.high or 0)
        out.append(text_el(end + 6, mid + 4, f"{100 * bar.value:.0f}%", size=11, fill=TEXT))
    out.append("</svg>")
    headers = (
        t.get("bar_row", "Step"),
        t.get("bar_value", "Per cent"),
        t.get("bar_interval", "95% interval"),
        t.get("bar_detail", "Count"),
    )
    rows = tuple(
        (
            clean(b.label),
            f"{100 * b.value:.0f}%" if b.value is not None else (b.note or t.get("no_value", "No value")),
            f"{100 * b.low:.0f}–{100 * b.high:.0f}%"
            if b.value is not None and b.low is not None and b.high is not None
            else "",
            clean(b.detail),
        )
        for b in bars
    )
    return ChartResult("".join(out), clean(title), clean(description), headers, rows)
