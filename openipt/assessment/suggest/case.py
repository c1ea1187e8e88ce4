"""The case: what the therapist gathered in the initial phase, as plain data.

The problem-area scorer reads a case, never a database row, so that it can run anywhere
(web view, command line, tests) and so that its input can be saved and replayed. This module
defines the case's shape and `parse_case`, which turns the documented JSON form
(docs/assessment/suggest-area.md) into frozen dataclasses or reports every problem with the
path of the field at fault, e.g. ``timeline[2].date: not a date``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .dates import ApproxDate, parse_approx_date

CASE_VERSION = 1
RINGS = ("inner", "middle", "outer")
AGE_BANDS = ("under_13", "13_17", "18_29", "30_44", "45_64", "65_plus")
CONTACT = ("daily", "weekly", "monthly", "less_often", "never")
SUPPORT = ("none", "little", "some", "a_lot")
MATCH = ("yes", "partly", "no", "unknown")
TALKING = ("open", "stopped", "unknown")
HOPE = ("yes", "unsure", "no", "unknown")
ENDING = ("no", "considering", "decided", "unknown")
EVENT_KINDS = ("death", "pregnancy_loss", "dispute", "role_change", "isolation", "other")
#: The kinds of event IPT counts as grief: a death, and a pregnancy or infant loss. Every other loss
#: (a job, a divorce, a move, health) is a role transition and is entered as ``role_change``.
GRIEF_EVENT_KINDS = ("death", "pregnancy_loss")
#: The old kind "death or other loss" (case files and database rows written before the split).
LEGACY_LOSS_KIND = "death_loss"
MOOD_EFFECTS = ("much_worse", "worse", "none", "better", "unknown")

#: Intake questions: id -> (kind, the question as asked). Kind is "bool" or "count".
INTAKE_QUESTIONS: dict[str, tuple[str, str]] = {
    "lives_alone": ("bool", "Do you live alone?"),
    "close_confidants": ("count", "How many people could you talk to about something personal?"),
    "recent_move": ("bool", "Have you moved home in the past 12 months?"),
    "recent_bereavement": ("bool", "Has someone close to you died in the past 12 months?"),
    "recent_life_change": ("bool", "Has a big part of your life changed in the past 12 months "
                                   "(work, a baby, retirement, illness, a relationship starting or ending)?"),
    "current_disagreement": ("bool", "Are you in a serious disagreement right now with someone who matters to you "
                                     "(family, a partner, a friend, or someone at work)?"),
    "long_standing_loneliness": ("bool", "Have you felt lonely or cut off from people for most of your adult life?"),
}

MAX_TEXT = 2000
MAX_LIST = 50
MAX_PEOPLE = 200
MAX_EVENTS = 500


@dataclass(frozen=True)
class Expectations:
    """What the client and the other person expect of each other, and whether it matches."""

    client: str = ""
    other: str = ""
    match: str = "unknown"


@dataclass(frozen=True)
class Conflict:
    """One disagreement with a person, with the signs used to judge its stage."""

    topic: str
    talking: str = "unknown"
    hope: str = "unknown"
    ending: str = "unknown"
    note: str = ""
    mood_effect: str = "unknown"


@dataclass(frozen=True)
class Person:
    """One entry of the interpersonal inventory."""

    index: int
    name: str
    relationship: str
    ring: str
    age_band: str | None = None
    contact: str | None = None
    support_given: str | None = None
    support_received: str | None = None
    satisfying: tuple[str, ...] = ()
    unsatisfying: tuple[str, ...] = ()
    expectations: Expectations = field(default_factory=Expectations)
    conflicts: tuple[Conflict, ...] = ()
    recent_changes: tuple[str, ...] = ()
    changes_wanted: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Return the name with the relationship, e.g. "Rose (mother)"."""
        return f"{self.name} ({self.relationship})" if self.relationship else self.name


@dataclass(frozen=True)
class Event:
    """One entry of the life-events timeline."""

    index: int
    date: ApproxDate
    kind: str
    description: str = ""
    people: tuple[int, ...] = ()
    mood_effect: str = "unknown"


