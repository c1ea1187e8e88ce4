"""Audit events of the Today page and the week calendar (both only read; moves are courses actions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from openipt.audit import actions as audit
from openipt.audit.registry import register

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

TODAY_VIEWED = register("today.viewed", "Today page viewed")
WEEK_VIEWED = register("today.week_viewed", "Week calendar viewed")


def record_today_view(actor: Actor, shown: int) -> None:
    audit.record(TODAY_VIEWED.code, actor=actor, details={"shown": shown})


def record_week_view(actor: Actor, monday, shown: int) -> None:
    audit.record(WEEK_VIEWED.code, actor=actor, details={"week": monday.isoformat(), "shown": shown})
