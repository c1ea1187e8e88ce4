"""What can be rated: kinds of session registered by apps, resolved for an actor.

A resolver takes (actor, target_id) and returns a Target, or raises Http404 when the session does
not exist or the actor cannot see it. This app registers "session" (a session of an individual
course); the groups app registers "group_session".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.http import Http404

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


@dataclass(frozen=True)
class Target:
    """A session to rate: whose organisation, which phase and format, who led it, how to show it."""

    organisation_id: int
    phase: str
    format_id: str
    rated_membership_id: int
    label: str
    url: str
    held: bool = True  # False for a session that has not taken place (scheduled, cancelled, missed): nothing to rate
    session_at: datetime | None = None  # when the session took place: fidelity trends follow session dates
    checklist_id: str = ""  # a named checklist (e.g. "fidelity.pre_group") instead of the phase's own


RESOLVERS: dict[str, Callable] = {}


def register_target(kind: str, resolver: Callable) -> None:
    """Register (or replace) the resolver for a kind of target."""
    if not kind or len(kind) > 40 or not kind.replace("_", "").isalnum():
        raise ValueError(f"bad target kind {kind!r}")
    RESOLVERS[kind] = resolver


def resolve(actor: Actor | None, kind: str, target_id) -> Target:
    """Return the target for an actor, or raise Http404 (unknown kind, bad id, outside their reach)."""
    resolver = RESOLVERS.get(kind)
    try:
        pk = int(target_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if resolver is None or not 0 < pk < 2**62 or actor is None:
        raise Http404
    target = resolver(actor, pk)
    if target is None or target.organisation_id != actor.organisation_id:
        raise Http404
    return target
