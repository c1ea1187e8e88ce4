"""What the changes feed records when who may see a client changes, so a personal token's copy stays in step.

A staff member's personal token sees the clients they are assigned to (and, for a supervisor, the clients of
the people they supervise), within their site when they are limited to one. When that changes, the client's
records did not change, so the feed would never send them, nor tell the program to delete its copy. The
clients and accounts actions announce the change (`core.events`, ACCESS_CHANGED: ids only) just BEFORE they
write it, in the same transaction; this listener records one `ViewChange` per client for each person whose
view it may touch and who holds a personal token, with whether that person could see the client at that
moment (`seen_before`, read through `visible_clients`, so by the same rule as every screen).

The feed reads them (`endpoints/changes.py`): it decides when asked whether the person sees the client now
(`added`, with the record), so what it sends never goes beyond what the token may see now; and it sends
`removed` (ids only) only for a client the person could see before a change, so nobody learns through the
feed that a client they never saw exists.

The kinds of change (the event's `change`):
- `added` / `removed`: an assignment made or taken away (`client_ids`, `staff_ids`); the person and whoever
  supervises them.
- `supervisor`: a person's supervisor changed (`supervisee_id`, `staff_ids` the old and new supervisor); each of
  the supervisee's clients.
- `role`: the token holder's own role changed (`staff_ids`; `everyone` when admin is one of the two roles).
- `site`: clients placed in another site or in none (`client_ids`, `site_id` the new site): the people limited to
  a site whose reach of the client this changes.
- `staff_site`: staff placed in another site or in none (`staff_ids`, `site_id`): their own clients (and their
  supervisees') whose site this brings into or takes out of their reach.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from openipt.accounts.access import site_limit, within_site
from openipt.accounts.actor import Actor
from openipt.accounts.models import Membership, Role
from openipt.api.models import ApiToken, TokenKind, ViewChange
from openipt.clients.access import visible_clients
from openipt.clients.models import Assignment, Client
from openipt.core.events import EventType

# Above this many clients, a person's whole view is read once and intersected here (no IN list that long).
FEW = 500


def _holders(organisation_id: int, staff_ids: Iterable[int]) -> list[Membership]:
    """Those of these people who hold a personal token that still works (nobody else reads the feed as them)."""
    ids = set(staff_ids)
    if not ids:
        return []
    holding = ApiToken.objects.filter(
        organisation_id=organisation_id, kind=TokenKind.PERSONAL, membership_id__in=ids,
        revoked_at__isnull=True, expires_at__gt=timezone.now()).values("membership_id")
    return list(Membership.objects.filter(pk__in=holding).order_by("pk"))


def _seen(holder: Membership, client_ids: set[int]) -> set[int]:
    """Which of these clients the holder may see at this moment (the rule of every screen: `visible_clients`)."""
    if not client_ids:
        return set()
    view = visible_clients(Actor(holder))
    if len(client_ids) <= FEW:
        return set(view.filter(pk__in=sorted(client_ids)).values_list("pk", flat=True))
    return set(view.values_list("pk", flat=True)) & client_ids


def _scope_pairs(client_ids: set[int]) -> set[tuple[int, int]]:
    """(person, client) for each person whose care-team reach includes one of these clients: the staff assigned
    and, through them, their supervisors."""
    pairs: set[tuple[int, int]] = set()
    rows = Assignment.objects.filter(client_id__in=sorted(client_ids)).values_list(
        "staff_id", "staff__supervisor_id", "client_id")
    for staff_id, supervisor_id, client_id in rows:
        pairs.add((staff_id, client_id))
        if supervisor_id is not None:
            pairs.add((supervisor_id, client_id))
    return pairs


def _site_moves(organisation_id: int, client_ids: set[int], new_site: int | None) -> list[tuple[Membership, set[int]]]:
    """Clients placed in `new_site`: for each token holder, the clients whose move takes them across the edge of
    the holder's site limit (into or out of it). Nobody else's reach changes with a client's site."""
    if not client_ids:
        return []
    pairs = _scope_pairs(client_ids)
    holders = {m.pk: m for m in _holders(organisation_id, {person for person, _client in pairs})}
    old_site = dict(Client.objects.filter(pk__in=sorted(client_ids)).values_list("pk", "site_id"))
    moves: dict[int, set[int]] = {}
    for person, client in pairs:
        holder = holders.get(person)
        if holder is None:
            continue
        actor = Actor(holder)
        if within_site(actor, old_site.get(client)) != within_site(actor, new_site):
            moves.setdefault(person, set()).add(client)
    return [(holders[person], moves[person]) for person in sorted(moves)]


