"""Code systems, canonical URLs and stable ids shared by the FHIR exporter and importer.

Export and import must agree on every URI and id rule, or a round trip breaks; keeping
them in one module makes that agreement a single place to read. Ids are derived, never
random, so exporting the same rows twice gives the same resources (and a receiving server
can deduplicate by identifier).
"""

from __future__ import annotations

import re
import unicodedata
import uuid

DEFAULT_BASE = "https://openipt.org/fhir"

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SCORE_UNIT = "{score}"
URI_IDENTIFIER = "urn:ietf:rfc:3986"
BCP47 = "urn:ietf:bcp:47"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
SECURITY_LABELS = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"

R4_VERSIONS = ("4.0", "4.0.0", "4.0.1", "R4")

_SLUG_RE = re.compile(r"[^a-z0-9]+")


def version_token(version_text: str) -> str:
    """Return the URI-safe Questionnaire version for an instrument's version text."""
    ascii_text = unicodedata.normalize("NFKD", version_text).encode("ascii", "ignore").decode()
    token = _SLUG_RE.sub("-", ascii_text.lower()).strip("-")
    return token or "1"


def resource_id(code: str) -> str:
    """Return a FHIR id (letters, digits, '-' and '.') for an instrument code."""
    return code.replace("_", "-")


def questionnaire_url(base: str, code: str) -> str:
    """Return the canonical URL of an instrument's Questionnaire."""
    return f"{base}/Questionnaire/{code}"


def answer_system(base: str, code: str) -> str:
    """Return the code system of an instrument's answer options (code = option value)."""
    return f"{base}/CodeSystem/{code}-answer"


def band_system(base: str, code: str) -> str:
    """Return the code system of an instrument's severity bands (code = band id)."""
    return f"{base}/CodeSystem/{code}-band"


def measure_system(base: str) -> str:
    """Return OpenIPT's code system for scores: '<code>-total' and '<code>-<item id>'."""
    return f"{base}/CodeSystem/measure"


def instrument_identifier_system(base: str) -> str:
    """Return the identifier system whose values are instrument codes."""
    return f"{base}/instrument"


def record_number_system(base: str, organisation: str) -> str:
    """Return the identifier system of one organisation's client record numbers."""
    return f"{base}/organisation/{organisation}/record-number"


def organisation_namespace(base: str, organisation: str) -> uuid.UUID:
    """Return the UUID namespace from which an organisation's patient ids are derived."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{base}/organisation/{organisation}")


def as_uuid(value: uuid.UUID | str) -> uuid.UUID:
    """Return value as a UUID, raising ValueError when it is not one."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
