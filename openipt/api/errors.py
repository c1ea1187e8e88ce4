"""The API's refusals: each one a status, a machine-readable code and a sentence for the integrator.

Every error answers `{"error": {"code": ..., "message": ...}}` (with `fields` for input problems).
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse

from openipt.core.errors import ActionError, ErrorCode

# An action's refusal code -> the HTTP status it answers.
ACTION_STATUS = {ErrorCode.FORBIDDEN: 403, ErrorCode.NOT_FOUND: 404, ErrorCode.CONFLICT: 409}


class ApiError(Exception):
    """A request the API refuses."""

    def __init__(self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None,
                 fields: dict[str, Any] | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}
        self.fields = fields


def error_response(status: int, code: str, message: str, *, headers: dict[str, str] | None = None,
                   fields: dict[str, Any] | None = None) -> JsonResponse:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    response = JsonResponse({"error": error}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def from_api_error(err: ApiError) -> JsonResponse:
    return error_response(err.status, err.code, err.message, headers=err.headers, fields=err.fields)


def from_action_error(err: ActionError) -> ApiError:
    """An app's refusal as an API error: forbidden 403, not found 404, conflict 409, otherwise 422."""
    status = ACTION_STATUS.get(err.code, 422)  # type: ignore[call-overload]
    fields = {err.field: err.message} if err.field else None
    extra = getattr(err, "errors", None)
    if isinstance(extra, dict):
        fields = {str(k): str(v) for k, v in extra.items()}
    return ApiError(status, str(err.code), err.message, fields=fields)


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", f"No {what} with this id, or not one this token may see.")


def missing_scope(scope: str) -> ApiError:
    return ApiError(403, "insufficient_scope", f"This token does not have the scope {scope}. "
                    "An admin can make a client with it, or you can make a new personal token.")


def person_required() -> ApiError:
    return ApiError(403, "person_required", "Only a person can acknowledge a risk alert: acknowledging stops "
                    "the alert from being passed on. Use the personal token of the staff member who read it.")
