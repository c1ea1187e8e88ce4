"""Organisation-wide FHIR export as NDJSON files, one per resource type (Bulk Data style).

A programme with tens of thousands of clients cannot build one giant Bundle in memory. The
writer here takes iterables of records (a database cursor read in chunks, say), turns each
into resources and writes one JSON line per resource straight away, so memory stays flat
whatever the size of the organisation. Output files follow the FHIR Bulk Data convention:
Patient.ndjson, Questionnaire.ndjson, QuestionnaireResponse.ndjson, Observation.ndjson.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from .fhir_export import FhirExporter
from .records import AdministrationRecord, PatientRecord
from .validation import validate_resource

RESOURCE_TYPES = ("Patient", "Questionnaire", "QuestionnaireResponse", "Observation")
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def ndjson_line(resource: dict[str, Any]) -> str:
    """Return a resource as one compact JSON line, newline included."""
    return _dumps(resource) + "\n"


def iter_patient_lines(exporter: FhirExporter, patients: Iterable[PatientRecord], *,
                       identifiable: bool = False, validate: bool = False) -> Iterator[str]:
    """Yield one Patient NDJSON line per record."""
    for record in patients:
        res = exporter.patient(record, identifiable=identifiable)
        if validate:
            validate_resource(res)
        yield ndjson_line(res)


def iter_administration_lines(exporter: FhirExporter, administrations: Iterable[AdministrationRecord],
                              *, per_item: bool = False, validate: bool = False,
                              seen_instruments: set[str] | None = None) -> Iterator[tuple[str, str]]:
    """Yield (resource type, line) for each administration's response and observations."""
    for admin in administrations:
        if seen_instruments is not None:
            seen_instruments.add(admin.instrument_code)
        for res in exporter.administration_resources(admin, per_item=per_item):
            if validate:
                validate_resource(res)
            yield res["resourceType"], ndjson_line(res)


class BulkNdjsonWriter:
    """Write an organisation's resources into <directory>/<ResourceType>.ndjson as they stream in."""

    def __init__(self, exporter: FhirExporter, directory: Path | str, *, identifiable: bool = False,
                 per_item: bool = False, validate: bool = False):
        self.exporter = exporter
        self.directory = Path(directory)
        self.identifiable = identifiable
        self.per_item = per_item
        self.validate = validate
        self.counts: dict[str, int] = {}
        self._files: dict[str, TextIO] = {}
        self._instruments: set[str] = set()
        self._closed = False

    def _sink(self, resource_type: str) -> TextIO:
        f = self._files.get(resource_type)
        if f is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            f = self._files[resource_type] = open(  # noqa: SIM115 - closed in close()
                self.directory / f"{resource_type}.ndjson", "w", encoding="utf-8", newline="\n")
            self.counts.setdefault(resource_type, 0)
        return f

    def write_patients(self, patients: Iterable[PatientRecord]) -> int:
        """Write a Patient line per record; return how many were written."""
        sink = self._sink("Patient")
        n = 0
        for line in iter_patient_lines(self.exporter, patients, identifiable=self.identifiable,
                                       validate=self.validate):
            sink.write(line)
            n += 1
        self.counts["Patient"] += n
        return n

    def write_administrations(self, administrations: Iterable[AdministrationRecord]) -> int:
        """Write each administration's response and observations; return how many lines were written."""
        n = 0
        sinks: dict[str, TextIO] = {}
        for rtype, line in iter_administration_lines(
                self.exporter, administrations, per_item=self.per_item, validate=self.validate,
                seen_instruments=self._instruments):
            sink = sinks.get(rtype)
            if sink is None:
                sink = sinks[rtype] = self._sink(rtype)
            sink.write(line)
            self.counts[rtype] += 1
            n += 1
        return n

    def close(self) -> dict[str, Path]:
        """Write the Questionnaires of the instruments used, close every file, return the paths."""
        if not self._closed:
            self._closed = True
            if self._instruments:
                sink = self._sink("Questionnaire")
                for code in sorted(self._instruments):
                    res = self.exporter.questionnaire(code)
                    if self.validate:
                        validate_resource(res)
                    sink.write(ndjson_line(res))
                    self.counts["Questionnaire"] += 1
            for f in self._files.values():
                f.close()
        return {rtype: self.directory / f"{rtype}.ndjson" for rtype in self._files}

    @property
    def total(self) -> int:
        """Return the number of resources written so far."""
        return sum(self.counts.values())

    def __enter__(self) -> BulkNdjsonWriter:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is not None:  # a failed export: close the files, add nothing more
            self._closed = True
            for f in self._files.values():
                f.close()
        self.close()
