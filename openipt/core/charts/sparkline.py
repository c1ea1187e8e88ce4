"""A tiny score trend for roster and caseload rows.

A roster can hold dozens of rows, so each sparkline is kept under 1.5 KB: one polyline (broken where a
score is missing), a dot on the latest score, and a generated description that says the numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ._base import (
    ChartResult,
    check_id_prefix,
    clean,
    finite,
    fmt_score,
    merged_text,
    n,
    say,
    svg_open,
    text_el,
)
from ._scales import Linear
from .palette import GRID, MUTED_TEXT, SERIES_STYLES

W, H, PAD = 80.0, 20.0, 2.5
MAX_DRAWN = 60


def sparkline(
    values: Sequence[float | None],
    *,
    y_max: float,
    title: str,
    id_prefix: str,
    description: str | None = None,
    text: Mapping[str, str] | None = None,
) -> ChartResult:
    """Draw a small trend line of scores (None for a missing one) scaled from 0 to ``y_max``."""
    check_id_prefix(id_prefix)
    top = finite(y_max)
    if top is None or top <= 0:
        raise ValueError(f"y_max must be a positive number, not {y_max!r}")
    t = merged_text(text)
    all_values = [finite(v) for v in values]
    present = [v for v in all_values if v is not None]
    if description is None:
        if len(present) == 1:
            description = say(t, "sparkline_one", last=fmt_score(present[0]))
        elif present:
            description = say(
                t,
                "sparkline_desc",
                count=len(present),
                first=fmt_score(present[0]),
                last=fmt_score(present[-1]),
                low=fmt_score(min(present)),
                high=fmt_score(max(present)),
            )
        else:
            description = t["no_scores"]
        if len(all_values) > MAX_DRAWN:
            description += " " + say(t, "sparkline_cut", shown=MAX_DRAWN, count=len(all_values))
    shown = all_values[-MAX_DRAWN:]
    xs = Linear(0, max(len(shown) - 1, 1), PAD, W - PAD) if len(shown) > 1 else Linear(0, 1, W - PAD, W - PAD)
    ys = Linear(0, top, H - PAD, PAD)
    colour = SERIES_STYLES[0][0]
    out = svg_open(
        width=W,
        height=H,
        id_prefix=id_prefix,
        title=title,
        description=description,
        kind="sparkline",
        fixed_size=(W, H),
    )
    out.append(
        f'<line x1="{n(PAD)}" y1="{n(H - PAD)}" x2="{n(W - PAD)}" y2="{n(H - PAD)}" '
        f'stroke="{GRID}" stroke-width="1"/>'
    )
    if not present:
        out.append(
            text_el(
                W / 2, H / 2 + 2.6, t["no_scores"], size=7.5, anchor="middle", fill=MUTED_TEXT, cls="oi-empty"
            )
        )
    else:
        segments: list[list[tuple[int, float]]] = [[]]
        for i, v in enumerate(shown):
            if v is None:
                segments.append([])
            else:
                segments[-1].append((i, v))
        last_i = max((i for i, v in enumerate(shown) if v is not None), default=None)
        for seg in segments:
            if len(seg) > 1:
                pts = " ".join(f"{n(xs(i))},{n(ys(v))}" for i, v in seg)
                out.append(
                    f'<polyline class="oi-line" points="{pts}" fill="none" '
                    f'stroke="{colour}" stroke-width="1.5" stroke-linejoin="round"/>'
                )
            elif len(seg) == 1 and seg[0][0] != last_i:  # a lone score between gaps still shows
                i, v = seg[0]
                out.append(
                    f'<circle class="oi-point" cx="{n(xs(i))}" cy="{n(ys(v))}" r="1.5" fill="{colour}"/>'
                )
        if last_i is not None:
            v = shown[last_i]
            assert v is not None
            out.append(
                f'<circle class="oi-point oi-last" cx="{n(xs(last_i))}" cy="{n(ys(v))}" r="2.2" '
                f'fill="{colour}"/>'
            )
    out.append("</svg>")
    rows = tuple(
        (str(i + 1), fmt_score(v) if v is not None else t["no_score"]) for i, v in enumerate(all_values)
    )
    return ChartResult("".join(out), clean(title), clean(description), (t["entry"], clean(title)), rows)
