"""Audit events of the Today page and the week calendar (both only read; moves are courses actions), and the
organisation's working hours, which the week calendar offers free slots in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.core.errors import ActionError, ConflictError, ErrorCode
from openipt.today.models import WorkingHours

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

TODAY_VIEWED = register("today.viewed", "Today page viewed")
WEEK_VIEWED = register("today.week_viewed", "Week calendar viewed")
HOURS_CHANGED = register("today.working_hours_changed", "Working hours changed")


def record_today_view(actor: Actor, shown: int) -> None:
    audit.record(TODAY_VIEWED.code, actor=actor, details={"shown": shown})


def record_week_view(actor: Actor, monday: date, shown: int) -> None:
    audit.record(WEEK_VIEWED.code, actor=actor, details={"week": monday.isoformat(), "shown": shown})


def _hour(value: object, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ActionError(_("Choose an hour from the list."), field=field)
    return value


@transaction.atomic
def save_working_hours(actor: Actor | None, *, days: Iterable[int], start_hour: int, end_hour: int,
                       expected_version: int) -> WorkingHours:
    """An admin sets the days and hours the week calendar offers free slots in, for the whole organisation."""
    if actor is None or not actor.is_admin:
        raise ActionError(_("Only an admin can change the working hours."), code=ErrorCode.FORBIDDEN)
    chosen = set(days)
    if not chosen or not chosen <= set(range(7)):
        raise ActionError(_("Choose at least one working day."), field="days")
    start = _hour(start_hour, "start_hour", 0, 23)
    end = _hour(end_hour, "end_hour", 1, 24)
    if end <= start:
        raise ActionError(_("The working day must end after it starts."), field="end_hour")
    found, made = WorkingHours.objects.select_for_update().get_or_create(organisation_id=actor.organisation_id)
    if not made and found.version != expected_version:
        raise ConflictError(_("Someone else changed the working hours. Check them and save again."), current=found)
    found.days = sum(1 << d for d in chosen)
    found.start_hour, found.end_hour = start, end
    found.version = found.version + (0 if made else 1)
    found.updated_at = timezone.now()
    found.updated_by = actor.membership
    found.save()
    audit.record(HOURS_CHANGED.code, actor=actor, obj=found,
                 details={"days": sorted(chosen), "start": f"{start:02d}:00", "end": f"{end:02d}:00"})
    return found
