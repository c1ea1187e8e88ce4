"""Changes to the life-event timeline, the episode onset and the short intake.

Dates may be exact or approximate (month or only year) because people often remember "March"
or "2019" rather than a day; a date after today is refused because the timeline records what
has happened. Only care staff assigned to the client change these (the client adds people in the
portal, not events).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.assessment import access
from openipt.assessment.actions import (
    EVENT_ADDED,
    EVENT_CHANGED,
    EVENT_REMOVED,
    INTAKE_SAVED,
    forbidden,
    long_text,
)
from openipt.assessment.choices import EventKind, MoodEffect
from openipt.assessment.models import ClientAssessment, InventoryPerson, LifeEvent
from openipt.assessment.suggest.case import INTAKE_QUESTIONS, LEGACY_LOSS_KIND, legacy_loss_kind
from openipt.assessment.suggest.dates import ApproxDate
from openipt.audit import actions as audit
from openipt.clients.access import visible_clients
from openipt.core.errors import ActionError, ConflictError

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.clients.models import Client


@dataclass(frozen=True)
class When:
    """A checked approximate date."""

    year: int
    month: int | None
    day: int | None

    def approx(self) -> ApproxDate:
        return ApproxDate(self.year, self.month, self.day)


def _number(value: Any, field: str, message: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ActionError(message, field=field)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ActionError(message, field=field) from None


def check_when(year: object, month: object, day: object, *, prefix: str = "", today: date | None = None, required: bool = True) -> When | None:
    """Check an exact or approximate date that must not be after today; fields are named prefix+year etc."""
    today = today or timezone.localdate()
    y = _number(year, prefix + "year", _("Enter the year as four digits, for example %(y)d.") % {"y": today.year})
    m = _number(month, prefix + "month", _("Choose a month from the list, or leave it empty if you are not sure."))
    d = _number(day, prefix + "day", _("Enter the day as a number from 1 to 31, or leave it empty."))
    if y is None:
        if m is None and d is None and not required:
            return None
        raise ActionError(_("Enter the year, even if you are not sure of the month or day."), field=prefix + "year")
    if y < 1900:
        raise ActionError(_("Enter a year from 1900 on."), field=prefix + "year")
    if y > today.year:
        raise _future(today, prefix + "year")
    if m is not None and not 1 <= m <= 12:
        raise ActionError(_("Choose a month from the list, or leave it empty if you are not sure."), field=prefix + "month")
    if d is not None and m is None:
        raise ActionError(_("Choose the month too, or leave the day empty."), field=prefix + "month")
    if d is not None and m is not None:
        try:
            date(y, m, d)
        except ValueError:
            raise ActionError(_("There is no such day in that month. Check the day, or leave it empty."), field=prefix + "day") from None
    when = When(y, m, d)
    if when.approx().first_day() > today:
        raise _future(today, prefix + ("month" if (y, m) > (today.year, today.month) else "day"))
    return when


def _future(today: date, field: str) -> ActionError:
    return ActionError(
        _("This date is after today (%(today)s). The timeline records what has already happened: enter a date "
          "up to today, or the nearest month or year you are sure of.") % {"today": today.strftime("%d/%m/%Y")},
        field=field,
    )


def _client_for_staff_change(actor: Actor, client_id: int | str) -> Client:
    pk = access.as_id(client_id)
    client = visible_clients(actor).filter(pk=pk).first() if pk is not None else None
    if client is None or actor.is_client or not access.can_change_assessment(actor, client):
        raise forbidden()
    return client


def _people(client: Client, main_person_id: object, people_ids: Iterable[object] | None
            ) -> tuple[InventoryPerson | None, list[InventoryPerson]]:
    wanted = {i for p in (people_ids or []) if (i := access.as_id(p)) is not None}
    main_id = access.as_id(main_person_id) if main_person_id not in (None, "") else None
    if main_person_id not in (None, "") and main_id is None:
        raise ActionError(_("Choose a person from this client's inventory."), field="main_person")
    ids = wanted | ({main_id} if main_id else set())
    found = {p.pk: p for p in InventoryPerson.objects.filter(client=client, removed_at__isnull=True, pk__in=ids)}
    if main_id and main_id not in found:
        raise ActionError(_("Choose a person from this client's inventory."), field="main_person")
    if wanted - set(found):
        raise ActionError(_("Choose people from this client's inventory."), field="people")
    others = [found[i] for i in sorted(wanted) if i != main_id]
    return (found[main_id] if main_id else None), others


def _check_event(data: dict[str, Any]) -> dict[str, Any]:
    kind = data.get("kind") or ""
    if kind == LEGACY_LOSS_KIND:  # the old "death or other loss" (older scripts and imports): grief is for a death
        kind = legacy_loss_kind(str(data.get("description") or ""))
    if kind not in EventKind.values:
        raise ActionError(_("Choose what kind of event this was."), field="kind")
    mood = data.get("mood_effect") or MoodEffect.UNKNOWN
    if mood not in MoodEffect.values:
        raise ActionError(_("Choose how the event affected the mood, or “Not sure”."), field="mood_effect")
    when = check_when(data.get("year"), data.get("month"), data.get("day"))
    assert when is not None  # a required date is never None
    return {"kind": kind, "mood_effect": mood, "year": when.year, "month": when.month, "day": when.day,
            "description": long_text(data.get("description"), "description")}


@transaction.atomic
def add_event(actor: Actor, client_id: int | str, data: dict[str, Any]) -> LifeEvent:
    """Add a life event to a client's timeline."""
    client = _client_for_staff_change(actor, client_id)
    values = _check_event(data)
    main, others = _people(client, data.get("main_person"), data.get("people"))
    event = LifeEvent.objects.create(client=client, main_person=main, created_by=actor.membership,
                                     updated_by=actor.membership, **values)
    event.people.set(others)
    audit.record(EVENT_ADDED.code, actor=actor, client=client, obj=event,
                 details={"kind": event.kind, "precision": event_approx(event).precision})
    return event


