"""Every change to a session: scheduling, attendance, plan steps, the note, addenda and goal ratings.

Audit event types are registered in `actions.py`; the hook run when a note is signed is
`actions._after_note_signed`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.core.errors import ActionError, ConflictError, ErrorCode
from openipt.courses.actions import (
    GOALS_RATED,
    MAX_TEXT,
    NOTE_ADDENDUM,
    NOTE_SAVED,
    NOTE_SIGNED,
    SESSION_ADDED,
    SESSION_ATTENDANCE,
    SESSION_RESCHEDULED,
    SESSION_STEPS,
    _after_note_signed,
    _record_transition,
    _text,
    course_for_change,
    day,
    today,
)
from openipt.courses.errors import CourseCode
from openipt.courses.models import (
    Addendum,
    Attendance,
    Course,
    CourseStatus,
    Goal,
    GoalRating,
    NoteStatus,
    Phase,
    RiskLevel,
    Session,
    SessionMode,
    SessionNote,
)
from openipt.courses.present import protocol
from openipt.courses.sessionplan import note_of, plan_for

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

AUTOSAVE_AUDIT_GAP = timedelta(minutes=10)
NOTE_FIELDS = ("mood", "events", "people", "strategy_work", "client_will_try", "risk_text")


def _check_when(when: object, field: str = "date") -> datetime:
    if not isinstance(when, datetime) or timezone.is_naive(when):
        raise ActionError(_("Enter a date and a time."), field=field)
    local_day = timezone.localtime(when).date()
    if local_day < today():
        raise ActionError(
            _("%(date)s is in the past. Choose today or a later date; a new session cannot be in the past.")
            % {"date": day(local_day)},
            field=field,
        )
    if local_day > today() + timedelta(days=800):
        raise ActionError(_("Choose a date within the next two years."), field=field)
    return when


def _check_duration_mode(duration: object, mode: object) -> None:
    if isinstance(duration, bool) or not isinstance(duration, int) or not 5 <= duration <= 240:
        raise ActionError(_("Enter a length from 5 to 240 minutes."), field="duration")
    if mode not in SessionMode.values:
        raise ActionError(_("Choose in person, video or phone."), field="mode")


def _schedule(actor: Actor, course: Course, when: datetime, duration: int, mode: str) -> Session:
    _check_when(when)
    _check_duration_mode(duration, mode)
    number = (Session.objects.filter(course=course).aggregate(m=Max("number"))["m"] or 0) + 1
    if number > course.sessions_planned:
        raise ActionError(
            _("All %(n)d sessions of the contract are already scheduled. Renegotiate the contract to add another, "
              "or reschedule one of them.") % {"n": course.sessions_planned},
            field="date",
        )
    phase = Phase.MIDDLE if course.status == CourseStatus.MAINTENANCE else course.phase
    try:
        with transaction.atomic():
            session = Session.objects.create(
                course=course, number=number, scheduled_start=when, duration_minutes=duration, mode=mode, phase=phase
            )
    except IntegrityError:
        raise ActionError(_("Someone else added a session to this course at the same moment. Reload the page and check.")) from None
    audit.record(SESSION_ADDED.code, actor=actor, client=course.client, obj=session,
                 details={"number": number, "start": when.isoformat(), "mode": mode})
    return session


@transaction.atomic
def add_session(actor: Actor, course_id: int | str, *, when: datetime, duration: int, mode: str) -> Session:
    """Schedule the next session of the contract (today or later)."""
    course = course_for_change(actor, course_id)
    return _schedule(actor, course, when, duration, mode)


def _session_for_change(actor: Actor, course_id: int | str, number: int) -> tuple[Course, Session]:
    course = course_for_change(actor, course_id)
    session = Session.objects.filter(course=course, number=number).first() if isinstance(number, int) else None
    if session is None:
        raise ActionError(_("That session is not part of this course. Reload the page."), code=ErrorCode.NOT_FOUND)
    session.course = course
    return course, session


def _note_locked(session: Session) -> bool:
    note = note_of(session)
    return note is not None and note.is_signed


@transaction.atomic
def reschedule_session(actor: Actor, course_id: int | str, number: int, *, when: datetime, duration: int, mode: str, expected_version: int) -> Session:
    """Move a session that has not happened yet to another time, length or way of meeting."""
    course, session = _session_for_change(actor, course_id, number)
    if session.attendance != Attendance.SCHEDULED:
        raise ActionError(_("This session is already recorded as %(what)s, so it cannot be moved. Set its attendance back to scheduled first.")
                          % {"what": session.get_attendance_display().lower()})
    if session.version != expected_version:
        raise ConflictError(_("Someone else changed this session while you were editing. Check its time and try again."), current=session)
    _check_when(when)
    _check_duration_mode(duration, mode)
    before = session.scheduled_start
    Session.objects.filter(pk=session.pk).update(scheduled_start=when, duration_minutes=duration, mode=mode,
                                                 version=F("version") + 1, updated_at=timezone.now())
    session.refresh_from_db()
    audit.record(SESSION_RESCHEDULED.code, actor=actor, client=course.client, obj=session,
                 details={"from": before.isoformat(), "to": when.isoformat(), "mode": mode})
    return session


@transaction.atomic
def record_attendance(actor: Actor, course_id: int | str, number: int, attendance: str) -> Session:
    """Record whether the client attended; missed sessions still count toward the contract."""
    if attendance not in Attendance.values:
        raise ActionError(_("Choose attended, cancelled, did not attend or scheduled."), field="attendance")
    course, session = _session_for_change(actor, course_id, number)
    if _note_locked(session):
        raise ActionError(_("The note of this session is signed, so its attendance is locked. Add an addendum to correct it."))
    local_day = timezone.localtime(session.scheduled_start).date()
    if attendance in (Attendance.ATTENDED, Attendance.DID_NOT_ATTEND) and local_day > today():
        raise ActionError(
            _("This session is on %(date)s. Record attendance on or after that day, or mark it cancelled.") % {"date": day(local_day)},
            field="attendance",
        )
    if session.attendance == attendance:
        return session
    before = session.attendance
    fields = {"attendance": attendance, "version": F("version") + 1, "updated_at": timezone.now()}
    Session.objects.filter(pk=session.pk).update(**fields)
    session.refresh_from_db()
    if attendance == Attendance.ATTENDED and course.status == CourseStatus.PLANNED:
        from openipt.courses.actions import _bump

        _bump(course, status=CourseStatus.ACTIVE)
        _record_transition(actor, course, CourseStatus.PLANNED, CourseStatus.ACTIVE, _("First session attended"))
    audit.record(SESSION_ATTENDANCE.code, actor=actor, client=course.client, obj=session,
                 details={"number": session.number, "from": before, "to": attendance})
    return session


@transaction.atomic
def tick_steps(actor: Actor, course_id: int | str, number: int, step_ids: Iterable[object] | None) -> Session:
    """Store which steps of the session plan were done."""
    course, session = _session_for_change(actor, course_id, number)
    if _note_locked(session):
        raise ActionError(_("The note of this session is signed, so the plan is locked. Add an addendum to record more."))
    plan, problem = plan_for(course, session, with_last=False)
    if plan is None:
        raise ActionError(_("This session has no plan: %(why)s.") % {"why": problem})
    wanted = [str(s)[:80] for s in step_ids or []]
    unknown = [s for s in wanted if s not in plan.step_ids]
    if unknown:
        raise ActionError(_("Some ticked steps are not part of this session's plan. Reload the page and tick them again."), field="steps")
    done = [s for s in plan.step_ids if s in wanted]
    Session.objects.filter(pk=session.pk).update(done_step_ids=done, planned_step_ids=list(plan.step_ids), updated_at=timezone.now())
    session.done_step_ids, session.planned_step_ids = done, list(plan.step_ids)
    audit.record(SESSION_STEPS.code, actor=actor, client=course.client, obj=session, details={"done": len(done), "of": len(plan.step_ids)})
    return session


class NoteFields(TypedDict):
    """A session note's fields once checked, ready to store."""

    mood: str
    events: str
    people: str
    strategy_work: str
    client_will_try: str
    risk_text: str
    techniques: list[str]
    risk_reviewed: bool | None
    risk_level: str


