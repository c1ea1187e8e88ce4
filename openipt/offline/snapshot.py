"""What a tablet keeps: its owner's own groups, the next sessions with their steps, the checks and safety steps.

Built with a fixed number of queries whatever the number of members and sessions (tests assert it).
Nothing here writes; the view records the audit event.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from openipt.accounts import language
from openipt.clients.access import visible_clients
from openipt.groups.models import (
    Attendance,
    GroupSession,
    Member,
    MemberStatus,
    QuickCheck,
    SessionReport,
    SoloLeadHold,
)
from openipt.groups.queries import holds as hold_queries
from openipt.groups.views.session import guide_for
from openipt.measures import instruments
from openipt.offline import access
from openipt.offline.models import Device
from openipt.safety.access import crisis_contacts_for

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

VERSION = 1
PLANNED_AHEAD = 3
PHQ2_ITEMS = ("q1", "q2", "q9")
# The open app locks after this many minutes with no touch or key, and asks for the PIN again.
LOCK_AFTER_MINUTES = 10


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def wipe_after_days(groups) -> int:
    """The smallest offline limit among the groups' programmes (7 when there are none)."""
    limits = [g.programme.offline_days for g in groups]
    return min(limits) if limits else 7


def chosen_sessions(sessions: list[GroupSession]) -> list[GroupSession]:
    """From the last held session to the next three not yet held (in number order)."""
    ordered = sorted(sessions, key=lambda s: s.number)
    held = [i for i, s in enumerate(ordered) if s.held]
    start = held[-1] if held else 0
    chosen, planned = [], 0
    for s in ordered[start:]:
        if not s.held:
            if planned == PLANNED_AHEAD:
                break
            planned += 1
        chosen.append(s)
    return chosen


def _instruments() -> dict[str, Any]:
    phq9 = instruments.registry().get(instruments.DEPRESSION)
    items = [i for i in phq9.items if i.id != "difficulty"]
    choices = [[o.value, o.label] for o in items[0].options] if items else []
    return {"phq9": {"items": [{"key": i.id, "text": i.text} for i in items], "choices": choices},
            "phq2": {"items": list(PHQ2_ITEMS)}}


def crisis(organisation_id: int, lang: str) -> dict[str, Any]:
    contacts = crisis_contacts_for(organisation_id, lang)
    return {
        "title": _("If someone is in danger now"),
        "contacts": [{"name": c.name, "phone": c.phone, "hours": c.hours, "text": c.text_number} for c in contacts],
        "steps": [
            _("If someone may hurt themselves or someone else right now, do not leave them alone."),
            _("Call one of the numbers below, or the local emergency number."),
            _("Tell your supervisor today."),
        ],
    }


def safety_steps() -> list[str]:
    return [
        _("Thank the member for telling you. Stay calm and kind."),
        _("Speak with them alone, after the group or in a quiet corner, today."),
        _("Ask if they have thoughts of ending their life, and if they have a plan. Listen."),
        _("If they are in danger now, stay with them and call a crisis number below."),
        _("Tell your supervisor today. The answer reaches the team as soon as the tablet connects."),
    ]


def printable() -> dict[str, str]:
    """The words of the printed session guide's safety part (groups/print/guide.html), for the tablet's print view."""
    return {
        "danger_title": _("If someone is in danger"),
        "danger_text": _("If a member says they have a plan to end their life, or seems in danger, stay with them, "
                         "and call your supervisor today. Write it in the app when you can."),
    }


def build(actor: Actor, device: Device) -> dict[str, Any]:
    """The whole snapshot for this device's owner, in the owner's language."""
    lang = language.for_actor(actor)
    with translation.override(lang):
        return _build(actor, device, lang)


def led_alone(hold: SoloLeadHold) -> dict[str, Any]:
    """What the tablet says about a group led alone after a withdrawn sign-off, in the reader's language."""
    state = getattr(hold, "shown_state", "open")
    if state == "paused":
        title = _("Sessions paused: a supervisor must join or decide first")
        text = _("%(who)s paused the remaining sessions: “%(reason)s”. Do not hold the next session until a "
                 "signed-off facilitator joins or the supervisor lifts the pause.") % {
            "who": hold.decided_by.user if hold.decided_by else "", "reason": hold.reason}
    elif state == "continues":
        title = _("Led alone by a supervisor's decision")
        text = _("%(who)s decided the group continues, to be looked at again on %(when)s: “%(reason)s”.") % {
            "who": hold.decided_by.user if hold.decided_by else "", "reason": hold.reason,
            "when": hold.review_on.isoformat() if hold.review_on else ""}
    else:
        title = _("A supervisor must join or decide before the next session")
        text = _("The sign-off to lead a group alone of %(name)s was withdrawn. The supervisor has been told: they "
                 "add a co-facilitator who is signed off, pause the sessions, or decide the group continues.") % {
            "name": hold.membership.user}
    return {"state": state, "title": title,
            "text": text + " " + _("The safety steps on this tablet still work. This is as of the last sync.")}


