"""Session reports: the facilitator files one after a session; the supervisor reads and replies."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.core.errors import ActionError
from openipt.groups import access
from openipt.groups.actions import _text
from openipt.groups.models import SessionReport
from openipt.groups.session_actions import session_for_change
from openipt.safety import api as safety_api

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.clients.models import Client
    from openipt.groups.models import GroupSession, Member

REPORT_FILED = register("group.report_filed", "Group session report filed")
REPORT_REPLIED = register("group.report_replied", "Supervisor replied to a group session report")
REPORT_READ = register("group.report_read", "Group session report read")


class ReportExists(ActionError):
    """A report for this session was filed already; `report` is the one on record."""

    def __init__(self, report: SessionReport):
        when = formats.date_format(timezone.localtime(report.filed_at), "j M Y, H:i")
        super().__init__(_("A report for this session was already filed by %(who)s on %(when)s. It is shown below; "
                           "what you wrote is still in the form, so you can copy anything missing into a note.")
                         % {"who": report.filed_by.user, "when": when}, code="exists")
        self.report = report


@transaction.atomic
def file_report(actor: Actor, group_id: int | str, number: int | str, *, went_well: str, was_hard: str = "", concerns: str = "",
                help_wanted: str = "") -> SessionReport:
    """File the report on a held session, once."""
    session = session_for_change(actor, group_id, number)
    existing = SessionReport.objects.filter(session=session).select_related("filed_by__user").first()
    if existing is not None:
        raise ReportExists(existing)
    if not session.held:
        raise ActionError(_("Mark attendance for this session first; the report follows a session that took place."),
                          field="went_well")
    values = dict(
        went_well=_text(went_well, "went_well", required=_("Write at least one thing that went well."), limit=4000),
        was_hard=_text(was_hard, "was_hard", limit=4000),
        concerns=_text(concerns, "concerns", limit=4000),
        help_wanted=_text(help_wanted, "help_wanted", limit=4000),
    )
    try:
        with transaction.atomic():
            report = SessionReport.objects.create(session=session, filed_by=actor.membership, filed_at=timezone.now(),
                                                  **values)
    except IntegrityError:  # the co-facilitator filed at this very moment
        raise ReportExists(SessionReport.objects.select_related("filed_by__user").get(session=session)) from None
    audit.record(REPORT_FILED.code, actor=actor, obj=report, details={"group": session.group_id, "session": session.number})
    if values["concerns"]:
        # A worry about a member is a possible risk signal: scan it as text for each member it could concern.
        scan_report_text(actor, session, values["concerns"], report)
    return report


def scan_report_text(actor: Actor, session: GroupSession, text: str, report: object,
                     members: list[Member] | None = None) -> int:
    """Raise alerts for the members a worrying report is about; for every member when it names nobody.

    Names are matched as whole words, written as in the record (given name, family name), so "Ann"
    does not match "annual" and a member called Hope is not found in "lost all hope". A worry with
    risk words that names no member is never dropped: each member still in the group gets the
    alert, and whoever reads it settles who it was about. `report` is the object the alerts point to (the
    report, or the offline conflict that kept a tablet's report). `members` are the members it may concern
    (by default those still active in the group). Returns how many alerts were raised.
    """
    from openipt.groups.models import Member, MemberStatus

    if members is None:
        members = list(Member.objects.filter(group=session.group, status=MemberStatus.ACTIVE).select_related("client"))
    words = set(re.findall(r"[^\W\d_]+", text))
    named = [m for m in members if words & _names(m.client)]
    language = safety_api.language_for_name(session.group.language)  # the report is read in the group's language
    if not named and safety_api.text_signals_risk(session.group.organisation_id, text, "group_report", language=language):
        named = members
    raised = 0
    for member in named:
        raised += len(safety_api.raise_for_text(client=member.client, text=text, source="group_report", obj=report,
                                                actor=actor, language=language) or [])
    return raised


def _names(client: Client) -> set[str]:
    found: set[str] = set()
    for value in (client.given_name, client.family_name):
        found.update(w for w in re.findall(r"[^\W\d_]+", value or "") if len(w) > 1)
    return found


@transaction.atomic
def reply(actor: Actor, group_id: int | str, number: int | str, *, text: str) -> SessionReport:
    """The supervisor replies to a report (a later reply replaces the earlier one; both are audited)."""
    group = access.get_group(actor, group_id)
    if group is None or not access.can_reply(actor, group):
        raise ActionError(_("Only the group's supervisor can reply to its reports."), code="forbidden")
    wanted = access._int(number)
    report = (SessionReport.objects.select_for_update().filter(session__group=group, session__number=wanted).first()
              if wanted is not None else None)
    if report is None:
        raise ActionError(_("No report has been filed for this session yet."), field="reply")
    text = _text(text, "reply", required=_("Write your reply to the facilitator."), limit=4000)
    SessionReport.objects.filter(pk=report.pk).update(reply=text, replied_by=actor.membership, replied_at=timezone.now(),
                                                      reply_seen_at=None)
    report.refresh_from_db()
    audit.record(REPORT_REPLIED.code, actor=actor, obj=report, details={"group": group.pk, "session": number})
    return report


def mark_reply_seen(actor: Actor, report: SessionReport) -> None:
    """Note that a facilitator has seen the supervisor's reply (shown as read on the supervisor's page)."""
    if report.reply and report.reply_seen_at is None and access.leads(actor, report.session.group):
        SessionReport.objects.filter(pk=report.pk).update(reply_seen_at=timezone.now())


def record_report_view(actor: Actor, report: SessionReport) -> None:
    audit.record(REPORT_READ.code, actor=actor, obj=report)
