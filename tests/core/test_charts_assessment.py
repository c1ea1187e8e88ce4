"""The closeness circle and the life-event timeline drawn from the IPT assessment."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from openipt.core.charts import Event, Person, closeness_circle, timeline_chart

NS = "{http://www.w3.org/2000/svg}"

NAMES = [
    "Mum",
    "Dad",
    "Sister Ana",
    "Brother Mateo",
    "Grandmother Rosa",
    "Best friend Chlo\u00e9",
    "Husband",
    "Boss",
    "Neighbour",
    "Priest",
    "Coach",
    "Cousin Lwazi",
    "Teacher",
    "Aunt Brigitte-Marie",
    "Uncle <script>",
    "Jo & Co",
    "Doctor",
    "Friend from school",
    "Ex-partner",
    "Daughter",
    "Son",
    "Therapist",
    "Landlord",
    "Pastor",
    "Bandmate \U0001f3b8",
    "\u05d3\u05d5\u05d3",
    "\u0633\u0627\u0631\u0629",
    'Old friend "Kiki"',
    "Flatmate",
    "Gym buddy",
]
KINDS = ["support", "conflict", "mixed", "distant", "loss", ""]


def with_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [el for el in root.iter() if cls in (el.get("class") or "").split()]


def boxes_overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def label_box(text_el: ET.Element) -> tuple[float, float, float, float]:
    """Return a label's box from the same width estimate the layout uses."""
    from openipt.core.charts._base import text_width

    x, y = float(text_el.get("x")), float(text_el.get("y"))
    w = text_width(text_el.text, 11)
    anchor = text_el.get("text-anchor", "start")
    x0 = {"start": x, "end": x - w, "middle": x - w / 2}[anchor]
    return (x0, y - 9, x0 + w, y + 2)


# --- closeness circle ------------------------------------------------------------------------------


def test_closeness_circle_lists_people_by_ring_in_the_table():
    people = [
        Person("Mum", "inner", "support", 11),
        Person("Boss", "outer", "conflict", 12),
        Person("Sister", "inner", "", 13),
    ]
    result = closeness_circle(people, client_label="Maria", title="Maria's circle", id_prefix="cc")
    assert result.table_headers == ("Circle", "People")
    assert result.table_rows == (
        ("Inner circle", "Mum (Support); Sister"),
        ("Middle circle", "No one"),
        ("Outer circle", "Boss (Conflict)"),
    )


def test_each_person_has_a_stable_linkable_id_and_kind_class():
    people = [Person("Mum", "inner", "support", 11), Person("Boss", "outer", "conflict")]
    root = ET.fromstring(closeness_circle(people, client_label="M", title="t", id_prefix="cc").svg)
    groups = with_class(root, "oi-person")
    assert [g.get("id") for g in groups] == ["cc-person-11", "cc-person-i2"]
    assert "oi-person-support" in groups[0].get("class")
    assert "oi-person-conflict" in groups[1].get("class")
    assert groups[0].find(f"{NS}title").text == "Mum \u2013 Inner circle (Support)"


def test_duplicate_keys_and_unknown_rings_are_refused():
    with pytest.raises(ValueError, match="share the key"):
        closeness_circle(
            [Person("A", "inner", key=1), Person("B", "outer", key=1)],
            client_label="M",
            title="t",
            id_prefix="cc",
        )
    with pytest.raises(ValueError, match="ring"):
        closeness_circle([Person("A", "closest")], client_label="M", title="t", id_prefix="cc")


def test_people_sit_inside_their_own_ring():
    people = [Person(n, ("inner", "middle", "outer")[i % 3], KINDS[i % 6], i) for i, n in enumerate(NAMES)]
    root = ET.fromstring(closeness_circle(people, client_label="Maria", title="t", id_prefix="cc").svg)
    rings = {c.get("class").split()[-1]: c for c in with_class(root, "oi-ring")}
    cx, cy = float(rings["oi-ring-inner"].get("cx")), float(rings["oi-ring-inner"].get("cy"))
    edges = [0.0] + [float(rings[f"oi-ring-{r}"].get("r")) for r in ("inner", "middle", "outer")]
    for g in with_class(root, "oi-person"):
        i = int(g.get("id").rsplit("-", 1)[1])
        ring = ("inner", "middle", "outer").index(people_ring := people[i].ring)
        mark = g[1]
        if mark.tag == f"{NS}circle":
            x, y = float(mark.get("cx")), float(mark.get("cy"))
        else:
            nums = [
                float(v) for v in mark.get("d").replace("M", " ").replace("L", " ").replace("Z", " ").split()
            ]
            x, y = sum(nums[0::2]) / len(nums[0::2]), sum(nums[1::2]) / len(nums[1::2])
        dist = math.hypot(x - cx, y - cy)
        assert edges[ring] < dist < edges[ring + 1], (people[i].name, people_ring)


