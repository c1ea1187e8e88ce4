"""The changes feed: `/api/v1/changes/{resource}`, every record of a kind the token may see, in the order it changed.

A program that keeps a copy asks with no cursor once (everything, oldest change first), then with
the `next_cursor` of its last answer, again and again: each answer holds what was created or changed
since. A record changed again comes again, with its latest state. The cursor is opaque and signed;
records changed in the last few seconds wait for the next call, so a change whose transaction
commits a moment late is not skipped. Access and scopes are those of the lists: the same access
functions (`openipt/api/queries.py`) and the resource's read scope.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router

from openipt.api import present, queries
from openipt.api.auth import ApiActor
from openipt.api.endpoints import READ_ERRORS, AnyTokenAuth, ListParams
from openipt.api.errors import ApiError
from openipt.api.http import respond
from openipt.api.schemas import ChangePage

router = Router()


class _Feed:
    def __init__(self, scope: str, kind: str, rows: Callable[[ApiActor], QuerySet[Any]],
                 serialize: Callable[[Iterable[Any]], list[dict[str, Any]]], created: str, client: str) -> None:
        self.scope, self.kind, self.rows, self.serialize, self.created = scope, kind, rows, serialize, created
        self.client = client  # the attribute holding the client's id


FEEDS = {
    "clients": _Feed("clients:read", "client", queries.clients, present.clients, "created_at", "pk"),
    "courses": _Feed("courses:read", "course", queries.courses, present.courses, "created_at", "client_id"),
    "administrations": _Feed("measures:read", "administration", queries.administrations, present.administrations,
                             "completed_at", "client_id"),
}


def lag() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "API_CHANGES_LAG_SECONDS", 5)))


def _signer(resource: str) -> signing.Signer:
    return signing.Signer(salt=f"openipt.api.changes.{resource}")


def encode(resource: str, at: datetime, pk: int) -> str:
    raw = _signer(resource).sign(f"{at.isoformat()}|{pk}")
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(resource: str, cursor: str | None) -> tuple[datetime, int] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, pk = _signer(resource).unsign(raw).split("|")
        return datetime.fromisoformat(at), int(pk)
    except (ValueError, signing.BadSignature, UnicodeDecodeError):
        raise ApiError(400, "bad_cursor", "This cursor is not one this feed gave. Start again without it.") from None


def _change(feed: _Feed, row: Model, after: tuple[datetime, int] | None) -> str:
    """"created" when the program cannot have had the record: its first call, or the record is newer than the
    cursor's moment; "updated" when the record existed by then (so the program had it, or it came late through
    the lag window and is sent now whole)."""
    if after is None:
        return "created"
    created = getattr(row, feed.created, None)
    return "created" if created is not None and created > after[0] else "updated"


def _item(feed: _Feed, row: Model, record: dict[str, Any], after: tuple[datetime, int] | None,
          erased: set[int]) -> dict[str, Any]:
    client_id = getattr(row, feed.client)
    changed_at = row.updated_at.isoformat()  # type: ignore[attr-defined]
    item = {"type": feed.kind, "id": record["id"], "client_id": client_id, "changed_at": changed_at}
    if client_id in erased:
        return {**item, "change": "erased", "record": None}
    return {**item, "change": _change(feed, row, after), "record": record}


@router.get("/{resource}", response={200: ChangePage, **READ_ERRORS}, url_name="changes",
            summary="What changed since the cursor", auth=AnyTokenAuth())
def changes(request: HttpRequest, resource: str, params: Query[ListParams]) -> HttpResponse:
    """Records of one kind (`clients`, `courses` or `administrations`) created or changed since `cursor`, oldest
    change first, each with its full record. Scope: the kind's read scope (`clients:read`, `courses:read`,
    `measures:read`).

    Keep the `next_cursor` of every answer and send it next time, even when `items` is empty; `more` says
    whether to ask again at once. When a client's whole record is erased (a subject's request, or the end of
    its retention period), the client and each of their courses and questionnaires come once more, with
    `change` set to `erased`, their `id` and `client_id`, and no record: delete your copy. OpenIPT deletes none
    of these records otherwise.
    """
    feed = FEEDS.get(resource)
    if feed is None:
        raise ApiError(404, "not_found", "No such feed. Ask for clients, courses or administrations.")
    actor: ApiActor = request.auth  # type: ignore[attr-defined]
    actor.require(feed.scope)
    after = decode(resource, params.cursor)
    qs = feed.rows(actor).filter(updated_at__lte=timezone.now() - lag())
    if after is not None:
        qs = qs.filter(Q(updated_at__gt=after[0]) | Q(updated_at=after[0], pk__gt=after[1]))
    rows = list(qs.order_by("updated_at", "pk")[: params.limit + 1])
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    records = feed.serialize(rows)
    erased = queries.erased_clients(getattr(row, feed.client) for row in rows)
    items = [_item(feed, row, record, after, erased) for row, record in zip(rows, records, strict=True)]
    if rows:
        cursor: str | None = encode(resource, rows[-1].updated_at, rows[-1].pk)
    else:
        cursor = params.cursor or None
    return respond(request, {"items": items, "next_cursor": cursor, "more": more})
