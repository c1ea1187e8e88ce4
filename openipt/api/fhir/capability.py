"""The CapabilityStatement: what this server offers, read from the table of resource types."""

from __future__ import annotations

from typing import Any

from openipt.api.fhir.kinds import KINDS, QUESTIONNAIRE_SCOPE
from openipt.api.fhir.search import DEFAULT_COUNT, MAX_COUNT

FHIR_VERSION = "4.0.1"
BULK_DATA_CAPABILITY = "http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data"
BULK_EXPORT_DEFINITION = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"
SEARCH_PARAM_DOCS = {
    "_id": ("token", "The resource's id (several separated by commas)."),
    "_lastUpdated": ("date", "When the record last changed, with ge, le, gt, lt or eq (the default)."),
    "patient": ("reference", "The client: Patient/<id> or <id> (several separated by commas)."),
    "subject": ("reference", "The same as patient."),
    "date": ("date", "The resource's main date, with ge, le, gt, lt or eq (the default)."),
    "code": ("token", "The score's code: system|code or code (LOINC where the instrument has one)."),
    "questionnaire": ("reference", "The questionnaire: its canonical URL, Questionnaire/<id> or <id>."),
}
DATE_MEANING = {"QuestionnaireResponse": "authored", "Observation": "effective", "EpisodeOfCare": "period start",
                "Encounter": "period start", "Flag": "period start"}


def _params(names: frozenset[str], kind: str) -> list[dict[str, Any]]:
    out = []
    for name in sorted(names):
        kind_of, text = SEARCH_PARAM_DOCS[name]
        if name == "date" and kind in DATE_MEANING:
            text = f"{text} Here: the {DATE_MEANING[kind]}."
        out.append({"name": name, "type": kind_of, "documentation": text})
    return out


def statement(base: str, today: str) -> dict[str, Any]:
    """The server's CapabilityStatement, with `base` as its address (ending /fhir)."""
    resources: list[dict[str, Any]] = []
    for name, kind in KINDS.items():
        resources.append({
            "type": name,
            "documentation": f"{kind.description} Scope {kind.scope}.",
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": _params(kind.params, name),
        })
    resources.append({
        "type": "Questionnaire",
        "documentation": f"The instruments, with LOINC codes where they exist. Scope {QUESTIONNAIRE_SCOPE}.",
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": _params(frozenset({"_id"}), "Questionnaire"),
    })
    resources.sort(key=lambda r: str(r["type"]))
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": today,
        "publisher": "OpenIPT",
        "kind": "instance",
        "instantiates": [BULK_DATA_CAPABILITY],
        "software": {"name": "OpenIPT"},
        "implementation": {"description": "OpenIPT FHIR R4 server (read, search and bulk export)", "url": base},
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [{
            "mode": "server",
            "documentation": (
                "Send an OpenIPT API token (Authorization: Bearer oipt_...), never in the address; the same tokens, "
                "scopes and rate limits as the REST API at /api/v1/. Searches answer searchset Bundles of "
                f"{DEFAULT_COUNT} resources (_count up to {MAX_COUNT}), with a next link while more remain. An "
                "unknown search parameter is refused (400) unless the request sends Prefer: handling=lenient. "
                "Errors are OperationOutcome resources."),
            "security": {"description": "Bearer tokens with scopes, made under Settings, API clients (an admin) or "
                                        "API tokens (a member of staff); see docs/guides/integrating.md. No SMART."},
            "resource": resources,
            # Bulk Data Access (v2): the system-level $export (openipt/api/fhir/bulk_views.py)
            "operation": [{"name": "export", "definition": BULK_EXPORT_DEFINITION,
                           "documentation": "GET /fhir/$export (or /fhir/Group/<id>/$export) with Prefer: "
                                            "respond-async: every type the token's scopes allow (or _type), as NDJSON "
                                            "files written in the background."}],
        }],
    }
