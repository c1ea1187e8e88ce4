"""Changes made in facilitator mode during a group session.

Each member's mark is its own row, so two facilitators marking different members never undo
each other; for the same member the later mark wins and the page says who marked it and when.
Changes sent from the tablet carry a key made on the tablet; `apply_change` applies each key
once, so a change replayed after the connection returns is not applied twice.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients.access import visible_clients
from openipt.clients.actions import set_signal
from openipt.core.errors import ActionError, ConflictError
from openipt.courses import group_courses
from openipt.groups import access, schedule
from openipt.groups.actions import DROPOUT_SIGNAL, _text, group_for_change, today
from openipt.groups.models import (
    AppliedChange,
    Attendance,
    GroupSession,
    GroupStatus,
    Member,
    MemberStatus,
    Presence,
    QuickCheck,
)
from openipt.measures.actions import enter_paper
from openipt.safety import api as safety_api

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

ATTENDANCE_MARKED = register("group.attendance_marked", "Group attendance marked")
WILL_TRY_SAVED = register("group.will_try_saved", "What a member will try this week saved")
QUICK_CHECK = register("group.quick_check", "Symptom check entered in a group session")
NOTES_SAVED = register("group.notes_saved", "Group session notes saved")
STEPS_SAVED = register("group.steps_saved", "Group session guide steps ticked")
SESSION_VIEWED = register("group.session_viewed", "Group session opened in facilitator mode")

PHQ9 = tuple(f"q{n}" for n in range(1, 10))


def session_for_change(actor: Actor, group_id: int | str, number: int | str) -> GroupSession:
    group = group_for_change(actor, group_id)
    if not access.can_run(actor, group):
        raise ActionError(_("Only the group's facilitators can change the session."), code="forbidden")
    session = GroupSession.objects.filter(group=group, number=access._int(number) or 0).first()
    if session is None:
        raise ActionError(_("This group has no session with that number."), code="forbidden")
    session.group = group
    return session


def _on_or_before_today(session: GroupSession, what: str) -> None:
    day = timezone.localtime(session.scheduled_start).date()
    if group_ended_before(session):
        raise ActionError(_("This group has ended; its sessions can no longer be changed."))
    if day > today():
        raise ActionError(
            _("Session %(n)d is on %(date)s. You can %(what)s on that day, not before.")
            % {"n": session.number, "date": formats.date_format(day, "j M Y"), "what": what}, field="presence")


def group_ended_before(session: GroupSession) -> bool:
    return session.group.status == GroupStatus.ENDED


MEMBERS_READ = "_members_read_once"


def preload_members(actor: Actor, session: GroupSession) -> dict[int, Member]:
    """Read once the group's members this actor may see, for a batch of changes to `session` in one request.

    The changes that follow on this same session object find their member here instead of asking the
    database each time (the offline app applies up to hundreds at once). Only for one request.
    """
    found = getattr(session, MEMBERS_READ, None)
    if found is None:
        found = {m.pk: m for m in access.visible_members(actor, session.group)}
        setattr(session, MEMBERS_READ, found)
    return found


def _member(actor: Actor, session: GroupSession, member_id: object) -> Member:
    read = getattr(session, MEMBERS_READ, None)
    pk = access._int(member_id) or 0
    member = read.get(pk) if read is not None else access.visible_members(actor, session.group).filter(pk=pk).first()
    if member is None or member.status == MemberStatus.LEFT:
        raise ActionError(_("That person is not in this group now. Reload the page."), field="member")
    return member


def _row(session: GroupSession, member: Member, actor: Actor) -> tuple[Attendance, bool]:
    row = Attendance.objects.select_for_update().filter(session=session, member=member).first()
    if row is not None:
        return row, False
    try:
        with transaction.atomic():
            return Attendance.objects.create(session=session, member=member, marked_by=actor.membership,
                                             marked_at=timezone.now()), True
    except IntegrityError:  # the other facilitator created it this instant
        return Attendance.objects.select_for_update().get(session=session, member=member), False


def refresh_dropout_signal(member: Member) -> None:
    """Flag on the caseload a member who missed the last two or more held sessions; clear it when they come."""
    marks = list(Attendance.objects.filter(member=member, session__held=True)
                 .order_by("session__number").values_list("presence", flat=True))
    missed = schedule.missed_in_a_row(marks)
    if missed >= 2 and member.status == MemberStatus.ACTIVE:
        set_signal(member.client_id, DROPOUT_SIGNAL, 1,
                   _("Missed %(n)d group sessions in a row") % {"n": missed}, reverse("groups:detail", args=[member.group_id]))
    else:
        set_signal(member.client_id, DROPOUT_SIGNAL, 0, "")


def follow_phase(actor: Actor, session: GroupSession) -> None:
    """Move the members' group courses to the phase of the session just held (the protocol's group format)."""
    courses = Member.objects.filter(group=session.group, status=MemberStatus.ACTIVE).values_list("course_id", flat=True)
    group_courses.set_group_phase(actor, courses, session.phase,
                                  reason=_("Group session %(n)d held") % {"n": session.number})


def _mark(actor: Actor, session: GroupSession, member_id: object, presence: str) -> dict[str, Any]:
    if presence not in Presence.values:
        raise ActionError(_("Choose came, did not come, or said they could not come."), field="presence")
    _on_or_before_today(session, _("mark attendance"))
    member = _member(actor, session, member_id)
    row, _created = _row(session, member, actor)
    before: dict[str, Any] = {"presence": row.presence, "by": str(row.marked_by.user) if row.presence else "",
              "at": row.marked_at if row.presence else None}
    Attendance.objects.filter(pk=row.pk).update(presence=presence, marked_by=actor.membership, marked_at=timezone.now())
    if not session.held:
        GroupSession.objects.filter(pk=session.pk).update(held=True, led_by_id=session.group.facilitator_id,
                                                          updated_at=timezone.now())
        session.held, session.led_by_id = True, session.group.facilitator_id
        follow_phase(actor, session)
    refresh_dropout_signal(member)
    audit.record(ATTENDANCE_MARKED.code, actor=actor, client=member.client, obj=session,
                 details={"member": member.pk, "presence": presence, "replaced": before["presence"]})
    replaced = ""
    if before["presence"] and before["presence"] != presence and before["by"] != str(actor.membership.user):
        replaced = _("%(who)s had marked %(name)s as “%(old)s”; your mark “%(new)s” replaced it.") % {
            "who": before["by"], "name": member.client.display_name,
            "old": Presence(before["presence"]).label, "new": Presence(presence).label}
    return {"member": member.pk, "presence": presence, "replaced": replaced}


@transaction.atomic
def mark_attendance(actor: Actor, group_id: int | str, number: int | str, member_id: object, presence: str) -> dict[str, Any]:
    """Mark one member's attendance at a session held today or earlier."""
    session = session_for_change(actor, group_id, number)
    return _mark(actor, session, member_id, presence)


