"""Changes to a programme's settings, and the audit records of its reports.

Every action takes the Actor first, checks permission, runs in a transaction and records an audit event.
A report (CSV or DHIS2) holds aggregates only, but it leaves the organisation, so each one is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.core.errors import ActionError, ConflictError, ErrorCode
from openipt.programmes import access
from openipt.programmes.models import ProgrammeSettings
from openipt.programmes.reporting import MappingError, parse_mapping

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

SETTINGS_CHANGED = register("programmes.settings_changed", "Programme settings changed")
EXPORTED = register("programmes.exported", "Programme report exported")


@dataclass(frozen=True)
class SettingsInput:
    min_sessions: int
    suppress_below: int
    attendance_target: int
    fidelity_target: int
    checks_missed_target: int
    ack_minutes_target: int
    dhis2_org_unit: str = ""
    dhis2_data_set: str = ""
    dhis2_mapping: str = ""


RANGES = {
    "min_sessions": (1, 16),
    "suppress_below": (3, 20),  # below 3, counts of 1 and 2 would show (see docs/programmes/indicators.md)
    "attendance_target": (0, 100),
    "fidelity_target": (0, 100),
    "checks_missed_target": (0, 100),
    "ack_minutes_target": (1, 10080),
}


@transaction.atomic
def save_settings(actor: Actor, data: SettingsInput, *, expected_version: int) -> ProgrammeSettings:
    """Save the programme settings. DHIS2 codes, when any are given, must be well formed (a partial mapping is
    kept, and refused only when a report is made)."""
    if not access.can_configure(actor):
        raise ActionError(_("Only an admin can change the programme settings."), code=ErrorCode.FORBIDDEN)
    for name, (low, high) in RANGES.items():
        value = getattr(data, name)
        if (
            name == "suppress_below"
            and isinstance(value, int)
            and not isinstance(value, bool)
            and value < low
        ):
            raise ActionError(
                _(
                    "Hide counts below %(low)d at least: with a smaller number, counts of one or two people would show."
                )
                % {"low": low},
                field=name,
            )
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ActionError(
                _("Give a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}, field=name
            )
    if data.dhis2_mapping.strip() or data.dhis2_org_unit.strip() or data.dhis2_data_set.strip():
        try:
            parse_mapping(
                data.dhis2_mapping,
                org_unit=data.dhis2_org_unit or "-",
                data_set=data.dhis2_data_set,
                complete=False,
            )
        except MappingError as error:
            raise ActionError(str(error), field="dhis2_mapping") from error
    settings, _created = ProgrammeSettings.objects.select_for_update().get_or_create(
        organisation_id=actor.organisation_id
    )
    if settings.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed these settings while you were editing. Their values are shown; "
                "check and save again."
            ),
            current=settings,
        )
    for name in (*RANGES, "dhis2_org_unit", "dhis2_data_set", "dhis2_mapping"):
        value = getattr(data, name)
        setattr(settings, name, value.strip() if isinstance(value, str) else value)
    settings.version += 1
    settings.updated_at = timezone.now()
    settings.updated_by = actor.membership
    settings.save()
    audit.record(
        SETTINGS_CHANGED.code,
        actor=actor,
        obj=settings,
        details={name: getattr(data, name) for name in RANGES} | {"dhis2_org_unit": settings.dhis2_org_unit},
    )
    return settings


@transaction.atomic
def record_export(actor: Actor, *, kind: str, period: str, filters: dict[str, object]) -> None:
    """Record that a monthly report (CSV or DHIS2) was made, before it is sent."""
    if not access.can_export(actor):
        raise ActionError(
            _("Only a programme manager or an admin can take these reports."), code=ErrorCode.FORBIDDEN
        )
    audit.record(EXPORTED.code, actor=actor, details={"kind": kind, "period": period, **filters})


ROWS_VIEWED = register("programmes.rows_viewed", "De-identified programme list viewed")


def record_rows_viewed(actor: Actor, *, step: str, shown: int, filters: dict[str, object]) -> None:
    """Record that a de-identified list behind a dashboard count was shown (rows, never names, are in it)."""
    if not access.can_view_rows(actor):
        raise ActionError(_("Only the people who see the programme dashboard can see these lists."),
                          code=ErrorCode.FORBIDDEN)
    with transaction.atomic():
        audit.record(ROWS_VIEWED.code, actor=actor, details={"step": step, "rows": shown, **filters})
