"""The organisation's measures settings, and the audit records of reading and exporting scores.

Changing the settings follows the rule of every action (the Actor first, permission checked, a
transaction, an audit event). The `record_*` functions write the audit event for a page or file
that shows scores, before it is sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.core.errors import ActionError, ConflictError, ErrorCode
from openipt.measures import access
from openipt.measures.models import GAD7_CUTOFF_RANGE, PHQ9_CUTOFF_RANGE, MeasuresSettings

if TYPE_CHECKING:
    from django.db.models import Model

    from openipt.accounts.actor import Actor
    from openipt.clients.models import Client
    from openipt.courses.models import Course

EXPORTED = register("measures.exported", "Measures exported")
VIEWED = register("measures.viewed", "Scores viewed")
DUE_VIEWED = register("measures.due_viewed", "List of questionnaires due viewed")
REPORT_MADE = register("measures.report_made", "End-of-treatment report made")
SETTINGS_CHANGED = register("measures.settings_changed", "Measures settings changed")


@transaction.atomic
def update_settings(actor: Actor, *, wait_sessions: int, use_own_trajectories: bool, link_days: int,
                    expected_version: int, phq9_case_cutoff: int | None = None,
                    gad7_case_cutoff: int | None = None) -> MeasuresSettings:
    """Change how long to wait before not-on-track signals, which expected path to use, link validity,
    and the scores that count as a case at the start (None keeps the saved value)."""
    if not access.can_change_settings(actor):
        raise ActionError(_("Only an admin can change these settings."), code=ErrorCode.FORBIDDEN)
    if not isinstance(wait_sessions, int) or not 1 <= wait_sessions <= 20:
        raise ActionError(_("Give a number of sessions from 1 to 20."), field="wait_sessions")
    if not isinstance(link_days, int) or not 1 <= link_days <= 30:
        raise ActionError(_("Give a number of days from 1 to 30."), field="link_days")
    for name, value, (low, high) in (("phq9_case_cutoff", phq9_case_cutoff, PHQ9_CUTOFF_RANGE),
                                     ("gad7_case_cutoff", gad7_case_cutoff, GAD7_CUTOFF_RANGE)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high):
            raise ActionError(_("Give a score from %(low)d to %(high)d.") % {"low": low, "high": high}, field=name)
    settings, _created = MeasuresSettings.objects.select_for_update().get_or_create(organisation_id=actor.organisation_id)
    if settings.version != expected_version:
        raise ConflictError(_("Someone else changed these settings while you were editing. Their values are shown; "
                              "check and save again."), current=settings)
    before = {"wait_sessions": settings.wait_sessions, "use_own_trajectories": settings.use_own_trajectories,
              "link_days": settings.link_days, "phq9_case_cutoff": settings.phq9_case_cutoff,
              "gad7_case_cutoff": settings.gad7_case_cutoff}
    settings.wait_sessions, settings.use_own_trajectories, settings.link_days = wait_sessions, use_own_trajectories, link_days
    if phq9_case_cutoff is not None:
        settings.phq9_case_cutoff = phq9_case_cutoff
    if gad7_case_cutoff is not None:
        settings.gad7_case_cutoff = gad7_case_cutoff
    settings.version += 1
    settings.save()
    audit.record(SETTINGS_CHANGED.code, actor=actor, obj=settings,
                 details={"before": before, "after": {"wait_sessions": wait_sessions,
                                                      "use_own_trajectories": use_own_trajectories,
                                                      "link_days": link_days,
                                                      "phq9_case_cutoff": settings.phq9_case_cutoff,
                                                      "gad7_case_cutoff": settings.gad7_case_cutoff}})
    return settings


def record_view(actor: Actor, *, client: Client | None, obj: Model | None, what: str) -> None:
    audit.record(VIEWED.code, actor=actor, client=client, obj=obj, details={"what": what})


def record_due_view(actor: Actor, *, shown: int) -> None:
    audit.record(DUE_VIEWED.code, actor=actor, details={"shown": shown})


def record_export(actor: Actor, kind: str, *, identifiable: bool, client: Client | None = None,
                  details: dict[str, Any] | None = None) -> None:
    """Audit an export before it is streamed (identifiable exports say so)."""
    audit.record(EXPORTED.code, actor=actor, client=client,
                 details={"kind": kind, "identifiable": identifiable, **(details or {})})


def record_report(actor: Actor, course: Course, *, version: str, client: Client | None = None) -> None:
    audit.record(REPORT_MADE.code, actor=actor, client=client or course.client, obj=course, details={"version": version})
