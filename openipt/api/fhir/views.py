"""`/fhir/`: read and search FHIR R4 resources with the REST API's tokens, scopes, rate limits and audit.

Every call but `metadata` passes `guard.admit` (token 401, rate limit 429, audit of the call), then
the resource type's scope (403); a single record outside what the token may see answers 404, as
the REST API and the screens do. Reads go through the apps' access filters (`fhir/queries.py`);
opening one record is audited against its client. Errors are OperationOutcome resources.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from openipt.api import guard
from openipt.api.errors import ApiError
from openipt.api.fhir import kinds, search
from openipt.api.fhir.capability import statement
from openipt.api.fhir.outcome import outcome
from openipt.api.fhir.queries import page
from openipt.api.http import decode_cursor, encode_cursor, respond
from openipt.core import jsonbody
from openipt.measures import batch_actions, imports
from openipt.measures.interop import ExportError
from openipt.measures.interop import codes as fhir_codes

FHIR_JSON = "application/fhir+json"
JSON_TYPES = {"application/fhir+json", "application/json", "application/json+fhir", "*/*", "application/*"}
JSON_FORMATS = {"json", "application/json", "application/fhir+json", "application/json+fhir"}

View = Callable[..., HttpResponse]
BATCH_SCOPE = "measures:write"
BATCH_CONTENT_TYPES = ("application/fhir+json", "application/json")


def _answer(request: HttpRequest, payload: dict[str, Any], status: int = 200,
            headers: dict[str, str] | None = None) -> HttpResponse:
    response = respond(request, payload, status=status, content_type=FHIR_JSON)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _refusal(request: HttpRequest, err: ApiError) -> HttpResponse:
    return _answer(request, outcome(err.status, err.code, err.message), status=err.status, headers=err.headers)


def _check_format(request: HttpRequest) -> None:
    """Only JSON is offered: `_format` or an Accept header asking for something else gets 406."""
    wanted = request.GET.get("_format")
    if wanted is not None and wanted.strip().lower() not in JSON_FORMATS:
        raise ApiError(406, "not_acceptable", "This server answers only JSON: leave out _format or use _format=json.")
    accept = request.headers.get("Accept", "").strip()
    if accept and not any(part.split(";")[0].strip().lower() in JSON_TYPES for part in accept.split(",")):
        raise ApiError(406, "not_acceptable", "This server answers only JSON: accept application/fhir+json.")


def fhir_view(view: View) -> View:
    """GET only (405 otherwise), JSON only (406), and every refusal as an OperationOutcome."""

    @csrf_exempt
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            if request.method != "GET":
                raise ApiError(405, "method_not_allowed", "This FHIR server reads and searches only: use GET.",
                               headers={"Allow": "GET"})
            _check_format(request)
            return view(request, *args, **kwargs)
        except ApiError as err:
            return _refusal(request, err)
        except search.SearchError as err:
            return _refusal(request, ApiError(400, "bad_search", str(err)))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir").rstrip("/")


def _kind(resource_type: str) -> kinds.Kind | None:
    found = kinds.KINDS.get(resource_type)
    if found is None and resource_type != "Questionnaire":
        raise ApiError(404, "unknown_type", f"This server does not offer {resource_type[:60]!r}. "
                       "See /fhir/metadata for what it offers.")
    return found


def _search_of(request: HttpRequest, params: frozenset[str]) -> search.Search:
    pairs = [(name, value) for name, values in request.GET.lists() for value in values]
    return search.parse(pairs, params, zone=timezone.get_current_timezone(),
                        lenient=search.lenient(request.headers.get("Prefer", "")))


def _bundle(request: HttpRequest, resource_type: str, found: search.Search, entries: list[dict[str, Any]],
            next_cursor: str | None) -> dict[str, Any]:
    base = _base(request)
    query = [*found.used, ("_count", str(found.count))]
    links = [{"relation": "self", "url": f"{base}/{resource_type}?{urlencode(query)}"}]
    if next_cursor is not None:
        links.append({"relation": "next", "url": f"{base}/{resource_type}?{urlencode([*query, ('_cursor', next_cursor)])}"})
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset", "link": links}
    if entries:  # FHIR's JSON has no empty lists
        bundle["entry"] = entries
    return bundle


def _entry(request: HttpRequest, resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": f"{_base(request)}/{resource['resourceType']}/{resource['id']}", "resource": resource,
            "search": {"mode": "match"}}


def _broken(kind: str, err: ExportError) -> dict[str, Any]:
    """A search entry saying one record could not be shown (the rest of the page still is)."""
    return {"resource": outcome(422, "not_exportable", f"A {kind} could not be shown: {err}", severity="warning"),
            "search": {"mode": "outcome"}}


@fhir_view
def metadata_view(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement (no token needed: it holds no data)."""
    return _answer(request, statement(_base(request), timezone.localdate().isoformat()))


