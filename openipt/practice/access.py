"""Who may see and do what between sessions.

Every query starts from `openipt.clients.access.visible_clients(actor)`: a client sees only their
own reading, log, worksheets, rehearsals and reminders; staff see those of the clients they may
see (a therapist their own clients, a supervisor their team's, an admin the organisation's).
Only care staff assigned to the client guide the work (assign, answer, comment, turn rehearsal
off); supervisors and admins only look.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from openipt.accounts.access import is_care_staff
from openipt.accounts.models import Role
from openipt.clients.access import is_assigned, is_in_same_org, visible_clients
from openipt.clients.models import Client
from openipt.courses.access import with_used
from openipt.courses.models import HELD, OPEN_STATUSES, Attendance, Course, NoteStatus, Session, SessionNote
from openipt.practice.models import (
    ClientPractice,
    Comment,
    LogEntry,
    PartnerSettings,
    ReadingAssignment,
    ReadingQuestion,
    Rehearsal,
    RehearsalTurn,
    Reminder,
    Worksheet,
    WorksheetStatus,
    WorksheetVersion,
)

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def can_guide(actor: Actor | None, client) -> bool:
    """Care staff assigned to the client guide the work between sessions."""
    return is_in_same_org(actor, client) and is_care_staff(actor) and is_assigned(actor, client)


def _pk(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


def own_client(actor: Actor | None) -> Client | None:
    """Return the client record of a signed-in client (None for staff or an unlinked login)."""
    if actor is None or actor.role != Role.CLIENT:
        return None
    return visible_clients(actor).order_by("pk").first()


def staff_client(actor: Actor | None, client_id) -> Client | None:
    """Return a client that staff may see, or None."""
    pk = _pk(client_id)
    if pk is None or actor is None or not actor.is_staff:
        return None
    return visible_clients(actor).filter(pk=pk).first()


def settings_for(client) -> ClientPractice:
    """Return a client's practice settings (the defaults when none were saved; nothing is written)."""
    found = ClientPractice.objects.filter(client_id=client.pk).first()
    return found or ClientPractice(client=client)


def partner_settings(organisation_id) -> PartnerSettings | None:
    return PartnerSettings.objects.filter(organisation_id=organisation_id).first()


def _scoped(actor: Actor, qs: QuerySet, client_field: str = "client") -> QuerySet:
    return qs.filter(**{f"{client_field}__in": visible_clients(actor)})


# Reading -----------------------------------------------------------------------------------

def readings(actor: Actor, client, *, active_only: bool = True) -> list[ReadingAssignment]:
    qs = _scoped(actor, ReadingAssignment.objects.filter(client_id=client.pk))
    if active_only:
        qs = qs.filter(active=True)
    return list(qs.select_related("assigned_by__user").annotate(
        open_questions=Count("questions", filter=Q(questions__answered_at__isnull=True))
    ).order_by("read_at", "-created_at", "pk"))


def get_reading(actor: Actor, reading_id) -> ReadingAssignment | None:
    pk = _pk(reading_id)
    if pk is None:
        return None
    return _scoped(actor, ReadingAssignment.objects.filter(pk=pk)).select_related("client").first()


def reading_questions(reading) -> list[ReadingQuestion]:
    return list(ReadingQuestion.objects.filter(assignment=reading).select_related("answered_by__user"))


def get_question(actor: Actor, question_id) -> ReadingQuestion | None:
    pk = _pk(question_id)
    if pk is None:
        return None
    return _scoped(actor, ReadingQuestion.objects.filter(pk=pk), "assignment__client").select_related(
        "assignment__client").first()


def open_questions(actor: Actor, client) -> list[ReadingQuestion]:
    return list(_scoped(actor, ReadingQuestion.objects.filter(
        assignment__client_id=client.pk, answered_at__isnull=True), "assignment__client")
        .select_related("assignment").order_by("created_at", "pk"))


# Weekly log --------------------------------------------------------------------------------

def log_entries(actor: Actor, client, *, since=None) -> QuerySet[LogEntry]:
    qs = _scoped(actor, LogEntry.objects.filter(client_id=client.pk))
    if since is not None:
        from django.utils import timezone

        qs = qs.filter(Q(occurred_on__gte=timezone.localtime(since).date()) | Q(created_at__gte=since))
    return qs.order_by("-occurred_on", "-pk")


