"""The closeness circle from the interpersonal inventory: the client in the centre, people in three rings.

Placement is deterministic (same input, same picture) and labels never overlap: people are spaced
evenly around their ring, and each name tries a few positions around its marker, getting shorter if
it must, until it fits clear of every marker, label and ring title already placed. A name that fits
nowhere stays in the marker's tooltip and in the table, and the description says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import _events
from ._base import (
    ChartResult,
    check_id_prefix,
    clean,
    css_token,
    fit,
    id_token,
    kind_label,
    merged_text,
    n,
    say,
    svg_open,
    text_el,
    text_width,
    tooltip,
    truncate,
)
from .palette import (
    CLIENT_FILL,
    MUTED_TEXT,
    PERSON_DEFAULT,
    PERSON_STYLES,
    RING_FILLS,
    RING_LINE,
    TEXT,
    WHITE,
)
from .palette import marker as draw_marker
from .types import Person

RINGS = ("inner", "middle", "outer")
CLIENT_R = 30.0
BASE_PLACE = {"inner": 55.0, "middle": 108.0, "outer": 167.0}
HALF_BAND = {"inner": 23.0, "middle": 30.0, "outer": 29.0}
STAGGER = {"inner": 8.0, "middle": 15.0, "outer": 16.0}
MIN_W = 480.0
SIDE = 44.0  # room beside the outer ring for labels
CROWDED_GAP = 64.0  # closer than this along the ring and people alternate between two radii
SPACING = 20.0  # the least distance along the ring between neighbours once staggered
FONT = 11.0
MARK_R = 5.5
_RING_ALIASES = {"1": "inner", "2": "middle", "3": "outer"}

Box = tuple[float, float, float, float]  # x0, y0, x1, y1
Spots = dict[int, tuple[float, float, float]]  # each person's marker: x, y and angle
Label = tuple[float, float, str, str]  # a name label: x, y, anchor and the text shown


@dataclass(frozen=True)
class _Geometry:
    """Ring radii and canvas size, widened when a ring holds more people than its default length fits."""

    place: dict[str, float]
    edge: dict[str, float]
    crowded: dict[str, bool]
    gap: dict[str, float]
    cx: float
    cy: float
    width: float

    @classmethod
    def build(cls, counts: Sequence[int], title_widths: Sequence[float]) -> _Geometry:
        """Return radii that give each ring room for its people, innermost first."""
        place, edge, crowded, gap = {}, {}, {}, {}
        outer_edge_before = CLIENT_R
        for ring, k, tw in zip(RINGS, counts, title_widths, strict=True):
            need = k * SPACING / (2 * math.pi * 0.85)
            r = max(BASE_PLACE[ring], outer_edge_before + HALF_BAND[ring], need)
            place[ring] = r
            edge[ring] = r + HALF_BAND[ring]
            outer_edge_before = edge[ring]
            crowded[ring] = k > 1 and 2 * math.pi * r / k < CROWDED_GAP
            reach = r + (STAGGER[ring] if crowded[ring] else 0) + MARK_R + 1
            title_bottom = edge[ring] - 14
            gap[ring] = math.asin(min(1.0, (tw / 2 + MARK_R + 3) / reach)) if reach > title_bottom else 0.0
        width = max(MIN_W, 2 * (edge["outer"] + SIDE))
        return cls(place, edge, crowded, gap, width / 2, edge["outer"] + 10, width)


def _overlaps(a: Box, b: Box, pad: float = 2.0) -> bool:
    # The pad absorbs the error of estimating text width without the font (measured within 6 %).
    return a[0] - pad < b[2] and b[0] - pad < a[2] and a[1] < b[3] and b[1] < a[3]


def _ring_of(person: Person, index: int) -> str:
    ring = _RING_ALIASES.get(str(person.ring).strip(), str(person.ring).strip().lower())
    if ring not in RINGS:
        raise ValueError(
            f"person {index + 1} ({person.name!r}) has ring {person.ring!r}; use 'inner', 'middle' or 'outer'"
        )
    return ring


def _element_ids(people: Sequence[Person], prefix: str) -> list[str]:
    ids, seen = [], set()
    for i, person in enumerate(people):
        key = id_token(person.key) if person.key is not None else ""
        eid = f"{prefix}-person-{key}" if key else f"{prefix}-person-i{i + 1}"
        if eid in seen:
            raise ValueError(f"two people share the key {person.key!r}; keys must be unique")
        seen.add(eid)
        ids.append(eid)
    return ids


def _label_spot(
    mx: float, my: float, angle: float, w: float, h: float
) -> list[tuple[float, float, str, Box]]:
    """Return candidate (x, baseline y, anchor, box) spots for a label, outward side first."""
    c, s = math.cos(angle), math.sin(angle)
    gap = MARK_R + 3
    base = h * 0.35 - 1
    right = (mx + gap, my + base, "start", (mx + gap, my - h / 2, mx + gap + w, my + h / 2))
    left = (mx - gap, my + base, "end", (mx - gap - w, my - h / 2, mx - gap, my + h / 2))
    above = (mx, my - gap - h / 2 + base, "middle", (mx - w / 2, my - gap - h, mx + w / 2, my - gap))
    below = (mx, my + gap + h / 2 + base, "middle", (mx - w / 2, my + gap, mx + w / 2, my + gap + h))
    if c > 0.38:
        order = [right, below if s > 0 else above, above if s > 0 else below, left]
    elif c < -0.38:
        order = [left, below if s > 0 else above, above if s > 0 else below, right]
    elif s < 0:
        order = [above, right if c >= 0 else left, left if c >= 0 else right, below]
    else:
        order = [below, right if c >= 0 else left, left if c >= 0 else right, above]
    return order


def closeness_circle(
    people: Sequence[Person],
    *,
    client_label: str,
    title: str,
    id_prefix: str,
    description: str | None = None,
    text: Mapping[str, str] | None = None,
) -> ChartResult:
    """Draw the client's closeness circle with people placed by ring, plus a ring-by-ring table."""
    check_id_prefix(id_prefix)
    t = merged_text(text)
    rings = [_ring_of(person, i) for i, person in enumerate(people)]
    ids = _element_ids(people, id_prefix)
    kinds = [css_token(person.kind) if person.kind else "" for person in people]
    geo = _Geometry.build([rings.count(r) for r in RINGS], [text_width(t[f"ring_{r}"], FONT) for r in RINGS])
    spots, inward = _marker_spots(geo, rings)
    ring_titles, obstacles = _ring_titles(geo, spots, t)
    bottom = geo.cy + geo.edge["outer"] + 4
    labels, shortened = _place_labels(people, rings, spots, inward, obstacles, (2, 2, geo.width - 2, bottom))
    if description is None:
        description = say(t, "closeness_desc", client=clean(client_label), count=len(people))
        if shortened:
            description += t["hidden_labels"]
    legend, height = _legend(kinds, geo.width, bottom, t)
    out = svg_open(
        width=geo.width, height=height, id_prefix=id_prefix, title=title, description=description, kind="closeness"
    )
    out += _rings_and_client(geo, ring_titles, client_label)
    out.append(f'<g font-size="{n(FONT)}" fill="{TEXT}">')
    for ring in RINGS:
        for i in (i for i, r in enumerate(rings) if r == ring):
            out += _person(people[i], ring, kinds[i], ids[i], spots[i], labels.get(i), t)
    out.append("</g>")
    out += legend
    out.append("</svg>")
    return ChartResult("".join(out), clean(title), clean(description), (t["ring"], t["people"]),
                       _table_rows(people, rings, kinds, t))


