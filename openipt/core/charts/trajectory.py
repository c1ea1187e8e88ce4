"""The score trajectory across a course: severity bands, cut-off, phases, life events, expected range.

This is the chart a therapist and client look at together each session, so it has to say the same
thing to someone who cannot see it: every number drawn is also a row in the returned table, bands and
phases carry written labels, and each series has its own marker shape and dash pattern.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import _events
from ._base import (
    ChartResult,
    check_id_prefix,
    clean,
    css_token,
    esc,
    finite,
    fit,
    fit_words,
    fmt_score,
    join_nonempty,
    kind_label,
    merged_text,
    n,
    svg_open,
    text_el,
    text_width,
    tooltip,
)
from ._scales import Linear, XAxis, y_ticks
from .palette import (
    AXIS,
    BAND_FILLS,
    CUTOFF,
    EXPECTED_FILL,
    EXPECTED_HATCH,
    EXPECTED_LINE,
    GRID,
    GUIDE,
    MUTED_TEXT,
    PHASE_FILLS,
    TEXT,
    WHITE,
    marker,
    series_style,
)
from .types import Band, Cutoff, Event, ExpectedRange, Phase, Point, PointTuple, Series

W = 440
PLOT_H = 190
TICK_FONT = 12
SMALL = 10.5


def _as_series(points: Sequence[object], y_label: str) -> list[Series]:
    items = list(points)
    given = [p for p in items if isinstance(p, Series)]
    if items and len(given) == len(items):
        return given
    pts: list[Point] = []
    for p in items:
        if isinstance(p, Point):
            pts.append(p)
        elif isinstance(p, tuple) and len(p) in (2, 3):
            pts.append(Point(*p))
        else:
            raise ValueError(f"a trajectory point must be a Point or an (x, y[, label]) tuple, not {p!r}")
    return [Series(y_label, tuple(pts))]


def _wrap(label: str, width: float, size: float) -> list[str]:
    """Split a band label over at most two lines that fit ``width``."""
    words = " ".join(label.split())
    if text_width(words, size) <= width or " " not in words:
        return [fit(words, width, size)]
    parts = words.split(" ")
    best = None
    for k in range(1, len(parts)):
        a, b = " ".join(parts[:k]), " ".join(parts[k:])
        worst = max(text_width(a, size), text_width(b, size))
        if best is None or worst < best[0]:
            best = (worst, a, b)
    assert best is not None
    return [fit(best[1], width, size), fit(best[2], width, size)]


def band_for(value: float, bands: Sequence[Band]) -> str:
    """Return the label of the band holding ``value`` ('' when none does)."""
    ordered = sorted(bands, key=lambda b: (b.lower, b.upper))
    for i, b in enumerate(ordered):
        if b.lower <= value < b.upper or (i == len(ordered) - 1 and value == b.upper):
            return b.label
    return ""


def trajectory_chart(
    points: Sequence[Point] | Sequence[PointTuple] | Sequence[Series],
    *,
    y_max: float,
    bands: Sequence[Band] = (),
    cutoff: Cutoff | Sequence[Cutoff] | None = None,
    phases: Sequence[Phase] = (),
    events: Sequence[Event] = (),
    expected: Sequence[ExpectedRange] | None = None,
    title: str,
    description: str,
    id_prefix: str,
    x_label: str,
    y_label: str,
    text: Mapping[str, str] | None = None,
) -> ChartResult:
    """Draw scores across sessions (or dates) as an accessible SVG with a matching table."""
    check_id_prefix(id_prefix)
    top_y = finite(y_max)
    if top_y is None or top_y <= 0:
        raise ValueError(f"y_max must be a positive number, not {y_max!r}")
    t = merged_text(text)
    series = _as_series(points, y_label)
    cutoffs = [] if cutoff is None else [cutoff] if isinstance(cutoff, Cutoff) else list(cutoff)
    cutoffs = [c for c in cutoffs if finite(c.value) is not None]
    ranges = [e for e in (expected or ()) if finite(e.lower) is not None and finite(e.upper) is not None]
    bands = sorted(
        (b for b in bands if finite(b.lower) is not None and finite(b.upper) is not None),
        key=lambda b: (b.lower, b.upper),
    )
    frame, head, placed = _frame(series, bands, ranges, phases, events, top_y, id_prefix, t)
    body = _bands(frame, bands, top_y) + _grid(frame)
    body += _phases(frame, phases) + _expected_area(frame, ranges) + _cutoff_lines(frame, cutoffs)
    body += _events.render(
        placed, top=frame.events_top, lane_h=16, guide_bottom=frame.pb, axis=frame.axis, x_label=x_label, text=t
    )
    body.append(
        f'<g class="oi-axes" stroke="{AXIS}" stroke-width="1"><line x1="{n(frame.x0)}" y1="{n(frame.pt)}" '
        f'x2="{n(frame.x0)}" y2="{n(frame.pb)}"/><line x1="{n(frame.x0)}" y1="{n(frame.pb)}" '
        f'x2="{n(frame.x1)}" y2="{n(frame.pb)}"/></g>'
    )
    drawn = 0
    for i, s in enumerate(series):
        drawn += _draw_series(body, frame, i, s, multiple=len(series) > 1, bands=bands, x_label=x_label)
    if drawn == 0:
        body.append(_no_scores_note(frame))
    body += _axis_labels(frame, x_label, y_label)
    svg = svg_open(
        width=W, height=frame.height, id_prefix=id_prefix, title=title, description=description, kind="trajectory"
    )
    svg_text = "".join(svg + [_hatch_defs(id_prefix) if ranges else ""] + head + body) + "</svg>"
    headers, rows = _table(series, bands, ranges, phases, events, frame.axis, x_label, y_label, t)
    return ChartResult(svg_text, clean(title), clean(description), headers, rows)


@dataclass(frozen=True)
class _Frame:
    """Where everything goes: the plot's left and right edges, its top and bottom, and the strips around it."""

    x0: float
    x1: float
    gutter: float  # room on the right for band labels
    axis: XAxis
    ys: Linear
    pt: float  # top of the plot
    pb: float  # bottom of the plot (the x axis)
    events_top: float
    phase_top: float
    y_label_y: float
    x_label_y: float
    height: float
    ticks: list[tuple[float, str]]
    t: Mapping[str, str]
    p: str  # the id prefix