def _clean_techniques(value: object) -> list[str]:
    techniques = value or []
    if isinstance(techniques, str):
        techniques = [techniques]
    if not isinstance(techniques, Iterable):
        raise ActionError(_("Choose techniques from the list."), field="techniques")
    known = {t.id for t in protocol().techniques()}
    chosen: list[str] = []
    for given in techniques:
        technique = str(given)[:80]
        if technique not in known:
            raise ActionError(_("Choose techniques from the list."), field="techniques")
        if technique not in chosen:
            chosen.append(technique)
    return chosen


def _clean_note(data: Mapping[str, object]) -> NoteFields:
    def text(name: str) -> str:
        return _text(data.get(name, ""), name, limit=MAX_TEXT)

    mood, events, people = text("mood"), text("events"), text("people")
    strategy_work, client_will_try, risk_text = text("strategy_work"), text("client_will_try"), text("risk_text")
    techniques = _clean_techniques(data.get("techniques"))
    reviewed = data.get("risk_reviewed")
    if reviewed not in (True, False, None):
        raise ActionError(_("Say whether risk was reviewed: yes or no."), field="risk_reviewed")
    level = data.get("risk_level") or RiskLevel.NONE
    if not isinstance(level, str) or level not in RiskLevel.values:
        raise ActionError(_("Choose none, low, medium or high."), field="risk_level")
    return NoteFields(
        mood=mood, events=events, people=people, strategy_work=strategy_work, client_will_try=client_will_try,
        risk_text=risk_text, techniques=techniques, risk_reviewed=None if reviewed is None else bool(reviewed),
        risk_level=level,
    )