def _marker_spots(geo: _Geometry, rings: Sequence[str]) -> tuple[Spots, set[int]]:
    """Return each person's marker position and angle, and who on a crowded ring sits on the inner radius.

    People go evenly round each ring, leaving a gap under the ring's title, rings turned a little
    against each other. A crowded ring alternates people between two radii; the inner ones try to
    put their label inwards first.
    """
    spots: Spots = {}
    inward: set[int] = set()
    for j, ring in enumerate(RINGS):
        members = [i for i, r in enumerate(rings) if r == ring]
        k = len(members)
        gap = geo.gap[ring]
        arc = 2 * math.pi - 2 * gap
        for m, i in enumerate(members):
            a = -math.pi / 2 + gap + (m + 0.5 + 0.2 * j) * arc / max(k, 1)
            if k == 1:
                a = -math.pi / 2 + math.pi * (0.75 + 0.25 * j)
            r = geo.place[ring]
            if geo.crowded[ring]:
                r += STAGGER[ring] * (1 if m % 2 == 0 else -1)
                if m % 2:
                    inward.add(i)
            spots[i] = (geo.cx + r * math.cos(a), geo.cy + r * math.sin(a), a)
    return spots, inward


def _ring_titles(geo: _Geometry, spots: Spots, t: Mapping[str, str]) -> tuple[list[str], list[Box]]:
    """Return each ring's title, and the boxes a name label must not cover (client, titles, markers)."""
    cx, cy = geo.cx, geo.cy
    ring_titles = []
    obstacles: list[Box] = [(cx - CLIENT_R, cy - CLIENT_R, cx + CLIENT_R, cy + CLIENT_R)]
    for ring in RINGS:
        label = t[f"ring_{ring}"]
        w = text_width(label, FONT)
        ty = cy - geo.edge[ring] + 12
        ring_titles.append(text_el(cx, ty, label, anchor="middle", cls="oi-ring-label"))
        obstacles.append((cx - w / 2, ty - FONT, cx + w / 2, ty + 2))
    obstacles += [(x - MARK_R - 1, y - MARK_R - 1, x + MARK_R + 1, y + MARK_R + 1) for x, y, _ in spots.values()]
    return ring_titles, obstacles


