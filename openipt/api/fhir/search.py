"""Read a FHIR search's query string into plain values: pure Python, no Django.

The views hand `parse` the query's (name, value) pairs and what the resource type supports; it
answers a `Search` (ids, patients, date and last-updated bounds, codes, page size, cursor) or
raises `SearchError` with a sentence for the integrator (answered as a 400 OperationOutcome).

Strict by default: a parameter the type does not support is refused, so a typo never silently
widens a search. `Prefer: handling=lenient` (FHIR's own header) ignores unknown parameters instead,
and the Bundle's self link then shows only the parameters that were used.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

DEFAULT_COUNT = 50
MAX_COUNT = 200
MAX_VALUES = 100  # comma-separated values in one parameter
MAX_PARAM_LENGTH = 1000

# Parameters every search type accepts (paging and formats); the rest depend on the type.
PAGING = ("_count", "_cursor", "_format")
DATE_PREFIXES = ("eq", "ge", "le", "gt", "lt")

_DATE_RE = re.compile(
    r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d{1,9})?)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2}))?)?)?$")


class SearchError(ValueError):
    """A search the server refuses (answered 400 with this message)."""


@dataclass(frozen=True)
class Bound:
    """One side of a time range: the stored time must be `op` ("gte" or "lt") `at`."""

    op: str
    at: dt.datetime


@dataclass(frozen=True)
class Search:
    """What a search asks for, once read and checked."""

    count: int = DEFAULT_COUNT
    cursor: str | None = None
    ids: tuple[str, ...] | None = None
    patients: tuple[str, ...] | None = None
    codes: tuple[tuple[str | None, str], ...] | None = None
    questionnaires: tuple[str, ...] | None = None
    dates: tuple[Bound, ...] = ()
    last_updated: tuple[Bound, ...] = ()
    used: tuple[tuple[str, str], ...] = field(default=())  # the parameters applied (for the self link)


def lenient(prefer_header: str) -> bool:
    """True when a `Prefer` header asks for `handling=lenient`."""
    parts = [p.strip().lower().replace(" ", "") for p in prefer_header.split(",")]
    parts += [q.strip() for p in parts for q in p.split(";")]
    return "handling=lenient" in parts


def interval(value: str, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The [start, end) a FHIR date or dateTime covers: a day covers the whole day in `zone`."""
    found = _DATE_RE.match(value)
    if found is None:
        raise SearchError(f"{value!r} is not a FHIR date: give YYYY, YYYY-MM, YYYY-MM-DD or a time with its zone, "
                          "such as 2026-01-31T09:00:00Z.")
    parts = found.groupdict()
    year = int(parts["year"])
    if not 1900 <= year <= 9000:  # the databases cannot compare years near 1 or 9999 in every zone
        raise SearchError("Give a date between the years 1900 and 9000.")
    try:
        if parts["hour"] is not None:
            offset = parts["zone"]
            tz = dt.UTC if offset == "Z" else dt.datetime.strptime(offset, "%z").tzinfo
            start = dt.datetime(year, int(parts["month"]), int(parts["day"]), int(parts["hour"]),
                                int(parts["minute"]), int(parts["second"] or 0), tzinfo=tz)
            step = dt.timedelta(seconds=1) if parts["second"] is not None else dt.timedelta(minutes=1)
            return start, start + step
        month, day = int(parts["month"] or 1), int(parts["day"] or 1)
        first = dt.date(year, month, day)
    except ValueError:
        raise SearchError(f"{value!r} is not a date that exists.") from None
    if parts["day"] is not None:
        last = first + dt.timedelta(days=1)
    elif parts["month"] is not None:
        last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    else:
        last = first.replace(year=year + 1)
    return (dt.datetime.combine(first, dt.time(), tzinfo=zone), dt.datetime.combine(last, dt.time(), tzinfo=zone))