def _frame(
    series: Sequence[Series],
    bands: Sequence[Band],
    ranges: Sequence[ExpectedRange],
    phases: Sequence[Phase],
    events: Sequence[Event],
    top_y: float,
    p: str,
    t: Mapping[str, str],
) -> tuple[_Frame, list[str], list[_events.Placed]]:
    """Lay the chart out top to bottom: legend, event lanes, y title, plot, phase strip, x title.

    Return the frame, the legend's markup and the events placed in their lanes.
    """
    xs: list[object] = [pt.x for s in series for pt in s.points]
    xs += [e.at for e in events] + [e.until for e in events if e.until is not None]
    xs += [r.x for r in ranges] + [ph.start for ph in phases] + [ph.end for ph in phases]
    # Horizontal layout: y tick labels on the left, band labels in a gutter on the right.
    ticks = y_ticks(top_y)
    left = max(26.0, max(text_width(lbl, TICK_FONT) for _, lbl in ticks) + 12)
    gutter = 14.0
    if bands:
        gutter = min(96.0, max(text_width(b.label, SMALL) for b in bands) + 12)
    x0, x1 = left, W - gutter
    axis = XAxis(xs, r0=x0, r1=x1, text=t)
    head: list[str] = []
    y = 6.0
    legend = _legend(series, ranges, events, p, t)
    if legend:
        frag, h = _events.legend_row(legend, x0=4, x1=W - 4, top=y)
        head += frag
        y += h + 4
    placed, lanes, _hidden = _events.layout(events, axis, x_min=4, x_max=W - 4, max_lanes=3)
    events_top = y
    y += lanes * 16 + (4 if lanes else 0)
    y_label_y = y + 10
    y += 16
    pt_, pb = y, y + PLOT_H
    y = pb + 18
    phase_top = y
    if phases:
        y += 20
    frame = _Frame(x0, x1, gutter, axis, Linear(0, top_y, pb, pt_), pt_, pb, events_top, phase_top, y_label_y,
                   y + 12, y + 20, ticks, t, p)
    return frame, head, placed


def _legend(
    series: Sequence[Series],
    ranges: Sequence[ExpectedRange],
    events: Sequence[Event],
    p: str,
    t: Mapping[str, str],
) -> list[tuple[str, str, str, str | None]]:
    """Return the legend entries: each series and the expected range when there is more than one thing to tell apart."""
    legend: list[tuple[str, str, str, str | None]] = []
    if len(series) > 1 or ranges:
        for i, s in enumerate(series):
            colour, shape, dash, _hollow = series_style(i)
            legend.append((shape, colour, s.name, dash or ""))
        if ranges:
            legend.append(("hatch", f"url(#{p}-hatch)", t["expected"], None))
    return legend + [(shape, colour, label, None) for shape, colour, label in _events.legend_items(events, t)]


