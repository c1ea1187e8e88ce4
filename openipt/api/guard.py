"""What every API call passes before it reaches an endpoint: token, size, content type, rate limit, audit."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from openipt.api import actions
from openipt.api.auth import ApiActor, authenticate
from openipt.api.errors import ApiError
from openipt.api.models import ApiToken, RateWindow

WRITES = ("POST", "PUT", "PATCH")


def calls_per_minute() -> int:
    return int(getattr(settings, "API_CALLS_PER_MINUTE", 120))


def max_body_bytes() -> int:
    return int(getattr(settings, "API_MAX_BODY_BYTES", 64 * 1024))


def max_batch_bytes() -> int:
    """The body limit of the batch endpoints (up to 1,000 questionnaires in one request)."""
    return int(getattr(settings, "API_MAX_BATCH_BYTES", 4 * 1024 * 1024))


def check_body(request: HttpRequest, limit: int | None = None, types: tuple[str, ...] = ("application/json",)) -> None:
    """Refuse a body over the limit (413) and a body that is not JSON (415); a POST may have no body."""
    limit = limit or max_body_bytes()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ApiError(400, "bad_request", "The Content-Length header is not a number.") from None
    if declared > limit or (request.method in WRITES and len(request.body) > limit):
        raise ApiError(413, "too_large", f"The request body is over {limit} bytes.")
    if request.method in WRITES and request.body and request.content_type not in types:
        raise ApiError(415, "unsupported_media_type", "Send the body as JSON (Content-Type: application/json).")


def count_call(token: ApiToken) -> None:
    """Count a call in this minute's window; refuse (429) past the limit, saying when to try again.

    One statement (insert the window or add one to it, and read the count back), so two app servers counting
    the same token at the same moment cannot lose a call or collide. The first call of a minute also clears
    the token's windows older than an hour; `openipt prune` clears the rest.
    """
    now = timezone.now()
    minute = now.replace(second=0, microsecond=0)
    table = connection.ops.quote_name(RateWindow._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (token_id, minute, calls) VALUES (%s, %s, 1) "
            f"ON CONFLICT (token_id, minute) DO UPDATE SET calls = {table}.calls + 1 RETURNING calls",
            [token.pk, connection.ops.adapt_datetimefield_value(minute)])
        calls = cursor.fetchone()[0]
    if calls == 1:
        RateWindow.objects.filter(token=token, minute__lt=minute - timedelta(hours=1)).delete()
    if calls > calls_per_minute():
        wait = 60 - now.second
        raise ApiError(429, "rate_limited", f"Too many calls with this token. Try again in {wait} seconds.",
                       headers={"Retry-After": str(wait)})


def admit(request: HttpRequest, *, max_bytes: int | None = None,
          types: tuple[str, ...] = ("application/json",)) -> ApiActor:
    """Run every check a call passes; return the actor it acts as (recorded in the audit log)."""
    actor = authenticate(request)
    check_body(request, max_bytes, types)
    assert actor.token is not None
    count_call(actor.token)
    actions.record_call(actor, actor.token, method=request.method or "", path=request.path,
                        query=request.META.get("QUERY_STRING", ""))
    return actor