@fhir_view
def search_view(request: HttpRequest, resource_type: str) -> HttpResponse:
    """A searchset Bundle of the resources of one type that the token may see and the search asks for."""
    kind = _kind(resource_type)
    actor = guard.admit(request)
    actor.require(kind.scope if kind is not None else kinds.QUESTIONNAIRE_SCOPE)
    ctx = kinds.context(actor)
    if kind is None:
        return _questionnaires(request, ctx)
    found = _search_of(request, kind.params)
    rows, next_cursor = page(kind.name, kind.search(actor, ctx, found), found)
    entries = []
    for row in rows:
        try:
            resource = kind.build(ctx, row)
        except ExportError as err:
            entries.append(_broken(kind.name, err))
            continue
        if resource is not None:
            entries.append(_entry(request, resource))
    return _answer(request, _bundle(request, kind.name, found, entries, next_cursor))


def _questionnaires(request: HttpRequest, ctx: kinds.Context) -> HttpResponse:
    """The instruments as Questionnaires, paged by position (they are few and not stored in the database)."""
    found = _search_of(request, frozenset({"_id"}))
    codes = [c for c in sorted(ctx.exporter.registry.codes()) if found.ids is None or fhir_codes.resource_id(c) in found.ids]
    after = decode_cursor("fhir.Questionnaire", found.cursor)
    shown = codes[after: after + found.count]
    more = after + found.count < len(codes)
    next_cursor = encode_cursor("fhir.Questionnaire", after + found.count) if more else None
    entries = [_entry(request, ctx.exporter.questionnaire(code)) for code in shown]
    return _answer(request, _bundle(request, "Questionnaire", found, entries, next_cursor))


