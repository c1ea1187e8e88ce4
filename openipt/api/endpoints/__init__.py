"""The API's endpoints, one module per kind of record, and what they share."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Schema
from pydantic import Field

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


def actor_of(request: HttpRequest, scope: str) -> ApiActor:
    """The token's actor, refused (403) unless it holds `scope`."""
    actor: Any = getattr(request, "auth", None)  # set by TokenAuth
    assert isinstance(actor, ApiActor)
    actor.require(scope)
    return actor


def refusing(error: ActionError) -> Exception:
    """An app's refusal as the API's error."""
    return from_action_error(error)
