"""Shared building blocks for the SVG charts: the result type, escaping, numbers and text fitting.

Every chart is built as a list of SVG fragments joined once at the end, so the output is a plain string
that a template can place inline (it needs no script and no inline style, so it passes a strict CSP).
Anything that came from a person (names, labels, titles) goes through :func:`esc` before it reaches the
markup, and characters that XML cannot carry are dropped so the result always parses.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

SVG_NS = "http://www.w3.org/2000/svg"

# Characters XML 1.0 forbids (controls other than tab/newline/return, lone surrogates, U+FFFE/U+FFFF).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ID_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
_NOT_CLASS_CHAR = re.compile(r"[^a-z0-9_-]+")
_NOT_ID_CHAR = re.compile(r"[^A-Za-z0-9_-]+")

ELLIPSIS = "\u2026"

DEFAULT_TEXT: dict[str, str] = {
    "no_scores": "No scores yet",
    "no_score": "No score",
    "entry": "Entry",
    "severity": "Severity",
    "expected": "Expected range",
    "events": "Life events",
    "phase": "Phase",
    "notes": "Notes",
    "kind_death_loss": "Death",
    "kind_dispute": "Dispute",
    "kind_role_change": "Role change",
    "kind_isolation": "Isolation",
    "kind_other": "Other",
    "approximate": "about {date}",
    "approximate_legend": "Hollow: date not exact",
    "span": "{start} to {end}",
    "onset": "Onset",
    "onset_row": "The episode began",
    "date": "Date",
    "event": "Event",
    "kind": "Kind",
    "score": "Score",
    "ring_inner": "Inner circle",
    "ring_middle": "Middle circle",
    "ring_outer": "Outer circle",
    "ring": "Circle",
    "people": "People",
    "nobody": "No one",
    "months": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    "sparkline_desc": "{count} scores. First {first}, last {last}, lowest {low}, highest {high}.",
    "sparkline_one": "One score: {last}.",
    "sparkline_cut": "The picture shows the last {shown} of {count} entries.",
    "closeness_desc": "{client} in the centre, with {count} people placed in three circles by closeness.",
    "timeline_desc": "{count} life events between {start} and {end}.",
    "timeline_onset": " The episode began on {date}.",
    "timeline_scores": " {count} scores are drawn on the same dates.",
    "hidden_labels": " Some names are shortened or left off the picture; the table lists them in full.",
}


@dataclass(frozen=True)
class ChartResult:
    """A rendered chart: safe SVG markup plus the same numbers as plain-text table rows.

    ``svg`` is already escaped and can be marked safe by a template. ``title``, ``description`` and the
    table cells are plain text (not escaped): let the template's auto-escaping handle them, or call
    :meth:`table_html`.
    """

    svg: str
    title: str
    description: str
    table_headers: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...]

    def table_html(self, *, css_class: str = "oi-chart-table") -> str:
        """Return the table rows as an escaped HTML table captioned with the chart title."""
        out = [f'<table class="{esc(css_class)}"><caption>{esc(self.title)}</caption><thead><tr>']
        out.extend(f'<th scope="col">{esc(h)}</th>' for h in self.table_headers)
        out.append("</tr></thead><tbody>")
        for row in self.table_rows:
            out.append("<tr>")
            for i, cell in enumerate(row):
                tag = "th" if i == 0 else "td"
                scope = ' scope="row"' if i == 0 else ""
                out.append(f"<{tag}{scope}>{esc(cell)}</{tag}>")
            out.append("</tr>")
        out.append("</tbody></table>")
        return "".join(out)


def clean(value: object) -> str:
    """Return ``value`` as text with the characters XML cannot hold removed."""
    return _XML_INVALID.sub("", str(value))


def esc(value: object) -> str:
    """Escape text for use in SVG/HTML element content or a double-quoted attribute."""
    return html.escape(clean(value), quote=True)


def check_id_prefix(id_prefix: str) -> str:
    """Return ``id_prefix`` if it can start an XML id, else raise ValueError."""
    if not isinstance(id_prefix, str) or not _ID_PREFIX.match(id_prefix):
        raise ValueError(
            f"id_prefix {id_prefix!r} must start with a letter and hold only letters, digits, '-' or '_'"
            " (at most 64 characters)"
        )
    return id_prefix


def css_token(value: object, default: str = "other") -> str:
    """Return ``value`` reduced to a safe lower-case CSS class fragment."""
    token = _NOT_CLASS_CHAR.sub("-", clean(value).strip().lower()).strip("-")
    return token[:40] or default


def id_token(value: object) -> str:
    """Return ``value`` reduced to characters that are safe inside an element id."""
    return _NOT_ID_CHAR.sub("-", clean(value).strip()).strip("-")[:40]


def n(value: float) -> str:
    """Format a coordinate with at most one decimal and no trailing zero."""
    r = round(value, 1)
    if r == int(r):
        return str(int(r))
    return f"{r:.1f}"


def fmt_score(value: float) -> str:
    """Format a score for people: whole numbers plain, others with one decimal."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.1f}" if abs(value) < 1e6 else f"{value:.3g}"


def finite(value: object) -> float | None:
    """Return ``value`` as a finite float, or None when it is missing or not a finite number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def as_date(value: date) -> date:
    """Return a date (a datetime is cut to its date)."""
    return value.date() if isinstance(value, datetime) else value


def merged_text(overrides: Mapping[str, str] | None) -> dict[str, str]:
    """Return the built-in English strings with the caller's (translated) overrides applied."""
    text = dict(DEFAULT_TEXT)
    if overrides:
        text.update({k: str(v) for k, v in overrides.items()})
    return text


