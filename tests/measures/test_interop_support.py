"""Shared records and helpers for the interop tests (no tests in this module)."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from openipt.measures.engine import load_instruments
from openipt.measures.interop import (
    AdministrationRecord,
    ExportSettings,
    FhirExporter,
    PatientRecord,
)

REG = load_instruments()
SITE_REG = load_instruments([Path(__file__).parent / "data"])
SETTINGS = ExportSettings(organisation="northside", organisation_name="Northside Clinic")
WHEN = dt.datetime(2025, 3, 4, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
PATIENT = PatientRecord(id=42, record_number="C000042", given_name="Ada", family_name="Okello",
                        birth_date=dt.date(1988, 7, 14), sex="female", language="lg")


def exporter(registry=REG) -> FhirExporter:
    """Return an exporter for the test organisation."""
    return FhirExporter(registry, SETTINGS)


def admin(code: str, values: dict, *, total=None, band=None, n: int = 1, client_id=42, **kw) -> AdministrationRecord:
    """Return an administration record with a uuid derived from n (stable across runs)."""
    return AdministrationRecord(
        id=n, uuid=kw.pop("uuid", uuid.UUID(int=n, version=4)), client_id=client_id, instrument_code=code,
        authored=kw.pop("authored", WHEN), answers=values, total=total, band=band,
        session_number=kw.pop("session_number", 3), course_id=kw.pop("course_id", 7),
        entered_by_role=kw.pop("entered_by_role", "client"), **kw)


def phq9_answers(*values) -> dict:
    """Return PHQ-9 answers q1..q9 from nine values (difficulty left unanswered)."""
    assert len(values) == 9
    return {f"q{i}": v for i, v in enumerate(values, start=1)}


def full_answers(code: str, registry=REG, value_index: int = 0) -> dict:
    """Return an answer for every item: the option at value_index (clamped) of each item."""
    out = {}
    for item in registry.get(code).items:
        values = sorted(item.values)
        out[item.id] = values[min(value_index, len(values) - 1)]
    return out