@dataclass(frozen=True)
class Onset:
    """When the current episode's symptoms began."""

    date: ApproxDate
    note: str = ""


@dataclass(frozen=True)
class Case:
    """Everything the scorer needs: inventory, timeline, onset, intake answers, reference date."""

    reference_date: dt.date
    inventory: tuple[Person, ...] = ()
    timeline: tuple[Event, ...] = ()
    onset: Onset | None = None
    intake: Mapping[str, bool | int | None] = field(default_factory=dict)

    def anchor(self) -> dt.date:
        """Return the day time windows are measured from: onset if known, else the reference date."""
        return self.onset.date.representative() if self.onset else self.reference_date


_PREGNANCY_WORDS = ("miscarr", "stillb", "still-b", "still b", "pregnan", "ectopic", "baby died", "lost the baby",
                    "lost our baby", "lost my baby", "neonatal", "cot death", "infant")
_DEATH_WORDS = ("died", "death", "passed away", "passed on", "funeral", "suicide", "killed", "murder",
                "bereave", "overdose", "lost her life", "lost his life", "lost their life")
_OTHER_LOSS_WORDS = ("job", "redundan", "laid off", "fired", "sacked", "dismiss", "work", "divorce", "separat",
                     "split", "broke up", "break-up", "breakup", "ended", "left me", "moved", "move", "home",
                     "house", "diagnos", "illness", "ill health", "health", "injur", "disab", "retire", "money",
                     "business", "visa", "country", "custody", "friendship", "relationship")


def legacy_loss_kind(description: str) -> str:
    """Return the kind an old "death or other loss" entry becomes, read from its description.

    IPT keeps grief for a death (and pregnancy or infant loss); other losses are role transitions.
    Words of pregnancy loss win, then words of death, then words of another loss. With no such
    words at all the entry stays a death, as that was the kind's first meaning; the migration lists
    these for the therapist to check.
    """
    text = " ".join((description or "").lower().split())
    if any(w in text for w in _PREGNANCY_WORDS):
        return "pregnancy_loss"
    if any(w in text for w in _DEATH_WORDS):
        return "death"
    if any(w in text for w in _OTHER_LOSS_WORDS):
        return "role_change"
    return "death"


class CaseError(ValueError):
    """A case that does not follow the documented format; `errors` lists every problem found."""

    def __init__(self, errors: list[str]):
        self.errors = tuple(errors)
        first = errors[0] if errors else "invalid case"
        more = len(errors) - 1
        super().__init__(first + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""))