def date_bounds(name: str, value: str, zone: dt.tzinfo) -> tuple[Bound, ...]:
    """The bounds of one `date=` value, with FHIR's prefixes: eq (the default), ge, le, gt, lt."""
    prefix = value[:2] if value[:2].isalpha() else "eq"
    if prefix not in DATE_PREFIXES:
        raise SearchError(f"{name}: the prefix {value[:2]!r} is not supported; use eq, ge, le, gt or lt.")
    if "," in value:
        raise SearchError(f"{name}: give one date per parameter (repeat {name}= for a range).")
    start, end = interval(value[2:] if value[:2].isalpha() else value, zone)
    return {
        "eq": (Bound("gte", start), Bound("lt", end)),
        "ge": (Bound("gte", start),),
        "gt": (Bound("gte", end),),
        "le": (Bound("lt", end),),
        "lt": (Bound("lt", start),),
    }[prefix]


def _values(name: str, value: str) -> list[str]:
    values = [v.strip() for v in value.split(",")]
    if len(values) > MAX_VALUES:
        raise SearchError(f"{name}: give at most {MAX_VALUES} values.")
    if any(not v for v in values):
        raise SearchError(f"{name}: a value is empty.")
    return values


def patient_id(value: str) -> str:
    """The id in `Patient/<id>` or a bare id (whatever else is given matches no patient)."""
    return value.removeprefix("Patient/")


def token(value: str) -> tuple[str | None, str]:
    """A FHIR token `system|code`, `|code` (no system) or `code` (any system) as (system, code)."""
    if "|" not in value:
        return None, value
    system, _, code = value.partition("|")
    if not code:
        raise SearchError(f"{value!r}: give a code after the '|'.")
    return system, code


def count(value: str) -> int:
    """`_count`: a whole number from 1; more than the most a page holds gives the most."""
    try:
        number = int(value)
    except ValueError:
        raise SearchError("_count is a whole number, such as 50.") from None
    if number < 1:
        raise SearchError("_count is at least 1.")
    return min(number, MAX_COUNT)


def parse(pairs: list[tuple[str, str]], supported: frozenset[str], *, zone: dt.tzinfo, lenient: bool = False) -> Search:
    """Read a search's parameters; `supported` names the type's own (patient, date, code, _id, _lastUpdated...)."""
    number, cursor = DEFAULT_COUNT, None
    ids: tuple[str, ...] | None = None
    patients: tuple[str, ...] | None = None
    codes: tuple[tuple[str | None, str], ...] | None = None
    questionnaires: tuple[str, ...] | None = None
    dates: list[Bound] = []
    updated: list[Bound] = []
    used: list[tuple[str, str]] = []
    seen: set[str] = set()
    for name, value in pairs:
        if len(value) > MAX_PARAM_LENGTH or len(name) > 100:
            raise SearchError("A search parameter is too long.")
        if "\x00" in name or "\x00" in value:
            raise SearchError("A search parameter holds a NUL character.")
        if name not in PAGING and name not in supported:
            if lenient:
                continue
            known = ", ".join(sorted(supported | set(PAGING)))
            raise SearchError(f"The search parameter {name!r} is not supported here. Supported: {known}. "
                              "Send the header Prefer: handling=lenient to have unknown parameters ignored.")
        if name == "_format":
            continue  # checked by the view (only JSON is offered)
        if name in ("date", "_lastUpdated"):
            (updated if name == "_lastUpdated" else dates).extend(date_bounds(name, value, zone))
            used.append((name, value))
            continue
        key = "patient" if name == "subject" else name
        if key in seen:
            raise SearchError(f"{name}: give it once (separate several values with commas).")
        seen.add(key)
        if name == "_count":
            number = count(value)
            continue  # the links give the page size they used
        elif name == "_cursor":
            cursor = value
            continue  # the next link adds its own cursor
        elif key == "patient":
            patients = tuple(patient_id(v) for v in _values(name, value))
        elif name == "code":
            codes = tuple(token(v) for v in _values(name, value))
        elif name == "questionnaire":
            questionnaires = tuple(v.partition("|")[0] for v in _values(name, value))
        elif name == "_id":
            ids = tuple(_values(name, value))
        else:
            raise SearchError(f"The search parameter {name!r} is not supported here.")
        used.append((name, value))
    return Search(count=number, cursor=cursor, ids=ids, patients=patients, codes=codes, questionnaires=questionnaires,
                  dates=tuple(dates), last_updated=tuple(updated), used=tuple(used))
