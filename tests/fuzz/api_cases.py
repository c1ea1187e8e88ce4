"""Hostile requests for every REST API endpoint, read from the API's own OpenAPI document.

Each case is (method, path, body, description): every path parameter and query parameter is given
each hostile value in turn, and each POST gets the broken JSON bodies of json_cases plus its own body
with each field given each hostile value.
"""

from __future__ import annotations

import json
import random
from urllib.parse import quote

from tests.fuzz.json_cases import JSON_VALUES, RAW_BODIES, random_json

PREFIX = "/api/v1"
TEXT_VALUES = ["0", "-1", "99999999999999999999999", "abc", "1.5", "%00", "../../etc", "2026-02-30T00:00:00Z",
               "", " ", "\u202e", "x" * 5000]
GOOD_BODY = {"course_id": 1, "instrument_code": "phq9", "completed_on": "2026-01-05", "answers": {"q1": 1}}
# A body that passes the schema, per operation that has its own; each field is then given each hostile value.
GOOD_BODIES = {"/webhooks": {"name": "Records", "url": "https://records.example/in", "events": ["alert.raised"]}}


def schema() -> dict:
    from openipt.api.v1 import api

    return api.get_openapi_schema(path_prefix="")


def _fill(path: str, value: str) -> str:
    out = path
    while "{" in out:
        start, end = out.index("{"), out.index("}")
        out = out[:start] + quote(value, safe="") + out[end + 1:]
    return out


def _operations():
    for path, methods in schema()["paths"].items():
        for method, op in methods.items():
            yield method.upper(), path, op


def api_requests(rng: random.Random, rounds: int = 0) -> list[tuple[str, str, object, str]]:
    cases: list[tuple[str, str, object, str]] = []
    for method, path, op in _operations():
        for value in TEXT_VALUES:
            cases.append((method, PREFIX + _fill(path, value), b"" if method == "POST" else None, f"id {value[:20]!r}"))
        good_path = PREFIX + _fill(path, "1")
        for param in op.get("parameters", []):
            if param["in"] != "query":
                continue
            for value in TEXT_VALUES:
                cases.append((method, f"{good_path}?{param['name']}={quote(value, safe='')}", None,
                              f"{param['name']}={value[:20]!r}"))
        if method == "POST" and "requestBody" in op:
            for name, raw in RAW_BODIES.items():
                cases.append((method, good_path, raw, f"body: {name}"))
            good = GOOD_BODIES.get(path, GOOD_BODY)
            for field in good:
                for name, value in JSON_VALUES.items():
                    cases.append((method, good_path, json.dumps({**good, field: value}), f"{field}: {name}"))
            for _ in range(rounds * 20):
                body = random_json(rng)
                cases.append((method, good_path, json.dumps(body), f"random: {json.dumps(body)[:100]}"))
    return cases
