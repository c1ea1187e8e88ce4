"""The strip of life-event markers shared by the trajectory and the timeline.

Events are laid out in lanes so their short labels never overlap: each event goes into the first lane
where its marker and label fit after the previous one. When all lanes are full the marker stays and
only the label is left off; the full text is always in the marker's tooltip and in the chart's table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ._base import css_token, esc, fmt_date, kind_label, n, say, text_el, text_width, tooltip, truncate
from ._scales import XAxis
from .palette import GUIDE, TEXT, WHITE, event_style, marker
from .types import Event

LABEL_CHARS = 18
FONT = 10.5
MARK_R = 4.5
GAP = 6


@dataclass(frozen=True)
class Placed:
    """Where one event landed: its lane, marker x, span end, and label text and anchor."""

    event: Event
    lane: int
    mx: float
    sx: float | None
    label: str
    label_x: float
    anchor: str


def x_text(value: object, axis: XAxis, x_label: str, text: Mapping[str, str]) -> str:
    """Return an x position as people read it: a date, or '<x_label> <n>'."""
    if axis.is_date:
        return fmt_date(value, text)  # type: ignore[arg-type]
    return f"{x_label} {value}".strip()


def when_text(ev: Event, axis: XAxis, x_label: str, text: Mapping[str, str]) -> str:
    """Return the time of an event as text, marking approximate dates and spans."""
    start = x_text(ev.at, axis, x_label, text)
    if ev.until is not None:
        start = say(text, "span", start=start, end=x_text(ev.until, axis, x_label, text))
    if ev.approximate:
        start = say(text, "approximate", date=start)
    return start


def layout(
    events: Sequence[Event], axis: XAxis, *, x_min: float, x_max: float, max_lanes: int
) -> tuple[list[Placed], int, bool]:
    """Place events in lanes; return the placements, the lanes used and whether a label was left off."""
    order = sorted(range(len(events)), key=lambda i: (axis.num(events[i].at), i))
    lane_ends: list[float] = []
    placed: list[Placed] = []
    hidden = False
    for i in order:
        ev = events[i]
        mx = axis.pos(ev.at)
        sx = axis.pos(ev.until) if ev.until is not None else None
        lo_x, hi_x = (min(mx, sx), max(mx, sx)) if sx is not None else (mx, mx)
        right_of = hi_x + MARK_R + 3
        label = truncate(ev.label, LABEL_CHARS)
        options: list[tuple[str, float, str, float, float]] = []
        for chars in (LABEL_CHARS, 10, 6):
            short = truncate(ev.label, chars) if chars != LABEL_CHARS else label
            w = text_width(short, FONT)
            if right_of + w <= x_max:
                options.append((short, right_of, "start", lo_x - MARK_R, right_of + w))
            if mx - MARK_R - 3 - w >= x_min:
                left = mx - MARK_R - 3 - w
                options.append((short, mx - MARK_R - 3, "end", left, hi_x + MARK_R))
        options.append(("", mx, "start", lo_x - MARK_R, hi_x + MARK_R))
        chosen = None
        for short, lx, anchor, left, right in options:
            for lane in range(max_lanes):
                if lane >= len(lane_ends) or lane_ends[lane] + GAP <= left:
                    chosen = (short, lx, anchor, lane, right)
                    break
            if chosen:
                break
        if chosen is None:
            chosen = ("", mx, "start", 0, lane_ends[0] if lane_ends else mx)
        short, lx, anchor, lane, right = chosen
        if lane >= len(lane_ends):
            lane_ends.append(right)
        else:
            lane_ends[lane] = max(lane_ends[lane], right)
        if short != " ".join(ev.label.split()):
            hidden = True
        placed.append(Placed(ev, lane, mx, sx, short, lx, anchor))
    return placed, len(lane_ends), hidden


def render(
    placed: Sequence[Placed],
    *,
    top: float,
    lane_h: float,
    guide_bottom: float | None,
    axis: XAxis,
    x_label: str,
    text: Mapping[str, str],
) -> list[str]:
    """Return SVG for the event guides, spans, markers and labels, lanes starting at ``top``."""
    out: list[str] = []
    if guide_bottom is not None and placed:
        out.append(f'<g class="oi-event-guides" stroke="{GUIDE}" stroke-width="0.8" stroke-dasharray="1 2">')
        for p in placed:
            y = top + p.lane * lane_h + lane_h / 2
            out.append(f'<line x1="{n(p.mx)}" y1="{n(y + MARK_R)}" x2="{n(p.mx)}" y2="{n(guide_bottom)}"/>')
        out.append("</g>")
    out.append(f'<g class="oi-events" font-size="{FONT}" fill="{TEXT}">')
    for p in placed:
        ev = p.event
        kind = css_token(ev.kind)
        colour, shape = event_style(kind)
        y = top + p.lane * lane_h + lane_h / 2
        cls = f"oi-event oi-event-{kind}" + (" oi-approximate" if ev.approximate else "")
        full = f"{when_text(ev, axis, x_label, text)}: {ev.label} ({kind_label(kind, text)})"
        out.append(f'<g class="{cls}">{tooltip(full)}')
        if p.sx is not None:
            x0, x1 = sorted((p.mx, p.sx))
            dash = ' stroke-dasharray="3 2"' if ev.approximate else ""
            out.append(
                f'<rect class="oi-event-span" x="{n(x0)}" y="{n(y - 3)}" width="{n(max(x1 - x0, 1))}" '
                f'height="6" rx="3" fill="{colour}" fill-opacity="0.25" stroke="{colour}"{dash}/>'
            )
        if ev.approximate:
            attrs = f'fill="{WHITE}" stroke="{colour}" stroke-width="1.6"'
        else:
            attrs = f'fill="{colour}" stroke="{WHITE}" stroke-width="0.8"'
        out.append(marker(shape, p.mx, y, MARK_R, f'class="oi-event-marker" {attrs}'))
        if p.label:
            w = text_width(p.label, FONT) + 2
            bx = {"start": p.label_x - 1, "end": p.label_x - w + 1}.get(p.anchor, p.label_x - w / 2)
            out.append(
                f'<rect class="oi-event-label-bg" x="{n(bx)}" y="{n(y - 6.5)}" width="{n(w)}" '
                f'height="13" fill="{WHITE}" fill-opacity="0.85"/>'
            )
            out.append(text_el(p.label_x, y + FONT * 0.35, p.label, anchor=p.anchor))
        out.append("</g>")
    out.append("</g>")
    return out


def legend_items(events: Sequence[Event], text: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """Return (shape, colour, label) for each event kind present, in a fixed order."""
    kinds = []
    for ev in events:
        k = css_token(ev.kind)
        if k not in kinds:
            kinds.append(k)
    known = ["death_loss", "dispute", "role_change", "isolation", "other"]
    kinds.sort(key=lambda k: (known.index(k) if k in known else len(known), k))
    items = [(event_style(k)[1], event_style(k)[0], kind_label(k, text)) for k in kinds]
    if any(ev.approximate for ev in events):
        items.append(("hollow_circle", TEXT, text["approximate_legend"]))
    return items


def legend_row(
    items: Sequence[tuple[str, str, str, str | None]], *, x0: float, x1: float, top: float, font: float = 10.5
) -> tuple[list[str], float]:
    """Lay out legend items (shape, colour, label, dash) in wrapped rows; return SVG and height used."""
    out = [f'<g class="oi-legend" font-size="{n(font)}" fill="{TEXT}">']
    x, y, row_h = x0, top + 8, 16
    for shape, colour, label, dash in items:
        label = truncate(label, 28)
        wide = dash is not None or shape == "hatch"
        w = (26 if wide else 12) + text_width(label, font) + 12
        if x + w > x1 and x > x0:
            x, y = x0, y + row_h
        cx = x + 5
        if dash is not None:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<line x1="{n(x)}" y1="{n(y)}" x2="{n(x + 22)}" y2="{n(y)}" stroke="{colour}" '
                f'stroke-width="2"{dash_attr}/>'
            )
            cx = x + 11
        attrs = f'class="oi-legend-marker" fill="{colour}" stroke="{WHITE}" stroke-width="0.8"'
        if shape.startswith("hollow_"):
            shape = shape[len("hollow_") :]
            attrs = f'class="oi-legend-marker" fill="{WHITE}" stroke="{colour}" stroke-width="1.6"'
        if shape == "hatch":
            out.append(
                f'<rect x="{n(x)}" y="{n(y - 5)}" width="22" height="10" class="oi-legend-marker" '
                f'fill="{colour}" stroke="{GUIDE}"/>'
            )
        elif shape:
            out.append(marker(shape, cx, y, 4.5, attrs))
        tx = x + (26 if wide else 12)
        out.append(f'<text x="{n(tx)}" y="{n(y + font * 0.35)}">{esc(label)}</text>')
        x += w
    out.append("</g>")
    return out, (y - top) + row_h - 4
