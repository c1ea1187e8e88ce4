"""Every change to questionnaire schedules and answers.

Each function takes the Actor first (or, for a one-time link, the link's token), checks
permission, runs in a transaction and records an audit event. A completed questionnaire is
scored by the pure engine, stored, passed to the safety rules and used to refresh the client's
not-on-track signal, all in one transaction: the score, any alert and the signal are stored
together or not at all. The FHIR import is in `imports.py`; one-time links are in
`link_actions.py`; the organisation's settings and the audit of reads and exports are in
`settings_actions.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients.models import Client
from openipt.core import events
from openipt.core.errors import ActionError, ErrorCode
from openipt.courses.models import OPEN_STATUSES, Course, Session
from openipt.measures import access, due, instruments, outcome_actions, safety_items
from openipt.measures.engine import Instrument, ScoringError, score
from openipt.measures.engine.scoring import check_answers
from openipt.measures.errors import MeasuresCode
from openipt.measures.models import (
    Administration,
    MeasurePlan,
    OneTimeLink,
    Rule,
    Schedule,
    ScheduleDate,
    Source,
    Status,
)
from openipt.safety import api as safety_api

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openipt.accounts.actor import Actor
    from openipt.accounts.models import Membership
    from openipt.safety.models import Alert

SCHEDULE_DEFAULTED = register("measures.schedule_defaulted", "Default questionnaire schedule set up for a course")
SCHEDULE_ADDED = register("measures.schedule_added", "Questionnaire schedule added")
SCHEDULE_REMOVED = register("measures.schedule_removed", "Questionnaire schedule removed")
DRAFT_SAVED = register("measures.draft_saved", "Questionnaire answers saved while filling in")
COMPLETED = register("measures.completed", "Questionnaire completed")
ENTERED = register("measures.entered", "Questionnaire entered by staff")
IMPORTED = register("measures.imported", "Questionnaire responses imported (FHIR)")

MAX_DATES = 52


class AnswersError(ActionError):
    """Answers that cannot be accepted; `errors` maps each item id to what is wrong with it."""

    def __init__(self, message: str, errors: dict[str, str]):
        first = next(iter(errors), None)
        super().__init__(message, field=first)
        self.errors = errors


@dataclass
class Submitted:
    """The result of sending answers: the administration, the safety alerts it raised, and whether it is new."""

    administration: Administration
    alerts: list[Alert] = field(default_factory=list)
    created: bool = True


def _forbidden() -> ActionError:
    return ActionError(_("Only care staff assigned to this client can do this."), code=ErrorCode.FORBIDDEN)


def _course_for_change(actor: Actor, course_id: int | str) -> Course:
    course = access.get_course(actor, course_id)
    if course is None or not access.can_administer(actor, course):
        raise _forbidden()
    return course


def _instrument(code: object, *, field_name: str = "instrument_code") -> Instrument:
    inst = instruments.get(code) if isinstance(code, str) else None
    if inst is None or not inst.licence.embeddable:
        known = ", ".join(i.short_name for i in instruments.usable())
        raise ActionError(_("Choose one of the questionnaires listed (%(known)s).") % {"known": known}, field=field_name)
    return inst


def sex_for(client: Client) -> str:
    """Return the sex used for sex-specific cut-offs: female, male, or '' when not recorded as either."""
    return client.sex if client.sex in ("female", "male") else ""


# ---- schedules


def _plan(course: Course, *, defaults: bool) -> tuple[MeasurePlan, bool]:
    try:
        with transaction.atomic():
            return MeasurePlan.objects.get_or_create(
                course=course, defaults={"created_at": timezone.now(), "defaults_applied": defaults})
    except IntegrityError:
        return MeasurePlan.objects.get(course=course), False


def ensure_default_schedule(course: Course) -> list[Schedule]:
    """Give a course the default schedule the first time its questionnaires are looked at (idempotent).

    PHQ-9 every session; GAD-7 at the start, every 4th session and the end. A course whose schedule
    was already set up (even emptied on purpose) is left alone. Acts as the system.
    """
    with transaction.atomic():
        plan, created = _plan(course, defaults=True)
        if not created:
            return []
        now = timezone.now()
        made = Schedule.objects.bulk_create(
            [Schedule(course=course, created_at=now, **row) for row in instruments.DEFAULT_SCHEDULE],
            ignore_conflicts=True,
        )
        audit.record(SCHEDULE_DEFAULTED.code, organisation_id=course.organisation_id, client=course.client, obj=course,
                     details={"instruments": [r["instrument_code"] for r in instruments.DEFAULT_SCHEDULE]},
                     system_label="measures defaults")
    return made


def ensure_default_schedules(courses: QuerySet[Course], limit: int = 200) -> int:
    """Set up the default schedule of open courses (within what the caller may see) that have none yet."""
    missing = list(
        courses.filter(status__in=[s.value for s in OPEN_STATUSES], measure_plan__isnull=True)
        .select_related("client").order_by("pk")[:limit]
    )
    for course in missing:
        ensure_default_schedule(course)
    return len(missing)


@transaction.atomic
def use_default_schedule(actor: Actor, course_id: int | str) -> list[Schedule]:
    """Add the default questionnaires (PHQ-9 every session, GAD-7 at start, every 4th and end) not yet scheduled."""
    course = _course_for_change(actor, course_id)
    _plan(course, defaults=True)
    have = set(Schedule.objects.filter(course=course).values_list("instrument_code", flat=True))
    rows = [r for r in instruments.DEFAULT_SCHEDULE if r["instrument_code"] not in have]
    if not rows:
        raise ActionError(_("This course already has the PHQ-9 and the GAD-7 on its schedule."))
    now = timezone.now()
    made = [Schedule.objects.create(course=course, created_at=now, created_by=actor.membership, **row) for row in rows]
    for schedule in made:
        audit.record(SCHEDULE_ADDED.code, actor=actor, client=course.client, obj=schedule,
                     details={"instrument": schedule.instrument_code, "rule": schedule.rule, "default": True})
    return made


def _check_dates(course: Course, dates: Iterable[object]) -> list[date]:
    clean = sorted({d for d in dates if isinstance(d, date)})
    if not clean:
        raise ActionError(_("Give at least one date, one per line, like 2026-03-14."), field="dates")
    if len(clean) > MAX_DATES:
        raise ActionError(_("Give at most %(n)d dates.") % {"n": MAX_DATES}, field="dates")
    low, high = course.start_date - timedelta(days=31), course.start_date + timedelta(days=3 * 365)
    outside = [d for d in clean if not low <= d <= high]
    if outside:
        raise ActionError(
            _("%(date)s is far from this course (it started on %(start)s). Give dates from a month before the start "
              "to three years after.") % {"date": outside[0].isoformat(), "start": course.start_date.isoformat()},
            field="dates")
    return clean


@transaction.atomic
def add_schedule(actor: Actor, course_id: int | str, *, instrument_code: str, rule: str, every_n: int | None = None,
                 at_start: bool = False, at_end: bool = False, dates: Iterable[object] = ()) -> Schedule:
    """Ask for a questionnaire in a course: every session, every n sessions, at start and end, or on dates."""
    course = _course_for_change(actor, course_id)
    inst = _instrument(instrument_code)
    if rule not in Rule.values:
        raise ActionError(_("Choose when the questionnaire is due."), field="rule")
    if rule == Rule.EVERY_N:
        if not isinstance(every_n, int) or isinstance(every_n, bool) or not 2 <= every_n <= 52:
            raise ActionError(_("Give a number of sessions from 2 to 52 (for every session, choose \"Every session\")."),
                              field="every_n")
    else:
        every_n = None
    clean_dates = _check_dates(course, dates) if rule == Rule.DATES else []
    if Schedule.objects.filter(course=course, instrument_code=inst.code).exists():
        raise ActionError(
            _("The %(name)s is already on this course's schedule. Remove it first to change when it is due.")
            % {"name": inst.short_name}, field="instrument_code")
    _plan(course, defaults=False)
    schedule = Schedule.objects.create(
        course=course, instrument_code=inst.code, rule=rule, every_n=every_n,
        at_start=bool(at_start) and rule == Rule.EVERY_N, at_end=bool(at_end) and rule == Rule.EVERY_N,
        created_at=timezone.now(), created_by=actor.membership)
    ScheduleDate.objects.bulk_create([ScheduleDate(schedule=schedule, on=d) for d in clean_dates])
    audit.record(SCHEDULE_ADDED.code, actor=actor, client=course.client, obj=schedule,
                 details={"instrument": inst.code, "rule": rule, "every_n": every_n,
                          "dates": [d.isoformat() for d in clean_dates]})
    return schedule


@transaction.atomic
def remove_schedule(actor: Actor, course_id: int | str, schedule_id: int | str) -> None:
    """Stop asking for a questionnaire in a course (answers already given are kept)."""
    course = _course_for_change(actor, course_id)
    schedule = Schedule.objects.filter(course=course, pk=schedule_id if isinstance(schedule_id, int) else -1).first()
    if schedule is None:
        raise ActionError(_("That questionnaire is no longer on the schedule."))
    _plan(course, defaults=False)
    audit.record(SCHEDULE_REMOVED.code, actor=actor, client=course.client, obj=schedule,
                 details={"instrument": schedule.instrument_code, "rule": schedule.rule})
    schedule.delete()


# ---- answers


def clean_answers(inst: Instrument, answers: dict[str, Any], *, require_all: bool) -> dict[str, int | None]:
    """Check answers against the instrument; refuse unknown items, wrong values and, if asked, missing answers."""
    try:
        values = check_answers(inst, answers)
    except ScoringError as exc:
        item = exc.item or (inst.items[0].id if inst.items else "answers")
        raise AnswersError(_("One answer cannot be used. Choose one of the answers shown."),
                           {item: _("Choose one of the answers shown.")}) from None
    if require_all:
        safety = safety_items.safety_item_ids(inst)
        missing = {i.id: _("Choose one answer.") for i in inst.items
                   if (i.scored or i.id in safety) and values[i.id] is None}
        if missing:
            n = len(missing)
            raise AnswersError(
                _("%(n)d question has no answer yet.") % {"n": n} if n == 1
                else _("%(n)d questions have no answer yet.") % {"n": n}, missing)
    return values


def _locked(client_id: int, key: str) -> Administration | None:
    return Administration.objects.select_for_update().filter(client_id=client_id, due_key=key).first()


def _new(client: Client, course: Course | None, item: due.DueItem | None, inst: Instrument, *, source: str,
         entered_by: Membership | None = None, link: OneTimeLink | None = None,
         session_number: int | None = None) -> Administration:
    number = item.session_number if item else session_number
    session = Session.objects.filter(course=course, number=number).first() if course and number else None
    return Administration(
        organisation_id=client.organisation_id, client=client, course=course, session=session,
        session_number=number, due_on=item.on if item else None, due_key=item.key if item else "",
        instrument_code=inst.code, instrument_version=inst.version, source=source, entered_by=entered_by,
        entered_by_role=(entered_by.role if entered_by is not None else "client"), link=link,
        started_at=timezone.now(),
    )


def _draft(client: Client, course: Course | None, item: due.DueItem, inst: Instrument, answers: dict[str, Any], *, source: str,
           entered_by: Membership | None = None, link: OneTimeLink | None = None,
           actor: Actor | None = None) -> Administration | None:
    values = clean_answers(inst, answers, require_all=False)
    given = {k: v for k, v in values.items() if v is not None}
    admin = _locked(client.pk, item.key)
    if admin is not None and admin.is_completed:
        raise ActionError(_("These answers were already sent. Thank you."), code=MeasuresCode.DONE)
    if admin is None and not given:
        return None  # nothing answered yet: nothing to keep
    changed: list[str] = []
    if admin is None:
        admin = _new(client, course, item, inst, source=source, entered_by=entered_by, link=link)
        admin.answers = {i.id: None for i in inst.items}
        try:
            with transaction.atomic():
                admin.answers.update(given)
                admin.save(force_insert=True)
            changed = list(given)
        except IntegrityError:
            admin = _locked(client.pk, item.key)
            if admin is None or admin.is_completed:
                raise ActionError(_("These answers were already sent. Thank you."), code=MeasuresCode.DONE) from None
    if admin.pk is not None and given and not changed:
        merged = dict(admin.answers)
        changed = [key for key, value in given.items() if admin.answers.get(key) != value]
        merged.update(given)
        if merged != admin.answers:
            admin.answers = merged
            admin.save(update_fields=["answers", "updated_at"])
    if changed:
        # A safety answer counts the moment it is saved, even if the questionnaire is never sent (HAZ-005).
        safety_api.raise_for_administration(admin, only_items=changed)
        safety_items.raise_linked(admin, inst, client=client, only_items=changed)
    answered = sum(1 for v in admin.answers.values() if v is not None)
    audit.record(DRAFT_SAVED.code, actor=actor, client=client, obj=admin,
                 details={"instrument": inst.code, "answered": answered, "source": source},
                 system_label="questionnaire link" if actor is None else "system")
    return admin


def complete(admin: Administration, inst: Instrument, values: dict[str, Any], *, client: Client, when: datetime | None = None,
             refresh_signal: bool = True, alert_at: datetime | None = None, alert_text: str = "") -> list[Alert]:
    """Score and store a completed administration, raise safety alerts and refresh the signal (in the caller's transaction).

    Returns the safety alerts raised. `alert_at` is when the answers were really given, when they reach
    the server later (entered on a tablet without a connection): alerts are raised as of then.
    """
    sex = sex_for(client)
    result = score(inst, values, sex=sex or None)
    admin.answers = dict(values)
    admin.status = Status.COMPLETED
    admin.total = result.total
    admin.band = result.band.id if result.band else ""
    admin.prorated = result.prorated
    admin.flags = [{"item": f.item, "value": f.value, "score": f.score, "threshold": f.threshold} for f in result.flags]
    admin.screen_positive = result.screen.positive if result.screen else None
    admin.screen_cutoff = result.screen.cutoff if result.screen else None
    admin.sex_used = sex
    admin.instrument_version = inst.version
    admin.completed_at = when or timezone.now()
    blank = safety_items.unanswered(inst, values)
    admin.safety_followup = bool(result.flags) or bool(blank)
    admin.save()
    alerts = list(safety_api.raise_for_administration(admin, now=alert_at, text=alert_text) or [])
    alerts += safety_items.raise_linked(admin, inst, client=client, now=alert_at, text=alert_text)
    alerts += safety_items.raise_unanswered(admin, inst, blank, client=client, now=alert_at)
    if alerts and not admin.safety_followup:
        admin.safety_followup = True
        Administration.objects.filter(pk=admin.pk).update(safety_followup=True)
    if refresh_signal and admin.course_id is not None and inst.code in instruments.TRACKED:
        outcome_actions.refresh_signal(client.pk, client.organisation_id)
    events.emit(events.EventType.QUESTIONNAIRE_COMPLETED, organisation_id=client.organisation_id,
                occurred_at=admin.completed_at,
                data={"administration_id": str(admin.uuid), "client_id": client.pk, "course_id": admin.course_id,
                      "instrument": admin.instrument_code, "total": admin.total, "band": admin.band,
                      "prorated": admin.prorated, "safety_followup": admin.safety_followup,
                      "completed_at": admin.completed_at.isoformat()})
    return alerts


def open_item_for_client(client: Client, key: str) -> tuple[Course, due.DueItem] | None:
    """Return the client's open course and the questionnaire `key`, when it can be filled in now."""
    parsed = due.parse_key(key)
    if parsed is None or parsed.code not in instruments.self_report_codes():
        return None
    # Its own courses, and a couples course in which it is partner two; each partner answers for themselves.
    course = access.client_open_courses(client).filter(pk=parsed.course_id).select_related("client").first()
    if course is None:
        return None
    schedules, sessions, administrations = access.course_rows(course, client.pk)
    item = next((i for i in due.course_items(course, schedules, sessions, administrations, client_id=client.pk)
                 if i.key == key), None)
    if item is None or not item.is_open:
        return None
    return course, item


def _submit(client: Client, course: Course | None, item: due.DueItem, inst: Instrument, answers: dict[str, Any], *,
            source: str, link: OneTimeLink | None = None, actor: Actor | None = None) -> Submitted:
    values = clean_answers(inst, answers, require_all=True)
    admin = _locked(client.pk, item.key)
    if admin is not None and admin.is_completed:
        return Submitted(admin, [], created=False)
    if admin is None:
        admin = _new(client, course, item, inst, source=source, link=link)
        try:
            with transaction.atomic():
                admin.answers = values
                admin.save(force_insert=True)
        except IntegrityError:
            admin = _locked(client.pk, item.key)
            if admin is not None and admin.is_completed:
                return Submitted(admin, [], created=False)
            if admin is None:  # pragma: no cover - a row that vanished between the insert and the read
                raise
    admin.source = source
    admin.link = link or admin.link
    alerts = complete(admin, inst, values, client=client)
    audit.record(COMPLETED.code, actor=actor, client=client, obj=admin,
                 details={"instrument": inst.code, "total": admin.total, "source": source, "key": item.key,
                          "flags": [f["item"] for f in admin.flags]},
                 system_label="questionnaire link" if actor is None else "system")
    return Submitted(admin, alerts, created=True)


def _portal_item(actor: Actor, key: str) -> tuple[Client, Course, due.DueItem, Instrument]:
    client = access.own_client(actor)
    if client is None:
        raise ActionError(_("Only a client can fill in their own questionnaires."), code=ErrorCode.FORBIDDEN)
    found = open_item_for_client(client, key)
    if found is None:
        raise ActionError(_("This questionnaire is not waiting for you any more. Your list shows what is due now."),
                          code=MeasuresCode.NOT_OPEN)
    course, item = found
    inst = instruments.get(item.instrument_code)
    if inst is None:
        raise ActionError(_("This questionnaire is not available any more."), code="not_open")
    return client, course, item, inst


@transaction.atomic
def save_portal_draft(actor: Actor, key: str, answers: dict[str, Any]) -> Administration | None:
    """Keep a client's answers as they go, so nothing is lost if the connection drops."""
    client, course, item, inst = _portal_item(actor, key)
    return _draft(client, course, item, inst, answers, source=Source.PORTAL, actor=actor)


@transaction.atomic
def submit_portal(actor: Actor, key: str, answers: dict[str, Any]) -> Submitted:
    """Send a client's answers from the portal; a repeat of the same questionnaire is recorded once."""
    client = access.own_client(actor)
    if client is None:
        raise ActionError(_("Only a client can fill in their own questionnaires."), code=ErrorCode.FORBIDDEN)
    parsed = due.parse_key(key)
    if parsed is not None:
        done = Administration.objects.filter(client_id=client.pk, due_key=key, status=Status.COMPLETED).first()
        if done is not None:
            return Submitted(done, [], created=False)
    client, course, item, inst = _portal_item(actor, key)
    return _submit(client, course, item, inst, answers, source=Source.PORTAL, actor=actor)


# ---- staff entry


def _when(completed_on: object) -> datetime:
    today = timezone.localdate()
    if not isinstance(completed_on, date):
        raise ActionError(_("Enter the date the questionnaire was filled in."), field="completed_on")
    if completed_on > today:
        raise ActionError(_("The date cannot be in the future. Enter the day it was filled in."), field="completed_on")
    if completed_on < today - timedelta(days=3 * 365):
        raise ActionError(_("That date is more than three years ago. Check the year."), field="completed_on")
    if completed_on == today:
        return timezone.now()
    return timezone.make_aware(datetime.combine(completed_on, time(12, 0)))


def _answering_client(actor: Actor, course: Course, client_id: int | str | None) -> Client:
    """The partner a paper form is for: the course's client, or partner two of a couples course (assigned to the actor)."""
    if client_id in (None, "", course.client_id):
        return course.client
    if isinstance(client_id, bool) or not isinstance(client_id, int) or not access.answers_in(course, client_id):
        raise ActionError(_("Choose one of the two partners in this course."), field="partner")
    if not access.is_assigned_to_client(actor, client_id):
        raise ActionError(_("Only care staff assigned to this partner can enter their forms."), field="partner")
    return Client.objects.get(pk=client_id)


@transaction.atomic
def enter_paper(actor: Actor, course_id: int | str, *, instrument_code: str, session_number: int | None, completed_on: date,
                answers: dict[str, Any], client_id: int | None = None, safety_blank_confirmed: bool = False,
                alert_at: datetime | None = None, alert_text: str = "") -> Administration:
    """Enter a questionnaire filled in on paper, or a clinician-rated one such as the HAM-D.

    Every item needs an answer or an explicit "left blank" (None); the instrument's own rule
    decides whether a total can still be given. A safety question (PHQ-9 question 9) left blank
    is asked for again: it is accepted only with `safety_blank_confirmed`, and then raises a
    follow-up alert (HAZ-022). On a couples course `client_id` says which partner filled it in
    (default: the course's client, partner one). `alert_at` and `alert_text`: see `complete`.
    """
    course = _course_for_change(actor, course_id)
    client = _answering_client(actor, course, client_id)
    inst = _instrument(instrument_code)
    if set(answers) != {i.id for i in inst.items}:
        missing = {i.id: _("Choose an answer, or \"Left blank\" if there is none on the form.")
                   for i in inst.items if i.id not in answers}
        if missing:
            raise AnswersError(_("Some questions have no answer chosen."), missing)
    values = clean_answers(inst, answers, require_all=False)
    blank = safety_items.unanswered(inst, values)
    if blank and safety_blank_confirmed is not True:
        raise AnswersError(
            _("The safety question was left blank. Please check the paper form again."),
            {item: _("This is the question about suicide and self-harm. Look at the paper form again, and ask the "
                     "client if you can. If it really was left blank, tick \"It really was left blank\" below and "
                     "save again: you will get a task to follow it up.") for item in blank})
    when = _when(completed_on)
    session = None
    if session_number is not None:
        session = Session.objects.filter(course=course, number=session_number).first()
        if session is None:
            raise ActionError(_("This course has no session %(n)s. Choose one of its sessions, or none.")
                              % {"n": session_number}, field="session_number")
    key = due.key_for(course.pk, inst.code, session=session_number) if session_number else ""
    admin = _locked(client.pk, key) if key else None
    if admin is not None and admin.is_completed:
        raise ActionError(
            _("A %(name)s for session %(n)s is already recorded (%(total)s). Open it from the course's scores.")
            % {"name": inst.short_name, "n": session_number,
               "total": admin.total if admin.total is not None else _("no total")},
            field="session_number")
    if admin is None:
        admin = _new(client, course, None, inst, source=Source.STAFF, entered_by=actor.membership,
                     session_number=session_number)
        admin.due_key = key
    admin.source = Source.STAFF
    admin.entered_by = actor.membership
    admin.entered_by_role = actor.role
    admin.session = session
    try:
        with transaction.atomic():
            alerts = complete(admin, inst, values, client=client, when=when, alert_at=alert_at, alert_text=alert_text)
    except IntegrityError:  # the client sent the same questionnaire at this very moment
        raise ActionError(_("The client's own answers for this session arrived while you were entering these. "
                            "Open the course's scores to see them."), field="session_number") from None
    audit.record(ENTERED.code, actor=actor, client=client, obj=admin,
                 details={"instrument": inst.code, "total": admin.total, "session": session_number,
                          "completed_on": completed_on.isoformat(), "flags": [f["item"] for f in admin.flags],
                          "alerts": len(alerts)})
    return admin
