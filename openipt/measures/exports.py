"""Feed the pure exporters (`interop/`) from the database, streaming, in constant memory.

Rows are read with server-side iteration in chunks and mapped onto the interop records, so an
organisation of any size streams out as FHIR NDJSON or tidy CSV without being held in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models import QuerySet

from openipt.clients.models import Client
from openipt.measures import instruments
from openipt.measures.imports import fhir_base
from openipt.measures.interop import (
    AdministrationRecord,
    ExportSettings,
    FhirExporter,
    PatientRecord,
    client_bundle,
    iter_tidy_csv,
    ndjson_line,
)
from openipt.measures.models import Status

CHUNK = 2000
BUFFER = 64 * 1024
ADMIN_FIELDS = ("pk", "uuid", "client_id", "instrument_code", "completed_at", "answers", "total", "band",
                "instrument_version", "session_number", "course_id", "entered_by_role", "source")
CLIENT_FIELDS = ("pk", "record_number", "given_name", "family_name", "date_of_birth", "sex", "preferred_language")


def export_settings(organisation) -> ExportSettings:
    from django.utils import timezone

    return ExportSettings(organisation=organisation.slug, organisation_name=organisation.name, base_url=fhir_base(),
                          timezone=timezone.get_current_timezone())


def exporter_for(organisation) -> FhirExporter:
    return FhirExporter(instruments.registry(), export_settings(organisation))


def patient_record(row) -> PatientRecord:
    if isinstance(row, Client):
        row = (row.pk, row.record_number, row.given_name, row.family_name, row.date_of_birth, row.sex,
               row.preferred_language)
    pk, number, given, family, born, sex, language = row
    return PatientRecord(id=pk, record_number=number, given_name=given, family_name=family, birth_date=born,
                         sex=sex or "", language=language or "en")


def administration_record(row) -> AdministrationRecord:
    pk, uid, client_id, code, when, answers, total, band, version, number, course_id, role, source = row
    return AdministrationRecord(
        id=pk, uuid=uid, client_id=client_id, instrument_code=code, authored=when, answers=answers or {},
        total=total, band=band or None, instrument_version=version or None, session_number=number,
        course_id=course_id, entered_by_role=role or ("client" if source in ("portal", "link") else ""))


def completed(qs: QuerySet) -> QuerySet:
    """Return the completed administrations of a queryset, in a stable streaming order."""
    return qs.filter(status=Status.COMPLETED).order_by("client_id", "completed_at", "pk")


def iter_administrations(qs: QuerySet) -> Iterator[AdministrationRecord]:
    for row in completed(qs).values_list(*ADMIN_FIELDS).iterator(chunk_size=CHUNK):
        yield administration_record(row)


def iter_patients(clients: QuerySet) -> Iterator[PatientRecord]:
    for row in clients.order_by("pk").values_list(*CLIENT_FIELDS).iterator(chunk_size=CHUNK):
        yield patient_record(row)


def buffered(lines: Iterable[str], size: int = BUFFER) -> Iterator[bytes]:
    """Join small text lines into larger byte chunks for the response."""
    parts: list[str] = []
    length = 0
    for line in lines:
        parts.append(line)
        length += len(line)
        if length >= size:
            yield "".join(parts).encode("utf-8")
            parts, length = [], 0
    if parts:
        yield "".join(parts).encode("utf-8")


def ndjson_lines(kind: str, organisation, clients: QuerySet, administrations: QuerySet, *,
                 identifiable: bool = False, per_item: bool = False) -> Iterator[str]:
    """Yield the NDJSON lines of one resource type for an organisation's export."""
    exporter = exporter_for(organisation)
    if kind == "Patient":
        with_scores = completed(administrations).values("client_id")
        for patient in iter_patients(clients.filter(pk__in=with_scores)):
            yield ndjson_line(exporter.patient(patient, identifiable=identifiable))
    elif kind == "Questionnaire":
        codes = sorted(set(completed(administrations).order_by().values_list("instrument_code", flat=True).distinct()))
        for code in codes:
            if code in instruments.registry():
                yield ndjson_line(exporter.questionnaire(code))
    elif kind == "QuestionnaireResponse":
        for record in iter_administrations(administrations):
            yield ndjson_line(exporter.questionnaire_response(record))
    elif kind == "Observation":
        for record in iter_administrations(administrations):
            for res in exporter.observations(record, per_item=per_item):
                yield ndjson_line(res)
    else:
        raise ValueError(kind)


class _ClientWindow:
    """A Mapping-like view of clients that loads them in chunks as the (client-ordered) rows ask."""

    def __init__(self, clients: QuerySet):
        self.clients = clients
        self.cache: dict[int, PatientRecord] = {}
        self.last_loaded = 0

    def get(self, key: int | str, default: PatientRecord | None = None) -> PatientRecord | None:
        if not isinstance(key, int):  # client ids are whole numbers
            return default
        found = self.cache.get(key)
        if found is None and key > self.last_loaded:
            rows = list(self.clients.filter(pk__gte=key).order_by("pk").values_list(*CLIENT_FIELDS)[:CHUNK])
            self.cache = {r[0]: patient_record(r) for r in rows}
            self.last_loaded = rows[-1][0] if rows else key
            found = self.cache.get(key)
        return found if found is not None else default


def csv_lines(organisation, clients: QuerySet, administrations: QuerySet, *, identifiable: bool = False
              ) -> Iterator[str]:
    """Yield the tidy CSV (one row per administration and item) of an organisation, header first."""
    return iter_tidy_csv(iter_administrations(administrations), _ClientWindow(clients), instruments.registry(),
                         export_settings(organisation), identifiable=identifiable)


def bundle_for_client(client, administrations: QuerySet, *, identifiable: bool = False, per_item: bool = False) -> dict:
    """Return a collection Bundle of one client's measures."""
    exporter = exporter_for(client.organisation)
    return client_bundle(exporter, patient_record(client), list(iter_administrations(administrations)),
                         identifiable=identifiable, per_item=per_item)
