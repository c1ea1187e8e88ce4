"""One client's measures as a FHIR Bundle: Patient, Questionnaires, responses, observations.

A therapist sending one client's scores to another service (a GP record, a registry) needs
everything in one self-contained document. Inside the bundle every reference is a
`urn:uuid:` fullUrl of another entry, so the bundle can be read without a server; a
transaction bundle adds conditional creates, so posting it twice stores nothing twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlencode

from .codes import URI_IDENTIFIER
from .fhir_export import FhirExporter
from .records import AdministrationRecord, ExportError, PatientRecord
from .validation import validate_resource

BUNDLE_TYPES = ("collection", "transaction")


def references_in(obj: Any) -> Iterator[str]:
    """Yield every Reference.reference string found anywhere in a resource or bundle."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from references_in(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from references_in(value)


def _if_none_exist(resource: dict[str, Any]) -> str:
    if resource["resourceType"] == "Questionnaire":
        return urlencode({"url": resource["url"], "version": resource["version"]})
    ident = resource["identifier"]
    first = ident if isinstance(ident, dict) else ident[0]
    return urlencode({"identifier": f"{first['system']}|{first['value']}"})


def client_bundle(exporter: FhirExporter, patient: PatientRecord,
                  administrations: Iterable[AdministrationRecord], *,
                  bundle_type: str = "collection", identifiable: bool = False,
                  per_item: bool = False, timestamp: dt.datetime | None = None,
                  bundle_id: str | None = None, validate: bool = False) -> dict[str, Any]:
    """Return a Bundle (collection or transaction) of one client's measures."""
    if bundle_type not in BUNDLE_TYPES:
        raise ExportError(f"bundle_type must be one of {', '.join(BUNDLE_TYPES)}, not {bundle_type!r}")
    pid = exporter.patient_id(patient.id)
    resources: list[tuple[str, dict[str, Any]]] = [
        (pid, exporter.patient(patient, identifiable=identifiable))]
    questionnaires: dict[str, dict[str, Any]] = {}
    rest: list[tuple[str, dict[str, Any]]] = []
    for admin in administrations:
        if str(admin.client_id) != str(patient.id):
            raise ExportError(f"administration {admin.id} belongs to client {admin.client_id}, "
                              f"not to client {patient.id}")
        for res in exporter.administration_resources(admin, per_item=per_item, urn_refs=True):
            rest.append((res["id"], res))
        if admin.instrument_code not in questionnaires:
            questionnaires[admin.instrument_code] = exporter.questionnaire(admin.instrument_code)
    for q in questionnaires.values():
        key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{q['url']}|{q['version']}"))
        resources.append((key, q))
    resources.extend(rest)

    entries = []
    for key, res in resources:
        if validate:
            validate_resource(res)
        entry: dict[str, Any] = {"fullUrl": f"urn:uuid:{key}"}
        if bundle_type == "transaction":
            res = {k: v for k, v in res.items() if k != "id"}
            entry["resource"] = res
            entry["request"] = {"method": "POST", "url": res["resourceType"],
                                "ifNoneExist": _if_none_exist(res)}
        else:
            entry["resource"] = res
        entries.append(entry)
    when = timestamp or dt.datetime.now(dt.UTC)
    if when.utcoffset() is None:
        raise ExportError("bundle timestamp must be timezone-aware")
    bid = bundle_id or str(uuid.uuid4())
    bundle: dict[str, Any] = {"resourceType": "Bundle", "id": bid}
    try:
        bundle["identifier"] = {"system": URI_IDENTIFIER, "value": f"urn:uuid:{uuid.UUID(bid)}"}
    except ValueError:
        pass
    bundle.update({"type": bundle_type, "timestamp": when.isoformat(), "entry": entries})
    if validate:
        validate_resource(bundle)
    return bundle