@pytest.mark.parametrize("layout", ["mixed", "all_outer", "all_middle", "all_inner"])
def test_thirty_people_labels_never_overlap(layout):
    # Given 30 people spread over the rings or crowded into one
    if layout == "mixed":
        people = [
            Person(n, ("inner", "middle", "outer")[i % 3], KINDS[i % 6], i) for i, n in enumerate(NAMES)
        ]
    else:
        ring = layout.split("_")[1]
        people = [Person(n, ring, KINDS[i % 6], i) for i, n in enumerate(NAMES)]
    result = closeness_circle(people, client_label="Maria", title="t", id_prefix="cc")
    root = ET.fromstring(result.svg)
    # Then no two person labels overlap, and every person has a marker
    labels = [t for g in with_class(root, "oi-person") for t in g.iter(f"{NS}text")]
    boxes = [label_box(t) for t in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not boxes_overlap(a, b)
    assert len(with_class(root, "oi-person")) == 30
    assert len(labels) >= 27  # nearly everyone keeps a visible (maybe shortened) name
    # And the table still holds every full name
    table_text = " ".join(r[1] for r in result.table_rows)
    assert all(n in table_text for n in NAMES)
    assert len(result.svg.encode()) <= 20 * 1024


def test_long_names_are_shortened_on_the_picture_but_whole_in_the_table():
    name = "Great-aunt Philomena Montgomery-Smythe"
    result = closeness_circle([Person(name, "middle")], client_label="M", title="t", id_prefix="cc")
    root = ET.fromstring(result.svg)
    shown = [t.text for t in with_class(root, "oi-person")[0].iter(f"{NS}text")][0]
    assert shown.endswith("\u2026") and len(shown) < len(name)
    assert result.table_rows[1] == ("Middle circle", name)
    assert "shortened" in result.description


def test_closeness_layout_is_deterministic_and_escapes_names():
    people = [Person(n, ("inner", "middle", "outer")[i % 3], KINDS[i % 6], i) for i, n in enumerate(NAMES)]
    a = closeness_circle(people, client_label="<Maria>", title="t", id_prefix="cc")
    b = closeness_circle(people, client_label="<Maria>", title="t", id_prefix="cc")
    assert a == b
    assert "<script" not in a.svg and "&lt;Maria&gt;" in a.svg
    ET.fromstring(a.svg)


def test_empty_closeness_circle_still_draws_the_rings():
    result = closeness_circle([], client_label="Maria", title="t", id_prefix="cc")
    root = ET.fromstring(result.svg)
    assert len(with_class(root, "oi-ring")) == 3
    assert [r[1] for r in result.table_rows] == ["No one", "No one", "No one"]


# --- timeline ----------------------------------------------------------------------------------------


def sample_events():
    return [
        Event(date(2021, 3, 1), "Father died", "death_loss"),
        Event(date(2022, 6, 1), "Fights with husband", "dispute", until=date(2023, 2, 1)),
        Event(date(2023, 1, 1), "Lost job", "role_change", approximate=True),
        Event(date(2023, 4, 1), "Stopped seeing friends", "isolation"),
        Event(date(2023, 8, 15), "Moved city", "other"),
    ]


def test_each_event_kind_has_its_own_marker_shape():
    root = ET.fromstring(
        timeline_chart(
            sample_events(), start=date(2021, 1, 1), end=date(2024, 1, 1), title="t", id_prefix="tl"
        ).svg
    )
    shapes = {}
    for g in with_class(root, "oi-event"):
        kind = [c for c in g.get("class").split() if c.startswith("oi-event-")][0]
        mark = with_class(g, "oi-event-marker")[0]
        shapes[kind] = mark.get("d") and _shape_signature(mark.get("d")) or "circle"
    assert len(shapes) == 5
    assert len(set(shapes.values())) == 5


def _shape_signature(d: str) -> str:
    nums = [float(v) for v in d.replace("M", " ").replace("L", " ").replace("Z", " ").split()]
    pts = list(zip(nums[0::2], nums[1::2], strict=True))
    cx, cy = sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)
    return ",".join(f"{round(x - cx)}:{round(y - cy)}" for x, y in pts)


