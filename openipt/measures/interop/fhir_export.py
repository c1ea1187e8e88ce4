"""Build FHIR R4 resources (as plain dicts) from instruments and administration records.

Programmes send their outcome data to registries, funders and research partners that speak
FHIR. The resources are built as plain dicts ready for `json.dumps`: the pydantic models of
fhir.resources are far too slow for an organisation-wide export, so they are used only to
check our output (in the tests, and on request with `validate=True`). The models check
structure, not codes; the LOINC and UCUM codes are checked by our own tests.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from openipt.measures.engine import Instrument, Item, Registry, UnknownInstrumentError

from .codes import (
    BCP47,
    LOINC,
    OBSERVATION_CATEGORY,
    ORDINAL_VALUE,
    SCORE_UNIT,
    SECURITY_LABELS,
    UCUM,
    URI_IDENTIFIER,
    answer_system,
    as_uuid,
    band_system,
    instrument_identifier_system,
    measure_system,
    organisation_namespace,
    questionnaire_url,
    record_number_system,
    resource_id,
    version_token,
)
from .records import AdministrationRecord, ExportError, ExportSettings, PatientRecord

WORDING_WITHHELD = "Wording not reproduced: the instrument's licence does not allow it."
_GENDER = {"female": "female", "male": "male", "other": "other"}
_SURVEY = {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}


def wording_allowed(instrument: Instrument) -> bool:
    """Return True when the instrument's licence lets us reproduce its wording in exports."""
    return instrument.licence.embeddable


def computable_name(code: str) -> str:
    """Return a FHIR computable name (starts with a capital, letters and digits) for a code."""
    name = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", code) if part)
    return name if name[:1].isalpha() else f"Q{name}"


def build_questionnaire(instrument: Instrument, base: str) -> dict[str, Any]:
    """Return the FHIR Questionnaire of an instrument, with LOINC codes where the file has them."""
    code = instrument.code
    show = wording_allowed(instrument)
    system = answer_system(base, code)
    items: list[dict[str, Any]] = []
    if show and instrument.instructions:
        items.append({"linkId": "instructions", "text": instrument.instructions, "type": "display"})
    for item in instrument.items:
        entry: dict[str, Any] = {"linkId": item.id}
        if item.loinc:
            entry["code"] = [{"system": LOINC, "code": item.loinc}]
        entry["text"] = item.text if show else f"{item.id} ({WORDING_WITHHELD})"
        entry["type"] = "choice"
        options = []
        for opt in item.options:
            coding: dict[str, Any] = {"system": system, "code": str(opt.value)}
            if show:
                coding["display"] = opt.label
            if item.scored:
                coding["extension"] = [{"url": ORDINAL_VALUE, "valueDecimal": item.score(opt.value)}]
            options.append({"valueCoding": coding})
        entry["answerOption"] = options
        items.append(entry)
    description = (f"{instrument.name} ({instrument.short_name}), version: {instrument.version}. "
                   f"Time frame: {instrument.timeframe}. Source: {instrument.source}")
    if not show:
        description += f" {WORDING_WITHHELD}"
    res: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": resource_id(code),
        "url": questionnaire_url(base, code),
        "identifier": [{"system": instrument_identifier_system(base), "value": code}],
        "version": version_token(instrument.version),
        "name": computable_name(code),
        "title": instrument.name,
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": "OpenIPT",
        "description": description,
        "copyright": instrument.licence.text,
    }
    if instrument.loinc_panel:
        res["code"] = [{"system": LOINC, "code": instrument.loinc_panel}]
    res["item"] = items
    return res


@dataclass(frozen=True)
class _ItemView:
    item: Item
    text: str
    labels: dict[int, str | None]
    # a response's answer entry for each value, made once, when the exporter shares them (`share_answers`)
    entries: dict[int, dict[str, Any]] = field(default_factory=dict)


