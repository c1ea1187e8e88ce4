"""Requests generated from the API's own OpenAPI document never get a server error.

A small generator (Schemathesis is not installed): for each operation in /api/v1/openapi.json,
hypothesis draws path and query values from each parameter's declared type (and, as often, any text),
and for a POST a JSON body from the request schema: its properties with values of their type or of
any other, some left out, sometimes an unknown one added, sometimes not JSON at all. Every answer
must be below 500, and every refusal must carry the API's error shape.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.api import call

ANY_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                        max_leaves=8)
ANY_TEXT = st.text(max_size=30)


def _document() -> dict:
    from django.test import Client

    return Client().get("/api/v1/openapi.json").json()


def _resolve(doc: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _of_type(doc: dict, schema: dict) -> st.SearchStrategy:
    """Values of the schema's type (its bounds stretched a little beyond), for a parameter or a field."""
    schema = _resolve(doc, schema)
    if "anyOf" in schema:
        return st.one_of([_of_type(doc, s) for s in schema["anyOf"]])
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "integer":
        return st.integers(min_value=-5, max_value=200) | st.integers()
    if kind == "number":
        return st.floats(allow_nan=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        return st.lists(_of_type(doc, schema.get("items", {})), max_size=3)
    if kind == "object":
        values = _of_type(doc, schema["additionalProperties"]) if isinstance(schema.get("additionalProperties"), dict) else ANY_JSON
        return st.dictionaries(st.sampled_from(["q1", "q2", "q9", "difficulty"]) | st.text(max_size=6), values, max_size=12)
    if fmt == "date":
        return st.dates().map(str)
    if fmt == "date-time":
        return st.datetimes().map(lambda d: d.isoformat() + "Z")
    if fmt == "uuid":
        return st.uuids().map(str)
    return st.text(max_size=50)


def _query_value(doc: dict, schema: dict) -> st.SearchStrategy:
    return (_of_type(doc, schema) | ANY_TEXT).map(lambda v: v if isinstance(v, str) else json.dumps(v))


@st.composite
def _body(draw, doc: dict, schema: dict):
    schema = _resolve(doc, schema)
    props = schema.get("properties", {})
    chosen = draw(st.lists(st.sampled_from(sorted(props)), unique=True)) if props else []
    body = {name: draw(_of_type(doc, props[name]) | ANY_JSON) if draw(st.integers(0, 4)) == 0
            else draw(_of_type(doc, props[name])) for name in chosen}
    if draw(st.integers(0, 5)) == 0:
        body[draw(st.text(min_size=1, max_size=10))] = draw(ANY_JSON)
    if draw(st.integers(0, 8)) == 0:
        return draw(st.binary(max_size=40))
    return json.dumps(body).encode()


@st.composite
def requests(draw, doc: dict):
    ops = [(path, method, op) for path, methods in doc["paths"].items() for method, op in methods.items()]
    path, method, op = draw(st.sampled_from(ops))
    query = []
    for param in op.get("parameters", []):
        value = draw(_query_value(doc, param.get("schema", {})))
        if param["in"] == "path":
            path = path.replace("{" + param["name"] + "}", quote(value, safe="") or "x")
        elif draw(st.booleans()):
            query.append(f"{param['name']}={quote(value, safe='')}")
    body = None
    if "requestBody" in op:
        body = draw(_body(doc, op["requestBody"]["content"]["application/json"]["schema"]))
    url = path + ("?" + "&".join(query) if query else "")
    return method.upper(), url, body


DOCUMENT = None


def _doc():
    global DOCUMENT
    if DOCUMENT is None:
        DOCUMENT = _document()
    return DOCUMENT


@pytest.mark.django_db
def test_every_operation_of_the_document_has_its_error_answers_described(api_world):
    doc = _doc()
    operations = [op for methods in doc["paths"].values() for op in methods.values()]
    assert len(operations) >= 14
    for op in operations:
        assert {"401", "403", "404", "422", "429"} <= set(op["responses"]), op["operationId"]
        assert op["security"], op["operationId"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["therapist", "api_client"])
def test_requests_generated_from_the_openapi_document_never_get_a_server_error(api_world, role):
    doc = _doc()
    secret = api_world.secrets[role]
    seen: dict[int, int] = {}

    @settings(max_examples=100, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(requests(doc))
    def check(request):
        method, url, body = request
        with transaction.atomic(), override_settings(API_CALLS_PER_MINUTE=10**9):
            response = call(secret, method, url, raw=body) if method == "POST" else call(secret, method, url)
            transaction.set_rollback(True)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        assert response.status_code < 500, (method, url, body, response.content[:300])
        if response.status_code >= 400:
            error = response.json()["error"]
            assert error["code"] and error["message"], (method, url)

    check()
    print(f"{role}: {sum(seen.values())} generated requests, answers {dict(sorted(seen.items()))}")
    assert 200 in seen or 201 in seen, "the generator never reached an endpoint's answer"