def _hatch_defs(p: str) -> str:
    """Return the hatch pattern the expected range is filled with."""
    return (
        f'<defs><pattern id="{p}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{EXPECTED_FILL}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{EXPECTED_HATCH}" stroke-width="1.5"/></pattern></defs>'
    )


def _bands(f: _Frame, bands: Sequence[Band], top_y: float) -> list[str]:
    """Draw the severity bands with their labels in the right-hand gutter."""
    if not bands:
        return []
    body = ['<g class="oi-bands">']
    for i, b in enumerate(bands):
        lo, hi = max(0.0, min(b.lower, b.upper)), min(top_y, max(b.lower, b.upper))
        if hi <= lo:
            continue
        ya, yb = f.ys(hi), f.ys(lo)
        kind = css_token(b.kind or b.label, "band")
        body.append(
            f'<rect class="oi-band oi-band-{kind}" x="{n(f.x0)}" y="{n(ya)}" width="{n(f.x1 - f.x0)}" '
            f'height="{n(yb - ya)}" fill="{BAND_FILLS[i % len(BAND_FILLS)]}"/>'
        )
        lines = _wrap(b.label, f.gutter - 8, SMALL) if yb - ya >= 2 * SMALL + 4 else [fit(b.label, f.gutter - 8, SMALL)]
        if lines[0] and yb - ya >= 9:
            mid = (ya + yb) / 2 + SMALL * 0.35 - (len(lines) - 1) * SMALL * 0.6
            for k, line in enumerate(lines):
                body.append(text_el(f.x1 + 5, mid + k * SMALL * 1.2, line, size=SMALL, cls="oi-band-label", fill=TEXT))
    body.append("</g>")
    return body


def _grid(f: _Frame) -> list[str]:
    """Draw the grid lines and the y tick labels."""
    body = [f'<g class="oi-grid" stroke="{GRID}" stroke-width="0.6">']
    body += [f'<line x1="{n(f.x0)}" y1="{n(f.ys(v))}" x2="{n(f.x1)}" y2="{n(f.ys(v))}"/>' for v, _ in f.ticks if v > 0]
    body.append("</g>")
    body.append(f'<g class="oi-axis-labels" font-size="{TICK_FONT}" fill="{MUTED_TEXT}" text-anchor="end">')
    body += [f'<text x="{n(f.x0 - 5)}" y="{n(f.ys(v) + TICK_FONT * 0.35)}">{lbl}</text>' for v, lbl in f.ticks]
    body.append("</g>")
    return body


def _phases(f: _Frame, phases: Sequence[Phase]) -> list[str]:
    """Draw the phases as a labelled strip under the axis, with boundary lines through the plot."""
    if not phases:
        return []
    body = [f'<g class="oi-phases" font-size="{SMALL}" fill="{TEXT}">']
    for i, ph in enumerate(phases):
        half = f.axis.half_unit()
        a, b_ = sorted((f.axis.num(ph.start), f.axis.num(ph.end)))
        xa, xb = f.axis.scale(a - half), f.axis.scale(b_ + half)
        kind = css_token(ph.kind or ph.label, "phase")
        body.append(
            f'<rect class="oi-phase oi-phase-{kind}" x="{n(xa)}" y="{n(f.phase_top)}" '
            f'width="{n(max(xb - xa, 0))}" height="16" fill="{PHASE_FILLS[i % 2]}" stroke="{WHITE}"/>'
        )
        size = SMALL
        label = fit(ph.label, xb - xa - 4, size)
        if label != " ".join(ph.label.split()):
            size = SMALL - 1.5
            label = fit_words(ph.label, xb - xa - 4, size)
        if label:
            body.append(text_el((xa + xb) / 2, f.phase_top + 8 + size * 0.35, label, anchor="middle",
                                size=size if size != SMALL else None))
        if xa > f.x0 + 1:
            body.append(
                f'<line class="oi-phase-edge" x1="{n(xa)}" y1="{n(f.pt)}" x2="{n(xa)}" '
                f'y2="{n(f.pb)}" stroke="{GUIDE}" stroke-width="0.8" stroke-dasharray="4 3"/>'
            )
    body.append("</g>")
    return body