@transaction.atomic
def edit_event(actor: Actor, event_id: int | str, data: dict[str, Any], *, expected_version: int) -> LifeEvent:
    """Change a life event; a change saved meanwhile by someone else is refused with both versions shown."""
    event = access.get_event(actor, event_id)
    if event is None or actor.is_client or not access.can_change_assessment(actor, event.client):
        raise forbidden()
    event = LifeEvent.objects.select_for_update().select_related("client").get(pk=event.pk)
    if event.version != expected_version:
        raise ConflictError(_("Someone else changed this event while you were editing. Their version is shown; your "
                              "changes are kept in the form. Check and save again."), current=event)
    values = _check_event(data)
    main, others = _people(event.client, data.get("main_person"), data.get("people"))
    for name, value in values.items():
        setattr(event, name, value)
    event.main_person = main
    event.version += 1
    event.updated_by = actor.membership
    event.save()
    event.people.set(others)
    audit.record(EVENT_CHANGED.code, actor=actor, client=event.client, obj=event, details={"kind": event.kind})
    return event


@transaction.atomic
def remove_event(actor: Actor, event_id: int | str) -> None:
    event = access.get_event(actor, event_id)
    if event is None or actor.is_client or not access.can_change_assessment(actor, event.client):
        raise forbidden()
    audit.record(EVENT_REMOVED.code, actor=actor, client=event.client, obj=event,
                 details={"kind": event.kind, "when": event_approx(event).iso()})
    event.delete()


def event_approx(event: LifeEvent) -> ApproxDate:
    return ApproxDate(event.year, event.month, event.day)


def _intake(answers: dict[str, Any] | None) -> dict[str, bool | int | None]:
    out: dict[str, bool | int | None] = {}
    answers = answers or {}
    for key, (kind, _question) in INTAKE_QUESTIONS.items():
        value = answers.get(key)
        if value in (None, ""):
            out[key] = None
        elif kind == "bool":
            if value not in (True, False, "yes", "no"):
                raise ActionError(_("Choose yes, no or not asked."), field=key)
            out[key] = value in (True, "yes")
        else:
            number = _number(value, key, _("Enter a whole number from 0 to 1000, or leave it empty."))
            if number is None or not 0 <= number <= 1000:
                raise ActionError(_("Enter a whole number from 0 to 1000, or leave it empty."), field=key)
            out[key] = number
    return out


@transaction.atomic
def save_intake(actor: Actor, client_id: int | str, *, onset: dict[str, Any], onset_note: str, answers: dict[str, Any], expected_version: int) -> ClientAssessment:
    """Save when the current episode began and the intake answers the suggester reads."""
    client = _client_for_staff_change(actor, client_id)
    record = ClientAssessment.objects.select_for_update().filter(client=client).first()
    current = record.version if record else 0
    if expected_version != current:
        raise ConflictError(_("Someone else saved the onset and intake while you were editing. Their answers are "
                              "shown; yours are kept in the form. Check and save again."), current=record)
    when = check_when(onset.get("year"), onset.get("month"), onset.get("day"), prefix="onset_", required=False)
    note = long_text(onset_note, "onset_note")
    values = {
        "onset_year": when.year if when else None, "onset_month": when.month if when else None,
        "onset_day": when.day if when else None, "onset_note": note, "intake": _intake(answers),
        "updated_by": actor.membership, "updated_at": timezone.now(),
    }
    if record is None:
        record = ClientAssessment.objects.create(client=client, version=1, **values)
    else:
        for name, value in values.items():
            setattr(record, name, value)
        record.version += 1
        record.save()
    audit.record(INTAKE_SAVED.code, actor=actor, client=client, obj=record,
                 details={"onset": when.approx().iso() if when else None,
                          "answered": sorted(k for k, v in record.intake.items() if v is not None)})
    return record