def _staff_moves(organisation_id: int, staff_ids: set[int], new_site: int | None) -> list[tuple[Membership, set[int]]]:
    """Staff placed in `new_site`: for each of them holding a token, the clients in their care-team reach whose
    site is inside the old limit and not the new, or the reverse. An admin is never limited, so never moves."""
    moves: list[tuple[Membership, set[int]]] = []
    for holder in _holders(organisation_id, staff_ids):
        before = site_limit(Actor(holder))
        after = None if holder.role in (Role.ADMIN, Role.CLIENT) else new_site
        if before == after:
            continue
        reach = Assignment.objects.filter(Q(staff_id=holder.pk) | Q(staff__supervisor_id=holder.pk),
                                          client__site__isnull=False).values_list("client_id", "client__site_id")
        crossing = {client for client, site in reach
                    if (before is None or site == before) != (after is None or site == after)}
        if crossing:
            moves.append((holder, crossing))
    return moves


def _touched(organisation_id: int, data: Mapping[str, Any]) -> list[tuple[Membership, set[int]]]:
    """For each token holder the change may touch, the clients whose visibility to them it may change."""
    change = str(data.get("change", ""))
    staff_ids = {int(pk) for pk in data.get("staff_ids") or ()}
    if change == "site":
        site = data.get("site_id")
        return _site_moves(organisation_id, {int(pk) for pk in data.get("client_ids") or ()},
                           int(site) if site is not None else None)
    if change == "staff_site":
        site = data.get("site_id")
        return _staff_moves(organisation_id, staff_ids, int(site) if site is not None else None)
    if change == "supervisor":
        # the old and the new supervisor of one person: each of that person's clients
        client_ids = set(Assignment.objects.filter(staff_id=int(data["supervisee_id"]))
                         .values_list("client_id", flat=True))
    elif change == "role":
        # the person's own view: their clients and their supervisees' (an admin's: every client)
        if data.get("everyone"):
            client_ids = set(Client.objects.filter(organisation_id=organisation_id).values_list("pk", flat=True))
        else:
            client_ids = set(Assignment.objects.filter(Q(staff_id__in=staff_ids) | Q(staff__supervisor_id__in=staff_ids))
                             .values_list("client_id", flat=True))
    else:
        # an assignment made or removed: the person and whoever supervises them
        client_ids = {int(pk) for pk in data.get("client_ids") or ()}
        staff_ids |= set(Membership.objects.filter(Q(pk__in=staff_ids), supervisor_id__isnull=False)
                         .values_list("supervisor_id", flat=True))
    if not client_ids:
        return []
    return [(holder, client_ids) for holder in _holders(organisation_id, staff_ids)]


def record_access_change(event_type: EventType, organisation_id: int, occurred_at: datetime,
                         data: Mapping[str, Any]) -> None:
    """Before a change of who may see clients is written: a ViewChange for each client it may move into or out of
    a token holder's view, with whether the holder sees the client now (just before the change)."""
    if event_type != EventType.ACCESS_CHANGED:
        return
    change = str(data.get("change", ""))[:10]
    touched = _touched(organisation_id, data)
    if not touched:
        return
    rows: list[ViewChange] = []
    for holder, clients in touched:
        seen = _seen(holder, clients)
        rows += [ViewChange(organisation_id=organisation_id, membership_id=holder.pk, client_id=client, change=change,
                            seen_before=client in seen, at=occurred_at)
                 for client in sorted(clients)]
    ViewChange.objects.bulk_create(rows, batch_size=1000)