def _expected_area(f: _Frame, ranges: Sequence[ExpectedRange]) -> list[str]:
    """Draw the expected range as a hatched area (a short bar when there is one point)."""
    if not ranges:
        return []
    rs = sorted(ranges, key=lambda r: f.axis.num(r.x))
    upper = [(f.axis.pos(r.x), f.ys(max(r.lower, r.upper))) for r in rs]
    lower = [(f.axis.pos(r.x), f.ys(min(r.lower, r.upper))) for r in rs]
    if len(rs) == 1:
        (xe, yu), (_, yl) = upper[0], lower[0]
        upper, lower = [(xe - 4, yu), (xe + 4, yu)], [(xe - 4, yl), (xe + 4, yl)]
    d = "M" + "L".join(f"{n(a)} {n(b)}" for a, b in upper + lower[::-1]) + "Z"
    return [
        f'<path class="oi-expected" d="{d}" fill="url(#{f.p}-hatch)" fill-opacity="0.7" '
        f'stroke="{EXPECTED_LINE}" stroke-width="1" stroke-dasharray="3 2"/>'
    ]


def _cutoff_lines(f: _Frame, cutoffs: Sequence[Cutoff]) -> list[str]:
    """Draw each cut-off as a dashed line with its label inside the plot, alternating left and right."""
    body: list[str] = []
    for i, c in enumerate(cutoffs):
        yc = f.ys(float(c.value))
        body.append(
            f'<line class="oi-cutoff" x1="{n(f.x0)}" y1="{n(yc)}" x2="{n(f.x1)}" y2="{n(yc)}" '
            f'stroke="{CUTOFF}" stroke-width="1.5" stroke-dasharray="6 3"/>'
        )
        label = fit(c.label, (f.x1 - f.x0) / 2 - 8, SMALL)
        if label:
            ty = yc - 4 if yc - 13 >= f.pt else yc + 12
            tw = text_width(label, SMALL)
            tx, anchor, bx = (f.x0 + 5, "start", f.x0 + 3) if i % 2 == 0 else (f.x1 - 5, "end", f.x1 - 7 - tw)
            body.append(
                f'<rect class="oi-cutoff-label-bg" x="{n(bx)}" y="{n(ty - 9)}" width="{n(tw + 4)}" '
                f'height="12" fill="{WHITE}" fill-opacity="0.85"/>'
            )
            body.append(text_el(tx, ty, label, size=SMALL, anchor=anchor, cls="oi-cutoff-label", fill=CUTOFF))
    return body


def _segments(f: _Frame, ordered: Sequence[tuple[int, Point]]) -> list[list[tuple[float, float]]]:
    """Split a series into runs of scores; a missing score breaks the line."""
    segment: list[tuple[float, float]] = []
    segments: list[list[tuple[float, float]]] = []
    for _, pt in ordered:
        v = finite(pt.y)
        if v is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append((f.axis.pos(pt.x), f.ys(v)))
    if segment:
        segments.append(segment)
    return segments


def _draw_series(
    body: list[str], f: _Frame, i: int, s: Series, *, multiple: bool, bands: Sequence[Band], x_label: str
) -> int:
    """Draw one series: its broken line and one marker per score with a tooltip; return how many scores."""
    colour, shape, dash, hollow = series_style(i)
    extra = f" oi-series-{css_token(s.kind)}" if s.kind else ""
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    body.append(f'<g class="oi-series oi-series-{i + 1}{extra}">')
    ordered = sorted(enumerate(s.points), key=lambda ip: (f.axis.num(ip[1].x), ip[0]))
    for seg in _segments(f, ordered):
        if len(seg) > 1:
            pts = " ".join(f"{n(a)},{n(b)}" for a, b in seg)
            body.append(
                f'<polyline class="oi-line" points="{pts}" fill="none" stroke="{colour}" '
                f'stroke-width="2" stroke-linejoin="round"{dash_attr}/>'
            )
    fill, stroke = (WHITE, colour) if hollow else (colour, WHITE)
    drawn = 0
    for _, pt in ordered:
        v = finite(pt.y)
        if v is None:
            continue
        drawn += 1
        band = band_for(v, bands)
        who = f"{s.name} " if multiple else ""
        tip = f"{_events.x_text(pt.x, f.axis, x_label, f.t)}: {who}{fmt_score(v)}"
        tip = join_nonempty([tip + (f" ({band})" if band else ""), pt.label], " \u2013 ")
        body.append(marker(shape, f.axis.pos(pt.x), f.ys(v), 4,
                           f'class="oi-point" fill="{fill}" stroke="{stroke}" stroke-width="1.2"', tooltip(tip)))
    body.append("</g>")
    return drawn


