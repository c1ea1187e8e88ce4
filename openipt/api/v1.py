"""`/api/v1/`: the REST API, its OpenAPI document and its error answers.

Each endpoint admits the call (`guard.admit`: size, token, rate limit, audit), checks the token's
scope, then reads through the apps' access filters (`queries`, the apps' `access.get_*`) or changes
through the apps' actions. Nothing here decides who may see what: the apps do.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from openipt.api.endpoints import changes, clients, courses, groups, measures, safety, webhooks
from openipt.api.errors import ApiError, error_response, from_api_error
from openipt.api.scopes import SCOPES
from openipt.core.errors import ActionError

DESCRIPTION = (
    "The REST API of OpenIPT. Every call sends a token: `Authorization: Bearer oipt_...` (never in the address). "
    "An admin makes API clients (organisation-wide, narrowed by scopes) under Settings, API clients; a member of "
    "staff makes a personal token (what they may see, narrowed by scopes) under API tokens. Lists are cursor pages "
    "(`limit` at most 100, `cursor` from `next_cursor`); reads answer an `ETag` and `304` to `If-None-Match`; a POST "
    "with an `Idempotency-Key` is stored once. Errors answer `{\"error\": {\"code\", \"message\"}}`. "
    "`/changes/{resource}` lists what changed since a cursor, to keep a copy in step; `/webhooks` registers signed "
    "messages sent when an alert is raised or escalated, a questionnaire is completed or a course ends "
    "(docs/guides/integrating.md).\n\nScopes:\n"
    + "\n".join(f"- `{name}`: {text}" for name, text in SCOPES.items())
)


api = NinjaAPI(title="OpenIPT REST API", version="1", description=DESCRIPTION, urls_namespace="api_v1",
               docs_url=None, openapi_url="/openapi.json")


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return from_api_error(exc)


@api.exception_handler(ActionError)
def _action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:  # an action refused outside `refusing`
    return error_response(422, str(exc.code), exc.message)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = {".".join(str(p) for p in e.get("loc", ())): str(e.get("msg", "")) for e in exc.errors[:20]}
    return error_response(422, "invalid", "Some values are missing or of the wrong type; `fields` says which.",
                          fields=fields)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        return error_response(400, "malformed_json", "The body is not valid JSON.")
    return error_response(exc.status_code, "error", str(exc))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(401, "missing_token", "Send a token: Authorization: Bearer <token>.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404, "not_found", "Nothing here, or nothing this token may see.")


api.add_router("/clients", clients.router, tags=["clients"])
api.add_router("/courses", courses.router, tags=["courses"])
api.add_router("/administrations", measures.router, tags=["questionnaires"])
api.add_router("/alerts", safety.router, tags=["alerts"])
api.add_router("/groups", groups.router, tags=["groups"])
api.add_router("/webhooks", webhooks.router, tags=["webhooks"])
api.add_router("/changes", changes.router, tags=["changes"])