def _will_try(actor: Actor, session: GroupSession, member_id: object, text: object) -> dict[str, Any]:
    _on_or_before_today(session, _("write what members will try"))
    member = _member(actor, session, member_id)
    text = _text(text, f"will_try_{member.pk}", limit=500)
    row, _created = _row(session, member, actor)
    Attendance.objects.filter(pk=row.pk).update(will_try=text)
    audit.record(WILL_TRY_SAVED.code, actor=actor, client=member.client, obj=session, details={"member": member.pk})
    return {"member": member.pk, "will_try": text}


@transaction.atomic
def save_will_try(actor: Actor, group_id: int | str, number: int | str, member_id: object, text: str) -> dict[str, Any]:
    session = session_for_change(actor, group_id, number)
    return _will_try(actor, session, member_id, text)


def _check(actor: Actor, session: GroupSession, member_id: object, answers: dict[str, Any], *,
           entered_at: datetime | None = None, alert_text: str = "") -> dict[str, Any]:
    _on_or_before_today(session, _("enter symptom checks"))
    member = _member(actor, session, member_id)
    done = QuickCheck.objects.filter(session=session, member=member).first()
    if done is not None:
        raise ActionError(_("A %(name)s for %(who)s in this session is already recorded (score %(total)s).") % {
            "name": "PHQ-9" if done.instrument_code == "phq9" else "PHQ-2", "who": member.client.display_name,
            "total": done.total if done.total is not None else "—"}, field=f"check_{member.pk}")
    given = {k: answers.get(k) for k in PHQ9 if answers.get(k) not in (None, "")}
    if set(given) == set(PHQ9):
        code, items = "phq9", {**{k: given[k] for k in PHQ9}, "difficulty": None}
    elif set(given) == {"q1", "q2", "q9"}:
        # The quick PHQ-2 still asks the safety question, PHQ-9 question 9, every session (HAZ-022).
        code, items = "phq2", {"q1": given["q1"], "q2": given["q2"], "q9": given["q9"]}
    elif set(given) == {"q1", "q2"}:
        raise ActionError(_("Ask question 9 too (thoughts of being better off dead or of hurting themselves): a quick "
                            "PHQ-2 always includes it."), field=f"check_{member.pk}")
    else:
        raise ActionError(_("Answer all nine questions for a PHQ-9, or questions 1, 2 and 9 for a quick PHQ-2."),
                          field=f"check_{member.pk}")
    from openipt.groups.meeting_actions import answer_value

    for key, value in items.items():
        if value is None:
            continue
        number = answer_value(value)
        if number is None:
            raise ActionError(_("Choose one of the four answers for each question."), field=f"check_{member.pk}")
        items[key] = number
    day = timezone.localtime(session.scheduled_start).date()
    admin = enter_paper(actor, member.course_id, instrument_code=code, session_number=None, completed_on=day, answers=items,
                        alert_at=entered_at, alert_text=alert_text)
    check = QuickCheck.objects.create(session=session, member=member, administration=admin, instrument_code=code,
                                      total=admin.total, at=timezone.now())
    audit.record(QUICK_CHECK.code, actor=actor, client=member.client, obj=check,
                 details={"instrument": code, "total": admin.total, "session": session.number})
    return {"member": member.pk, "instrument": code, "total": admin.total, "flagged": bool(admin.flags)}