def _no_scores_note(f: _Frame) -> str:
    """Return the boxed note drawn in the middle of a plot with no scores."""
    msg = f.t["no_scores"]
    w = text_width(msg, 13) + 24
    cx, cy = (f.x0 + f.x1) / 2, (f.pt + f.pb) / 2
    return (
        f'<g class="oi-empty"><rect x="{n(cx - w / 2)}" y="{n(cy - 16)}" width="{n(w)}" '
        f'height="32" rx="4" fill="{WHITE}" stroke="{AXIS}"/>'
        + text_el(cx, cy + 13 * 0.35, msg, size=13, anchor="middle", fill=TEXT, weight="bold")
        + "</g>"
    )


def _axis_labels(f: _Frame, x_label: str, y_label: str) -> list[str]:
    """Draw the x tick labels and both axis titles."""
    body = [f'<g font-size="{TICK_FONT}" fill="{MUTED_TEXT}" text-anchor="middle" class="oi-axis-labels">']
    body += [f'<text x="{n(tx)}" y="{n(f.pb + 14)}">{esc(lbl)}</text>' for tx, lbl in f.axis.ticks()]
    body.append("</g>")
    body.append(text_el(4, f.y_label_y, fit(y_label, W - 8, TICK_FONT), size=TICK_FONT, fill=TEXT, cls="oi-axis-title"))
    body.append(text_el((f.x0 + f.x1) / 2, f.x_label_y, fit(x_label, W - 8, TICK_FONT), size=TICK_FONT,
                        anchor="middle", fill=TEXT, cls="oi-axis-title"))
    return body


def _table(
    series: Sequence[Series],
    bands: Sequence[Band],
    ranges: Sequence[ExpectedRange],
    phases: Sequence[Phase],
    events: Sequence[Event],
    axis: XAxis,
    x_label: str,
    y_label: str,
    t: Mapping[str, str],
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    keys: dict[float, object] = {}
    for s in series:
        for pt in s.points:
            keys.setdefault(axis.num(pt.x), pt.x)
    for e in events:
        keys.setdefault(axis.num(e.at), e.at)
    for r in ranges:
        keys.setdefault(axis.num(r.x), r.x)
    single = len(series) == 1
    headers = [x_label] + ([y_label] if single else [s.name for s in series])
    if single and bands:
        headers.append(t["severity"])
    if ranges:
        headers.append(t["expected"])
    if phases:
        headers.append(t["phase"])
    if events:
        headers.append(t["events"])
    has_notes = any(pt.label for s in series for pt in s.points)
    if has_notes:
        headers.append(t["notes"])
    rows = []
    for key in sorted(keys):
        x = keys[key]
        row = [_events.x_text(x, axis, "", t) if axis.is_date else str(x)]
        notes = []
        for s in series:
            cells, sev = [], []
            for pt in s.points:
                if axis.num(pt.x) != key:
                    continue
                v = finite(pt.y)
                if pt.label:
                    notes.append(pt.label if single else f"{s.name}: {pt.label}")
                if v is None:
                    cells.append(t["no_score"])
                    continue
                band = band_for(v, bands)
                if single:
                    cells.append(fmt_score(v))
                    sev.append(band)
                else:
                    cells.append(fmt_score(v) + (f" ({band})" if band else ""))
            row.append(", ".join(cells))
            if single and bands:
                row.append(", ".join(b for b in sev if b))
        if ranges:
            row.append(
                ", ".join(
                    f"{fmt_score(min(r.lower, r.upper))}\u2013{fmt_score(max(r.lower, r.upper))}"
                    for r in ranges
                    if axis.num(r.x) == key
                )
            )
        if phases:
            half = axis.half_unit()
            row.append(
                ", ".join(
                    ph.label
                    for ph in phases
                    if min(axis.num(ph.start), axis.num(ph.end)) - half
                    <= key
                    <= max(axis.num(ph.start), axis.num(ph.end)) + half
                )
            )
        if events:
            row.append(
                "; ".join(
                    f"{' '.join(e.label.split())} ({kind_label(css_token(e.kind), t)})"
                    for e in events
                    if axis.num(e.at) == key
                )
            )
        if has_notes:
            row.append("; ".join(notes))
        rows.append(tuple(clean(c) for c in row))
    return tuple(clean(h) for h in headers), tuple(rows)
