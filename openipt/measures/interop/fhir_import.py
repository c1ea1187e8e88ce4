"""Read a FHIR R4 QuestionnaireResponse for a shipped instrument back into plain answers.

Partners that collect questionnaires in their own FHIR apps send them to OpenIPT as
QuestionnaireResponse resources. This module checks one resource and returns its answers,
or refuses it with an error naming the field path (`item[3].answer[0].valueCoding.code`),
so the sender can fix exactly that field. It stores nothing: the caller decides, by the
returned identifier, whether the response was already imported, and checks that the
subject belongs to its organisation.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openipt.measures.engine import Instrument, Registry, ScoringError
from openipt.measures.engine.scoring import check_answers

from .codes import DEFAULT_BASE, R4_VERSIONS, answer_system, questionnaire_url, version_token
from .records import FhirImportError

ACCEPTED_STATUSES = ("completed", "in-progress", "amended", "stopped")
_INT_RE = re.compile(r"^-?[0-9]+$")
_PROFILE_VERSION_RE = re.compile(r"hl7\.org/fhir/(?:([0-9]+\.[0-9]+)(?:\.[0-9]+)?|(R4B|R4|R5|R6|STU3|DSTU2))/")
_DISPLAY_LINK_IDS = frozenset({"instructions"})
# Answers given before the questionnaires existed, or centuries ahead, are mistakes in the sender's data
# (and year 1 or 9999 cannot even be converted between time zones).
EARLIEST_AUTHORED, LATEST_AUTHORED = 1900, 2200


@dataclass(frozen=True)
class ImportedResponse:
    """The checked content of one incoming QuestionnaireResponse."""

    identifier: str  # identifier.value: the caller's key for "already imported?"
    identifier_system: str | None
    instrument_code: str
    version: str  # the instrument's version text, as the engine knows it
    subject_reference: str  # e.g. "Patient/<id>"; the caller maps it to a client
    authored: dt.datetime  # timezone-aware
    answers: dict[str, int | None]  # every item of the instrument; None when unanswered
    status: str


def _fail(path: str, detail: str) -> FhirImportError:
    return FhirImportError(path, detail)


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false",
            int: "a number", float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def _check_version(data: Mapping[str, Any]) -> None:
    if "fhirVersion" in data:
        fv = data["fhirVersion"]
        if not isinstance(fv, str) or fv not in R4_VERSIONS:
            raise _fail("fhirVersion", f"{fv!r} is not FHIR R4 (expected 4.0.x)")
    meta = data.get("meta")
    if meta is None:
        return
    if not isinstance(meta, dict):
        raise _fail("meta", f"expected an object, got {_kind(meta)}")
    profiles = meta.get("profile", [])
    if not isinstance(profiles, list):
        raise _fail("meta.profile", f"expected a list of URLs, got {_kind(profiles)}")
    for i, url in enumerate(profiles):
        if not isinstance(url, str):
            raise _fail(f"meta.profile[{i}]", f"expected a URL, got {_kind(url)}")
        m = _PROFILE_VERSION_RE.search(url)
        if m:
            found = m.group(1) or m.group(2)
            if found not in ("4.0", "R4"):
                raise _fail(f"meta.profile[{i}]", f"{url} is a FHIR {found} profile; only FHIR R4 (4.0.x) is accepted")


def _find_instrument(value: Any, registry: Registry, base: str) -> Instrument:
    if value is None:
        raise _fail("questionnaire", "missing: the canonical URL of the questionnaire answered")
    if isinstance(value, dict):
        raise _fail("questionnaire", "expected a canonical URL string (FHIR R4), got an object "
                                     "(FHIR STU3 used a Reference here)")
    if not isinstance(value, str) or not value:
        raise _fail("questionnaire", f"expected a canonical URL string, got {_kind(value)}")
    url, _, version = value.partition("|")
    for inst in registry:
        if questionnaire_url(base, inst.code) == url:
            break
    else:
        known = ", ".join(questionnaire_url(base, c) for c in registry.codes())
        raise _fail("questionnaire", f"unknown questionnaire {value!r} (known: {known})")
    if version and version != version_token(inst.version):
        raise _fail("questionnaire", f"version {version!r} of {inst.code} is not loaded "
                                     f"(loaded version: {version_token(inst.version)!r})")
    return inst


def _parse_authored(value: Any) -> dt.datetime:
    if value is None:
        raise _fail("authored", "missing: the date and time the answers were given")
    if not isinstance(value, str):
        raise _fail("authored", f"expected a dateTime string, got {_kind(value)}")
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        when = None
    if when is None or "T" not in value:
        raise _fail("authored", f"{value!r} is not a date and time such as 2025-03-01T10:30:00+00:00")
    if when.utcoffset() is None:
        raise _fail("authored", f"{value!r} has no timezone (add Z or an offset such as +01:00)")
    try:
        in_utc = when.astimezone(dt.UTC)
    except OverflowError:
        in_utc = None
    if in_utc is None or not EARLIEST_AUTHORED <= in_utc.year <= LATEST_AUTHORED:
        raise _fail("authored", f"{value!r} is outside the years {EARLIEST_AUTHORED} to {LATEST_AUTHORED}; "
                                "check the date")
    return when


def _answer_value(path: str, answer: Any, inst: Instrument, item_id: str, system: str) -> int:
    if not isinstance(answer, dict):
        raise _fail(path, f"expected an object, got {_kind(answer)}")
    if "item" in answer:
        raise _fail(f"{path}.item", "nested items under an answer are not supported")
    keys = [k for k in answer if k.startswith("value")]
    if len(keys) != 1:
        raise _fail(path, "expected exactly one valueCoding or valueInteger")
    key = keys[0]
    allowed = inst.item(item_id).values
    where = f"{inst.code} {item_id}"
    if key == "valueInteger":
        v = answer[key]
        if isinstance(v, bool) or not isinstance(v, int):
            raise _fail(f"{path}.valueInteger", f"expected a whole number, got {_kind(v)}")
        if v not in allowed:
            raise _fail(f"{path}.valueInteger", f"{v} is not an option of {where}")
        return v
    if key != "valueCoding":
        raise _fail(f"{path}.{key}", f"answers to {where} must be valueCoding or valueInteger")
    coding = answer[key]
    cpath = f"{path}.valueCoding"
    if not isinstance(coding, dict):
        raise _fail(cpath, f"expected an object, got {_kind(coding)}")
    if "system" in coding and coding["system"] != system:
        raise _fail(f"{cpath}.system", f"{coding['system']!r} is not the answer system of {inst.code} "
                                       f"(expected {system})")
    code = coding.get("code")
    if code is None:
        raise _fail(f"{cpath}.code", "missing")
    if not isinstance(code, str):
        raise _fail(f"{cpath}.code", f"expected a string, got {_kind(code)}")
    if not _INT_RE.match(code) or int(code) not in allowed:
        raise _fail(f"{cpath}.code", f"{code} is not an option of {where}")
    return int(code)


def _parse_items(value: Any, inst: Instrument, system: str) -> dict[str, int | None]:
    if value is None:
        return {}
    if not isinstance(value, list):
        raise _fail("item", f"expected a list, got {_kind(value)}")
    ids = {it.id for it in inst.items}
    seen: dict[str, int] = {}
    answers: dict[str, int | None] = {}
    for i, entry in enumerate(value):
        path = f"item[{i}]"
        if not isinstance(entry, dict):
            raise _fail(path, f"expected an object, got {_kind(entry)}")
        link = entry.get("linkId")
        if link is None:
            raise _fail(f"{path}.linkId", "missing")
        if not isinstance(link, str):
            raise _fail(f"{path}.linkId", f"expected a string, got {_kind(link)}")
        if "item" in entry:
            raise _fail(f"{path}.item", "nested items (groups) are not supported: list the answers flat")
        raw = entry.get("answer")
        if raw is not None and not isinstance(raw, list):
            raise _fail(f"{path}.answer", f"expected a list, got {_kind(raw)}")
        if link not in ids:
            if link in _DISPLAY_LINK_IDS and not raw:
                continue
            raise _fail(f"{path}.linkId", f"{link!r} is not an item of {inst.code} "
                                          f"(items: {', '.join(it.id for it in inst.items)})")
        if link in seen:
            raise _fail(f"{path}.linkId", f"{inst.code} {link} is answered twice (also at item[{seen[link]}])")
        seen[link] = i
        if not raw:
            answers[link] = None
            continue
        if len(raw) > 1:
            raise _fail(f"{path}.answer[1]", f"more than one answer for {inst.code} {link}")
        answers[link] = _answer_value(f"{path}.answer[0]", raw[0], inst, link, system)
    return answers


def parse_questionnaire_response(data: Any, registry: Registry, *, base: str = DEFAULT_BASE) -> ImportedResponse:
    """Check one QuestionnaireResponse; return its answers or raise FhirImportError naming the field."""
    if not isinstance(data, dict):
        raise _fail("(resource)", f"expected a JSON object, got {_kind(data)}")
    rtype = data.get("resourceType")
    if rtype != "QuestionnaireResponse":
        raise _fail("resourceType", "missing" if rtype is None else f"expected QuestionnaireResponse, got {rtype!r}")
    _check_version(data)
    ident = data.get("identifier")
    if ident is None:
        raise _fail("identifier", "missing: it is needed to recognise a response sent twice")
    if isinstance(ident, list):
        raise _fail("identifier", "expected one Identifier object; a list is FHIR R5, not R4")
    if not isinstance(ident, dict):
        raise _fail("identifier", f"expected an object, got {_kind(ident)}")
    ident_value = ident.get("value")
    if not isinstance(ident_value, str) or not ident_value.strip():
        raise _fail("identifier.value", "missing")
    ident_system = ident.get("system")
    if ident_system is not None and not isinstance(ident_system, str):
        raise _fail("identifier.system", f"expected a string, got {_kind(ident_system)}")
    inst = _find_instrument(data.get("questionnaire"), registry, base.rstrip("/"))
    status = data.get("status")
    if status is None:
        raise _fail("status", "missing")
    if status not in ACCEPTED_STATUSES:
        raise _fail("status", f"{status!r} cannot be imported (accepted: {', '.join(ACCEPTED_STATUSES)})")
    subject = data.get("subject")
    if subject is None:
        raise _fail("subject", "missing: the Patient who answered")
    if not isinstance(subject, dict):
        raise _fail("subject", f"expected a Reference object, got {_kind(subject)}")
    ref = subject.get("reference")
    if not isinstance(ref, str) or not ref.strip():
        raise _fail("subject.reference", "missing")
    authored = _parse_authored(data.get("authored"))
    system = answer_system(base.rstrip("/"), inst.code)
    given = _parse_items(data.get("item"), inst, system)
    try:
        answers = check_answers(inst, given)
    except ScoringError as exc:  # pragma: no cover - the checks above already cover this
        raise _fail("item", str(exc)) from None
    return ImportedResponse(identifier=ident_value, identifier_system=ident_system, instrument_code=inst.code,
                            version=inst.version, subject_reference=ref, authored=authored,
                            answers=answers, status=status)


def parse_questionnaire_response_json(text: str | bytes, registry: Registry, *,
                                      base: str = DEFAULT_BASE) -> ImportedResponse:
    """Parse JSON text and check it as a QuestionnaireResponse."""
    try:
        data = json.loads(text)
    except (ValueError, TypeError, RecursionError) as exc:
        where = f" at line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise _fail("(json)", f"not valid JSON{where}: {msg}") from None
    return parse_questionnaire_response(data, registry, base=base)