class _Checker:
    """Collect errors with field paths while reading untrusted JSON-like data."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def err(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def obj(self, value: Any, path: str, allowed: set[str], required: set[str]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.err(path, "must be an object")
            return None
        for key in sorted(set(value) - allowed, key=str):
            name = key if isinstance(key, str) and key.isidentifier() else repr(key)
            self.err(f"{path}.{name}" if path else name,
                     f"unknown field (allowed: {', '.join(sorted(allowed))})")
        for key in sorted(required - set(value)):
            self.err(f"{path}.{key}" if path else key, "missing")
        return value

    def text(self, value: Any, path: str, required: bool = False) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            self.err(path, "must be a string")
            return ""
        if len(value) > MAX_TEXT:
            self.err(path, f"too long (more than {MAX_TEXT} characters)")
            return ""
        if required and not value.strip():
            self.err(path, "must not be empty")
        return value.strip()

    def choice(self, value: Any, path: str, options: tuple[str, ...], default: str | None) -> str | None:
        if value is None:
            return default
        if value not in options:
            shown = value if isinstance(value, str) else type(value).__name__
            self.err(path, f"{shown!r} is not one of {', '.join(options)}")
            return default
        return str(value)

    def texts(self, value: Any, path: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.err(path, "must be a list of strings")
            return ()
        if len(value) > MAX_LIST:
            self.err(path, f"too many entries (more than {MAX_LIST})")
            return ()
        return tuple(t for i, v in enumerate(value) if (t := self.text(v, f"{path}[{i}]", required=True)))

    def items(self, value: Any, path: str, limit: int) -> list[Any]:
        if not isinstance(value, list):
            self.err(path, "must be a list")
            return []
        if len(value) > limit:
            self.err(path, f"too many entries (more than {limit})")
            return []
        return value

    def date(self, value: Any, path: str, reference: dt.date | None) -> ApproxDate | None:
        try:
            when = parse_approx_date(value)
        except ValueError as exc:
            self.err(path, str(exc))
            return None
        if reference is not None and when.first_day() > reference:
            self.err(path, f"{when.iso()} is after reference_date {reference.isoformat()}")
        return when


def _parse_reference(chk: _Checker, value: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        when = parse_approx_date(value)
    except ValueError as exc:
        chk.err("reference_date", str(exc))
        return None
    if when.precision != "day":
        chk.err("reference_date", "must be a full date (YYYY-MM-DD)")
        return None
    return when.first_day()


def _parse_intake(chk: _Checker, value: Any) -> dict[str, bool | int | None]:
    raw = None if value is None else chk.obj(value, "intake", set(INTAKE_QUESTIONS), set())
    answers: dict[str, bool | int | None] = {}
    for key, (kind, _question) in INTAKE_QUESTIONS.items():
        if raw is None or raw.get(key) is None:
            answers[key] = None
            continue
        answer = raw[key]
        if kind == "bool" and not isinstance(answer, bool):
            chk.err(f"intake.{key}", "must be true, false or null")
        elif kind == "count" and (isinstance(answer, bool) or not isinstance(answer, int)
                                  or not 0 <= answer <= 1000):
            chk.err(f"intake.{key}", "must be a whole number from 0 to 1000, or null")
        else:
            answers[key] = answer
            continue
        answers[key] = None
    return answers


_PERSON_FIELDS = {
    "name", "relationship", "age_band", "ring", "contact", "support_given", "support_received",
    "satisfying", "unsatisfying", "expectations", "conflicts", "recent_changes", "changes_wanted",
}


def _parse_person(chk: _Checker, i: int, value: Any) -> Person | None:
    path = f"inventory[{i}]"
    raw = chk.obj(value, path, _PERSON_FIELDS, {"name", "relationship", "ring"})
    if raw is None:
        return None
    exp_raw = raw.get("expectations")
    expectations = Expectations()
    if exp_raw is not None:
        e = chk.obj(exp_raw, f"{path}.expectations", {"client", "other", "match"}, set())
        if e is not None:
            expectations = Expectations(
                client=chk.text(e.get("client"), f"{path}.expectations.client"),
                other=chk.text(e.get("other"), f"{path}.expectations.other"),
                match=chk.choice(e.get("match"), f"{path}.expectations.match", MATCH, "unknown") or "unknown",
            )
    conflicts = []
    for j, c_raw in enumerate(chk.items(raw.get("conflicts", []), f"{path}.conflicts", MAX_LIST)):
        cpath = f"{path}.conflicts[{j}]"
        c = chk.obj(c_raw, cpath, {"topic", "talking", "hope", "ending", "note", "mood_effect"}, {"topic"})
        if c is None:
            continue
        conflicts.append(Conflict(
            topic=chk.text(c.get("topic"), f"{cpath}.topic", required="topic" in c),
            talking=chk.choice(c.get("talking"), f"{cpath}.talking", TALKING, "unknown") or "unknown",
            hope=chk.choice(c.get("hope"), f"{cpath}.hope", HOPE, "unknown") or "unknown",
            ending=chk.choice(c.get("ending"), f"{cpath}.ending", ENDING, "unknown") or "unknown",
            note=chk.text(c.get("note"), f"{cpath}.note"),
            mood_effect=chk.choice(c.get("mood_effect"), f"{cpath}.mood_effect", MOOD_EFFECTS,
                                   "unknown") or "unknown",
        ))
    return Person(
        index=i,
        name=chk.text(raw.get("name"), f"{path}.name", required="name" in raw),
        relationship=chk.text(raw.get("relationship"), f"{path}.relationship", required="relationship" in raw),
        ring=chk.choice(raw.get("ring"), f"{path}.ring", RINGS, None) or "outer",
        age_band=chk.choice(raw.get("age_band"), f"{path}.age_band", AGE_BANDS, None),
        contact=chk.choice(raw.get("contact"), f"{path}.contact", CONTACT, None),
        support_given=chk.choice(raw.get("support_given"), f"{path}.support_given", SUPPORT, None),
        support_received=chk.choice(raw.get("support_received"), f"{path}.support_received", SUPPORT, None),
        satisfying=chk.texts(raw.get("satisfying"), f"{path}.satisfying"),
        unsatisfying=chk.texts(raw.get("unsatisfying"), f"{path}.unsatisfying"),
        expectations=expectations,
        conflicts=tuple(conflicts),
        recent_changes=chk.texts(raw.get("recent_changes"), f"{path}.recent_changes"),
        changes_wanted=chk.texts(raw.get("changes_wanted"), f"{path}.changes_wanted"),
    )


def _parse_event(chk: _Checker, i: int, value: Any, names: Mapping[str, int],
                 reference: dt.date | None) -> Event | None:
    path = f"timeline[{i}]"
    raw = chk.obj(value, path, {"date", "kind", "description", "people", "mood_effect"}, {"date", "kind"})
    if raw is None:
        return None
    when = chk.date(raw["date"], f"{path}.date", reference) if "date" in raw else None
    people: list[int] = []
    for j, ref in enumerate(chk.items(raw.get("people", []), f"{path}.people", MAX_LIST)):
        if not isinstance(ref, str):
            chk.err(f"{path}.people[{j}]", "must be the name of a person in the inventory")
        elif (key := ref.strip().casefold()) not in names:
            chk.err(f"{path}.people[{j}]", f"no person named {ref!r} in the inventory")
        elif names[key] not in people:
            people.append(names[key])
    description = chk.text(raw.get("description"), f"{path}.description")
    kind = raw.get("kind")
    if kind == LEGACY_LOSS_KIND:
        kind = legacy_loss_kind(description)
    else:
        kind = chk.choice(kind, f"{path}.kind", EVENT_KINDS, None) if "kind" in raw else None
    if when is None or kind is None:
        return None
    return Event(
        index=i,
        date=when,
        kind=kind,
        description=description,
        people=tuple(people),
        mood_effect=chk.choice(raw.get("mood_effect"), f"{path}.mood_effect", MOOD_EFFECTS, "unknown") or "unknown",
    )


def parse_case(data: Any) -> Case:
    """Check a case in its JSON form and return it as a Case; raise CaseError listing every problem."""
    chk = _Checker()
    top = chk.obj(data, "", {"version", "reference_date", "onset", "intake", "inventory", "timeline"},
                  {"reference_date", "inventory", "timeline"})
    if top is None:
        raise CaseError(["top level: the case must be a JSON object"])
    version = top.get("version", CASE_VERSION)
    if version != CASE_VERSION or isinstance(version, bool):
        chk.err("version", f"must be {CASE_VERSION}")
    reference = _parse_reference(chk, top.get("reference_date"))
    onset = None
    if top.get("onset") is not None:
        o = chk.obj(top["onset"], "onset", {"date", "note"}, {"date"})
        if o is not None and "date" in o:
            when = chk.date(o["date"], "onset.date", reference)
            note = chk.text(o.get("note"), "onset.note")
            onset = Onset(when, note) if when else None
    intake = _parse_intake(chk, top.get("intake"))

    people: list[Person] = []
    names: dict[str, int] = {}
    for i, p_raw in enumerate(chk.items(top.get("inventory", []), "inventory", MAX_PEOPLE)):
        person = _parse_person(chk, i, p_raw)
        if person is None or not person.name:
            continue
        key = person.name.casefold()
        if key in names:
            chk.err(f"inventory[{i}].name", f"{person.name!r} is already used by inventory[{names[key]}]")
            continue
        names[key] = i
        people.append(person)

    events = []
    for i, e_raw in enumerate(chk.items(top.get("timeline", []), "timeline", MAX_EVENTS)):
        event = _parse_event(chk, i, e_raw, names, reference)
        if event is not None:
            events.append(event)

    if chk.errors or reference is None:
        raise CaseError(chk.errors or ["reference_date: missing"])
    return Case(reference_date=reference, inventory=tuple(people), timeline=tuple(events),
                onset=onset, intake=intake)
