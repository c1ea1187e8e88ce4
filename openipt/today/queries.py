"""What the Today page shows a member of staff: one read query per section, whatever the data.

Every query starts from the access rules of the app that owns the data (visible courses, visible
alerts, visible clients, visible groups), so the organisation boundary and the care-team rule
apply here as everywhere else. Nothing here changes data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from openipt.audit.models import AuditEvent
from openipt.clients.access import visible_clients
from openipt.clients.models import Assignment, ClientSignal, SignalLevel
from openipt.consent.queries.records import withdrawn_with_open_course
from openipt.courses.access import visible_courses
from openipt.courses.models import Attendance, NoteStatus, Session
from openipt.groups.access import visible_groups
from openipt.groups.models import GroupSession
from openipt.groups.queries.oversight import not_recorded_sessions
from openipt.measures.models import Administration, Source, Status
from openipt.measures.queries.outcomes import SIGNAL_SOURCE
from openipt.measures.settings_actions import VIEWED as SCORES_VIEWED
from openipt.safety.access import alert_list
from openipt.safety.models import OPEN
from openipt.today.models import WorkingHours

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

ALERTS_SHOWN = 10
LIST_SHOWN = 20
RETURNED_WITHIN = timedelta(days=30)
NOTES_WITHIN = timedelta(days=90)


@dataclass(frozen=True)
class Hours:
    """An organisation's working hours: weekdays (0 is Monday), the first start and the hour sessions end by."""

    days: frozenset[int] = frozenset(range(5))
    start_hour: int = 8
    end_hour: int = 18
    version: int = 0  # 0: never saved, the defaults


DEFAULT_HOURS = Hours()


def days_of(mask: int) -> frozenset[int]:
    return frozenset(d for d in range(7) if mask & (1 << d))


def working_hours(organisation_id: int) -> Hours:
    """The organisation's working hours, or Monday to Friday 08:00 to 18:00 when it never set them (one query)."""
    found = WorkingHours.objects.filter(organisation_id=organisation_id).first()
    if found is None:
        return DEFAULT_HOURS
    return Hours(days_of(found.days), found.start_hour, found.end_hour, found.version)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first instant of a local day and of the day after it."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def my_sessions(actor: Actor, start: datetime, end: datetime) -> QuerySet[Session]:
    """Individual sessions in the courses this person runs, between two instants."""
    return (Session.objects.filter(course__in=visible_courses(actor).filter(therapist_id=actor.membership.pk),
                                   scheduled_start__gte=start, scheduled_start__lt=end)
            .select_related("course__client").order_by("scheduled_start", "pk"))


def my_group_sessions(actor: Actor, start: datetime, end: datetime) -> QuerySet[GroupSession]:
    """Meetings of the groups this person leads (or co-leads), between two instants."""
    me = actor.membership.pk
    groups = visible_groups(actor).filter(Q(facilitator_id=me) | Q(co_facilitator_id=me))
    return (GroupSession.objects.filter(group__in=groups, scheduled_start__gte=start, scheduled_start__lt=end)
            .select_related("group").order_by("scheduled_start", "pk"))


def my_groups_not_recorded(actor: Actor) -> tuple[list[GroupSession], bool]:
    """Past meetings of the groups this person leads that nobody recorded, oldest first (issue 14, defect 14)."""
    me = actor.membership.pk
    return _first(not_recorded_sessions(visible_groups(actor).filter(Q(facilitator_id=me) | Q(co_facilitator_id=me))))


def open_alerts(actor: Actor) -> tuple[list, int]:
    """The open alerts the alerts page lists first (most severe, longest waiting), and how many there are."""
    qs = alert_list(actor).filter(status__in=OPEN)
    return list(qs.order_by("-severity_rank", "raised_at", "pk")[:ALERTS_SHOWN]), qs.count()