@fhir_view
def read_view(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    """One resource, or 404 when there is none with this id that the token may see."""
    kind = _kind(resource_type)
    actor = guard.admit(request)
    actor.require(kind.scope if kind is not None else kinds.QUESTIONNAIRE_SCOPE)
    ctx = kinds.context(actor)
    missing = ApiError(404, "not_found", f"No {resource_type} with this id, or not one this token may see.")
    if kind is None:
        code = next((c for c in ctx.exporter.registry.codes() if fhir_codes.resource_id(c) == resource_id), None)
        if code is None:
            raise missing
        return _answer(request, ctx.exporter.questionnaire(code))
    row = kind.get(actor, resource_id)
    if row is None:
        raise missing
    kind.audit(actor, row)  # as opening the record on a screen is audited
    try:
        resource = kind.build(ctx, row)
    except ExportError as err:
        raise ApiError(422, "not_exportable", f"This {resource_type} could not be shown: {err}") from None
    if resource is None:
        raise missing
    return _answer(request, resource)



@fhir_view
def not_found_view(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under /fhir/."""
    raise ApiError(404, "not_found", "No such address on this FHIR server. See /fhir/metadata.")


BATCH_TYPES = ("batch", "transaction")
STATUS_WORDS = {200: "200 OK", 201: "201 Created", 400: "400 Bad Request", 403: "403 Forbidden", 404: "404 Not Found",
                409: "409 Conflict", 422: "422 Unprocessable Entity"}


class _TransactionRefused(Exception):
    """A transaction Bundle with an entry that cannot be stored: everything is undone."""


def _bundle_entries(request: HttpRequest) -> tuple[str, list[object]]:
    """The Bundle's type and its entries' resources; a body that is not such a Bundle is a 400."""
    try:
        body = jsonbody.loads(request.body.decode("utf-8"), max_bytes=guard.max_batch_bytes(), max_depth=32)
    except (UnicodeDecodeError, jsonbody.JsonError):
        raise ApiError(400, "invalid", "The body is not JSON: send a Bundle of type batch or transaction.") from None
    if not isinstance(body, dict) or body.get("resourceType") != "Bundle":
        raise ApiError(400, "invalid", "Send a Bundle (resourceType Bundle) of type batch or transaction.")
    kind = body.get("type")
    if kind not in BATCH_TYPES:
        raise ApiError(400, "invalid", "The Bundle's type must be batch or transaction.")
    entries = body.get("entry")
    if not isinstance(entries, list) or not entries:
        raise ApiError(400, "invalid", "The Bundle has no entries.")
    if len(entries) > batch_actions.MAX_ENTRIES:
        raise ApiError(413, "too_large", f"At most {batch_actions.MAX_ENTRIES} entries in one Bundle: split it.")
    resources = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("resource"), dict):
            raise ApiError(400, "invalid", f"entry[{i}] has no resource.")
        request_part = entry.get("request")
        if request_part is not None and not (isinstance(request_part, dict) and request_part.get("method") == "POST"
                                             and str(request_part.get("url", "")).strip("/") == "QuestionnaireResponse"):
            raise ApiError(400, "invalid", f"entry[{i}]: only POST QuestionnaireResponse is accepted in a batch.")
        resources.append(entry["resource"])
    return kind, resources


def _response_entry(result: batch_actions.EntryResult) -> dict[str, Any]:
    response: dict[str, Any] = {"status": STATUS_WORDS.get(result.status, str(result.status))}
    if result.administration is not None:
        response["location"] = f"QuestionnaireResponse/{result.administration.uuid}"
    if result.status >= 400 or result.code == "already_stored":
        severity = "information" if result.status < 400 else "error"
        response["outcome"] = outcome(result.status, result.code or "invalid", result.message, severity=severity)
        if result.status < 400:
            response["outcome"]["issue"][0]["code"] = "informational"
    return {"response": response}


@csrf_exempt
def batch_view(request: HttpRequest) -> HttpResponse:
    """POST a Bundle (batch or transaction) of QuestionnaireResponses: each scored, risk-checked and audited.

    A batch stores each entry or refuses it on its own (its own status and OperationOutcome in the
    batch-response); a transaction stores all or none. Scope `measures:write` (a person's token).
    """
    try:
        if request.method != "POST":
            raise ApiError(405, "method_not_allowed", "POST a Bundle of type batch or transaction here.",
                           headers={"Allow": "POST"})
        _check_format(request)
        actor = guard.admit(request, max_bytes=guard.max_batch_bytes(), types=BATCH_CONTENT_TYPES)
        actor.require(BATCH_SCOPE)
        kind, resources = _bundle_entries(request)
        try:
            with transaction.atomic():
                results = imports.import_batch(actor, resources)
                if kind == "transaction" and any(not r.stored for r in results):
                    raise _TransactionRefused
        except _TransactionRefused:
            bad = next(r for r in results if not r.stored)
            raise ApiError(bad.status if bad.status in (403, 404, 409, 422) else 400, bad.code or "invalid",
                           f"entry[{bad.index}]: {bad.message} Nothing in this transaction was stored.") from None
        answer = {"resourceType": "Bundle", "type": f"{kind}-response",
                  "entry": [_response_entry(r) for r in results]}
        return _answer(request, answer)
    except ApiError as err:
        return _refusal(request, err)