def test_timeline_spans_years_with_onset_and_scores_in_date_order():
    scores = [(date(2023, 9, 1) + timedelta(weeks=2 * i), s) for i, s in enumerate([20, 19, None, 16])]
    result = timeline_chart(
        sample_events(),
        start=date(2021, 1, 1),
        end=date(2024, 1, 1),
        onset=date(2023, 3, 1),
        scores=scores,
        title="Timeline",
        id_prefix="tl",
        y_max=27,
        score_label="PHQ-9",
    )
    root = ET.fromstring(result.svg)
    assert root.get("aria-labelledby") == "tl-title tl-desc"
    assert len(with_class(root, "oi-point")) == 3
    assert len(with_class(root, "oi-onset")) == 1
    ticks = [t.text for t in with_class(root, "oi-axis-labels")[-1].iter(f"{NS}text")]
    assert ticks == ["2021", "2022", "2023", "2024"]
    assert result.table_headers == ("Date", "Event", "Kind", "PHQ-9")
    dates = [r[0] for r in result.table_rows]
    assert dates[0] == "1 Mar 2021"
    assert ("1 Jun 2022 to 1 Feb 2023", "Fights with husband", "Dispute", "") in result.table_rows
    assert ("about 1 Jan 2023", "Lost job", "Role change", "") in result.table_rows
    assert ("1 Mar 2023", "The episode began", "", "") in result.table_rows
    assert ("29 Sep 2023", "", "", "No score") in result.table_rows
    assert result.description.startswith("5 life events between 1 Jan 2021 and 1 Jan 2024.")


def test_onset_line_lines_up_with_an_event_on_the_same_day():
    day = date(2023, 3, 1)
    root = ET.fromstring(
        timeline_chart(
            [Event(day, "Divorce", "dispute")],
            start=date(2022, 1, 1),
            end=date(2024, 1, 1),
            onset=day,
            title="t",
            id_prefix="tl",
        ).svg
    )
    onset_x = float(with_class(root, "oi-onset")[0].find(f"{NS}line").get("x1"))
    mark = with_class(root, "oi-event-marker")[0]
    top_x = float(mark.get("d")[1:].split("L")[0].split()[0])  # triangle apex is at the marker's x
    assert top_x == pytest.approx(onset_x, abs=0.11)


def test_approximate_event_is_hollow_and_span_is_a_bar():
    root = ET.fromstring(
        timeline_chart(
            sample_events(), start=date(2021, 1, 1), end=date(2024, 1, 1), title="t", id_prefix="tl"
        ).svg
    )
    approx = with_class(root, "oi-approximate")
    assert len(approx) == 1 and with_class(approx[0], "oi-event-marker")[0].get("fill") == "#ffffff"
    spans = with_class(root, "oi-event-span")
    assert len(spans) == 1 and float(spans[0].get("width")) > 20
    legend = [t.text for t in with_class(root, "oi-legend")[0].iter(f"{NS}text")]
    assert legend == [
        "Death",
        "Dispute",
        "Role change",
        "Isolation",
        "Other",
        "Hollow: date not exact",
    ]


def test_events_outside_the_window_widen_it_rather_than_vanish():
    result = timeline_chart(
        [Event(date(2010, 5, 1), "Mother died", "death_loss")],
        start=date(2023, 1, 1),
        end=date(2024, 1, 1),
        title="t",
        id_prefix="tl",
    )
    root = ET.fromstring(result.svg)
    assert len(with_class(root, "oi-event")) == 1
    assert result.table_rows[0][1] == "Mother died"


def test_empty_timeline_is_not_an_error():
    result = timeline_chart([], start=date(2024, 1, 1), end=date(2024, 6, 1), title="t", id_prefix="tl")
    ET.fromstring(result.svg)
    assert result.table_rows == ()
    assert result.description == "0 life events between 1 Jan 2024 and 1 Jun 2024."


def test_timeline_refuses_session_numbers_for_dates():
    with pytest.raises(ValueError, match="mix dates"):
        timeline_chart(
            [Event(3, "x")], start=date(2024, 1, 1), end=date(2024, 6, 1), title="t", id_prefix="tl"
        )
