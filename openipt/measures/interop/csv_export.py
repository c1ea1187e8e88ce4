"""Tidy CSV export: one row per administration and item, streamed.

Researchers and funders mostly want a spreadsheet, not FHIR. The long ("tidy") layout
keeps item-level answers next to the total and band of their administration, so a table
of totals or of single items is one filter away. Rows are produced one at a time from an
iterable of records, so an organisation of any size streams without being held in memory.
Every text cell that a spreadsheet could read as a formula is neutralised.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any, Protocol, TextIO

from openipt.measures.engine import Registry, UnknownInstrumentError

from .fhir_export import wording_allowed
from .records import AdministrationRecord, ExportError, ExportSettings, PatientRecord

BASE_COLUMNS = (
    "organisation", "client_record", "course_id", "administration_id", "instrument",
    "instrument_version", "item_id", "item_text_short", "answer_value", "answer_label",
    "item_score", "total", "band", "authored_date", "session_number", "entered_by_role",
)
IDENTIFIABLE_COLUMNS = ("given_name", "family_name", "birth_date")
SHORT_TEXT_LENGTH = 60
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class PatientLookup(Protocol):
    """What the tidy CSV needs of the patients: one found by client id, or None (a Mapping will do)."""

    def get(self, key: int | str, /) -> PatientRecord | None: ...


def columns(identifiable: bool = False) -> tuple[str, ...]:
    """Return the CSV header, with name and birth date columns when identifiable."""
    if not identifiable:
        return BASE_COLUMNS
    return BASE_COLUMNS[:2] + IDENTIFIABLE_COLUMNS + BASE_COLUMNS[2:]


def short_text(text: str, limit: int = SHORT_TEXT_LENGTH) -> str:
    """Return text on one line, cut at a word boundary to at most `limit` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:—-") + "…"


def safe_cell(value: Any) -> Any:
    """Return a cell value, with a leading quote on text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


class _Instr:
    def __init__(self, registry: Registry, code: str):
        try:
            inst = registry.get(code)
        except UnknownInstrumentError as exc:
            raise ExportError(str(exc)) from None
        show = wording_allowed(inst)
        self.inst = inst
        self.items = [(it, short_text(it.text) if show else "", {o.value: o.label if show else "" for o in it.options})
                      for it in inst.items]
        self.ids = {it.id for it in inst.items}


def iter_tidy_rows(administrations: Iterable[AdministrationRecord], patients: PatientLookup,
                   registry: Registry, settings: ExportSettings, *, identifiable: bool = False
                   ) -> Iterator[list[Any]]:
    """Yield one row (a list in `columns()` order) per administration and item."""
    cache: dict[str, _Instr] = {}
    tz = settings.timezone
    for admin in administrations:
        info = cache.get(admin.instrument_code)
        if info is None:
            info = cache[admin.instrument_code] = _Instr(registry, admin.instrument_code)
        patient = patients.get(admin.client_id)
        if patient is None:
            raise ExportError(f"administration {admin.id}: client {admin.client_id} is not in the export")
        unknown = set(admin.answers) - info.ids
        if unknown:
            raise ExportError(f"administration {admin.id} ({admin.instrument_code}): no item {sorted(unknown)[0]!r}")
        when = admin.authored
        if not isinstance(when, dt.datetime) or when.utcoffset() is None:
            raise ExportError(f"administration {admin.id}: authored must be a timezone-aware datetime")
        if tz is not None:
            when = when.astimezone(tz)
        head = [settings.organisation, patient.record_number]
        if identifiable:
            head += [patient.given_name, patient.family_name,
                     patient.birth_date.isoformat() if patient.birth_date else ""]
        head += [_blank(admin.course_id), str(admin.uuid), admin.instrument_code,
                 admin.instrument_version or info.inst.version]
        tail = [_blank(admin.total), admin.band or "", when.date().isoformat(),
                _blank(admin.session_number), admin.entered_by_role or ""]
        for item, text, labels in info.items:
            value = admin.answers.get(item.id)
            if value is None:
                mid: list[object] = [item.id, text, "", "", ""]
            else:
                if isinstance(value, bool) or not isinstance(value, int) or value not in labels:
                    raise ExportError(f"administration {admin.id}: answers.{item.id}: {value!r} is not an option")
                mid = [item.id, text, value, labels[value], item.score(value) if item.scored else ""]
            yield [safe_cell(c) for c in (*head, *mid, *tail)]


def _blank(value: Any) -> Any:
    return "" if value is None else value


class _Line:
    """A file-like buffer that hands back what one csv.writer call wrote."""

    def __init__(self) -> None:
        self.buf = io.StringIO()

    def write(self, s: str) -> int:
        return self.buf.write(s)

    def take(self) -> str:
        out = self.buf.getvalue()
        self.buf.seek(0)
        self.buf.truncate()
        return out


def iter_tidy_csv(administrations: Iterable[AdministrationRecord], patients: PatientLookup,
                  registry: Registry, settings: ExportSettings, *, identifiable: bool = False) -> Iterator[str]:
    """Yield the CSV text line by line (header first), e.g. for a streaming HTTP response."""
    sink = _Line()
    writer = csv.writer(sink, lineterminator="\r\n")
    writer.writerow(columns(identifiable))
    yield sink.take()
    for row in iter_tidy_rows(administrations, patients, registry, settings, identifiable=identifiable):
        writer.writerow(row)
        yield sink.take()


def write_tidy_csv(out: TextIO, administrations: Iterable[AdministrationRecord],
                   patients: PatientLookup, registry: Registry, settings: ExportSettings,
                   *, identifiable: bool = False) -> int:
    """Write the tidy CSV (header included) to out; return the number of data rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns(identifiable))
    n = 0
    for row in iter_tidy_rows(administrations, patients, registry, settings, identifiable=identifiable):
        writer.writerow(row)
        n += 1
    return n