OWN_RACE_WINDOW = timedelta(minutes=2)


def _own_race(actor: Actor, note: SessionNote | None, expected_version: object) -> bool:
    """True when a save is one version behind only because the same person's autosave landed first.

    Pressing "Save draft" while an autosave is on its way sends the version from before that
    autosave. The newest text is still the person's own, so the save goes ahead; a save by
    anyone else in between is a real conflict.
    """
    return (
        note is not None
        and isinstance(expected_version, int)
        and expected_version == note.version - 1
        and note.last_edited_by_id == actor.membership.pk
        and timezone.now() - note.updated_at < OWN_RACE_WINDOW
    )


@transaction.atomic
def save_note(actor: Actor, course_id: int | str, number: int, data: Mapping[str, object], *, expected_version: int, autosave: bool = False) -> SessionNote:
    """Save the session note as a draft; refuse if signed, or if someone else saved since it was opened."""
    course, session = _session_for_change(actor, course_id, number)
    note = SessionNote.objects.select_for_update().filter(session=session).first()
    if note is not None and note.is_signed:
        raise ActionError(_("This note is signed and locked. Add an addendum below to correct or add to it."), code=CourseCode.LOCKED)
    current_version = note.version if note is not None else 0
    if _own_race(actor, note, expected_version):
        expected_version = current_version
    if expected_version != current_version:
        raise ConflictError(
            _("Someone else saved this note while you were writing. Your text is kept in the form and their saved "
              "version is shown beside it. Combine the two and save again."),
            current=note,
        )
    cleaned = _clean_note(data)
    now = timezone.now()
    if note is None:
        note = SessionNote(session=session, last_edited_by=actor.membership, version=1, **cleaned)
        try:
            with transaction.atomic():
                note.save(force_insert=True)
        except IntegrityError:
            raise ConflictError(_("Someone else started this note at the same moment. Your text is kept in the form; save again to see theirs.")) from None
        quiet = False
    else:
        changed = [name for name, value in cleaned.items() if getattr(note, name) != value]
        if not changed:
            return note
        quiet = autosave and note.last_edited_by_id == actor.membership.pk and now - note.updated_at < AUTOSAVE_AUDIT_GAP
        updated = SessionNote.objects.filter(pk=note.pk, version=expected_version).update(
            **cleaned, last_edited_by=actor.membership, version=F("version") + 1, updated_at=now
        )
        if updated != 1:  # pragma: no cover - guarded by the row lock above
            raise ConflictError(_("Someone else saved this note at the same moment. Check and save again."))
        note.refresh_from_db()
    if not quiet:
        audit.record(NOTE_SAVED.code, actor=actor, client=course.client, obj=note,
                     details={"session": session.number, "autosave": autosave})
    return note