class _InstrumentView:
    """What the exporter needs of one instrument, worked out once per export."""

    def __init__(self, instrument: Instrument, base: str):
        self.instrument = instrument
        self.url = questionnaire_url(base, instrument.code)
        self.token = version_token(instrument.version)
        self.answer_system = answer_system(base, instrument.code)
        self.band_system = band_system(base, instrument.code)
        show = wording_allowed(instrument)
        self.items = {
            it.id: _ItemView(it, it.text if show else "",
                             {o.value: (o.label if show else None) for o in it.options})
            for it in instrument.items
        }
        self.order = {it.id: i for i, it in enumerate(instrument.items)}
        self.scored_ids = tuple(it.id for it in instrument.scored_items)
        self.bands = {b.id: b.label for b in instrument.bands}
        self.total_codings: list[dict[str, str]] = []
        if instrument.loinc_total:
            self.total_codings.append({"system": LOINC, "code": instrument.loinc_total})
        self.total_text = f"{instrument.short_name} total score"
        self.total_codings.append({"system": measure_system(base), "code": f"{instrument.code}-total",
                                   "display": self.total_text})
        self.measure_system = measure_system(base)
        self._canonicals: dict[str | None, str] = {}

    def canonical(self, version_text: str | None) -> str:
        """The Questionnaire's canonical URL with the version a response was given in (each version's worked out
        once per export: the same few versions recur on every row)."""
        found = self._canonicals.get(version_text)
        if found is None:
            token = self.token if version_text is None else version_token(version_text)
            found = self._canonicals[version_text] = f"{self.url}|{token}"
        return found


