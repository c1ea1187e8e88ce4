"""The one read of a programme's figures: a `Cohort` of plain records for `indicators.compute`.

A fixed number of queries whatever the size of the programme (one per kind of fact, plus the
settings), and only ids, dates, statuses and scores are read: never a name or a note.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import astuple, dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from openipt.accounts.access import site_limit
from openipt.accounts.models import Membership, Role
from openipt.groups.models import (
    Attendance,
    Group,
    GroupSession,
    Meeting,
    MeetingKind,
    Member,
    MemberStatus,
    Outcome,
    QuickCheck,
)
from openipt.groups.models import Programme as GroupProgramme
from openipt.measures import instruments
from openipt.measures.engine.outcomes import Administration as Scored
from openipt.measures.engine.outcomes import course_outcome
from openipt.measures.models import Administration, Status
from openipt.measures.queries.outcomes import org_settings
from openipt.programmes import indicators as ind
from openipt.programmes.access import programme_groups
from openipt.programmes.models import ProgrammeSettings, ProgrammeSnapshot
from openipt.programmes.site_queries import visible_sites
from openipt.safety.models import Alert
from openipt.supervision.models import FidelityRating

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

ELIGIBLE = (Outcome.INVITED, Outcome.THINKING, Outcome.DECLINED)
OUTCOME_INSTRUMENT = "phq9"


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # inclusive
    facilitator_id: int | None = None
    group_id: int | None = None
    cohort_id: int | None = None  # a groups programme (a cohort of groups)
    site_id: int | None = None


def settings_for(organisation_id: int) -> ProgrammeSettings:
    """The organisation's programme settings (unsaved defaults when none were saved)."""
    found = ProgrammeSettings.objects.filter(organisation_id=organisation_id).first()
    return found or ProgrammeSettings(organisation_id=organisation_id)


def scoped_groups(actor: Actor, filters: Filters) -> QuerySet[Group]:
    groups = programme_groups(actor)
    if filters.facilitator_id is not None:
        groups = groups.filter(facilitator_id=filters.facilitator_id)
    if filters.group_id is not None:
        groups = groups.filter(pk=filters.group_id)
    if filters.cohort_id is not None:
        groups = groups.filter(programme_id=filters.cohort_id)
    if filters.site_id is not None:
        groups = groups.filter(site_id=filters.site_id)
    return groups


# A programme with more groups than this lists the groups and facilitators of the chosen site only (a list of
# thousands helps nobody and makes the page slow to send and draw).
MOST_LISTED = 200


def chosen_site(raw: object) -> int | None:
    """The site asked for in the query string, if it is a whole number (the form checks it is one of the actor's)."""
    return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 12 else None


def _name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def choices(actor: Actor, site_id: int | None = None) -> dict[str, list[tuple[int, str]]]:
    """The sites, facilitators, groups and cohorts the filters offer (four queries). In a programme of more than
    MOST_LISTED groups, the groups and facilitators offered are those of the chosen site (with no site chosen,
    those with no site)."""
    everything = programme_groups(actor)
    many = everything.order_by()[: MOST_LISTED + 1].count() > MOST_LISTED  # counts no further than needed, unsorted
    groups = everything.filter(**_site_is(site_id)) if many else everything
    offered = list(groups.order_by("name", "pk").values_list(
        "pk", "name", "facilitator_id", "facilitator__user__first_name", "facilitator__user__last_name",
        "facilitator__user__username"))
    leaders = {leader: _name(first, last, username) for _pk, _n, leader, first, last, username in offered}
    return {
        "facilitators": sorted(leaders.items(), key=lambda item: item[1].lower()),
        "groups": [(pk, name) for pk, name, *_rest in offered],
        "cohorts": list(  # those with a group here; each asked of an index, not by reading every group
            GroupProgramme.objects.filter(Exists(everything.filter(programme_id=OuterRef("pk"))))
            .order_by("name", "pk")
            .values_list("pk", "name")
        ),
        "sites": [(site.pk, site.name) for site in visible_sites(actor)],
    }


def facilitator_names(groups: QuerySet[Group]) -> dict[int, str]:
    """The name of every facilitator of these groups (one query), for the facilitator table."""
    return {
        pk: _name(first, last, username)
        for pk, first, last, username in groups.values_list(
            "facilitator_id", "facilitator__user__first_name", "facilitator__user__last_name",
            "facilitator__user__username",
        ).distinct()
    }


def names_of(actor: Actor, pks: list[int]) -> dict[int, str]:
    """The names of these members of the actor's organisation (one query), for the kept facilitator rows."""
    return {
        pk: _name(first, last, username)
        for pk, first, last, username in Membership.objects.filter(
            pk__in=pks or [0], organisation_id=actor.organisation_id  # [0]: one query even for none
        ).values_list("pk", "user__first_name", "user__last_name", "user__username")
    }