def _first(qs: QuerySet) -> tuple[list, bool]:
    """The first LIST_SHOWN rows and whether there are more (one query)."""
    rows = list(qs[: LIST_SHOWN + 1])
    return rows[:LIST_SHOWN], len(rows) > LIST_SHOWN


def returned_not_seen(actor: Actor, now: datetime) -> tuple[list[Administration], bool]:
    """Questionnaires a client of this person sent back that nobody on their side has opened since.

    "Opened" means this person looked at that client's scores or answers after the questionnaire
    came back (the audit log records every such look).
    """
    mine = Assignment.objects.filter(staff_id=actor.membership.pk).values("client_id")
    seen = AuditEvent.objects.filter(event_type=SCORES_VIEWED.code, actor_user_id=actor.membership.user_id,
                                     client_id=OuterRef("client_id"), occurred_at__gte=OuterRef("completed_at"))
    return _first(
        Administration.objects.filter(organisation_id=actor.organisation_id, client__in=visible_clients(actor),
                                      client_id__in=mine, status=Status.COMPLETED,
                                      source__in=[Source.PORTAL, Source.LINK], completed_at__gte=now - RETURNED_WITHIN)
        .filter(~Exists(seen)).select_related("client", "course").order_by("-completed_at", "pk"))


def notes_to_sign(actor: Actor, now: datetime) -> tuple[list[Session], bool]:
    """Held sessions of this person's courses whose note is not signed (or not begun), oldest first."""
    return _first(
        Session.objects.filter(course__in=visible_courses(actor).filter(therapist_id=actor.membership.pk),
                               attendance=Attendance.ATTENDED, scheduled_start__gte=now - NOTES_WITHIN,
                               scheduled_start__lt=now)
        .filter(Q(note__isnull=True) | Q(note__status=NoteStatus.DRAFT))
        .select_related("course__client", "note").order_by("scheduled_start", "pk"))


def not_on_track(actor: Actor) -> tuple[list[ClientSignal], bool]:
    """Clients whose questionnaire scores say they are not on track (amber or red), worst first."""
    return _first(
        ClientSignal.objects.filter(source=SIGNAL_SOURCE, level__gte=SignalLevel.REVIEW,
                                    client__in=visible_clients(actor))
        .select_related("client").order_by("-level", "client__family_name", "client__given_name", "pk"))


def consent_withdrawn(actor: Actor) -> tuple[list, bool]:
    """Clients of this person who took back their consent and still have an open course (newest first)."""
    return _first(withdrawn_with_open_course(visible_clients(actor)))


@dataclass
class Today:
    day: date
    sessions: list = field(default_factory=list)
    group_sessions: list = field(default_factory=list)
    not_recorded: list = field(default_factory=list)  # past group meetings nobody recorded
    alerts: list = field(default_factory=list)
    alert_count: int = 0
    returned: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    off_track: list = field(default_factory=list)
    withdrawn: list = field(default_factory=list)  # clients who took back consent, with an open course
    more: set = field(default_factory=set)  # the parts cut at LIST_SHOWN rows


def today_for(actor: Actor, now: datetime | None = None) -> Today:
    """Everything the Today page shows this member of staff."""
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    start, end = day_bounds(day)
    alerts, alert_count = open_alerts(actor)
    parts: dict[str, tuple[list[Any], bool]] = {"returned": returned_not_seen(actor, now), "notes": notes_to_sign(actor, now),
                                                "off_track": not_on_track(actor), "not_recorded": my_groups_not_recorded(actor),
                                                "withdrawn": consent_withdrawn(actor)}
    return Today(
        day=day,
        sessions=list(my_sessions(actor, start, end)),
        group_sessions=list(my_group_sessions(actor, start, end)),
        alerts=alerts, alert_count=alert_count,
        returned=parts["returned"][0], notes=parts["notes"][0], off_track=parts["off_track"][0],
        not_recorded=parts["not_recorded"][0],
        withdrawn=parts["withdrawn"][0],
        more={name for name, (_rows, more) in parts.items() if more},
    )
