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
from openipt.api.models import ViewChange
from openipt.api.schemas import ChangePage

router = Router()


class _Feed:
    def __init__(self, scope: str, kind: str, rows: Callable[[ApiActor], QuerySet[Any]],
                 serialize: Callable[[Iterable[Any]], list[dict[str, Any]]], created: str, client: str,
                 ids_of: Callable[[int, list[int]], QuerySet[Any]]) -> None:
        self.scope, self.kind, self.rows, self.serialize, self.created = scope, kind, rows, serialize, created
        self.client = client  # the attribute holding the client's id
        self.ids_of = ids_of  # (organisation, clients) -> (id, client id, created) of their records, seen or not


FEEDS = {
    "clients": _Feed("clients:read", "client", queries.clients, present.clients, "created_at", "pk",
                     queries.client_ids_of),
    "courses": _Feed("courses:read", "course", queries.courses, present.courses, "created_at", "client_id",
                     queries.course_ids_of),
    "administrations": _Feed("measures:read", "administration", queries.administrations, present.administrations,
                             "completed_at", "client_id", queries.administration_ids_of),
}
Position = tuple[datetime, int]  # (time, id): where a stream was read up to


def lag() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "API_CHANGES_LAG_SECONDS", 5)))


def _signer(resource: str) -> signing.Signer:
    return signing.Signer(salt=f"openipt.api.changes.{resource}")


