"""Default colours and marker shapes for the charts, with the WCAG contrast arithmetic that checks them.

The colours are written as SVG presentation attributes, which any CSS rule outranks, so a site
stylesheet can re-theme a chart through its classes (``oi-band-mild``, ``oi-series-1`` ...). The
defaults are chosen so lines and markers reach 3:1 and text 4.5:1 against white and against every band
tint. Colour never carries meaning alone: series differ by marker shape and dash pattern, event kinds by
shape, bands and phases by their written labels.
"""

from __future__ import annotations

from ._base import n

TEXT = "#1f2937"
MUTED_TEXT = "#4b5563"
AXIS = "#4b5563"
GRID = "#d1d5db"
WHITE = "#ffffff"
CUTOFF = "#9b1c1c"
ONSET = "#111827"
GUIDE = "#6b7280"
EXPECTED_LINE = "#4b5563"
EXPECTED_HATCH = "#6b7280"
EXPECTED_FILL = "#f3f4f6"
RING_FILLS = ("#f3f4f6", "#e8edf5", "#dbe4f0")  # outer, middle, inner
RING_LINE = "#6b7280"
CLIENT_FILL = "#1e3a8a"
PHASE_FILLS = ("#e5e7eb", "#f3f4f6")

# Light tints for severity bands, lowest band first (they are backgrounds, not meaning carriers).
BAND_FILLS = ("#eef7ee", "#fbf6dd", "#fdeedd", "#fce3dc", "#f8d9d9", "#f3e8f5")

# Series: colour, marker shape, dash pattern (None = solid). Shape and dash differ, not only colour.
SERIES_STYLES: tuple[tuple[str, str, str | None], ...] = (
    ("#1d4ed8", "circle", None),
    ("#9a3412", "square", "6 3"),
    ("#6d28d9", "triangle", "2 3"),
    ("#0f766e", "diamond", "8 3 2 3"),
    ("#374151", "triangle_down", "4 2"),
)

EVENT_KINDS = ("death_loss", "dispute", "role_change", "isolation", "other")
EVENT_STYLES: dict[str, tuple[str, str]] = {
    "death_loss": ("#374151", "diamond"),
    "dispute": ("#b91c1c", "triangle"),
    "role_change": ("#1d4ed8", "square"),
    "isolation": ("#6d28d9", "triangle_down"),
    "other": ("#0f766e", "circle"),
}

PERSON_STYLES: dict[str, tuple[str, str]] = {
    "support": ("#047857", "circle"),
    "conflict": ("#b91c1c", "triangle"),
    "mixed": ("#9a3412", "diamond"),
    "distant": ("#4b5563", "square"),
    "loss": ("#374151", "triangle_down"),
    "described": ("#1e3a8a", "circle"),  # filled, unlike the hollow "not described yet"
}
PERSON_DEFAULT = ("#1e3a8a", "circle")  # drawn hollow, so it differs from "support" by more than colour


def series_style(index: int) -> tuple[str, str, str | None, bool]:
    """Return colour, shape, dash pattern and hollowness for the series at ``index``."""
    colour, shape, dash = SERIES_STYLES[index % len(SERIES_STYLES)]
    return colour, shape, dash, (index // len(SERIES_STYLES)) % 2 == 1


def event_style(kind: str) -> tuple[str, str]:
    """Return colour and shape for an event kind (unknown kinds draw as 'other')."""
    return EVENT_STYLES.get(kind, EVENT_STYLES["other"])


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    """Return the WCAG relative luminance of a #rrggbb colour."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """Return the WCAG contrast ratio between two #rrggbb colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def marker(shape: str, cx: float, cy: float, r: float, attrs: str = "", child: str = "") -> str:
    """Return an SVG marker of ``shape`` centred on (cx, cy) with half-size ``r``."""
    a = f" {attrs}" if attrs else ""
    if shape == "circle":
        head = f'<circle cx="{n(cx)}" cy="{n(cy)}" r="{n(r)}"{a}'
    else:
        pts: tuple[tuple[float, float], ...]
        if shape == "square":
            s = r * 0.9
            pts = ((cx - s, cy - s), (cx + s, cy - s), (cx + s, cy + s), (cx - s, cy + s))
        elif shape == "triangle":
            s = r * 1.2
            pts = ((cx, cy - s), (cx + s, cy + s * 0.8), (cx - s, cy + s * 0.8))
        elif shape == "triangle_down":
            s = r * 1.2
            pts = ((cx, cy + s), (cx - s, cy - s * 0.8), (cx + s, cy - s * 0.8))
        elif shape == "diamond":
            s = r * 1.25
            pts = ((cx, cy - s), (cx + s, cy), (cx, cy + s), (cx - s, cy))
        else:
            raise ValueError(f"unknown marker shape {shape!r}")
        d = "M" + "L".join(f"{n(x)} {n(y)}" for x, y in pts) + "Z"
        head = f'<path d="{d}"{a}'
    return f"{head}>{child}</{'circle' if shape == 'circle' else 'path'}>" if child else f"{head}/>"
