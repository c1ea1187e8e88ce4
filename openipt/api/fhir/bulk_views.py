"""FHIR Bulk Data `$export` (the Bulk Data Access IG, v2, system level): kick-off, status, files.

`GET /fhir/$export` (or `/fhir/Group/<id>/$export`, a group's members only) with `Prefer: respond-async` records an export and queues it for the worker, answering
202 with the status address in `Content-Location`. `GET` on that address answers 202 with `X-Progress`
while the worker writes, then 200 with the manifest; `DELETE` cancels it and removes its files. Each file
address answers NDJSON. Every call passes `guard.admit` (token 401, rate limit 429, audit), and an export
is seen only by the token that asked for it (anything else is 404). Errors are OperationOutcome resources.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from openipt.api import guard
from openipt.api.errors import ApiError
from openipt.api.fhir import bulk_actions, bulk_queries, kinds, search
from openipt.api.fhir.outcome import outcome
from openipt.api.fhir.views import FHIR_JSON, _check_format
from openipt.api.models import BulkExport, BulkStatus

NDJSON = "application/fhir+ndjson"
OUTPUT_FORMATS = {"application/fhir+ndjson", "application/ndjson", "ndjson"}
KICKOFF_PARAMS = {"_type", "_since", "_outputFormat"}
RETRY_SECONDS = 2

View = Callable[..., HttpResponse]


def _answer(payload: dict[str, Any], status: int, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(payload), status=status, content_type=FHIR_JSON)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def bulk_view(methods: tuple[str, ...]) -> Callable[[View], View]:
    """Only `methods` (405 otherwise), and every refusal as an OperationOutcome."""

    def decorate(view: View) -> View:
        @csrf_exempt
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise ApiError(405, "method_not_allowed", f"Use {' or '.join(methods)} here.",
                                   headers={"Allow": ", ".join(methods)})
                return view(request, *args, **kwargs)
            except ApiError as err:
                return _answer(outcome(err.status, err.code, err.message), err.status, err.headers)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorate


def _info(message: str) -> dict[str, Any]:
    """An OperationOutcome that tells, rather than refuses."""
    told = outcome(200, "informational", message, severity="information")
    told["issue"][0]["code"] = "informational"
    return told


def _bad(message: str) -> ApiError:
    return ApiError(400, "bad_export", message)


def _types(value: str | None, scopes: frozenset[str]) -> list[str]:
    """The types asked for (all that the token's scopes allow when `_type` is absent); others refused."""
    offered = bulk_actions.offered_types()
    allowed = [name for name in offered if bulk_actions.scope_of(name) in scopes]
    if value is None:
        if not allowed:
            raise ApiError(403, "insufficient_scope", "This token has no scope that reads any FHIR resource type.")
        return allowed
    asked = [part.strip() for part in value.split(",")]
    if len(asked) > len(offered) or any(not part for part in asked):
        raise _bad("Give _type as a comma-separated list of resource types, such as Patient,Observation.")
    for name in asked:
        if name not in offered:
            raise _bad(f"This server does not export {name[:60]!r}. It exports {', '.join(offered)}.")
        if name not in allowed:
            raise _bad(f"This token may not read {name}: it needs the scope {bulk_actions.scope_of(name)}.")
    return [name for name in offered if name in asked]


def _since(value: str | None) -> datetime | None:
    """`_since` as an instant: a date and time with its zone."""
    if value is None:
        return None
    if "T" not in value or not (value.endswith("Z") or value[-6:-5] in "+-"):
        raise _bad("Give _since as an instant: a date and time with its zone, such as 2026-01-31T09:00:00Z.")
    try:
        start, _end = search.interval(value, timezone.get_current_timezone())
    except search.SearchError as err:
        raise _bad(str(err)) from None
    return start


@bulk_view(("GET",))
def kickoff_view(request: HttpRequest) -> HttpResponse:
    """Start a system-level export: 202 and the status address in Content-Location."""
    return _kickoff(request, None)


@bulk_view(("GET",))
def group_kickoff_view(request: HttpRequest, group_id: str) -> HttpResponse:
    """Start a group-level export: the group, its members' records (those the token sees) and their therapists."""
    return _kickoff(request, group_id)


def _kickoff(request: HttpRequest, group_id: str | None) -> HttpResponse:
    _check_format(request)
    actor = guard.admit(request)
    group_pk: int | None = None
    if group_id is not None:
        actor.require(kinds.KINDS["Group"].scope)
        group = kinds.KINDS["Group"].get(actor, group_id)
        if group is None:
            raise ApiError(404, "not_found", "No Group with this id, or not one this token may see.")
        group_pk = group.pk
    prefer = [p.strip().lower() for p in request.headers.get("Prefer", "").replace(";", ",").split(",")]
    if "respond-async" not in prefer:
        raise _bad("A bulk export runs in the background: send the header Prefer: respond-async.")
    unknown = sorted(set(request.GET) - KICKOFF_PARAMS)
    if unknown:
        raise _bad(f"This server does not support the parameter {unknown[0][:60]!r} on $export. "
                   "It supports _type, _since and _outputFormat.")
    if any(len(request.GET.getlist(name)) > 1 for name in KICKOFF_PARAMS):
        raise _bad("Give each parameter once (a list of types goes in one _type, separated by commas).")
    output = request.GET.get("_outputFormat")
    if output is not None and output.strip().lower() not in OUTPUT_FORMATS:
        raise _bad("This server writes only NDJSON: leave out _outputFormat or use application/fhir+ndjson.")
    types = _types(request.GET.get("_type"), actor.scopes)
    since = _since(request.GET.get("_since"))
    if bulk_queries.unfinished(actor).exists():
        raise ApiError(429, "export_running", "An export this token asked for is still being written. Wait for it "
                       "to finish (its status address says how far it is), or cancel it, then ask again.",
                       headers={"Retry-After": str(RETRY_SECONDS * 5)})
    export = bulk_actions.start_export(actor, types=types, since=since, request_url=request.build_absolute_uri(),
                                       group_id=group_pk)
    status_url = request.build_absolute_uri(reverse("fhir:bulk_status", args=[str(export.public_id)]))
    message = "The export has started. Ask the address in Content-Location how far it is."
    return _answer(_info(message), 202, {"Content-Location": status_url})


def _found(request: HttpRequest, export_id: str) -> tuple[Any, BulkExport]:
    actor = guard.admit(request)
    export = bulk_queries.get_export(actor, export_id)
    if export is None:
        raise ApiError(404, "not_found", "No export with this address, or not one this token may see. "
                       "Exports are removed when cancelled and when their files expire.")
    return actor, export


def _manifest(request: HttpRequest, export: BulkExport) -> dict[str, Any]:
    output: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for f in bulk_queries.files(export):
        url = request.build_absolute_uri(reverse("fhir:bulk_file", args=[str(export.public_id), str(f.number)]))
        entry = {"type": f.resource_type, "url": url, "count": f.count}
        (errors if f.is_error else output).append(entry)
    return {"transactionTime": export.transaction_time.isoformat().replace("+00:00", "Z"),
            "request": export.request_url, "requiresAccessToken": True, "output": output, "error": errors}


@bulk_view(("GET", "DELETE"))
def status_view(request: HttpRequest, export_id: str) -> HttpResponse:
    """How far an export is (202), its manifest (200), or cancel it (DELETE, 202)."""
    actor, export = _found(request, export_id)
    if request.method == "DELETE":
        bulk_actions.cancel_export(actor, export)
        return _answer(_info("The export was cancelled and its files removed."), 202)
    if export.status != BulkStatus.DONE:
        return HttpResponse(status=202, headers={"X-Progress": export.progress or "Waiting for the worker.",
                                                 "Retry-After": str(RETRY_SECONDS)})
    headers = {"Expires": http_date(export.expires_at.timestamp())} if export.expires_at else {}
    return _answer(_manifest(request, export), 200, headers)


@bulk_view(("GET",))
def file_view(request: HttpRequest, export_id: str, number: str) -> HttpResponse:
    """One NDJSON file of a finished export (the same token as the kick-off)."""
    _actor, export = _found(request, export_id)
    found = bulk_queries.get_file(export, number)
    if found is None:
        raise ApiError(404, "not_found", "No file with this address in this export.")
    return HttpResponse(found.content.encode("utf-8"), content_type=NDJSON)
