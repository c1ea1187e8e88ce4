"""What the assessment pages show: the closeness circle, the timeline chart, diffs and suggestions.

These functions read rows already loaded and run no queries of their own (except the timeline's
scores, which come from the measures app in one call), so page query counts stay constant.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.assessment.choices import (
    AREA_NAMES,
    CONFIDENCE,
    PERSON_KINDS,
    RING_ORDER,
    AgeBand,
    Contact,
    Ending,
    EventKind,
    Hope,
    Match,
    MoodEffect,
    Ring,
    Support,
    Talking,
    chart_kind,
)
from openipt.assessment.forms import PERSON_WORDS
from openipt.assessment.merge import PERSON_FIELDS, TEXT_FIELDS, changed_fields, normalise, word_diff
from openipt.assessment.suggest.dates import ApproxDate
from openipt.core.charts import Event, Person, Point, closeness_circle, timeline_chart

CHOICE_LABELS = {
    "ring": dict(Ring.choices), "age_band": dict(AgeBand.choices), "contact": dict(Contact.choices),
    "support_received": dict(Support.choices), "support_given": dict(Support.choices),
    "expectations_match": dict(Match.choices), "conflict_talking": dict(Talking.choices),
    "conflict_hope": dict(Hope.choices), "conflict_ending": dict(Ending.choices),
    "conflict_mood_effect": dict(MoodEffect.choices),
}


def chart_words() -> dict:
    """The charts' built-in words in the reader's language."""
    return {
        "ring_inner": _("Inner ring"), "ring_middle": _("Middle ring"), "ring_outer": _("Outer ring"),
        "ring": _("Ring"), "people": _("People"), "nobody": _("No one"), "events": _("Life events"),
        "kind_death_loss": _("Death (or pregnancy or baby loss)"), "kind_dispute": _("Dispute"), "kind_role_change": _("Life change"),
        "kind_isolation": _("Isolation"), "kind_other": _("Other"), "approximate_legend": _("Hollow: date not exact"),
        "onset": _("Onset"), "onset_row": _("The episode began"), "date": _("Date"), "event": _("Event"),
        "kind": _("Kind"), "score": _("Score"), "no_scores": _("No scores yet"),
        "kind_support": _("support"), "kind_conflict": _("conflict"), "kind_mixed": _("support and conflict"),
        "kind_distant": _("distant"), "kind_loss": _("has died, or is lost"),
        "kind_described": _("described, no clear support or conflict"),
    }


def value_text(field: str, value) -> str:
    """Return a stored value as words for a person to read."""
    if field in CHOICE_LABELS:
        return str(CHOICE_LABELS[field].get(value or "", value or "")) or "—"
    return normalise(value) or "—"


def field_label(field: str, for_client: bool = False) -> str:
    staff, client, _h1, _h2 = PERSON_WORDS[field]
    return str(client if for_client else staff)


def person_kind(values: dict, lost: bool = False) -> str:
    """The kind drawn in the closeness circle: loss, mixed, conflict, support, distant, described or none.

    "described" is someone with anything recorded beyond name, relationship and ring that shows no
    clear support, conflict or distance; "" (drawn hollow) is someone not described yet.
    """
    if lost:
        return "loss"
    conflict = bool(normalise(values.get("conflicts"))) or values.get("expectations_match") == "no"
    support = bool(normalise(values.get("satisfying"))) or values.get("support_received") in ("some", "a_lot")
    if conflict and support:
        return "mixed"
    if conflict:
        return "conflict"
    if support:
        return "support"
    if values.get("contact") in ("less_often", "never"):
        return "distant"
    return "described" if is_described(values) else ""


def is_described(values: dict) -> bool:
    """Whether anything beyond name, relationship and ring is recorded (the facts the list shows)."""
    return any(normalise(values.get(f)) not in ("", "unknown") for f in PERSON_FIELDS[3:])


def circle(people, client, *, id_prefix: str = "circle", lost: AbstractSet[int] = frozenset(), title: str | None = None):
    """Draw the closeness circle for entries (rows or snapshot dicts with an "id")."""
    drawn = []
    for p in people:
        values = p if isinstance(p, dict) else {f: getattr(p, f) for f in PERSON_FIELDS}
        pk = values.get("id") if isinstance(p, dict) else p.pk
        drawn.append(Person(values["name"], values["ring"], person_kind(values, pk in lost), key=pk))
    name = client.preferred_name or client.given_name
    return closeness_circle(drawn, client_label=name, id_prefix=id_prefix, text=chart_words(),
                            title=title or _("Closeness circle of %(name)s") % {"name": name})


def by_ring(people):
    """Group entries by ring, inner first: [(ring, label, [people])]."""
    labels = dict(Ring.choices)
    return [(ring, labels[ring], [p for p in people if (p["ring"] if isinstance(p, dict) else p.ring) == ring])
            for ring in RING_ORDER]


def changes(before: dict | None, after: dict, *, for_client: bool = False) -> list[dict]:
    """Field-by-field differences between two versions of an entry, with word diffs for text."""
    rows = []
    for field in changed_fields(before, after):
        old = (before or {}).get(field)
        row: dict[str, object] = {"field": field, "label": field_label(field, for_client), "before": value_text(field, old),
               "after": value_text(field, after.get(field)), "pieces": None}
        if field in TEXT_FIELDS and before is not None and normalise(old):
            row["pieces"] = word_diff(normalise(old), normalise(after.get(field)))
        rows.append(row)
    return rows


def approx(year, month, day) -> ApproxDate:
    return ApproxDate(year, month, day)


def when_text(year, month, day) -> str:
    """Return an approximate date in words ("March 2026"), marked "about" when not exact."""
    from django.utils import formats

    value = ApproxDate(year, month, day)
    if value.precision == "day":
        return formats.date_format(value.first_day(), "j F Y")
    if value.precision == "month":
        return _("about %(when)s") % {"when": formats.date_format(value.first_day(), "F Y")}
    return _("about %(when)s") % {"when": value.year}


def timeline(client, events, record, scores) -> object:
    """Draw the timeline: events, the onset and the PHQ-9 totals on one date axis, with its table."""
    labels = dict(EventKind.choices)
    drawn = []
    days: list[date] = []  # every day drawn, so that the axis starts before the first
    for e in events:
        when = ApproxDate(e.year, e.month, e.day)
        label = " ".join((e.description or "").split()) or str(labels.get(e.kind, e.kind))
        days.append(when.representative())
        drawn.append(Event(at=days[-1], label=label[:80], kind=chart_kind(e.kind), approximate=e.day is None))
    onset = None
    if record is not None and record.onset_year:
        onset = ApproxDate(record.onset_year, record.onset_month, record.onset_day).representative()
    points = []
    for when, total in scores:
        day = timezone.localdate(when) if hasattr(when, "hour") and timezone.is_aware(when) else (
            when.date() if hasattr(when, "date") and callable(when.date) else when)
        if isinstance(day, date) and isinstance(total, (int, float)) and not isinstance(total, bool):
            points.append(Point(day, float(total)))
            days.append(day)
    today = timezone.localdate()
    dates = days + ([onset] if onset else [])
    start = min(dates, default=today - timedelta(days=365))
    start = min(start, today - timedelta(days=90)) - timedelta(days=15)
    name = client.preferred_name or client.given_name
    return timeline_chart(drawn, start=start, end=today, onset=onset, scores=points, id_prefix="timeline",
                          y_max=27 if points else None, score_label=_("PHQ-9 total"), text=chart_words(),
                          title=_("Life events and mood of %(name)s") % {"name": name})


def suggestion_rows(built) -> list[dict]:
    """The suggestions with their evidence linked to the entries they rest on."""
    rows = []
    for s in built.suggestions:
        evidence = []
        for e in s.evidence:
            evidence.append({
                "sentence": e.sentence, "points": e.points, "rule": e.rule,
                "people": [p for p in (built.person_at(r.index) for r in e.people) if p is not None],
                "events": [ev for ev in (built.event_at(i) for i in e.events) if ev is not None],
                "intake": list(e.intake),
            })
        rows.append({
            "s": s, "area_name": AREA_NAMES.get(s.area or "", ""), "evidence": evidence,
            "confidence": CONFIDENCE.get(s.confidence or "", ""),
            "stage": s.stage, "last_resort": s.area == "interpersonal_deficits",
        })
    return rows


def mood_text(value: str) -> str:
    return str(dict(MoodEffect.choices).get(value, value))


def kind_label(kind: str) -> str:
    return str(PERSON_KINDS.get(kind, ""))
