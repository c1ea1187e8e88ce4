"""The life-event timeline from the IPT assessment, with mood scores drawn against the same dates.

IPT links the onset of an episode to what was happening in the person's relationships. Drawing the
events, the onset and the scores on one date axis lets therapist and client see that link. Each event
kind has its own marker shape; a date known only roughly is drawn hollow, and a stretch of time as a
span.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from . import _events
from ._base import (
    ChartResult,
    as_date,
    check_id_prefix,
    clean,
    css_token,
    esc,
    finite,
    fit,
    fmt_date,
    fmt_score,
    kind_label,
    merged_text,
    n,
    say,
    svg_open,
    text_el,
    text_width,
    tooltip,
)
from ._scales import Linear, XAxis, nice_ceiling, y_ticks
from .palette import AXIS, GRID, MUTED_TEXT, ONSET, SERIES_STYLES, TEXT, WHITE, marker
from .types import Event, Point, PointTuple, X

W = 440
PLOT_H = 110
TICK_FONT = 12
LANE_H = 18


def _points(scores: Sequence[object]) -> list[Point]:
    pts = []
    for s in scores:
        if isinstance(s, Point):
            pts.append(s)
        elif isinstance(s, tuple) and len(s) in (2, 3):
            pts.append(Point(*s))
        else:
            raise ValueError(f"a timeline score must be a Point or a (date, score) tuple, not {s!r}")
    return pts


def timeline_chart(
    events: Sequence[Event],
    *,
    start: date,
    end: date,
    onset: date | None = None,
    scores: Sequence[Point] | Sequence[PointTuple] = (),
    title: str,
    id_prefix: str,
    description: str | None = None,
    y_max: float | None = None,
    score_label: str | None = None,
    text: Mapping[str, str] | None = None,
) -> ChartResult:
    """Draw life events, the episode onset and optional scores on one date axis, with a table."""
    check_id_prefix(id_prefix)
    t = merged_text(text)
    start, end = sorted((as_date(start), as_date(end)))
    pts = _points(scores)
    score_label = score_label or t["score"]
    present = [v for v in (finite(pt.y) for pt in pts) if v is not None]
    top = finite(y_max) if y_max is not None else None
    if top is None or top <= 0:
        top = nice_ceiling(max(present, default=1.0))
    frame, head, placed, hidden = _frame(events, pts, onset, start, end, top, t)
    body = _grid(frame, pts, score_label)
    if onset is not None:
        body.append(_onset_line(frame, onset))
    body += _events.render(placed, top=frame.lanes_top, lane_h=LANE_H, guide_bottom=frame.pb if pts else None,
                           axis=frame.axis, x_label="", text=t)
    body.append(
        f'<line class="oi-axis" x1="{n(frame.x0)}" y1="{n(frame.pb)}" x2="{n(frame.x1)}" y2="{n(frame.pb)}" '
        f'stroke="{AXIS}"/>'
    )
    if pts:
        body.append(
            f'<line class="oi-axis" x1="{n(frame.x0)}" y1="{n(frame.pt)}" x2="{n(frame.x0)}" y2="{n(frame.pb)}" '
            f'stroke="{AXIS}"/>'
        )
        body += _scores(frame, pts, score_label)
    body += _date_labels(frame)
    if description is None:
        description = _describe(events, start, end, onset, len(present), hidden, t)
    svg = svg_open(
        width=W, height=frame.pb + 24, id_prefix=id_prefix, title=title, description=description, kind="timeline"
    )
    svg_text = "".join(svg + head + body) + "</svg>"
    return ChartResult(
        svg_text, clean(title), clean(description), *_table(events, pts, onset, frame.axis, score_label, t)
    )


@dataclass(frozen=True)
class _Frame:
    """Where everything goes: the date axis, the event lanes and the score plot under them."""

    x0: float
    x1: float
    axis: XAxis
    ys: Linear
    ticks: list[tuple[float, str]]  # score ticks
    onset_label_y: float
    lanes_top: float
    y_label_y: float | None  # None without scores
    pt: float  # top of the score plot
    pb: float  # the date axis
    t: Mapping[str, str]


def _frame(
    events: Sequence[Event],
    pts: Sequence[Point],
    onset: date | None,
    start: date,
    end: date,
    top: float,
    t: Mapping[str, str],
) -> tuple[_Frame, list[str], list[_events.Placed], bool]:
    """Lay the chart out top to bottom: legend, onset label, event lanes, score plot.

    Return the frame, the legend's markup, the events placed in lanes and whether labels were hidden.
    """
    xs: list[X] = [e.at for e in events] + [e.until for e in events if e.until is not None]
    xs += [pt.x for pt in pts] + ([onset] if onset is not None else [])
    ticks = y_ticks(top)
    left = 12.0
    if pts:
        left = max(26.0, max(text_width(lbl, TICK_FONT) for _, lbl in ticks) + 12)
    x0, x1 = left, W - 16.0
    axis = XAxis(xs, r0=x0, r1=x1, text=t, fixed=(start, end))
    head: list[str] = []
    y = 6.0
    legend_items = [(shape, colour, label, None) for shape, colour, label in _events.legend_items(events, t)]
    if legend_items:
        frag, h = _events.legend_row(legend_items, x0=4, x1=W - 4, top=y)
        head += frag
        y += h + 6
    onset_label_y = y + 10
    if onset is not None:
        y += 14
    placed, lanes, hidden = _events.layout(events, axis, x_min=4, x_max=W - 4, max_lanes=4)
    lanes_top = y
    y += max(lanes, 1) * LANE_H + 4
    y_label_y = None
    if pts:
        y_label_y = y + 10
        y += 16
        pt_, pb = y, y + PLOT_H
    else:
        pt_ = pb = y
    frame = _Frame(x0, x1, axis, Linear(0, top, pb, pt_), ticks, onset_label_y, lanes_top, y_label_y, pt_, pb, t)
    return frame, head, placed, hidden


def _grid(f: _Frame, pts: Sequence[Point], score_label: str) -> list[str]:
    """Draw the grid (date lines, and score lines when there are scores) and the score axis labels."""
    body = [f'<g class="oi-grid" stroke="{GRID}" stroke-width="0.6">']
    body += [f'<line x1="{n(tx)}" y1="{n(f.lanes_top)}" x2="{n(tx)}" y2="{n(f.pb)}"/>' for tx, _ in f.axis.ticks()]
    if pts:
        body += [f'<line x1="{n(f.x0)}" y1="{n(f.ys(v))}" x2="{n(f.x1)}" y2="{n(f.ys(v))}"/>' for v, _ in f.ticks if v > 0]
    body.append("</g>")
    if pts and f.y_label_y is not None:  # the score axis exists exactly when there are scores
        body.append(f'<g class="oi-axis-labels" font-size="{TICK_FONT}" fill="{MUTED_TEXT}" text-anchor="end">')
        body += [f'<text x="{n(f.x0 - 5)}" y="{n(f.ys(v) + TICK_FONT * 0.35)}">{lbl}</text>' for v, lbl in f.ticks]
        body.append("</g>")
        body.append(text_el(4, f.y_label_y, fit(score_label, W - 8, TICK_FONT), size=TICK_FONT, fill=TEXT,
                            cls="oi-axis-title"))
    return body


def _onset_line(f: _Frame, onset: date) -> str:
    """Draw the episode onset as a labelled dashed line from the top of the lanes to the axis."""
    ox = f.axis.pos(onset)
    label = f.t["onset"]
    lw = text_width(label, 10)
    lx = min(max(ox, 4 + lw / 2), W - 4 - lw / 2)
    return (
        '<g class="oi-onset">'
        + tooltip(f"{f.t['onset_row']}: {fmt_date(as_date(onset), f.t)}")
        + f'<line x1="{n(ox)}" y1="{n(f.onset_label_y + 3)}" x2="{n(ox)}" y2="{n(f.pb)}" stroke="{ONSET}" '
        f'stroke-width="2" stroke-dasharray="8 3"/>'
        + text_el(lx, f.onset_label_y, label, size=10, anchor="middle", fill=ONSET, weight="bold")
        + "</g>"
    )


def _scores(f: _Frame, pts: Sequence[Point], score_label: str) -> list[str]:
    """Draw the scores: a line broken where a score is missing, and one marker per score with a tooltip."""
    colour = SERIES_STYLES[0][0]
    ordered = sorted(enumerate(pts), key=lambda ip: (f.axis.num(ip[1].x), ip[0]))
    body = ['<g class="oi-series oi-series-1">']
    seg: list[str] = []
    segments = [seg]
    for _, pt in ordered:
        v = finite(pt.y)
        if v is None:
            seg = []
            segments.append(seg)
        else:
            seg.append(f"{n(f.axis.pos(pt.x))},{n(f.ys(v))}")
    for s in segments:
        if len(s) > 1:
            body.append(
                f'<polyline class="oi-line" points="{" ".join(s)}" fill="none" stroke="{colour}" '
                f'stroke-width="2" stroke-linejoin="round"/>'
            )
    for _, pt in ordered:
        v = finite(pt.y)
        if v is None:
            continue
        tip = f"{fmt_date(as_date(pt.x), f.t)}: {score_label} {fmt_score(v)}"  # type: ignore[arg-type]
        if pt.label:
            tip += f" \u2013 {pt.label}"
        body.append(marker("circle", f.axis.pos(pt.x), f.ys(v), 3.5,
                           f'class="oi-point" fill="{colour}" stroke="{WHITE}" stroke-width="1"', tooltip(tip)))
    body.append("</g>")
    return body


def _date_labels(f: _Frame) -> list[str]:
    """Draw the date tick labels under the axis, skipping any that would overlap the one before."""
    body = [f'<g class="oi-axis-labels" font-size="{TICK_FONT}" fill="{MUTED_TEXT}" text-anchor="middle">']
    last_right = -1e9
    for tx, lbl in f.axis.ticks():
        w = text_width(lbl, TICK_FONT)
        cx = min(max(tx, w / 2 + 2), W - w / 2 - 2)
        if cx - w / 2 < last_right + 4:
            continue
        body.append(f'<text x="{n(cx)}" y="{n(f.pb + 15)}">{esc(lbl)}</text>')
        last_right = cx + w / 2
    body.append("</g>")
    return body


def _describe(
    events: Sequence[Event],
    start: date,
    end: date,
    onset: date | None,
    scores: int,
    hidden: bool,
    t: Mapping[str, str],
) -> str:
    """Return the description read out for the chart when the caller gave none."""
    description = say(t, "timeline_desc", count=len(events), start=fmt_date(start, t), end=fmt_date(end, t))
    if onset is not None:
        description += say(t, "timeline_onset", date=fmt_date(as_date(onset), t))
    if scores:
        description += say(t, "timeline_scores", count=scores)
    if hidden:
        description += t["hidden_labels"]
    return description


def _table(
    events: Sequence[Event],
    pts: Sequence[Point],
    onset: date | None,
    axis: XAxis,
    score_label: str,
    t: Mapping[str, str],
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    entries: list[tuple[tuple[float, int, int], tuple[str, ...]]] = []
    if onset is not None:
        entries.append(((axis.num(onset), 0, 0), (fmt_date(as_date(onset), t), t["onset_row"], "", "")))
    for i, e in enumerate(events):
        kind = css_token(e.kind)
        entries.append(
            (
                (axis.num(e.at), 1, i),
                (_events.when_text(e, axis, "", t), " ".join(e.label.split()), kind_label(kind, t), ""),
            )
        )
    for i, pt in enumerate(pts):
        v = finite(pt.y)
        score = fmt_score(v) if v is not None else t["no_score"]
        entries.append(((axis.num(pt.x), 2, i), (fmt_date(as_date(pt.x), t), pt.label, "", score)))  # type: ignore[arg-type]
    entries.sort(key=lambda e: e[0])
    headers = (t["date"], t["event"], t["kind"], clean(score_label))
    return headers, tuple(tuple(clean(c) for c in row) for _, row in entries)