@transaction.atomic
def sign_note(actor: Actor, course_id: int | str, number: int, *, expected_version: int) -> SessionNote:
    """Sign and lock a note; refuse an empty note, an unrecorded attendance or an unanswered risk review."""
    course, session = _session_for_change(actor, course_id, number)
    note = SessionNote.objects.select_for_update().filter(session=session).first()
    if note is None or note.is_empty:
        raise ActionError(
            _("The note is empty. Write what happened in the session (the interval, the strategy work, or what "
              "the client will try) before signing."),
            field="mood",
        )
    if note.is_signed:
        raise ActionError(_("This note is already signed. Add an addendum to correct or add to it."), code=CourseCode.LOCKED)
    if note.version != expected_version:
        raise ConflictError(_("Someone else saved this note since you opened it. Check their changes, then sign."), current=note)
    if session.attendance == Attendance.SCHEDULED:
        raise ActionError(_("Record whether the client attended before signing the note."), field="attendance")
    if note.risk_reviewed is None:
        raise ActionError(_("Say whether risk was reviewed in this session (yes or no) before signing."), field="risk_reviewed")
    if note.risk_level in (RiskLevel.MEDIUM, RiskLevel.HIGH) and not note.risk_text.strip():
        raise ActionError(_("Describe the risk concern and what was done about it before signing."), field="risk_text")
    plan, _problem = plan_for(course, session, with_last=False)
    now = timezone.now()
    SessionNote.objects.filter(pk=note.pk).update(
        status=NoteStatus.SIGNED, signed_by=actor.membership, signed_at=now, version=F("version") + 1, updated_at=now
    )
    if plan is not None and not session.planned_step_ids:
        Session.objects.filter(pk=session.pk).update(planned_step_ids=list(plan.step_ids))
    note.refresh_from_db()
    audit.record(NOTE_SIGNED.code, actor=actor, client=course.client, obj=note,
                 details={"session": session.number, "risk_reviewed": note.risk_reviewed, "risk_level": note.risk_level})
    _after_note_signed(note)
    return note


@transaction.atomic
def add_addendum(actor: Actor, course_id: int | str, number: int, text: str) -> Addendum:
    """Add a dated correction or addition to a signed note."""
    course, session = _session_for_change(actor, course_id, number)
    note = note_of(session)
    if note is None or not note.is_signed:
        raise ActionError(_("Addenda are for signed notes. Change the draft note itself instead."), field="text")
    text = _text(text, "text", required=_("Write the correction or addition."))
    addendum = Addendum.objects.create(note=note, text=text, by=actor.membership, at=timezone.now())
    audit.record(NOTE_ADDENDUM.code, actor=actor, client=course.client, obj=addendum, details={"session": session.number})
    return addendum


@transaction.atomic
def rate_goals(
    actor: Actor, course_id: int | str, number: int, ratings: Mapping[int, tuple[object, object]]
) -> list[GoalRating]:
    """Store 0–10 ratings (with optional comments) of the course's goals for one session.

    `ratings` maps goal id to (rating or None, comment); None removes that session's rating.
    """
    course, session = _session_for_change(actor, course_id, number)
    if _note_locked(session):
        raise ActionError(_("The note of this session is signed, so its ratings are locked. Add an addendum to correct one."))
    goals = {g.pk: g for g in Goal.objects.filter(course=course)}
    saved: list[GoalRating] = []
    now = timezone.now()
    for goal_id, (rating, comment) in ratings.items():
        goal = goals.get(goal_id)
        if goal is None:
            raise ActionError(_("A rated goal is not part of this course. Reload the page."), field="ratings")
        comment = _text(comment, "ratings", limit=500)
        if rating is None:
            GoalRating.objects.filter(goal=goal, session=session).delete()
            continue
        if isinstance(rating, bool) or not isinstance(rating, int) or not 0 <= rating <= 10:
            raise ActionError(_("Rate each goal from 0 (not at all) to 10 (fully reached)."), field="ratings")
        obj, _created = GoalRating.objects.update_or_create(
            goal=goal, session=session, defaults={"rating": rating, "comment": comment, "by": actor.membership, "at": now}
        )
        saved.append(obj)
    audit.record(GOALS_RATED.code, actor=actor, client=course.client, obj=session, details={"rated": len(saved)})
    return saved