def get_log_entry(actor: Actor, entry_id) -> LogEntry | None:
    pk = _pk(entry_id)
    if pk is None:
        return None
    return _scoped(actor, LogEntry.objects.filter(pk=pk)).select_related("client").first()


# Worksheets --------------------------------------------------------------------------------

def worksheets(actor: Actor, client) -> list[Worksheet]:
    return list(_scoped(actor, Worksheet.objects.filter(client_id=client.pk))
                .select_related("assigned_by__user").annotate(comment_count=Count("comments"))
                .order_by("-updated_at", "-pk"))


def get_worksheet(actor: Actor, worksheet_id) -> Worksheet | None:
    pk = _pk(worksheet_id)
    if pk is None:
        return None
    return _scoped(actor, Worksheet.objects.filter(pk=pk)).select_related("client", "assigned_by__user").first()


def worksheet_versions(worksheet) -> list[WorksheetVersion]:
    return list(WorksheetVersion.objects.filter(worksheet=worksheet).select_related("by__user").order_by("-number"))


def comments_on(*, worksheet=None, rehearsal=None) -> list[Comment]:
    qs = Comment.objects.filter(worksheet=worksheet) if worksheet is not None else Comment.objects.filter(
        rehearsal=rehearsal)
    return list(qs.select_related("by__user").order_by("at", "pk"))


# Rehearsals --------------------------------------------------------------------------------

def rehearsals(actor: Actor, client) -> list[Rehearsal]:
    return list(_scoped(actor, Rehearsal.objects.filter(client_id=client.pk))
                .annotate(comment_count=Count("comments")).order_by("-created_at", "-pk"))


def get_rehearsal(actor: Actor, rehearsal_id) -> Rehearsal | None:
    pk = _pk(rehearsal_id)
    if pk is None:
        return None
    return _scoped(actor, Rehearsal.objects.filter(pk=pk)).select_related("client").prefetch_related(
        Prefetch("turns", queryset=RehearsalTurn.objects.order_by("number"))).first()


# Reminders ---------------------------------------------------------------------------------

def unseen_reminders(actor: Actor, client, now) -> list[Reminder]:
    from datetime import timedelta

    return list(_scoped(actor, Reminder.objects.filter(
        client_id=client.pk, seen_at__isnull=True, due_at__lte=now, due_at__gte=now - timedelta(days=7)))
        .order_by("-due_at", "-pk")[:5])


def get_reminder(actor: Actor, reminder_id) -> Reminder | None:
    pk = _pk(reminder_id)
    if pk is None:
        return None
    return _scoped(actor, Reminder.objects.filter(pk=pk)).select_related("client").first()


# For staff pages ---------------------------------------------------------------------------

def awaiting_counts(actor: Actor, client) -> dict:
    """Counts for the staff panel: open questions, shared worksheets, log entries, rehearsals."""
    base = visible_clients(actor).filter(pk=client.pk)
    row = base.aggregate(
        questions=Count("readings__questions", filter=Q(readings__questions__answered_at__isnull=True), distinct=True),
    )
    row["shared"] = _scoped(actor, Worksheet.objects.filter(client_id=client.pk, status=WorksheetStatus.SHARED)).count()
    row["rehearsals"] = _scoped(actor, Rehearsal.objects.filter(client_id=client.pk)).count()
    row["log"] = _scoped(actor, LogEntry.objects.filter(client_id=client.pk)).count()
    return row


# The client's course (read for the portal) -------------------------------------------------

def current_course(actor: Actor, client):
    """Return the client's open course (else the latest one), with `used` annotated, or None."""
    qs = with_used(Course.objects.filter(client__in=visible_clients(actor), client_id=client.pk))
    open_first = qs.filter(status__in=[s.value for s in OPEN_STATUSES]).order_by("-start_date", "-pk").first()
    return open_first or qs.order_by("-start_date", "-pk").first()


def next_session(course, now):
    from datetime import timedelta


    return (Session.objects.filter(course=course, attendance=Attendance.SCHEDULED,
                                   scheduled_start__gte=now - timedelta(hours=1))
            .order_by("scheduled_start", "pk").first())


def last_held_session(course):
    return (Session.objects.filter(course=course, attendance__in=[h.value for h in HELD])
            .order_by("-number").first())


def last_signed_note(course):
    return (SessionNote.objects.filter(session__course=course, status=NoteStatus.SIGNED)
            .select_related("session").order_by("-session__number").first())