def _place_labels(
    people: Sequence[Person],
    rings: Sequence[str],
    spots: Spots,
    inward: set[int],
    obstacles: list[Box],
    bounds: Box,
) -> tuple[dict[int, Label], bool]:
    """Find a free spot for each name, shortening it when needed; return the labels and whether any was cut."""
    labels: dict[int, Label] = {}
    shortened = False
    for ring in RINGS:
        for i in (i for i, r in enumerate(rings) if r == ring):
            mx, my, a = spots[i]
            name = " ".join(clean(people[i].name).split())
            found = _free_spot(name, mx, my, a + (math.pi if i in inward else 0), obstacles, bounds)
            if found is None:
                shortened = True
                continue
            x, y, anchor, short, box = found
            shortened = shortened or short != name
            obstacles.append(box)
            labels[i] = (x, y, anchor, short)
    return labels, shortened


def _free_spot(
    name: str, mx: float, my: float, angle: float, obstacles: list[Box], bounds: Box
) -> tuple[float, float, str, str, Box] | None:
    """Return (x, y, anchor, text, box) for the longest form of `name` that fits beside its marker, or None."""
    for chars in (18, 12, 8, 5):
        short = truncate(name, chars)
        w, h = text_width(short, FONT), FONT + 2
        for x, y, anchor, box in _label_spot(mx, my, angle, w, h):
            inside = box[0] >= bounds[0] and box[1] >= bounds[1] and box[2] <= bounds[2] and box[3] <= bounds[3]
            if inside and not any(_overlaps(box, o) for o in obstacles):
                return x, y, anchor, short, box
    return None


def _legend(kinds: Sequence[str], width: float, bottom: float, t: Mapping[str, str]) -> tuple[list[str], float]:
    """Return the legend of the kinds of relationship drawn (in order of first use) and the chart's height."""
    present = []
    for k in kinds:
        if k and k not in present:
            present.append(k)
    if not present:
        return [], bottom + 4
    items = [
        (PERSON_STYLES.get(k, PERSON_DEFAULT)[1], PERSON_STYLES.get(k, PERSON_DEFAULT)[0], kind_label(k, t), None)
        for k in present
    ]
    legend, legend_h = _events.legend_row(items, x0=8, x1=width - 8, top=bottom)
    return legend, bottom + legend_h + 8


def _rings_and_client(geo: _Geometry, ring_titles: list[str], client_label: str) -> list[str]:
    """Draw the three rings with their titles and the client in the middle."""
    cx, cy = geo.cx, geo.cy
    out = [f'<g class="oi-rings" stroke="{RING_LINE}" stroke-width="1">']
    for ring, fill in zip(("outer", "middle", "inner"), RING_FILLS, strict=True):
        out.append(
            f'<circle class="oi-ring oi-ring-{ring}" cx="{n(cx)}" cy="{n(cy)}" r="{n(geo.edge[ring])}" '
            f'fill="{fill}"/>'
        )
    out.append("</g>")
    out.append(f'<g font-size="{n(FONT)}" fill="{MUTED_TEXT}">' + "".join(ring_titles) + "</g>")
    out.append(
        f'<g class="oi-client"><circle cx="{n(cx)}" cy="{n(cy)}" r="{n(CLIENT_R)}" fill="{CLIENT_FILL}"/>'
        + text_el(cx, cy + 11 * 0.35, fit(client_label, CLIENT_R * 2 - 8, 11) or "\u2022", size=11,
                  anchor="middle", fill=WHITE, weight="bold")
        + "</g>"
    )
    return out


def _person(
    person: Person,
    ring: str,
    kind: str,
    element_id: str,
    spot: tuple[float, float, float],
    label: Label | None,
    t: Mapping[str, str],
) -> list[str]:
    """Draw one person: a marker with a tooltip, and the name when it found room."""
    colour, shape = PERSON_STYLES.get(kind, PERSON_DEFAULT)
    mx, my, _ = spot
    cls = "oi-person" + (f" oi-person-{kind}" if kind else "")
    tip = f"{' '.join(clean(person.name).split())} \u2013 {t[f'ring_{ring}']}"
    if kind:
        tip += f" ({kind_label(kind, t)})"
    paint = (
        f'fill="{colour}" stroke="{WHITE}" stroke-width="1"'
        if kind in PERSON_STYLES
        else f'fill="{WHITE}" stroke="{colour}" stroke-width="2"'
    )
    out = [f'<g id="{element_id}" class="{cls}">{tooltip(tip)}',
           draw_marker(shape, mx, my, MARK_R, f'class="oi-person-marker" {paint}')]
    if label is not None:
        x, y, anchor, short = label
        out.append(text_el(x, y, short, anchor=anchor))
    out.append("</g>")
    return out


def _table_rows(
    people: Sequence[Person], rings: Sequence[str], kinds: Sequence[str], t: Mapping[str, str]
) -> tuple[tuple[str, str], ...]:
    """Return one table row per ring: its title and the people in it with the kind of relationship."""
    rows = []
    for ring in RINGS:
        names = []
        for i in (i for i, r in enumerate(rings) if r == ring):
            name = " ".join(clean(people[i].name).split())
            names.append(f"{name} ({kind_label(kinds[i], t)})" if kinds[i] else name)
        rows.append((t[f"ring_{ring}"], "; ".join(names) if names else t["nobody"]))
    return tuple(rows)