class FhirExporter:
    """Turn an organisation's records into FHIR R4 resources; one instance per export run.

    With `share_answers`, the answer entries of QuestionnaireResponses (`item`, one per question answered) are made
    once per question and value, and the same dict is in every response that gave that answer: for a writer that
    turns each resource into text at once and changes none (the FHIR bulk export, which also turns each shared entry
    into text once). Without it, every resource is a tree of its own, for callers that may change what they get.
    """

    def __init__(self, registry: Registry, settings: ExportSettings, *, share_answers: bool = False):
        self.registry = registry
        self.settings = settings
        self.share_answers = share_answers
        self.base = settings.base_url.rstrip("/")
        self._namespace = organisation_namespace(self.base, settings.organisation)
        self._views: dict[str, _InstrumentView] = {}
        self._questionnaires: dict[str, dict[str, Any]] = {}
        self._record_system = record_number_system(self.base, settings.organisation)

    # ---- lookups

    def view(self, code: str) -> _InstrumentView:
        """Return the cached view of an instrument, or raise ExportError for an unknown code."""
        v = self._views.get(code)
        if v is None:
            try:
                inst = self.registry.get(code)
            except UnknownInstrumentError as exc:
                raise ExportError(str(exc)) from None
            v = self._views[code] = _InstrumentView(inst, self.base)
        return v

    def questionnaire(self, code: str) -> dict[str, Any]:
        """Return the Questionnaire of an instrument code (built once, then copied)."""
        q = self._questionnaires.get(code)
        if q is None:
            q = self._questionnaires[code] = build_questionnaire(self.view(code).instrument, self.base)
        return _deep_copy(q)

    def patient_id(self, client_id: int | str) -> str:
        """Return the stable FHIR id of a client's Patient resource."""
        return str(uuid.uuid5(self._namespace, f"patient/{client_id}"))

    def response_id(self, admin: AdministrationRecord) -> str:
        """Return the stable FHIR id of an administration's QuestionnaireResponse (its uuid)."""
        try:
            return str(as_uuid(admin.uuid))
        except ValueError:
            raise ExportError(f"administration {admin.id}: uuid {admin.uuid!r} is not a UUID") from None

    def observation_id(self, admin: AdministrationRecord, part: str) -> str:
        """Return the stable id of an administration's Observation ('total' or 'item/<id>')."""
        return str(uuid.uuid5(as_uuid(self.response_id(admin)), part))

    # ---- resources

    def patient(self, record: PatientRecord, *, identifiable: bool = False) -> dict[str, Any]:
        """Return a Patient: pseudonymised (record number, birth year) unless identifiable=True."""
        res: dict[str, Any] = {"resourceType": "Patient", "id": self.patient_id(record.id)}
        if not identifiable:
            res["meta"] = {"security": [{"system": SECURITY_LABELS, "code": "PSEUDED",
                                         "display": "pseudonymized"}]}
        res["identifier"] = [{"system": self._record_system, "value": str(record.record_number)}]
        if identifiable:
            name: dict[str, Any] = {"use": "official"}
            if record.family_name:
                name["family"] = record.family_name
            if record.given_name:
                name["given"] = [record.given_name]
            if len(name) > 1:
                res["name"] = [name]
            res["gender"] = _GENDER.get((record.sex or "").strip().lower(), "unknown")
            if record.birth_date is not None:
                res["birthDate"] = record.birth_date.isoformat()
        elif record.birth_date is not None:
            res["birthDate"] = f"{record.birth_date.year:04d}"
        if record.language:
            res["communication"] = [{"language": {"coding": [{"system": BCP47, "code": record.language}]},
                                     "preferred": True}]
        return res

    def _checked(self, admin: AdministrationRecord) -> tuple[_InstrumentView, list[tuple[_ItemView, int]]]:
        v = self.view(admin.instrument_code)
        where = f"administration {admin.id} ({admin.instrument_code})"
        if not isinstance(admin.authored, dt.datetime) or admin.authored.utcoffset() is None:
            raise ExportError(f"{where}: authored must be a timezone-aware datetime, not {admin.authored!r}")
        answered: list[tuple[_ItemView, int]] = []
        for item_id, value in admin.answers.items():
            iv = v.items.get(item_id)
            if iv is None:
                raise ExportError(f"{where}: answers: no item {item_id!r}")
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value not in iv.labels:
                raise ExportError(f"{where}: answers.{item_id}: {value!r} is not an option")
            answered.append((iv, value))
        answered.sort(key=lambda pair: v.order[pair[0].item.id])
        inst = v.instrument
        if admin.total is not None and not inst.min_total <= admin.total <= inst.max_total:
            raise ExportError(f"{where}: total {admin.total} is outside {inst.min_total}-{inst.max_total}")
        return v, answered

    def questionnaire_response(self, admin: AdministrationRecord, *, urn_refs: bool = False
                               ) -> dict[str, Any]:
        """Return the QuestionnaireResponse of an administration (answers as valueCoding)."""
        v, answered = self._checked(admin)
        return self._response(admin, v, answered, urn_refs)

    def observations(self, admin: AdministrationRecord, *, per_item: bool = False,
                     urn_refs: bool = False) -> list[dict[str, Any]]:
        """Return the total-score Observation (when there is a total) and, if asked, one per answer."""
        v, answered = self._checked(admin)
        return self._observations(admin, v, answered, per_item, urn_refs)

    def administration_resources(self, admin: AdministrationRecord, *, per_item: bool = False,
                                 urn_refs: bool = False) -> list[dict[str, Any]]:
        """Return [QuestionnaireResponse, Observation...] of an administration, checking it once."""
        v, answered = self._checked(admin)
        return [self._response(admin, v, answered, urn_refs),
                *self._observations(admin, v, answered, per_item, urn_refs)]

    def _response(self, admin: AdministrationRecord, v: _InstrumentView,
                  answered: list[tuple[_ItemView, int]], urn_refs: bool) -> dict[str, Any]:
        rid = self.response_id(admin)
        complete = all(admin.answers.get(i) is not None for i in v.scored_ids)
        items: list[dict[str, Any]] = []
        if self.share_answers:
            for iv, value in answered:
                entry = iv.entries.get(value)
                if entry is None:
                    entry = iv.entries[value] = _answer_entry(v, iv, value)
                items.append(entry)
        else:
            items = [_answer_entry(v, iv, value) for iv, value in answered]
        res: dict[str, Any] = {
            "resourceType": "QuestionnaireResponse",
            "id": rid,
            "identifier": {"system": URI_IDENTIFIER, "value": f"urn:uuid:{rid}"},
            "questionnaire": v.canonical(admin.instrument_version),
            "status": "completed" if complete else "in-progress",
            "subject": {"reference": _ref("Patient", self.patient_id(admin.client_id), urn_refs)},
            "authored": admin.authored.isoformat(),
        }
        if items:
            res["item"] = items
        return res

    def _observations(self, admin: AdministrationRecord, v: _InstrumentView,
                      answered: list[tuple[_ItemView, int]], per_item: bool, urn_refs: bool
                      ) -> list[dict[str, Any]]:
        rid = self.response_id(admin)
        subject = {"reference": _ref("Patient", self.patient_id(admin.client_id), urn_refs)}
        derived = [{"reference": _ref("QuestionnaireResponse", rid, urn_refs)}]
        when = admin.authored.isoformat()
        out: list[dict[str, Any]] = []
        members = []
        if per_item:
            for iv, value in answered:
                oid = self.observation_id(admin, f"item/{iv.item.id}")
                codings = []
                if iv.item.loinc:
                    codings.append({"system": LOINC, "code": iv.item.loinc})
                codings.append({"system": v.measure_system, "code": f"{admin.instrument_code}-{iv.item.id}"})
                value_coding: dict[str, Any] = {"system": v.answer_system, "code": str(value)}
                if iv.labels[value] is not None:
                    value_coding["display"] = iv.labels[value]
                code: dict[str, Any] = {"coding": codings}
                if iv.text:
                    code["text"] = iv.text
                out.append({
                    "resourceType": "Observation", "id": oid,
                    "identifier": [{"system": URI_IDENTIFIER, "value": f"urn:uuid:{oid}"}],
                    "status": "final", "category": [_deep_copy(_SURVEY)], "code": code,
                    "subject": dict(subject), "effectiveDateTime": when,
                    "valueCodeableConcept": {"coding": [value_coding]},
                    "derivedFrom": [dict(d) for d in derived],
                })
                members.append({"reference": _ref("Observation", oid, urn_refs)})
        if admin.total is None:
            return out
        oid = self.observation_id(admin, "total")
        total: dict[str, Any] = {
            "resourceType": "Observation", "id": oid,
            "identifier": [{"system": URI_IDENTIFIER, "value": f"urn:uuid:{oid}"}],
            "status": "final", "category": [_survey()],
            "code": {"coding": [dict(c) for c in v.total_codings], "text": v.total_text},
            "subject": subject, "effectiveDateTime": when,
            "valueQuantity": {"value": admin.total, "unit": SCORE_UNIT, "system": UCUM, "code": SCORE_UNIT},
        }
        if admin.band:
            band: dict[str, Any] = {"system": v.band_system, "code": admin.band}
            label = v.bands.get(admin.band)
            if label:
                band["display"] = label
            total["interpretation"] = [{"coding": [band], "text": label or admin.band}]
        missing = [i for i in v.scored_ids if admin.answers.get(i) is None]
        if missing:
            n = len(v.scored_ids)
            total["note"] = [{"text": f"Total prorated from {n - len(missing)} of {n} answered items "
                                      f"(missing: {', '.join(missing)})."}]
        if members:
            total["hasMember"] = members
        total["derivedFrom"] = derived
        out.insert(0, total)
        return out


def _answer_entry(v: _InstrumentView, iv: _ItemView, value: int) -> dict[str, Any]:
    """A QuestionnaireResponse's `item` entry for one question answered with `value`."""
    coding: dict[str, Any] = {"system": v.answer_system, "code": str(value)}
    label = iv.labels[value]
    if label is not None:
        coding["display"] = label
    entry: dict[str, Any] = {"linkId": iv.item.id}
    if iv.text:
        entry["text"] = iv.text
    entry["answer"] = [{"valueCoding": coding}]
    return entry


def _ref(resource_type: str, rid: str, urn: bool) -> str:
    return f"urn:uuid:{rid}" if urn else f"{resource_type}/{rid}"


def _survey() -> dict[str, Any]:
    """A new copy of the survey category (`_SURVEY`), written out: the copy is made for every Observation."""
    return {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}


def _deep_copy(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _deep_copy(x) for k, x in obj.items()}
    if isinstance(obj, list):
        return [_deep_copy(x) for x in obj]
    return obj
