"""Every change to a course: starting it, its contract, focus, phase, ending, goals and calendar feed.

Session-level changes (scheduling, attendance, plan steps, notes, ratings) are in
`session_actions.py`; the hook that runs when a note is signed is here. Each function takes the
Actor first, checks permission, runs in a transaction and records an audit event.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from openipt.accounts.actor import Actor
from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients.access import visible_clients
from openipt.core import events
from openipt.core.errors import ActionError, ConflictError, ErrorCode
from openipt.courses import access, lifecycle
from openipt.courses.errors import CourseCode, message
from openipt.courses.formulation import course_has_agreed_formulation
from openipt.courses.models import (
    HELD,
    OPEN_STATUSES,
    Attendance,
    ContractChange,
    Course,
    CourseStatus,
    Frequency,
    Phase,
    PhaseTransition,
    Session,
    SessionNote,
)
from openipt.courses.present import protocol
from openipt.courses.queries.course import course_state
from openipt.safety.api import raise_for_review

if TYPE_CHECKING:
    from openipt.clients.models import Client
    from openipt.protocol.model import Format

COURSE_STARTED = register("course.started", "Course of IPT started")
COURSE_VIEWED = register("course.viewed", "Course viewed")
COURSE_LIST_VIEWED = register("course.list_viewed", "Course list viewed")
CONTRACT_EDITED = register("course.contract_edited", "Treatment contract changed before agreement")
CONTRACT_RENEGOTIATED = register("course.contract_renegotiated", "Treatment contract renegotiated")
FOCUS_SET = register("course.focus_set", "Problem areas or formulation changed")
AGREEMENT_RECORDED = register("course.agreement_recorded", "Client agreement recorded")
COURSE_TRANSITION = register("course.transition", "Course moved to another phase or status")
ENDING_SAVED = register("course.ending_saved", "Relapse-prevention plan or end review changed")
SESSION_ADDED = register("session.added", "Session scheduled")
SESSION_RESCHEDULED = register("session.rescheduled", "Session rescheduled")
SESSION_ATTENDANCE = register("session.attendance", "Session attendance recorded")
SESSION_STEPS = register("session.steps", "Session plan steps ticked")
SESSION_VIEWED = register("session.viewed", "Session viewed")
NOTE_SAVED = register("note.draft_saved", "Session note draft saved")
NOTE_SIGNED = register("note.signed", "Session note signed")
NOTE_ADDENDUM = register("note.addendum", "Addendum added to a signed note")
GOALS_RATED = register("session.goals_rated", "Goal progress rated")
CALENDAR_VIEWED = register("calendar.viewed", "Calendar of sessions viewed")
CALENDAR_TOKEN_CREATED = register("calendar.token_created", "Calendar feed address created")
CALENDAR_TOKEN_REVOKED = register("calendar.token_revoked", "Calendar feed address revoked")
CALENDAR_FEED_READ = register("calendar.feed_read", "Calendar feed read")

MAX_TEXT = 20000
MAX_SHORT = 1000
TARGETS = ("active", "middle", "termination", "completed", "ended_early", "maintenance")


class TransitionError(ActionError):
    """A move the protocol does not allow yet; `reasons` lists what is missing."""

    def __init__(self, headline: str, reasons: list[str]):
        super().__init__(headline + " " + " ".join(reasons))
        self.headline = headline
        self.reasons = reasons


def day(value: date | None) -> str:
    return formats.date_format(value, "j M Y") if value else ""


def today() -> date:
    return timezone.localdate()


def _text(value: object, field: str, *, required: str | None = None, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not text:
        raise ActionError(required, field=field)
    if len(text) > limit:
        raise ActionError(
            _("This is %(n)d characters long; the most is %(max)d. Shorten it, or split it.") % {"n": len(text), "max": limit},
            field=field,
        )
    return text


def _past_or_today(value: date | None, field: str) -> date | None:
    if value is not None and value > today():
        raise ActionError(_("The client cannot have agreed on a date in the future. Enter today or an earlier date."), field=field)
    return value


def _forbidden() -> ActionError:
    return ActionError(_("Only care staff assigned to this client can change the course."), code=ErrorCode.FORBIDDEN)


def course_for_change(actor: Actor, course_id: int | str, *, expected_version: int | None = None, open_only: bool = True) -> Course:
    """Return the course locked for an action, after checking the actor may change it."""
    course = access.get_course_for_change(actor, course_id, lock=True)
    if course is None or not access.can_change_course(actor, course):
        raise _forbidden()
    if open_only and not course.is_open:
        raise ActionError(
            _("This course is %(status)s, so it can no longer be changed. Start a new course if care continues.")
            % {"status": course.get_status_display().lower()}
        )
    if expected_version is not None and course.version != expected_version:
        raise ConflictError(
            _("Someone else saved changes to this course while you were editing. Their version is shown; "
              "your changes are kept in the form. Check and save again."),
            current=course,
        )
    return course


def _bump(course: Course, **fields: object) -> Course:
    fields["version"] = F("version") + 1
    fields["updated_at"] = timezone.now()
    Course.objects.filter(pk=course.pk).update(**fields)
    course.refresh_from_db()
    return course


def _used(course: Course) -> int:
    return Session.objects.filter(course=course, attendance__in=[h.value for h in HELD]).count()


def _highest_number(course: Course) -> int:
    return Session.objects.filter(course=course).aggregate(m=Max("number"))["m"] or 0


def _format(format_id: str) -> Format:
    try:
        fmt = protocol().format(format_id)
    except KeyError:
        raise ActionError(_("Choose one of the listed formats."), field="format_id") from None
    if fmt.is_group:
        raise ActionError(_("Group IPT is run from the group pages, not as an individual course. Choose another format."), field="format_id")
    return fmt


def _check_contract(fmt: Format, sessions: int, frequency: str, initial: int | None, *, floor: int = 0, check_range: bool = True) -> None:
    if isinstance(sessions, bool) or not isinstance(sessions, int) or sessions < 1 or sessions > 200:
        raise ActionError(_("Enter the number of sessions as a whole number from 1 to 200."), field="sessions_planned")
    if frequency not in Frequency.values:
        raise ActionError(_("Choose weekly, every two weeks or monthly."), field="frequency")
    if initial is not None and (isinstance(initial, bool) or not isinstance(initial, int)):
        raise ActionError(_("Enter the number of initial-phase sessions as a whole number."), field="initial_sessions")
    problems = lifecycle.validate_contract(fmt, lifecycle.Contract(sessions, frequency, None, initial))
    if not check_range:
        problems = [p for p in problems if p.code in (CourseCode.FREQUENCY_NOT_USED, CourseCode.INITIAL_NOT_IN_RANGE)]
    for field in ("sessions_planned", "initial_sessions", "frequency"):
        words = [message(p, gettext) for p in problems if p.field == field]
        if words:
            raise ActionError(" ".join(words), field=field)
    if sessions < floor:
        raise ActionError(
            _("Sessions up to number %(n)d are already scheduled or held, so the contract needs at least %(n)d sessions.")
            % {"n": floor},
            field="sessions_planned",
        )


def _record_transition(actor: Actor | None, course: Course, from_value: str, to_value: str, reason: str = "") -> None:
    PhaseTransition.objects.create(
        course=course, from_value=from_value, to_value=to_value, at=timezone.now(),
        by=actor.membership if actor is not None else None, reason=reason,
    )


def _open_course_message(client: Client, existing: Course, fmt_name: str) -> str:
    return _(
        "%(name)s already has an open course of %(format)s (started %(date)s). Open that course, "
        "or complete or end it before starting another of the same format."
    ) % {"name": client.display_name, "format": fmt_name, "date": day(existing.start_date)}


@transaction.atomic
def start_course(actor: Actor, client_id: int | str, *, format_id: str, start_date: date, sessions: int | None = None,
                 frequency: str | None = None, initial_sessions: int | None = None, first_session: datetime | None = None,
                 duration: int | None = None, mode: str = "in_person") -> Course:
    """Start a course of IPT for a client; `first_session` (an aware datetime) schedules session 1."""
    client = visible_clients(actor).filter(pk=client_id).first() if isinstance(client_id, int) else None
    if client is None or not access.can_start_course(actor, client):
        raise ActionError(_("Only care staff assigned to this client can start a course."), code=ErrorCode.FORBIDDEN)
    fmt = _format(format_id)
    sessions = fmt.sessions.default if sessions is None else sessions
    frequency = frequency or fmt.frequency
    _check_contract(fmt, sessions, frequency, initial_sessions)
    if not isinstance(start_date, date) or abs((start_date - today()).days) > 366:
        raise ActionError(_("Choose a start date within a year of today."), field="start_date")
    existing = Course.objects.filter(client=client, format_id=fmt.id, status__in=[s.value for s in OPEN_STATUSES]).first()
    if existing is not None:
        raise ActionError(_open_course_message(client, existing, fmt.name), field="format_id")
    status = CourseStatus.PLANNED if start_date > today() else CourseStatus.ACTIVE
    course = Course(
        organisation_id=client.organisation_id, client=client, format_id=fmt.id, therapist=actor.membership,
        start_date=start_date, sessions_planned=sessions, frequency=frequency, initial_sessions=initial_sessions,
        planned_end_date=lifecycle.planned_end_date(start_date, frequency, sessions), status=status,
        phase=Phase.INITIAL, created_by=actor.membership,
    )
    try:
        with transaction.atomic():
            course.save(force_insert=True)
    except IntegrityError:
        raise ActionError(_open_course_message(client, course, fmt.name), field="format_id") from None
    _record_transition(actor, course, "", status, _("Course started"))
    audit.record(COURSE_STARTED.code, actor=actor, client=client, obj=course,
                 details={"format": fmt.id, "sessions": sessions, "frequency": frequency, "start": start_date})
    if first_session is not None:
        from openipt.courses.session_actions import _schedule

        _schedule(actor, course, first_session, duration or fmt.minutes_max, mode)
    return course


@transaction.atomic
def edit_contract(actor: Actor, course_id: int | str, *, sessions: int, frequency: str, start_date: date, initial_sessions: int | None,
                  agreed_on: date | None, expected_version: int) -> Course:
    """Change the contract before the client has agreed it, and record the agreement date."""
    course = course_for_change(actor, course_id, expected_version=expected_version)
    fmt = _format(course.format_id)
    changed = (sessions, frequency, start_date, initial_sessions) != (
        course.sessions_planned, course.frequency, course.start_date, course.initial_sessions
    )
    if changed and course.contract_agreed_on is not None:
        raise ActionError(
            _("The client agreed this contract on %(date)s. To change it, renegotiate: give the new number "
              "of sessions and the reason, and the change is recorded.") % {"date": day(course.contract_agreed_on)},
            field="sessions_planned",
        )
    _check_contract(fmt, sessions, frequency, initial_sessions, floor=_highest_number(course))
    if not isinstance(start_date, date) or abs((start_date - today()).days) > 366:
        raise ActionError(_("Choose a start date within a year of today."), field="start_date")
    first = Session.objects.filter(course=course).order_by("scheduled_start").first()
    if first is not None and start_date > timezone.localtime(first.scheduled_start).date():
        raise ActionError(
            _("Session %(n)d is on %(date)s, before this start date. Choose a start date on or before it.")
            % {"n": first.number, "date": day(timezone.localtime(first.scheduled_start).date())},
            field="start_date",
        )
    _past_or_today(agreed_on, "agreed_on")
    course = _bump(
        course, sessions_planned=sessions, frequency=frequency, start_date=start_date,
        initial_sessions=initial_sessions, contract_agreed_on=agreed_on,
        planned_end_date=lifecycle.planned_end_date(start_date, frequency, sessions),
    )
    audit.record(CONTRACT_EDITED.code, actor=actor, client=course.client, obj=course,
                 details={"sessions": sessions, "frequency": frequency, "agreed_on": agreed_on})
    return course


@transaction.atomic
def renegotiate_contract(actor: Actor, course_id: int | str, *, sessions: int, frequency: str, reason: str, agreed_on: date,
                         expected_version: int) -> ContractChange:
    """Change an agreed contract, recording the old and new count, the reason and the date agreed."""
    course = course_for_change(actor, course_id, expected_version=expected_version)
    if course.contract_agreed_on is None:
        raise ActionError(_("The client has not agreed the contract yet, so change it directly under “Contract”."), field="sessions_planned")
    fmt = _format(course.format_id)
    reason = _text(reason, "reason", required=_("Say why the contract changes, for example: two sessions missed through illness."))
    _check_contract(fmt, sessions, frequency, course.initial_sessions, floor=_highest_number(course),
                    check_range=course.status != CourseStatus.MAINTENANCE)
    if agreed_on is None:
        raise ActionError(_("Enter the date the client agreed the new contract."), field="agreed_on")
    _past_or_today(agreed_on, "agreed_on")
    if (sessions, frequency) == (course.sessions_planned, course.frequency):
        raise ActionError(_("The new contract is the same as the current one. Change the number or the frequency of sessions."), field="sessions_planned")
    change = ContractChange.objects.create(
        course=course, old_sessions=course.sessions_planned, new_sessions=sessions, old_frequency=course.frequency,
        new_frequency=frequency, reason=reason, agreed_on=agreed_on, by=actor.membership, at=timezone.now(),
    )
    course = _bump(course, sessions_planned=sessions, frequency=frequency, contract_agreed_on=agreed_on,
                   planned_end_date=lifecycle.planned_end_date(course.start_date, frequency, sessions))
    audit.record(CONTRACT_RENEGOTIATED.code, actor=actor, client=course.client, obj=course,
                 details={"from": change.old_sessions, "to": sessions, "frequency": frequency, "reason": reason[:200]})
    return change


def _check_area(area: str, field: str) -> None:
    if area and area not in {a.id for a in protocol().areas()}:
        raise ActionError(_("Choose one of the listed problem areas."), field=field)


@transaction.atomic
def set_focus(actor: Actor, course_id: int | str, *, primary_area: str, primary_rationale: str, dispute_stage: str, secondary_area: str,
              secondary_rationale: str, expected_version: int) -> Course:
    """Set the problem areas and their rationale (the formulation is written on the assessment's page)."""
    course = course_for_change(actor, course_id, expected_version=expected_version)
    primary_area, secondary_area = (primary_area or "").strip(), (secondary_area or "").strip()
    dispute_stage = (dispute_stage or "").strip()
    _check_area(primary_area, "primary_area")
    _check_area(secondary_area, "secondary_area")
    primary_rationale = _text(primary_rationale, "primary_rationale",
                              required=_("Say in a sentence or two why this area fits the client.") if primary_area else None)
    if secondary_area and not primary_area:
        raise ActionError(_("Choose the main problem area first; the second area comes after it."), field="secondary_area")
    if secondary_area and secondary_area == primary_area:
        raise ActionError(_("The second area must differ from the main one. Leave it empty if there is only one."), field="secondary_area")
    secondary_rationale = _text(secondary_rationale, "secondary_rationale",
                                required=_("Say why the second area matters too.") if secondary_area else None)
    if not secondary_area:
        secondary_rationale = ""
    stages = protocol().area(primary_area).stages if primary_area else ()
    if stages:
        if not dispute_stage:
            names = ", ".join(s.name.lower() for s in stages)
            raise ActionError(_("Choose the stage of the dispute: %(names)s.") % {"names": names}, field="dispute_stage")
        if dispute_stage not in {s.id for s in stages}:
            raise ActionError(_("Choose one of the listed stages."), field="dispute_stage")
    else:
        dispute_stage = ""
    course = _bump(
        course, primary_area=primary_area, primary_rationale=primary_rationale, dispute_stage=dispute_stage,
        secondary_area=secondary_area, secondary_rationale=secondary_rationale,
    )
    audit.record(FOCUS_SET.code, actor=actor, client=course.client, obj=course,
                 details={"area": primary_area, "stage": dispute_stage, "secondary": secondary_area,
                          "formulation_agreed": course_has_agreed_formulation(course)})
    return course


@transaction.atomic
def record_agreement(actor: Actor, course_id: int | str, what: str, on: date | None = None) -> Course:
    """Record the date the client agreed the contract (today by default); the formulation's is recorded with it."""
    course = course_for_change(actor, course_id)
    on = _past_or_today(on or today(), "agreed_on")
    if what == "contract":
        problems = lifecycle.validate_contract(_format(course.format_id), lifecycle.Contract(
            course.sessions_planned, course.frequency, None, course.initial_sessions))
        if problems and course.status != CourseStatus.MAINTENANCE:
            raise ActionError(" ".join(message(p, gettext) for p in problems) + " " + _("Correct the contract before recording agreement."))
        course = _bump(course, contract_agreed_on=on)
    elif what == "formulation":
        raise ActionError(_("Record the client's agreement on the formulation page, beside the version they agreed."))
    else:
        raise ActionError(_("Choose whether the client agreed the contract or the formulation."))
    audit.record(AGREEMENT_RECORDED.code, actor=actor, client=course.client, obj=course, details={"what": what, "on": on})
    return course


TARGET_WORDS = {
    "active": gettext_lazy("begin the course"),
    "middle": gettext_lazy("move to the middle phase"),
    "termination": gettext_lazy("move to the termination phase"),
    "completed": gettext_lazy("complete the course"),
    "ended_early": gettext_lazy("end the course early"),
    "maintenance": gettext_lazy("continue as maintenance"),
}


@transaction.atomic
def transition_course(actor: Actor, course_id: int | str, target: str, *, reason: str = "", expected_version: int | None = None,
                      maintenance_sessions: int | None = None, maintenance_frequency: str = "monthly") -> Course:
    """Move a course to a phase or status under the protocol's rules; a refusal lists what is missing."""
    if target not in TARGETS:
        raise ActionError(_("Choose a move from the list on the course page."))
    course = course_for_change(actor, course_id, expected_version=expected_version, open_only=target != "maintenance")
    reason = _text(reason, "reason", limit=MAX_SHORT * 4)
    used = _used(course)
    state = course_state(course, used)
    if state is None:
        raise ActionError(_("This course's format is no longer in the protocol content, so its phases cannot change."))
    if target == "termination" and reason:
        state = replace(state, early_termination_reason=reason)
    if target == "ended_early":
        state = replace(state, end_reason=reason)
    reasons = lifecycle.check_transition(state, target)
    if target == "maintenance" and not reasons:
        if isinstance(maintenance_sessions, bool) or not isinstance(maintenance_sessions, int) or not 1 <= maintenance_sessions <= 24:
            reasons = [_("Agree how many maintenance sessions to add, from 1 to 24.")]
        elif maintenance_frequency not in Frequency.values:
            reasons = [_("Choose how often maintenance sessions happen.")]
    if reasons:
        what = str(TARGET_WORDS[target])
        raise TransitionError(_("You cannot %(what)s yet:") % {"what": what}, reasons)
    before = course.phase if target in lifecycle.PHASES else course.status
    fields: dict[str, object] = {}
    if target in lifecycle.PHASES:
        fields["phase"] = target
        if target == "termination" and reason:
            fields["early_termination_reason"] = reason
        Session.objects.filter(course=course, attendance=Attendance.SCHEDULED).update(phase=target)
    else:
        fields["status"] = target
        if target in ("completed", "ended_early"):
            fields["ended_on"] = today()
        if target == "ended_early":
            fields["end_reason"] = reason
        if target == "maintenance":
            assert maintenance_sessions is not None  # checked above: a whole number from 1 to 24
            new_total = max(course.sessions_planned, _highest_number(course)) + maintenance_sessions
            ContractChange.objects.create(
                course=course, old_sessions=course.sessions_planned, new_sessions=new_total,
                old_frequency=course.frequency, new_frequency=maintenance_frequency,
                reason=reason or _("Continued as maintenance"), agreed_on=today(), by=actor.membership, at=timezone.now(),
            )
            fields.update(sessions_planned=new_total, frequency=maintenance_frequency, ended_on=None,
                          planned_end_date=_maintenance_end(course, new_total, maintenance_frequency))
            Session.objects.filter(course=course, attendance=Attendance.SCHEDULED).update(phase=Phase.MIDDLE)
    try:
        with transaction.atomic():
            course = _bump(course, **fields)
    except IntegrityError:
        raise ActionError(_("This client already has another open course of the same format. Complete or end it first.")) from None
    _record_transition(actor, course, before, target, reason)
    audit.record(COURSE_TRANSITION.code, actor=actor, client=course.client, obj=course,
                 details={"from": before, "to": target, "reason": reason[:200]})
    if target in (CourseStatus.COMPLETED, CourseStatus.ENDED_EARLY):
        events.emit(events.EventType.COURSE_ENDED, organisation_id=course.client.organisation_id,
                    occurred_at=timezone.now(),
                    data={"course_id": course.pk, "client_id": course.client_id, "format": course.format_id,
                          "status": target, "ended_on": course.ended_on.isoformat() if course.ended_on else None,
                          "sessions_planned": course.sessions_planned})
    return course


def _maintenance_end(course: Course, total: int, frequency: str) -> date:
    """Plan maintenance sessions from today on, one per period."""
    extra = total - course.sessions_planned
    return max(course.planned_end_date, lifecycle.planned_session_date(today(), frequency, extra + 1))


@transaction.atomic
def save_ending(actor: Actor, course_id: int | str, *, warning_signs: str, what_helps: str, contacts: str, end_review: str,
                expected_version: int) -> Course:
    """Save the relapse-prevention plan and the end review."""
    course = course_for_change(actor, course_id, expected_version=expected_version)
    values = {
        "relapse_warning_signs": _text(warning_signs, "warning_signs"),
        "relapse_what_helps": _text(what_helps, "what_helps"),
        "relapse_contacts": _text(contacts, "contacts"),
        "end_review": _text(end_review, "end_review"),
    }
    course = _bump(course, **values)
    audit.record(ENDING_SAVED.code, actor=actor, client=course.client, obj=course,
                 details={name: bool(value) for name, value in values.items()})
    return course


# Views ------------------------------------------------------------------------------------------


def record_course_view(actor: Actor, course: Course) -> None:
    audit.record(COURSE_VIEWED.code, actor=actor, client=course.client, obj=course)


def record_session_view(actor: Actor, session: Session) -> None:
    audit.record(SESSION_VIEWED.code, actor=actor, client=session.course.client, obj=session)


def record_calendar_view(actor: Actor, count: int) -> None:
    audit.record(CALENDAR_VIEWED.code, actor=actor, details={"shown": count})


def record_course_list_view(actor: Actor, count: int) -> None:
    audit.record(COURSE_LIST_VIEWED.code, actor=actor, details={"shown": count})


# Hooks --------------------------------------------------------------------------------------------


def _after_note_signed(note: SessionNote) -> None:
    """Run inside the signing transaction once a note is signed.

    The safety work hooks in here: it raises an alert from `note.risk_level` and
    `note.risk_text` in the same transaction, so a risk signal is never lost.
    """
    raise_for_review(client=note.session.course.client, level=note.risk_level, text=note.risk_text, obj=note,
                     actor=Actor(note.signed_by) if note.signed_by is not None else None)
