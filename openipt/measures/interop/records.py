"""Plain records the exporters read, and the errors the interop layer raises.

The Django layer maps database rows onto these frozen dataclasses (one field per column,
no querysets), so the exporters stay pure Python and can be fed by a streaming iterator
of rows. Nothing here imports Django.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from openipt.measures.engine import MeasuresError

from .codes import DEFAULT_BASE


@dataclass(frozen=True)
class PatientRecord:
    """One client as the exporters see it (a row of clients.Client)."""

    id: int | str
    record_number: str
    given_name: str = ""
    family_name: str = ""
    birth_date: dt.date | None = None
    sex: str = ""  # "female", "male", "other" or "" (not recorded)
    language: str = "en"


@dataclass(frozen=True)
class AdministrationRecord:
    """One completed (or partly completed) questionnaire, with the score stored for it."""

    id: int | str
    uuid: uuid.UUID | str
    client_id: int | str
    instrument_code: str
    authored: dt.datetime  # timezone-aware
    answers: Mapping[str, int | None] = field(default_factory=dict)
    total: int | None = None
    band: str | None = None  # band id, e.g. "moderate"
    instrument_version: str | None = None  # the instrument's version text; None = current
    session_number: int | None = None
    course_id: int | str | None = None
    entered_by_role: str | None = None  # "client", "therapist", ...


@dataclass(frozen=True)
class ExportSettings:
    """Who is exporting, and the base of every OpenIPT URI in the output."""

    organisation: str  # the organisation's slug
    organisation_name: str = ""
    base_url: str = DEFAULT_BASE
    timezone: dt.tzinfo | None = None  # for CSV dates; None keeps each datetime's own offset


class InteropError(MeasuresError, ValueError):
    """Base class of the errors of the export and import layer."""


class ExportError(InteropError):
    """A record that cannot be exported as it is; the message names the record and field."""


class FhirImportError(InteropError):
    """An incoming FHIR resource that cannot be imported; `path` names the offending field."""

    def __init__(self, path: str, detail: str):
        self.path = path
        self.detail = detail
        super().__init__(f"{path}: {detail}")


class FhirValidationError(InteropError):
    """A resource we built that the fhir.resources R4B model refuses."""