@transaction.atomic
def enter_quick_check(actor: Actor, group_id: int | str, number: int | str, member_id: object,
                      answers: dict[str, Any]) -> dict[str, Any]:
    """Enter a PHQ-9 (all nine answers) or PHQ-2 (the first two and the safety question 9) for a member."""
    session = session_for_change(actor, group_id, number)
    return _check(actor, session, member_id, answers)


def _notes(actor: Actor, session: GroupSession, text: object, expected_version: int | None) -> dict[str, Any]:
    text = _text(text, "notes", limit=10000)
    if expected_version is not None and session.version != expected_version:
        raise ConflictError(_("The other facilitator saved notes while you were writing. Their notes are shown; "
                              "yours are kept in the box. Join the two and save again."), current=session)
    GroupSession.objects.filter(pk=session.pk).update(notes=text, version=F("version") + 1, updated_at=timezone.now())
    session.refresh_from_db(fields=["notes", "version"])
    audit.record(NOTES_SAVED.code, actor=actor, obj=session, details={"length": len(text)})
    return {"version": session.version}


@transaction.atomic
def save_notes(actor: Actor, group_id: int | str, number: int | str, text: str, expected_version: int | None) -> dict[str, Any]:
    session = session_for_change(actor, group_id, number)
    GroupSession.objects.select_for_update().filter(pk=session.pk).values_list("pk").first()
    session.refresh_from_db(fields=["notes", "version"])
    return _notes(actor, session, text, expected_version)


def _steps(actor: Actor, session: GroupSession, step_ids: Iterable[str] | None, known: set[str]) -> dict[str, Any]:
    steps = [s for s in dict.fromkeys(step_ids or ()) if s in known]
    GroupSession.objects.filter(pk=session.pk).update(done_step_ids=steps, updated_at=timezone.now())
    audit.record(STEPS_SAVED.code, actor=actor, obj=session, details={"done": len(steps)})
    return {"done": steps}


@transaction.atomic
def save_steps(actor: Actor, group_id: int | str, number: int | str, step_ids: Iterable[str] | None,
               known: set[str]) -> dict[str, Any]:
    session = session_for_change(actor, group_id, number)
    return _steps(actor, session, step_ids, known)


KINDS = ("mark", "will_try", "check", "notes", "steps")