def say(text: Mapping[str, str], key: str, **values: object) -> str:
    """Fill the sentence ``key`` with ``values``; a broken translation falls back to the English one."""
    try:
        return text[key].format(**values)
    except (KeyError, IndexError, ValueError, AttributeError):
        return DEFAULT_TEXT[key].format(**values)


def fmt_date(value: date, text: Mapping[str, str]) -> str:
    """Format a date as '5 Mar 2024' with the month names from ``text``."""
    months = text["months"].split()
    month = months[value.month - 1] if len(months) == 12 else f"{value.month:02d}"
    return f"{value.day} {month} {value.year}"


def kind_label(kind: str, text: Mapping[str, str]) -> str:
    """Return the display name of an event or person kind."""
    key = f"kind_{kind}"
    if key in text:
        return text[key]
    return kind.replace("_", " ").replace("-", " ").strip().capitalize() or text["kind_other"]


# --- text measuring and fitting -------------------------------------------------------------------

_NARROW = set("iIjlt.,:;'!|()[]{} ")
_WIDE_LATIN = set("mwMW@%")


def _is_zero_width(ch: str) -> bool:
    cp = ord(ch)
    return (
        unicodedata.combining(ch) != 0
        or unicodedata.category(ch) in ("Mn", "Me", "Cf")
        or 0xFE00 <= cp <= 0xFE0F
        or 0x1F3FB <= cp <= 0x1F3FF
        or 0xE0020 <= cp <= 0xE007F
    )


def _char_em(ch: str) -> float:
    if _is_zero_width(ch):
        return 0.0
    cp = ord(ch)
    if cp >= 0x1F000 or unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.05
    if ch in _NARROW:
        return 0.32
    if ch in _WIDE_LATIN:
        return 0.85
    if ch.isupper() or ch.isdigit():
        return 0.64
    return 0.55


def text_width(value: str, font_size: float) -> float:
    """Estimate the drawn width of ``value`` in a sans-serif font (no font metrics on the server)."""
    return sum(_char_em(ch) for ch in value) * font_size


def _clusters(value: str) -> list[str]:
    """Split text into rough grapheme clusters so cutting never splits an emoji or an accent."""
    out: list[str] = []
    join_next = False
    for ch in value:
        if out and (join_next or _is_zero_width(ch)):
            out[-1] += ch
        else:
            out.append(ch)
        join_next = ch == "\u200d"
    return out


def truncate(value: str, max_chars: int) -> str:
    """Shorten ``value`` to ``max_chars`` characters (an ellipsis included) without splitting clusters."""
    value = " ".join(clean(value).split())
    parts = _clusters(value)
    if len(parts) <= max_chars:
        return value
    if max_chars <= 1:
        return ELLIPSIS
    return "".join(parts[: max_chars - 1]).rstrip() + ELLIPSIS


def fit(value: str, max_width: float, font_size: float) -> str:
    """Shorten ``value`` so its estimated width stays within ``max_width``; '' when nothing fits."""
    value = " ".join(clean(value).split())
    if text_width(value, font_size) <= max_width:
        return value
    parts = _clusters(value)
    budget = max_width - text_width(ELLIPSIS, font_size)
    used = 0.0
    keep: list[str] = []
    for part in parts:
        w = text_width(part, font_size)
        if used + w > budget:
            break
        keep.append(part)
        used += w
    if not keep:
        return ""
    return "".join(keep).rstrip() + ELLIPSIS


def fit_words(value: str, max_width: float, font_size: float) -> str:
    """Like ``fit``, but first try leading words that keep at least half of the text
    ("Termination phase" becomes "Termination", not "Termination pha…")."""
    words = " ".join(clean(value).split())
    parts = words.split(" ")
    for count in range(len(parts), 0, -1):
        short = " ".join(parts[:count])
        if text_width(short, font_size) <= max_width and 2 * len(short) >= len(words):
            return short
    return fit(words, max_width, font_size)


# --- markup helpers ---------------------------------------------------------------------------------


def svg_open(
    *,
    width: float,
    height: float,
    id_prefix: str,
    title: str,
    description: str,
    kind: str,
    fixed_size: tuple[float, float] | None = None,
) -> list[str]:
    """Start an accessible SVG: root element with role, aria-labelledby, title and desc."""
    size = f'width="{n(fixed_size[0])}" height="{n(fixed_size[1])}"' if fixed_size else 'width="100%"'
    return [
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {n(width)} {n(height)}" {size} '
        f'preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
        f'class="oi-chart oi-chart-{kind}" font-family="sans-serif">',
        f'<title id="{id_prefix}-title">{esc(title)}</title>',
        f'<desc id="{id_prefix}-desc">{esc(description)}</desc>',
    ]


def text_el(
    x: float,
    y: float,
    value: str,
    *,
    size: float | None = None,
    anchor: str = "start",
    cls: str = "",
    fill: str | None = None,
    weight: str | None = None,
) -> str:
    """Return one <text> element with escaped content."""
    attrs = [f'x="{n(x)}"', f'y="{n(y)}"']
    if anchor != "start":
        attrs.append(f'text-anchor="{anchor}"')
    if size is not None:
        attrs.append(f'font-size="{n(size)}"')
    if fill:
        attrs.append(f'fill="{fill}"')
    if weight:
        attrs.append(f'font-weight="{weight}"')
    if cls:
        attrs.append(f'class="{cls}"')
    return f"<text {' '.join(attrs)}>{esc(value)}</text>"


def tooltip(value: str) -> str:
    """Return a <title> child that browsers show on hover."""
    return f"<title>{esc(value)}</title>"


def join_nonempty(parts: Iterable[str], sep: str = "; ") -> str:
    """Join the non-empty strings."""
    return sep.join(p for p in parts if p)
