"""The data dictionary that goes with the tidy CSV, generated from the instrument files.

A CSV without a codebook is guesswork for whoever analyses it. Because the dictionary is
built from the same loaded instruments as the export, it always lists every item and
answer value the CSV can contain, in Markdown for people and as CSV for programs.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import TextIO

from openipt.measures.engine import Instrument, Registry

from .csv_export import columns
from .fhir_export import WORDING_WITHHELD, wording_allowed

COLUMN_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "organisation": ("text", "Slug of the organisation that exported the data."),
    "client_record": ("text", "The client's record number: a pseudonym, unique within the organisation."),
    "given_name": ("text", "Client's given name (identifiable exports only)."),
    "family_name": ("text", "Client's family name (identifiable exports only)."),
    "birth_date": ("date", "Client's date of birth, YYYY-MM-DD (identifiable exports only; blank when not recorded)."),
    "course_id": ("text", "Id of the treatment course the administration belongs to; blank when none."),
    "administration_id": ("uuid", "Id of the administration (one completed questionnaire); the same as the "
                                  "FHIR QuestionnaireResponse identifier."),
    "instrument": ("code", "Instrument code; see the instrument sections below."),
    "instrument_version": ("text", "Version of the instrument file the answers were given on."),
    "item_id": ("code", "Item id (q1 ... qN in published order; 'difficulty' is the unscored PHQ-9/GAD-7 item)."),
    "item_text_short": ("text", "The item's wording, cut to about 60 characters (blank when the licence "
                                "does not allow the wording to be reproduced)."),
    "answer_value": ("integer", "The answer option chosen (see the options of each item); blank when unanswered."),
    "answer_label": ("text", "The printed label of the answer option chosen."),
    "item_score": ("integer", "What the answer adds to the total (reverse-scored items differ from the "
                              "answer value); blank for unscored items and unanswered ones."),
    "total": ("integer", "Total score of the administration, repeated on each of its rows; blank when too "
                         "many items were missing for a total."),
    "band": ("code", "Severity band id of the total (see the bands of each instrument); blank when none."),
    "authored_date": ("date", "Date the answers were given, YYYY-MM-DD."),
    "session_number": ("integer", "Session of the course the answers belong to; blank for assessments "
                                  "outside a session."),
    "entered_by_role": ("code", "Who entered the answers: client, therapist, facilitator, supervisor or admin."),
}
DICTIONARY_COLUMNS = ("section", "instrument", "item_id", "name", "value", "label", "description")
_FORMULA_NOTE = ("Text cells that would start with = + - @ (or a tab or carriage return) are written with a "
                 "leading ' so that spreadsheets do not run them as formulas.")


def _item_text(inst: Instrument, text: str, withheld: str = WORDING_WITHHELD) -> str:
    return text if wording_allowed(inst) else withheld


def iter_dictionary_rows(registry: Registry, *, identifiable: bool = False) -> Iterator[list[str]]:
    """Yield data dictionary rows in DICTIONARY_COLUMNS order: columns, then every instrument."""
    for name in columns(identifiable):
        kind, text = COLUMN_DESCRIPTIONS[name]
        yield ["column", "", "", name, kind, "", text]
    for inst in registry:
        yield ["instrument", inst.code, "", inst.short_name, inst.version, inst.name,
               f"Range {inst.min_total}-{inst.max_total}; {inst.direction.replace('_', ' ')}. "
               f"Licence: {inst.licence.text}"]
        for item in inst.items:
            flags = "scored" if item.scored else "not scored"
            if item.reverse:
                flags += ", reverse scored"
            if item.loinc:
                flags += f", LOINC {item.loinc}"
            yield ["item", inst.code, item.id, item.id, "", _item_text(inst, item.text), flags]
            for opt in item.options:
                score = f"scores {item.score(opt.value)}" if item.scored else "not scored"
                yield ["option", inst.code, item.id, item.id, str(opt.value),
                       _item_text(inst, opt.label, "(withheld)"), score]
        for band in inst.bands:
            yield ["band", inst.code, "", band.id, f"{band.min}-{band.max}", band.label, ""]


def write_dictionary_csv(out: TextIO, registry: Registry, *, identifiable: bool = False) -> int:
    """Write the data dictionary as CSV to out; return the number of rows after the header."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(DICTIONARY_COLUMNS)
    n = 0
    for row in iter_dictionary_rows(registry, identifiable=identifiable):
        writer.writerow(row)
        n += 1
    return n


def _md(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def dictionary_markdown(registry: Registry, *, identifiable: bool = False) -> str:
    """Return the data dictionary as a Markdown document."""
    out = ["# Data dictionary: tidy measures CSV", "",
           "One row per administration and item. Columns:", "",
           "| column | type | meaning |", "|---|---|---|"]
    for name in columns(identifiable):
        kind, text = COLUMN_DESCRIPTIONS[name]
        out.append(f"| `{name}` | {kind} | {_md(text)} |")
    out += ["", _FORMULA_NOTE, ""]
    for inst in registry:
        out += [f"## `{inst.code}`: {_md(inst.name)}", "",
                f"Version: {_md(inst.version)}. Total {inst.min_total}-{inst.max_total}, "
                f"{inst.direction.replace('_', ' ')}. Licence: {_md(inst.licence.text)}", "",
                "| item | wording | scoring | options (value = label) |", "|---|---|---|---|"]
        for item in inst.items:
            scoring = ("scored" if item.scored else "not scored") + (", reverse" if item.reverse else "")
            if item.loinc:
                scoring += f"; LOINC {item.loinc}"
            opts = "; ".join(f"{o.value} = {_md(_item_text(inst, o.label, '(withheld)'))}" for o in item.options)
            out.append(f"| `{item.id}` | {_md(_item_text(inst, item.text))} | {scoring} | {opts} |")
        if inst.bands:
            out += ["", "Bands: " + "; ".join(f"`{b.id}` {b.min}-{b.max} ({_md(b.label)})" for b in inst.bands)]
        out.append("")
    return "\n".join(out)