def _build(actor: Actor, device: Device, lang: str) -> dict[str, Any]:
    groups = list(access.runs_groups_of(actor.membership).select_related("programme").order_by("name", "pk"))
    group_ids = [g.pk for g in groups]
    if not set(group_ids) <= set(device.group_ids or []):  # remembered for the member rule of later changes
        device.group_ids = sorted(set(device.group_ids or []) | set(group_ids))
        Device.objects.filter(pk=device.pk).update(group_ids=device.group_ids)
    members = list(Member.objects.filter(group_id__in=group_ids, client__in=visible_clients(actor))
                   .exclude(status=MemberStatus.FINISHED).select_related("client"))
    sessions_by_group: dict[int, list[GroupSession]] = defaultdict(list)
    for s in GroupSession.objects.filter(group_id__in=group_ids).order_by("number"):
        sessions_by_group[s.group_id].append(s)
    chosen = {g.pk: chosen_sessions(sessions_by_group[g.pk]) for g in groups}
    session_ids = [s.pk for ss in chosen.values() for s in ss]
    member_ids = {m.pk for m in members}
    marks: dict[int, dict[str, Any]] = defaultdict(dict)
    for a in Attendance.objects.filter(session_id__in=session_ids, member_id__in=member_ids).select_related("marked_by__user"):
        marks[a.session_id][str(a.member_id)] = {"presence": a.presence, "will_try": a.will_try,
                                                 "marked_by": str(a.marked_by.user), "marked_at": _iso(a.marked_at)}
    checks: dict[int, dict[str, Any]] = defaultdict(dict)
    for c in QuickCheck.objects.filter(session_id__in=session_ids, member_id__in=member_ids):
        checks[c.session_id][str(c.member_id)] = {"instrument": c.instrument_code, "total": c.total, "at": _iso(c.at)}
    reports = {r.session_id: {"went_well": r.went_well, "was_hard": r.was_hard, "concerns": r.concerns,
                              "help_wanted": r.help_wanted, "filed_at": _iso(r.filed_at)}
               for r in SessionReport.objects.filter(session_id__in=session_ids)}
    held = hold_queries.for_groups(group_ids)
    by_group: dict[int, list[Member]] = defaultdict(list)
    for m in members:
        by_group[m.group_id].append(m)
    out = []
    for g in groups:
        sessions = []
        for s in chosen[g.pk]:
            s.group = g
            guide, steps = guide_for(s)
            sessions.append({
                "number": s.number, "date": timezone.localtime(s.scheduled_start).date().isoformat(),
                "start": _iso(s.scheduled_start), "phase": s.phase, "held": s.held, "version": s.version,
                "notes": s.notes, "done_steps": list(s.done_step_ids or []),
                # `english`: the reader's language pack lacks this step, so it is in English and marked so
                "steps": [{"id": st["id"], "title": st["title"], "minutes": st["minutes"], "script": st["guidance"],
                           "english": st["english"]} for st in steps],
                "attendance": marks.get(s.pk, {}), "checks": checks.get(s.pk, {}), "report": reports.get(s.pk),
                "guide_url": reverse("groups:guide_pdf", args=[g.pk, s.number]),
                # for the printable guide made on the tablet from this copy (the PDF needs the server)
                "guide": {"title": guide.title, "summary": guide.summary, "english": guide.english},
            })
        out.append({
            "id": g.pk, "name": g.name, "language": g.language, "location": g.location,
            "facilitator": g.facilitator_id == actor.membership.pk, "status": g.status,
            "sessions_planned": g.sessions_planned,
            "members": [{"id": m.pk, "name": m.client.display_name, "status": m.status,
                         "joined_on": m.joined_on.isoformat()} for m in by_group[g.pk]],
            "sessions": sessions,
            # HAZ-041: led alone by someone whose sign-off was withdrawn; the tablet shows it, blocks nothing
            "led_alone": [led_alone(h) for h in held.get(g.pk, [])],
            # the printable guide of the next session not yet held (each session also carries its own)
            "guide_url": next((s["guide_url"] for s in sessions if not s["held"]), sessions[-1]["guide_url"] if sessions else None),
        })
    return {
        "version": VERSION, "server_time": timezone.now().isoformat(), "device": str(device.uuid),
        "wipe_after_days": wipe_after_days(groups), "person": {"name": str(actor.user)}, "language": lang,
        "crisis": crisis(actor.organisation_id, lang), "safety_steps": safety_steps(),
        "instruments": _instruments(), "groups": out, "print": printable(), "lock_after_minutes": LOCK_AFTER_MINUTES,
    }