def _bounds(filters: Filters) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(filters.start, time.min, tzinfo=zone)
    end = datetime.combine(filters.end + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def cohort(actor: Actor, filters: Filters, *, now: datetime | None = None) -> ind.Cohort:
    """Read the cohort for the actor's groups under the filters (nine queries, whatever the size)."""
    return cohort_of(scoped_groups(actor, filters), actor.organisation_id, filters, now=now)


def cohort_of(
    groups: QuerySet[Group], organisation_id: int, filters: Filters, *, now: datetime | None = None
) -> ind.Cohort:
    """Read the cohort of these groups (already scoped to who is asking, or to the organisation for the refresh)."""
    group_ids = groups.values("pk")
    start, end = _bounds(filters)
    now = now or timezone.now()

    screened: dict[int, bool] = {}
    for client_id, outcome in Meeting.objects.filter(
        group_id__in=group_ids,
        kind=MeetingKind.PRE_GROUP,
        held_on__gte=filters.start,
        held_on__lte=filters.end,
    ).values_list("client_id", "outcome"):
        screened[client_id] = screened.get(client_id, False) or outcome in ELIGIBLE

    enrolled = Member.objects.filter(
        group_id__in=group_ids, joined_on__gte=filters.start, joined_on__lte=filters.end
    )
    members = list(enrolled.values_list("pk", "course_id", "status", "group__facilitator_id"))
    # subqueries, not lists of ids: the same queries however many members (and no list too long for SQLite)
    attended, scores = attendance_and_scores(enrolled)
    cutoff = org_settings(organisation_id).case_cutoff(OUTCOME_INSTRUMENT)
    enrolments = [
        _enrolment(
            pk,
            facilitator,
            attended.get(pk, 0),
            status == MemberStatus.FINISHED,
            scores.get(course_id, []),
            cutoff,
        )
        for pk, course_id, status, facilitator in members
    ]

    checked = set(
        QuickCheck.objects.filter(
            session__group_id__in=group_ids,
            session__held=True,
            session__scheduled_start__gte=start,
            session__scheduled_start__lt=end,
        ).values_list("session_id", "member_id")
    )
    marks = [
        ind.Mark(facilitator, number, presence == "present", (session_id, member_id) in checked)
        for session_id, member_id, presence, number, facilitator in Attendance.objects.filter(
            session__group_id__in=group_ids,
            session__held=True,
            session__scheduled_start__gte=start,
            session__scheduled_start__lt=end,
        )
        .exclude(presence="")
        .values_list(
            "session_id", "member_id", "presence", "session__number", "session__group__facilitator_id"
        )
    ]

    alerts = alerts_of(groups, filters, now=now)

    ratings = [
        ind.Rating(rated, score)
        for rated, score in FidelityRating.objects.filter(
            Q(target_kind="group_session"),
            is_current=True,
            rated_at__gte=start,
            rated_at__lt=end,
            target_id__in=GroupSession.objects.filter(group_id__in=group_ids).values("pk"),
        ).values_list("rated_id", "score_percent")
    ]
    return ind.Cohort([ind.Screening(c, e) for c, e in screened.items()], enrolments, marks, alerts, ratings)


def alerts_of(groups: QuerySet[Group], filters: Filters, *, now: datetime | None = None) -> list[ind.Alert]:
    """The risk alerts raised in the period for members of these groups (one query), each under the facilitator
    of the client's latest group. Always read from the records: a dashboard showing kept figures counts its
    alerts with this, so a new alert is never missing from it."""
    group_ids = groups.values("pk")
    start, end = _bounds(filters)
    now = now or timezone.now()
    # the client's latest membership (by joining) in these groups names the facilitator: a subquery for each
    # alert found (found by the client's index), so the alerts and their facilitators come in one query
    latest = (Member.objects.filter(group_id__in=group_ids, client_id=OuterRef("client_id"))
              .order_by("-joined_on", "-pk").values("group__facilitator_id")[:1])
    found = (
        Alert.objects.filter(
            client_id__in=Member.objects.filter(group_id__in=group_ids).values("client_id"),
            raised_at__gte=start,
            raised_at__lt=end,
        )
        .order_by()  # the order of alerts does not change the counts; no sort
        .annotate(facilitator=Subquery(latest))
        .values_list("facilitator", "raised_at", "acknowledged_at", "schedule")
    )
    return [_alert(facilitator, when, acked, schedule, now) for facilitator, when, acked, schedule in found]


def _enrolment(
    member: int, facilitator: int, attended: int, completed: bool, scored: list[Scored], cutoff: int | None
) -> ind.Enrolment:
    instrument = instruments.get(OUTCOME_INSTRUMENT)
    if instrument is None or not scored:
        return ind.Enrolment(member, facilitator, attended, completed, False, True, False, False)
    outcome = course_outcome(instrument, scored, case_cutoff=cutoff)
    case = outcome.caseness_start.status != "not_case"
    return ind.Enrolment(
        member,
        facilitator,
        attended,
        completed,
        outcome.reliable_change.status == "improvement",
        case,
        outcome.response.status == "response",
        outcome.remission.status == "remission",
    )


def _alert(
    facilitator: int, raised: datetime, acked: datetime | None, schedule: object, now: datetime
) -> ind.Alert:
    """Minutes to acknowledgement, and whether it went past the escalation policy's second step unacknowledged."""
    minutes = None if acked is None else (acked - raised).total_seconds() / 60
    steps = (
        [step[0] for step in schedule if isinstance(step, list) and step]
        if isinstance(schedule, list)
        else []
    )
    late_after = steps[1] if len(steps) > 1 and isinstance(steps[1], int | float) else None
    waited = minutes if minutes is not None else (now - raised).total_seconds() / 60
    return ind.Alert(facilitator, minutes, late_after is not None and waited > late_after)


def _site_is(site: int | None) -> dict[str, object]:
    """The lookup for one site's kept figures, or the whole organisation's (site None)."""
    return {"site__isnull": True} if site is None else {"site_id": site}


# How old kept figures may be before the dashboard computes its own instead (the refresh runs hourly).
SNAPSHOT_FRESH = timedelta(hours=26)


def snapshot_for(actor: Actor, filters: Filters, settings: ProgrammeSettings, default: tuple[date, date]) -> (
    ProgrammeSnapshot | None
):
    """The kept figures that answer exactly this request, or None (one query, or none when none can).

    Only for the default period with no facilitator, group or group programme chosen. A manager or an admin gets
    the figures of the whole organisation, or of a site (their own when they are limited to one); a supervisor
    with no site chosen gets those of their own groups (`supervisor_snapshot`), kept for the site they were in.
    """
    if actor.role not in (Role.MANAGER, Role.ADMIN, Role.SUPERVISOR) or (filters.start, filters.end) != default:
        return None
    if filters.facilitator_id is not None or filters.group_id is not None or filters.cohort_id is not None:
        return None
    limit = site_limit(actor)
    if actor.role == Role.SUPERVISOR:
        if filters.site_id is not None:
            return None  # a chosen site narrows their groups: count them now
        found = ProgrammeSnapshot.objects.filter(
            organisation_id=actor.organisation_id, supervisor_id=actor.membership.pk, start=filters.start,
            end=filters.end, min_sessions=settings.min_sessions, computed_at__gte=timezone.now() - SNAPSHOT_FRESH,
        ).first()
        # kept while they were in another site, or before a supervisee moved: their groups were others
        scope = {"site_limit": limit,
                 "groups": sorted(scoped_groups(actor, filters).values_list("pk", flat=True)) if found else None}
    else:
        site = filters.site_id if limit is None else limit
        if limit is not None and filters.site_id not in (None, limit):
            return None
        found = ProgrammeSnapshot.objects.filter(
            organisation_id=actor.organisation_id, **_site_is(site), supervisor__isnull=True, start=filters.start,
            end=filters.end, min_sessions=settings.min_sessions, computed_at__gte=timezone.now() - SNAPSHOT_FRESH,
        ).first()
        scope = {}
    wanted = {"threshold": settings.suppress_below, "targets": list(astuple(settings.targets())), **scope}
    if found is None or any(found.figures.get(key) != value for key, value in wanted.items()):
        return None  # kept with other settings: count again
    return found


def attendance_and_scores(enrolled: QuerySet[Member]) -> tuple[dict[int, int], dict[int, list[Scored]]]:
    """Sessions attended per member, and each course's outcome scores in order of sessions (two queries, by
    subquery: the same queries however many members, and no list of ids too long for SQLite)."""
    attended = dict(
        Attendance.objects.filter(member_id__in=enrolled.values("pk"), presence="present")
        .values("member_id")
        .annotate(n=Count("pk"))
        .values_list("member_id", "n")
    )
    scores: dict[int, list[Scored]] = defaultdict(list)
    for course_id, completed_at, number, total in Administration.objects.filter(
        course_id__in=enrolled.values("course_id"),
        instrument_code=OUTCOME_INSTRUMENT,
        status=Status.COMPLETED,
        total__isnull=False,
    ).values_list("course_id", "completed_at", "session_number", "total"):
        day = timezone.localtime(completed_at).date()
        # A group's symptom checks are stored without a session number; each day with a score is one session.
        scores[course_id].append(Scored(day, number if number is not None else day.toordinal(), total))
    return attended, scores