def encode(resource: str, at: datetime, pk: int, view: Position | None = None) -> str:
    """The cursor: the last record sent (its change time and id) and how far the view changes were read."""
    parts = [at.isoformat(), str(pk)] + ([view[0].isoformat(), str(view[1])] if view is not None else [])
    raw = _signer(resource).sign("|".join(parts))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(resource: str, cursor: str | None) -> tuple[Position, Position] | None:
    """(records position, view changes position) from a cursor; a cursor made before view changes were sent
    carries on from the records' position for both."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        parts = _signer(resource).unsign(raw).split("|")
        if len(parts) not in (2, 4):
            raise ValueError(cursor)
        records = (datetime.fromisoformat(parts[0]), int(parts[1]))
        view = (datetime.fromisoformat(parts[2]), int(parts[3])) if len(parts) == 4 else (records[0], 0)
        return records, view
    except (ValueError, signing.BadSignature, UnicodeDecodeError):
        raise ApiError(400, "bad_cursor", "This cursor is not one this feed gave. Start again without it.") from None


def _change(feed: _Feed, row: Model, after: Position | None) -> str:
    """"created" when the program cannot have had the record: its first call, or the record is newer than the
    cursor's moment; "updated" when the record existed by then (so the program had it, or it came late through
    the lag window and is sent now whole)."""
    if after is None:
        return "created"
    created = getattr(row, feed.created, None)
    return "created" if created is not None and created > after[0] else "updated"


def _item(feed: _Feed, row: Model, record: dict[str, Any], after: Position | None,
          erased: set[int], change: str | None = None) -> dict[str, Any]:
    client_id = getattr(row, feed.client)
    changed_at = row.updated_at.isoformat()  # type: ignore[attr-defined]
    item = {"type": feed.kind, "id": record["id"], "client_id": client_id, "changed_at": changed_at}
    if client_id in erased:
        return {**item, "change": "erased", "record": None}
    return {**item, "change": change or _change(feed, row, after), "record": record}


def _view_items(feed: _Feed, actor: ApiActor, changes: list[ViewChange]) -> list[dict[str, Any]]:
    """The items of clients that came into or left the token holder's view: for a client they see now, each of
    its records of this kind as `added` (with the record); for one they do not, each record's id as `removed`
    (with no record: delete your copy), but only when they could see the client before one of these changes
    (else they never had it, and the ids alone would tell them the client exists). Whether they see the client is
    decided now, so nothing is sent that the token may not see; a client named by several changes comes once, at
    its last."""
    last: dict[int, ViewChange] = {}
    had: set[int] = set()  # clients the holder could see just before one of these changes
    for change in changes:
        last.pop(change.client_id, None)
        last[change.client_id] = change
        if change.seen_before:
            had.add(change.client_id)
    seen = set(queries.clients(actor).filter(pk__in=list(last)).values_list("pk", flat=True))
    rows = list(feed.rows(actor).filter(**{f"{feed.client}__in": sorted(seen)}).order_by("pk")) if seen else []
    records = feed.serialize(rows)
    erased = queries.erased_clients(seen)
    shown: dict[int, list[dict[str, Any]]] = {}
    for row, record in zip(rows, records, strict=True):
        shown.setdefault(getattr(row, feed.client), []).append(_item(feed, row, record, None, erased, "added"))
    gone = [client for client in last if client not in seen and client in had]
    left: dict[int, list[dict[str, Any]]] = {}
    for record_id, client_id, created in feed.ids_of(actor.organisation_id, gone):
        if created is None or created <= last[client_id].at:  # not what was made after the client left the view
            left.setdefault(client_id, []).append({
                "type": feed.kind, "id": record_id if isinstance(record_id, int) else str(record_id),
                "client_id": client_id,
                "changed_at": last[client_id].at.isoformat(), "change": "removed", "record": None})
    items: list[dict[str, Any]] = []
    for client_id in last:
        items += shown.get(client_id, []) if client_id in seen else left.get(client_id, [])
    return items


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

    A personal token sees what its person sees. When a client comes into their view without any record
    changing (they are assigned to the client, become the supervisor of someone who is, their role changes, or
    the client's site or their own site limit changes), the client's records come with `change` set to `added`
    and the record: store them. When a client leaves their view in one of those ways, each record you may hold
    comes with `change` set to `removed`, its `id` and `client_id`, and no record: delete your copy (OpenIPT
    keeps the record). `removed` comes only for a client the person could see before the change. These come
    before the records changed since, and one answer holds all of one client's records, so it may hold more
    than `limit` items.
    """
    feed = FEEDS.get(resource)
    if feed is None:
        raise ApiError(404, "not_found", "No such feed. Ask for clients, courses or administrations.")
    actor: ApiActor = request.auth  # type: ignore[attr-defined]
    actor.require(feed.scope)
    decoded = decode(resource, params.cursor)
    until = timezone.now() - lag()
    if decoded is not None:
        after, view = decoded
        # clients that came into or left the holder's view since: sent before the records that changed
        moved = list(ViewChange.objects.filter(membership_id=actor.membership.pk, at__lte=until)
                     .filter(Q(at__gt=view[0]) | Q(at=view[0], pk__gt=view[1])).order_by("at", "pk")[: params.limit])
        if moved:
            onward = encode(resource, after[0], after[1], (moved[-1].at, moved[-1].pk))
            return respond(request, {"items": _view_items(feed, actor, moved), "next_cursor": onward, "more": True})
    else:
        after, view = None, (until, 0)  # a copy made from scratch: what is in view now is sent anyway
    qs = feed.rows(actor).filter(updated_at__lte=until)
    if after is not None:
        qs = qs.filter(Q(updated_at__gt=after[0]) | Q(updated_at=after[0], pk__gt=after[1]))
    rows = list(qs.order_by("updated_at", "pk")[: params.limit + 1])
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    records = feed.serialize(rows)
    erased = queries.erased_clients(getattr(row, feed.client) for row in rows)
    items = [_item(feed, row, record, after, erased) for row, record in zip(rows, records, strict=True)]
    if rows:
        cursor: str | None = encode(resource, rows[-1].updated_at, rows[-1].pk, view)
    else:  # nothing yet: carry on from here (what comes into view later comes as a view change)
        cursor = encode(resource, *(after or (until, 0)), view)
    return respond(request, {"items": items, "next_cursor": cursor, "more": more})