@transaction.atomic
def rescue_refused_check(actor: Actor, group_id: int | str, number: int | str, data: object, *,
                         entered_at: datetime | None = None, text: str = "") -> bool:
    """Pass the safety answer of a refused symptom check to the safety rules; return True if it raised an alert.

    A check made offline can be refused when it arrives (the member has left the group, the session
    was moved to a later day). Its answers are not stored as a questionnaire then, but an answer
    above 0 to PHQ-9 question 9 must still reach staff: it becomes an alert on the member's record,
    raised as of `entered_at` when the check was made earlier than it arrived.
    """
    data = data if isinstance(data, dict) else {}
    given = data.get("answers")
    answers = given if isinstance(given, dict) else {}
    if "q9" not in answers:
        return False
    group = access.get_group(actor, group_id)
    if group is None or not access.can_run(actor, group):
        return False
    member = (Member.objects.filter(group=group, pk=access._int(data.get("member")) or 0,
                                    client__in=visible_clients(actor)).select_related("client").first())
    if member is None:
        return False
    session = GroupSession.objects.filter(group=group, number=access._int(number) or 0).first()
    return bool(safety_api.raise_for_answers(
        client=member.client, instrument_code="phq9", answers={"q9": answers["q9"]}, obj=session, actor=actor,
        text=" ".join(filter(None, [
            _("Symptom check entered in group session %(n)s but not saved (it was refused).") % {"n": number}, text])),
        now=entered_at))


# What each kind of change must carry. A change without it is refused rather than read as
# "empty": a notes change without its text must never wipe the session's notes.
REQUIRED = {
    "mark": (("member", (int, str)), ("presence", str)),
    "will_try": (("member", (int, str)), ("text", str)),
    "check": (("member", (int, str)), ("answers", dict)),
    "notes": (("text", str),),
    "steps": (("done", list),),
}


def _require_fields(kind: str, data: dict[str, Any]) -> None:
    for name, kinds in REQUIRED[kind]:
        value = data.get(name)
        if value is None or isinstance(value, bool) or not isinstance(value, kinds):
            raise ActionError(_("This change is missing what it changes (%(field)s), so nothing was changed. "
                                "Reload the page and make the change again.") % {"field": name},
                              field=name, code="incomplete")


@transaction.atomic
def apply_change(actor: Actor, group_id: int | str, number: int | str, *, key: str, kind: str, data: object,
                 known_steps: Collection[str] = frozenset(), entered_at: datetime | None = None,
                 alert_text: str = "", session: GroupSession | None = None) -> dict[str, Any]:
    """Apply one change sent from facilitator mode, once per key; a replay returns the first answer.

    `entered_at` (a check made on a tablet without a connection): a safety alert it raises counts from then.
    `session`: the session as `session_for_change(actor, group_id, number)` returned it earlier in this
    transaction, so a batch of changes to one session looks it up and checks access once.
    """
    key = (key or "").strip()
    if not key or len(key) > 64:
        raise ActionError(_("This change has no key. Reload the page and make it again."), field="key")
    if session is None:
        session = session_for_change(actor, group_id, number)
    earlier = AppliedChange.objects.filter(key=key).first()
    if earlier is not None:
        if earlier.session_id != session.pk or earlier.by_id != actor.membership.pk:
            raise ActionError(_("This change key was already used for something else. Reload the page."), field="key")
        return {**earlier.result, "replayed": True}
    if kind not in KINDS:
        raise ActionError(_("Unknown kind of change. Reload the page."), field="kind")
    data = data if isinstance(data, dict) else {}
    _require_fields(kind, data)
    if kind == "mark":
        result = _mark(actor, session, data.get("member"), str(data.get("presence") or ""))
    elif kind == "will_try":
        result = _will_try(actor, session, data.get("member"), data.get("text"))
    elif kind == "check":
        answers = data.get("answers")
        result = _check(actor, session, data.get("member"), answers if isinstance(answers, dict) else {},
                        entered_at=entered_at, alert_text=alert_text)
    elif kind == "notes":
        GroupSession.objects.select_for_update().filter(pk=session.pk).values_list("pk").first()
        session.refresh_from_db(fields=["notes", "version"])
        version = data.get("version")
        result = _notes(actor, session, data.get("text"), version if isinstance(version, int) else None)
    else:
        steps = data.get("done")
        result = _steps(actor, session, [str(s) for s in steps] if isinstance(steps, list) else [], set(known_steps))
    try:
        with transaction.atomic():
            AppliedChange.objects.create(key=key, session=session, kind=kind, by=actor.membership, at=timezone.now(),
                                         result=result)
    except IntegrityError:  # the same key arrived twice at once: the first one counts
        raise ActionError(_("This change arrived twice at once; it was applied once."), code="duplicate") from None
    return result


def record_session_view(actor: Actor, session: GroupSession) -> None:
    audit.record(SESSION_VIEWED.code, actor=actor, obj=session, details={"group": session.group_id})
