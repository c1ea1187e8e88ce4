"""Hostile requests for the FHIR server (/fhir/), read from its own CapabilityStatement.

Each case is (path, headers, description): every resource type it offers (and some it does not) is read
with hostile ids, and searched with each of its search parameters (and some it does not offer) given the
hostile values of the parameter's kind (date, reference, token), with and without `Prefer: handling=lenient`,
and with hostile Accept headers. The values every parameter shares (tests/fuzz/api_cases.py) go to one type,
since every type reads its parameters with the same code.
"""

from __future__ import annotations

import random
from urllib.parse import quote

from tests.fuzz.api_cases import TEXT_VALUES

PREFIX = "/fhir"
BY_KIND = {
    "date": ["ge", "ap2026", "ge2026-13-01", "le9999", "lt0001-01-01", "gt2026-01-01T25:00:00Z",
             "2026-01-01T10:00:00+99:99", "eq2026-02-29", "2026-01-01T10:00:00.1234567890Z", "ge2026,le2027",
             "2026-01-01T10:00", "ne2026"],
    "reference": ["Patient/abc", "Patient/", "Patient/-1", "Patient/1%2F2", ",".join(["1"] * 200), "1,,2"],
    "token": ["|", "a|b|c", "http://loinc.org|", ",", "9" * 400, "|44261-6"],
    "number": ["-5", "1e3", "201", "0x10"],
    "string": ["\u0000", "%", "=", "&"],
}
PAGING = {"_count": "number", "_cursor": "string", "_format": "string"}
OTHER_PARAMS = ["_sort", "_include", "patient:missing", "status", "token"]
OTHER_TYPES = ["Medication", "patient", "Patient.json", "%00", "..", "x" * 300]
ID_VALUES = ["0", "-1", "abc", "", "%00", "x" * 5000, "00000000-0000-4000-8000-000000000001-total", "1/_history/1"]
ACCEPTS = ["application/fhir+xml", "text/html", ";", "application/fhir+json;fhirVersion=3.0", "\u00e9"]


def capability() -> dict:
    from django.test import Client

    return Client().get(f"{PREFIX}/metadata").json()


def _search(kind: str, name: str, value: str, headers: dict[str, str] | None = None):
    return (f"{PREFIX}/{kind}?{quote(name)}={quote(value, safe='')}", headers or {}, f"{kind}?{name}={value[:20]!r}")


def fhir_requests(rng: random.Random, rounds: int = 0) -> list[tuple[str, dict[str, str], str]]:
    resources = capability()["rest"][0]["resource"]
    cases: list[tuple[str, dict[str, str], str]] = []
    for kind in [r["type"] for r in resources] + OTHER_TYPES:
        for value in ID_VALUES:
            cases.append((f"{PREFIX}/{quote(kind, safe='')}/{quote(value, safe='/')}", {}, f"read {kind} {value[:20]!r}"))
    for i, resource in enumerate(resources):
        kind = resource["type"]
        params = {p["name"]: p["type"] for p in resource["searchParam"]} | PAGING
        for name, of_kind in params.items():
            for value in BY_KIND[of_kind]:
                cases.append(_search(kind, name, value))
            if i == 0:  # the values every parameter shares: once, on the first type
                cases += [_search(kind, name, value) for value in TEXT_VALUES]
        for name in OTHER_PARAMS:
            cases.append(_search(kind, name, "1"))
            cases.append(_search(kind, name, "1", {"Prefer": "handling=lenient"}))
        for accept in ACCEPTS:
            cases.append((f"{PREFIX}/{kind}", {"Accept": accept}, f"Accept: {accept[:20]!r}"))
        for _ in range(rounds * 20):
            values = [v for vs in BY_KIND.values() for v in vs] + TEXT_VALUES
            pairs = [(rng.choice([*params, *OTHER_PARAMS]), rng.choice(values)) for _ in range(rng.randint(1, 4))]
            query = "&".join(f"{quote(n)}={quote(v, safe='')}" for n, v in pairs)
            cases.append((f"{PREFIX}/{kind}?{query}", {}, f"random: {query[:100]}"))
    return cases
