"""Ending a course well, even when it ends early (HAZ-024).

- Outreach: after one and after two sessions missed in a row, the course page asks the therapist
  to contact the client and record the attempt (how, and what happened).
- An early ending is one of: planned with an ending session, planned with an ending letter,
  drop-out (at least one outreach attempt and an ending letter), or a course that never started.
- The ending letter starts from a plain-language template built from the course (what was worked
  on, warning signs, what helps, what to do if low mood returns) which the therapist edits and prints.
- A booster or maintenance offer is recorded; a completed course can switch to maintenance.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.core.errors import ActionError
from openipt.courses.actions import MAX_SHORT, MAX_TEXT, _text, course_for_change, day, transition_course
from openipt.courses.models import Attendance, Course, CourseStatus, Session
from openipt.courses.steps_models import (
    BoosterOffer,
    CourseEnding,
    EndingKind,
    OutreachAttempt,
    OutreachMethod,
    OutreachResult,
)

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

OUTREACH_RECORDED = register("course.outreach_recorded", "Outreach after missed sessions recorded")
LETTER_SAVED = register("course.ending_letter_saved", "Ending letter saved")
ENDED_EARLY = register("course.ended_early_kind", "Course ended early, with how it ended")
BOOSTER_SAVED = register("course.booster_saved", "Booster or maintenance offer recorded")

OUTREACH_ROUNDS = 2  # prompts after the first and the second session missed in a row


def missed_streak(sessions: Iterable[Session]) -> list[Session]:
    """Return the sessions missed in a row at the end of the course (cancelled ones are skipped)."""
    streak: list[Session] = []
    for s in sorted(sessions, key=lambda s: s.number, reverse=True):
        if s.attendance in (Attendance.SCHEDULED, Attendance.CANCELLED):
            continue
        if s.attendance != Attendance.DID_NOT_ATTEND:
            break
        streak.append(s)
    return list(reversed(streak))


def outreach_for_streak(course: Course, streak: list[Session], sessions: Iterable[Session]) -> list[OutreachAttempt]:
    """The attempts made since the last session the client came to (they belong to the current streak)."""
    attended = [s.scheduled_start for s in sessions if s.attendance == Attendance.ATTENDED]
    qs = OutreachAttempt.objects.filter(course=course)
    if attended:
        qs = qs.filter(at__gt=max(attended))
    return list(qs.select_related("by__user"))


def outreach_prompt(course: Course, sessions: list[Session] | None = None) -> dict[str, Any] | None:
    """What the course page asks about missed sessions, or None when nothing is due."""
    if not course.is_open:
        return None
    sessions = sessions if sessions is not None else list(course.sessions.all())
    streak = missed_streak(sessions)
    attempts = outreach_for_streak(course, streak, sessions)  # queried even when empty: a steady query count
    if not streak:
        return None
    missed = len(streak)
    wanted = min(missed, OUTREACH_ROUNDS)
    return {
        "missed": missed,
        "numbers": [s.number for s in streak],
        "attempts": attempts,
        "due": len(attempts) < wanted,
        "suggest_ending": missed >= OUTREACH_ROUNDS,
    }


@transaction.atomic
def record_outreach(actor: Actor, course_id: int | str, *, method: str, result: str, note: str = "") -> OutreachAttempt:
    """Record one attempt to reach a client who missed sessions."""
    course = course_for_change(actor, course_id)
    streak = missed_streak(list(Session.objects.filter(course=course)))
    if not streak:
        raise ActionError(_("No session has been missed since the last one the client came to, so there is nothing to follow up."))
    if method not in OutreachMethod.values:
        raise ActionError(_("Choose how you tried to reach the client."), field="method")
    if result not in OutreachResult.values:
        raise ActionError(_("Choose what happened."), field="result")
    note = _text(note, "note", limit=MAX_SHORT * 2)
    attempt = OutreachAttempt.objects.create(course=course, missed_in_a_row=len(streak), method=method, result=result,
                                             note=note, by=actor.membership, at=timezone.now())
    audit.record(OUTREACH_RECORDED.code, actor=actor, client=course.client, obj=attempt,
                 details={"missed_in_a_row": len(streak), "method": method, "result": result})
    return attempt


# The ending letter ----------------------------------------------------------------------------------


def _lines(text: str, fallback: str) -> str:
    rows = [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]
    return "\n".join(f"- {r}" for r in rows) if rows else f"- {fallback}"


def letter_draft(course: Course, lang: str = "en") -> str:
    """A plain-language ending letter built from the course, for the therapist to edit."""
    from openipt.courses.present import protocol

    area_name = ""
    if course.primary_area:
        try:
            area_name = protocol().area(course.primary_area, lang).name
        except KeyError:
            area_name = ""
    goals = [g.text for g in course.goals.filter(active=True)]
    worked_on = []
    if area_name:
        worked_on.append(_("The part of life we chose to work on: %(area)s.") % {"area": area_name.lower()})
    worked_on += goals
    therapist = course.therapist.user.get_full_name() or str(course.therapist.user)
    parts = [
        _("Dear %(name)s,") % {"name": course.client.display_name},
        _("Thank you for the sessions we had together, starting on %(start)s. This letter is a reminder of what we "
          "worked on and of what to do if low mood comes back. Keep it somewhere you can find it.") % {"start": day(course.start_date)},
        _("What we worked on") + "\n" + _lines("\n".join(worked_on), _("(write what you worked on together)")),
        _("Signs that low mood may be coming back") + "\n"
        + _lines(course.relapse_warning_signs, _("(write the early signs you noticed together)")),
        _("What helps") + "\n" + _lines(course.relapse_what_helps, _("(write what helped during the sessions)")),
        _("If low mood comes back") + "\n" + "\n".join([
            "- " + _("Notice the signs early and use what helped before."),
            "- " + _("Talk to someone you trust about how you feel."),
            "- " + (_("Get in touch: %(who)s.") % {"who": " ".join(course.relapse_contacts.split())} if course.relapse_contacts.strip()
                    else _("Get in touch with your doctor or with us. You are welcome to come back.")),
            "- " + _("If you ever feel unsafe, or think about ending your life, call a crisis line or emergency services straight away."),
        ]),
        _("With best wishes,") + "\n" + therapist,
    ]
    return "\n\n".join(parts)


def _ending(course: Course, actor: Actor) -> CourseEnding:
    ending, _created = CourseEnding.objects.get_or_create(
        course=course, defaults={"updated_by": actor.membership, "updated_at": timezone.now()})
    return ending


@transaction.atomic
def save_letter(actor: Actor, course_id: int | str, text: str) -> CourseEnding:
    """Save the ending letter (also after the course has ended)."""
    course = course_for_change(actor, course_id, open_only=False)
    text = _text(text, "letter", required=_("Write the letter before saving it."), limit=MAX_TEXT)
    ending = _ending(course, actor)
    CourseEnding.objects.filter(pk=ending.pk).update(letter=text, letter_saved_at=timezone.now(),
                                                      updated_by=actor.membership, updated_at=timezone.now())
    ending.refresh_from_db()
    audit.record(LETTER_SAVED.code, actor=actor, client=course.client, obj=ending, details={"characters": len(text)})
    return ending


# Ending early ---------------------------------------------------------------------------------------


def early_ending_gaps(course: Course, kind: str, ending_session: int | None) -> list[str]:
    """What is missing before a course can end early in this way (empty when it can)."""
    ending = CourseEnding.objects.filter(course=course).first()
    has_letter = bool(ending and ending.letter.strip())
    sessions = list(Session.objects.filter(course=course))
    attended = {s.number for s in sessions if s.attendance == Attendance.ATTENDED}
    gaps = []
    if kind == EndingKind.NOT_STARTED:
        if attended:
            gaps.append(_("The client has come to a session, so choose one of the other ways of ending."))
    elif kind == EndingKind.PLANNED_EARLY:
        if ending_session not in attended:
            gaps.append(_("Choose the ending session: a session the client came to, where you ended together."))
        if not (course.relapse_warning_signs.strip() and course.relapse_what_helps.strip()) and not has_letter:
            gaps.append(_("Write the warning signs and what helps in the relapse-prevention plan, or write an ending letter."))
    elif kind == EndingKind.EARLY_LETTER:
        if not has_letter:
            gaps.append(_("Write the ending letter first."))
    elif kind == EndingKind.DROPOUT:
        if not OutreachAttempt.objects.filter(course=course).exists():
            gaps.append(_("Try to reach the client first and record the attempt."))
        if not has_letter:
            gaps.append(_("Write an ending letter, so the client knows what to do if low mood returns and that they can come back."))
    else:
        gaps.append(_("Choose how the course is ending."))
    return gaps


@transaction.atomic
def end_early(actor: Actor, course_id: int | str, *, kind: str, reason: str, ending_session: int | None = None) -> Course:
    """End a course early in one of the recognised ways; refuses with what is missing."""
    from openipt.courses.actions import TransitionError

    course = course_for_change(actor, course_id)
    reason = _text(reason, "reason", required=_("Write why the course is ending early."), limit=MAX_SHORT * 4)
    if kind not in EndingKind.values:
        raise ActionError(_("Choose how the course is ending."), field="kind")
    if kind != EndingKind.PLANNED_EARLY:
        ending_session = None
    gaps = early_ending_gaps(course, kind, ending_session)
    if gaps:
        raise TransitionError(_("The course cannot end early this way yet:"), gaps)
    words = str(EndingKind(kind).label)
    course = transition_course(actor, course.pk, "ended_early", reason=f"{words}. {reason}")
    ending = _ending(course, actor)
    CourseEnding.objects.filter(pk=ending.pk).update(kind=kind, ending_session=ending_session,
                                                      updated_by=actor.membership, updated_at=timezone.now())
    audit.record(ENDED_EARLY.code, actor=actor, client=course.client, obj=course,
                 details={"kind": kind, "ending_session": ending_session})
    return course


def ended_well(course: Course) -> bool | None:
    """True for a completed course or an early ending with an ending session or letter; False for drop-out."""
    if course.status == CourseStatus.COMPLETED:
        return True
    if course.status != CourseStatus.ENDED_EARLY:
        return None
    ending = CourseEnding.objects.filter(course=course).first()
    if ending is None or not ending.kind:
        return None
    return ending.kind in (EndingKind.PLANNED_EARLY, EndingKind.EARLY_LETTER)


# Booster and maintenance ----------------------------------------------------------------------------


@transaction.atomic
def save_booster(actor: Actor, course_id: int | str, *, booster: str, sessions: int | None, note: str = "") -> CourseEnding:
    """Record a booster or maintenance offer and the client's answer."""
    course = course_for_change(actor, course_id, open_only=False)
    if booster not in BoosterOffer.values or booster == "":
        raise ActionError(_("Choose offered, accepted or declined."), field="booster")
    if sessions is not None and (isinstance(sessions, bool) or not 1 <= int(sessions) <= 12):
        raise ActionError(_("Booster sessions: from 1 to 12."), field="booster_sessions")
    if booster == BoosterOffer.ACCEPTED and not sessions:
        raise ActionError(_("Say how many booster sessions were agreed."), field="booster_sessions")
    note = _text(note, "booster_note", limit=MAX_SHORT * 2)
    ending = _ending(course, actor)
    CourseEnding.objects.filter(pk=ending.pk).update(booster=booster, booster_sessions=sessions, booster_note=note,
                                                      updated_by=actor.membership, updated_at=timezone.now())
    ending.refresh_from_db()
    audit.record(BOOSTER_SAVED.code, actor=actor, client=course.client, obj=ending,
                 details={"booster": booster, "sessions": sessions})
    return ending
