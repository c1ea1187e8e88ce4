"""Hostile requests for the FHIR bulk export ($export): kick-offs with hostile parameters and headers, and status
and file addresses with hostile ids. Each case is (path, headers, description)."""

from __future__ import annotations

import random
from urllib.parse import quote

from tests.fuzz.api_cases import TEXT_VALUES
from tests.fuzz.fhir_cases import ACCEPTS, BY_KIND

KICKOFF = "/fhir/$export"
ASYNC = {"Prefer": "respond-async"}
TYPES = ["Patient", "Patient,Patient", ",", "Patient,", "patient", "Medication", "Questionnaire,Flag", "*", "%00",
         ",".join(["Goal"] * 40)]
SINCE = BY_KIND["date"] + ["2026-01-01T00:00:00Z", "2026-01-01T00:00:00+14:00", "9999-12-31T23:59:59Z"]
OUTPUTS = ["application/fhir+ndjson", "ndjson", "application/fhir+json", ""]
PREFERS = ["", "respond-async;", "respond-sync", "handling=lenient", "respond-async, handling=lenient", "\u00e9"]
IDS = ["0", "-1", "abc", "%00", "x" * 2000, "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-00000000000g"]
NUMBERS = ["0", "1", "-1", "99999999999999999999999", "1.ndjson", "%00"]


def _kick(name: str, value: str, headers: dict[str, str] | None = None) -> tuple[str, dict[str, str], str]:
    return (f"{KICKOFF}?{quote(name)}={quote(value, safe='')}", {**ASYNC, **(headers or {})},
            f"$export?{name}={value[:20]!r}")


def bulk_requests(rng: random.Random, real_status: str, rounds: int = 0,
                  group_id: object = None) -> list[tuple[str, dict[str, str], str]]:
    """`real_status` is the status address of an export the token made, to try hostile file numbers on;
    `group_id` a group the token may see, to try the group-level kick-off with hostile parameters."""
    cases = [_kick("_type", v) for v in TYPES + TEXT_VALUES[:10]]
    if group_id is not None:
        cases += [(f"/fhir/Group/{group_id}/$export?{quote(name)}={quote(value, safe='')}", ASYNC,
                   f"Group $export?{name}={value[:20]!r}") for name, value in
                  [("_type", "Group,Patient"), ("_type", "Medication"), ("_since", "2026-01-01T00:00:00Z"),
                   ("_since", "x"), ("patient", "1")]]
    cases += [_kick("_since", v) for v in SINCE]
    cases += [_kick("_outputFormat", v) for v in OUTPUTS]
    cases += [_kick(name, "1") for name in ("_elements", "patient", "_typeFilter", "includeAssociatedData", "_format")]
    cases += [(KICKOFF, {"Prefer": p}, f"Prefer: {p[:20]!r}") for p in PREFERS]
    cases += [(KICKOFF, {**ASYNC, "Accept": a}, f"Accept: {a[:20]!r}") for a in ACCEPTS]
    for value in IDS:
        cases.append((f"/fhir/Group/{quote(value, safe='')}/$export", ASYNC, f"Group {value[:20]!r} $export"))
        cases.append((f"/fhir/bulk/{quote(value, safe='')}", {}, f"status {value[:20]!r}"))
        cases.append((f"/fhir/bulk/{quote(value, safe='')}/1", {}, f"file of {value[:20]!r}"))
    cases += [(f"{real_status}/{quote(n, safe='')}", {}, f"file {n[:20]!r}") for n in NUMBERS]
    for _ in range(rounds * 20):
        pairs = [(rng.choice(["_type", "_since", "_outputFormat", "_count"]), rng.choice(TYPES + SINCE + TEXT_VALUES))
                 for _ in range(rng.randint(1, 3))]
        query = "&".join(f"{quote(n)}={quote(v, safe='')}" for n, v in pairs)
        cases.append((f"{KICKOFF}?{query}", ASYNC, f"random: {query[:100]}"))
    return cases
