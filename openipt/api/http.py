"""Answers the API gives: JSON with an ETag (304 when unchanged), cursor pages, idempotent POSTs."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from openipt.api.auth import ApiActor
from openipt.api.errors import ApiError
from openipt.api.models import IdempotentRequest

IN_PROGRESS = 0  # the status of a claimed Idempotency-Key whose request is still running

M = TypeVar("M", bound=models.Model)
MAX_LIMIT = 100


def _body(payload: Any) -> bytes:
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()


def respond(request: HttpRequest, payload: Any, *, status: int = 200, content_type: str = "application/json"
            ) -> HttpResponse:
    """JSON with a strong ETag; a GET whose If-None-Match names it gets 304 and no body."""
    body = _body(payload)
    etag = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
    if request.method == "GET" and status == 200:
        wanted = [tag.strip().removeprefix("W/") for tag in request.headers.get("If-None-Match", "").split(",")]
        if etag in wanted or "*" in wanted:
            response = HttpResponse(status=304)
            response["ETag"] = etag
            return response
    response = HttpResponse(body, status=status, content_type=content_type)
    response["ETag"] = etag
    return response


def _signer(name: str) -> signing.Signer:
    return signing.Signer(salt=f"openipt.api.cursor.{name}")


def encode_cursor(name: str, after: int) -> str:
    return base64.urlsafe_b64encode(_signer(name).sign(str(after)).encode()).decode().rstrip("=")


def decode_cursor(name: str, cursor: str | None) -> int:
    """The id a cursor continues after (0 for none); 400 for a cursor this list did not give."""
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return int(_signer(name).unsign(raw))
    except (ValueError, signing.BadSignature, UnicodeDecodeError):
        raise ApiError(400, "bad_cursor", "This cursor is not one this list gave. Start again without it.") from None


def page(name: str, qs: models.QuerySet[M], *, limit: int, cursor: str | None, updated_since: datetime | None,
         serialize: Callable[[Iterable[M]], list[dict[str, Any]]], changed_field: str = "updated_at") -> dict[str, Any]:
    """One page of a list in id order: its items and the cursor of the next page (None at the end)."""
    after = decode_cursor(name, cursor)
    if updated_since is not None:
        if timezone.is_naive(updated_since):
            raise ApiError(400, "bad_date", "Give updated_since with its time zone, for example 2026-01-31T09:00:00Z.")
        if not 1900 <= updated_since.year <= 9000:  # the databases cannot compare years near 1 or 9999 in every zone
            raise ApiError(400, "bad_date", "Give updated_since as a date between the years 1900 and 9000.")
        qs = qs.filter(**{f"{changed_field}__gte": updated_since})
    rows = list(qs.filter(pk__gt=after).order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": serialize(rows), "next_cursor": encode_cursor(name, rows[-1].pk) if more and rows else None}


def _fingerprint(request: HttpRequest) -> str:
    return hashlib.sha256(f"{request.method} {request.path}\n".encode() + request.body).hexdigest()


def _replay(stored: IdempotentRequest, fingerprint: str) -> HttpResponse:
    if stored.fingerprint != fingerprint:
        raise ApiError(409, "idempotency_key_reused",
                       "This Idempotency-Key was used for a different request. Use a new key for a new request.")
    response = HttpResponse(_body(stored.body), status=stored.status, content_type="application/json")
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(request: HttpRequest, actor: ApiActor, run: Callable[[], tuple[int, Any]]) -> HttpResponse:
    """Run a POST once per `Idempotency-Key` (per token): a retry gets the first answer, not a second record."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        status, payload = run()
        return HttpResponse(_body(payload), status=status, content_type="application/json")
    if not (0 < len(key) <= 200 and key.isascii() and key.isprintable()):
        raise ApiError(400, "bad_idempotency_key", "An Idempotency-Key is 1 to 200 printable ASCII characters.")
    fingerprint = _fingerprint(request)
    token = actor.token
    assert token is not None
    # Claim the key before doing the work, so two copies sent at the same moment cannot both run:
    # the second finds the claim and is told to retry, or, once the first is done, gets its answer.
    try:
        with transaction.atomic():
            claim = IdempotentRequest.objects.create(token=token, key=key, fingerprint=fingerprint,
                                                     status=IN_PROGRESS, body={}, created_at=timezone.now())
    except IntegrityError:
        stored = IdempotentRequest.objects.get(token=token, key=key)
        if stored.status == IN_PROGRESS:
            if stored.fingerprint != fingerprint:
                return _replay(stored, fingerprint)  # refused: the key was used for another request
            raise ApiError(409, "idempotency_in_progress", "A request with this Idempotency-Key is still being "
                           "handled. Try again in a moment.", headers={"Retry-After": "1"}) from None
        return _replay(stored, fingerprint)
    try:
        with transaction.atomic():
            status, payload = run()
            IdempotentRequest.objects.filter(pk=claim.pk).update(status=status, body=json.loads(_body(payload)))
    except BaseException:
        # Nothing was stored: let the key be used again by a retry.
        IdempotentRequest.objects.filter(pk=claim.pk, status=IN_PROGRESS).delete()
        raise
    return HttpResponse(_body(payload), status=status, content_type="application/json")
