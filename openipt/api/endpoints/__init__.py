"""The API's endpoints, one module per kind of record, and what they share."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.security import HttpBearer
from pydantic import Field

from openipt.api import guard
from openipt.api.auth import ApiActor
from openipt.api.errors import from_action_error
from openipt.api.schemas import ErrorOut
from openipt.core.errors import ActionError

# The refusals every endpoint may give, in the OpenAPI document.
READ_ERRORS: dict[int, Any] = {code: ErrorOut for code in (400, 401, 403, 404, 413, 422, 429)}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 409: ErrorOut, 415: ErrorOut}


class ListParams(Schema):
    limit: int = Field(50, ge=1, le=100, description="How many items per page (at most 100).")
    cursor: str | None = Field(None, max_length=400, description="`next_cursor` from the page before.")


class ChangedParams(ListParams):
    updated_since: datetime | None = Field(None, description="Only records changed at or after this time (with its zone).")


class TokenAuth(HttpBearer):
    """A bearer token holding `scope`: admitted by `guard.admit` before the body is read, so a call outside
    the token's scopes is refused (403) whatever it sends."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest) -> ApiActor:
        actor = guard.admit(request)
        actor.require(self.scope)
        return actor

    def authenticate(self, request: HttpRequest, token: str) -> Any:  # pragma: no cover - __call__ does the work
        return None


class BatchTokenAuth(TokenAuth):
    """`TokenAuth` for a batch endpoint: a body of up to `guard.max_batch_bytes()` (1,000 questionnaires)."""

    def __call__(self, request: HttpRequest) -> ApiActor:
        actor = guard.admit(request, max_bytes=guard.max_batch_bytes())
        actor.require(self.scope)
        return actor


class AnyTokenAuth(TokenAuth):
    """A bearer token, admitted by `guard.admit`; the endpoint checks the scope, which depends on what is asked."""

    def __init__(self) -> None:
        super().__init__("")

    def __call__(self, request: HttpRequest) -> ApiActor:
        return guard.admit(request)


def needs(scope: str) -> TokenAuth:
    """The authentication of an endpoint: a token with `scope`."""
    return TokenAuth(scope)


def actor_of(request: HttpRequest, scope: str) -> ApiActor:
    """The token's actor (admitted with `scope` by TokenAuth)."""
    actor: Any = getattr(request, "auth", None)
    assert isinstance(actor, ApiActor) and scope in actor.scopes
    return actor


def refusing(error: ActionError) -> Exception:
    """An app's refusal as the API's error."""
    return from_action_error(error)
