"""Build the suggester's case from the database and run it.

The suggester (suggest/) reads a case in its documented JSON form, never a database row. This
module writes that form from a client's inventory, timeline, onset and intake, so the web page,
the command line and the tests all feed the scorer the same thing. It keeps the links back to
the rows, so each piece of evidence can point at the entry it rests on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.assessment import access
from openipt.assessment.merge import lines, normalise
from openipt.assessment.models import InventoryPerson, LifeEvent
from openipt.assessment.suggest import Case, CaseError, Suggestion, parse_case, suggest
from openipt.assessment.suggest.case import MAX_EVENTS, MAX_PEOPLE, MAX_TEXT


@dataclass
class BuiltCase:
    """The case as JSON data and as parsed, the suggestions, and the rows behind each index."""

    data: dict
    case: Case | None
    suggestions: list[Suggestion]
    people: list[InventoryPerson]
    events: list[LifeEvent]
    problem: str = ""
    cut: list[str] = field(default_factory=list)

    def person_at(self, index: int) -> InventoryPerson | None:
        return self.people[index] if 0 <= index < len(self.people) else None

    def event_at(self, index: int) -> LifeEvent | None:
        return self.events[index] if 0 <= index < len(self.events) else None


def _text(value) -> str:
    return normalise(value)[:MAX_TEXT]


def _unique_names(people: list[InventoryPerson]) -> list[str]:
    """Names as the case needs them: unique regardless of case ("Sam", "Sam (2)")."""
    used: set[str] = set()
    out = []
    for person in people:
        base = person.name.strip()[:90] or "?"
        name, n = base, 1
        while name.casefold() in used:
            n += 1
            name = f"{base} ({n})"
        used.add(name.casefold())
        out.append(name)
    return out


def person_entry(person: InventoryPerson, name: str) -> dict:
    """Return one inventory entry in the case's JSON form."""
    entry: dict = {"name": name, "relationship": _text(person.relationship) or "?", "ring": person.ring}
    for key in ("age_band", "contact", "support_given", "support_received"):
        if getattr(person, key):
            entry[key] = getattr(person, key)
    for key in ("satisfying", "unsatisfying", "recent_changes", "changes_wanted"):
        values = lines(getattr(person, key))
        if values:
            entry[key] = values
    expectations = {"client": _text(person.expects_of_other), "other": _text(person.expected_by_other),
                    "match": person.expectations_match}
    if any(v and v != "unknown" for v in expectations.values()):
        entry["expectations"] = expectations
    topics = lines(person.conflicts)
    if topics:
        entry["conflicts"] = [{"topic": t, "talking": person.conflict_talking, "hope": person.conflict_hope,
                               "ending": person.conflict_ending, "mood_effect": person.conflict_mood_effect}
                              for t in topics]
    return entry


def build(client, *, reference: date | None = None, run: bool = True) -> BuiltCase:
    """Read a client's assessment (already checked visible) and return the case and its suggestions."""
    reference = reference or timezone.localdate()
    cut = []
    people = access.client_people(client)
    if len(people) > MAX_PEOPLE:
        cut.append(_("Only the first %(n)d people were used.") % {"n": MAX_PEOPLE})
        people = people[:MAX_PEOPLE]
    events = access.client_events(client)
    if len(events) > MAX_EVENTS:
        cut.append(_("Only the last %(n)d events were used.") % {"n": MAX_EVENTS})
        events = events[-MAX_EVENTS:]
    names = _unique_names(people)
    name_of = {p.pk: n for p, n in zip(people, names, strict=True)}
    timeline = []
    for event in events:
        involved = ([event.main_person_id] if event.main_person_id else []) + [p.pk for p in event.people.all()]
        refs = []
        for pk in involved:
            if pk in name_of and name_of[pk] not in refs:
                refs.append(name_of[pk])
        when = date_iso(event.year, event.month, event.day)
        entry: dict[str, object] = {"date": when, "kind": event.kind, "mood_effect": event.mood_effect}
        if event.description:
            entry["description"] = _text(event.description)
        if refs:
            entry["people"] = refs[:50]
        timeline.append(entry)
    data: dict = {"version": 1, "reference_date": reference.isoformat(),
                  "inventory": [person_entry(p, n) for p, n in zip(people, names, strict=True)], "timeline": timeline}
    record = access.client_assessment(client)
    if record is not None and record.onset_year:
        data["onset"] = {"date": date_iso(record.onset_year, record.onset_month, record.onset_day),
                         "note": _text(record.onset_note)}
    if record is not None and record.intake:
        data["intake"] = {k: v for k, v in record.intake.items() if v is not None}
    built = BuiltCase(data, None, [], people, events, cut=cut)
    try:
        built.case = parse_case(data)
    except CaseError as exc:
        built.problem = "; ".join(exc.errors[:3])
        return built
    if run:
        built.suggestions = suggest(built.case)
    return built


def date_iso(year: int, month: int | None, day: int | None) -> str:
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"
