"""What the changes feed records when who may see a client changes, so a personal token's copy stays in step.

A staff member's personal token sees the clients they are assigned to (and, for a supervisor, the clients of
the people they supervise). When that changes, the client's records did not change, so the feed would
never send them, nor tell the program to delete its copy. The clients and accounts actions announce the
change (`core.events`, ACCESS_CHANGED: ids only); this listener records one `ViewChange` per client for
each person whose view it touches and who holds a personal token. The feed reads them
(`endpoints/changes.py`): it decides at that moment whether the person sees the client, so what it sends
never goes beyond what the token may see now.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from openipt.accounts.models import Membership
from openipt.api.models import ApiToken, TokenKind, ViewChange
from openipt.clients.models import Assignment, Client
from openipt.core.events import EventType


def _holders(organisation_id: int, staff_ids: set[int]) -> list[int]:
    """Those of these people who hold a personal token that still works (nobody else reads the feed as them)."""
    if not staff_ids:
        return []
    return sorted(set(ApiToken.objects.filter(
        organisation_id=organisation_id, kind=TokenKind.PERSONAL, membership_id__in=staff_ids,
        revoked_at__isnull=True, expires_at__gt=timezone.now()).values_list("membership_id", flat=True)))


def record_access_change(event_type: EventType, organisation_id: int, occurred_at: datetime,
                         data: Mapping[str, Any]) -> None:
    """Record a ViewChange for each client whose visibility the event changed, for each token holder it touches."""
    if event_type != EventType.ACCESS_CHANGED:
        return
    change = str(data.get("change", ""))
    staff_ids = {int(pk) for pk in data.get("staff_ids") or ()}
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
    holders = _holders(organisation_id, staff_ids)
    if not holders or not client_ids:
        return
    ViewChange.objects.bulk_create([
        ViewChange(organisation_id=organisation_id, membership_id=holder, client_id=client, change=change[:10],
                   at=occurred_at)
        for holder in holders for client in sorted(client_ids)])
