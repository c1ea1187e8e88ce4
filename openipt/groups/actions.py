"""Every change to programmes, groups and their members.

Meetings are in `meeting_actions.py`, live-session changes in `session_actions.py` and reports
in `report_actions.py`. Each function takes the Actor first, checks permission, runs in a
transaction and records an audit event.
"""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from openipt.accounts.models import Membership, Role, Site
from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients.access import visible_clients
from openipt.clients.actions import assign_care_team, clear_signal
from openipt.core.errors import ActionError, ConflictError
from openipt.courses import group_courses
from openipt.courses.models import Course
from openipt.groups import access, schedule, supervision_link
from openipt.groups.models import (
    OFFLINE_DAYS_MAX,
    OFFLINE_DAYS_MIN,
    SESSIONS_MAX,
    SESSIONS_MIN,
    SIZE_MAX,
    SIZE_MIN,
    Group,
    GroupSession,
    GroupStatus,
    Member,
    MemberStatus,
    Programme,
)

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.clients.models import Client
    from openipt.courses.start_checks import CheckResult

PROGRAMME_SAVED = register("group.programme_saved", "Group programme settings saved")
GROUP_CREATED = register("group.created", "Group set up")
GROUP_STATUS = register("group.status", "Group started or ended")
GROUP_VIEWED = register("group.viewed", "Group roster viewed")
GROUP_LIST_VIEWED = register("group.list_viewed", "Group list viewed")
MEMBER_ADDED = register("group.member_added", "Client joined a group")
MEMBER_LEFT = register("group.member_left", "Client left a group")

GROUP_FORMAT = "group"
DROPOUT_SIGNAL = "groups"  # the caseload signal for members who missed sessions (session_actions)


def day(value: date | None) -> str:
    return formats.date_format(value, "j M Y") if value else ""


def today() -> date:
    return timezone.localdate()


def _text(value: object, field: str, *, required: str | None = None, limit: int = 2000) -> str:
    text = ("" if value is None else str(value)).replace("\x00", "").strip()
    if required and not text:
        raise ActionError(required, field=field)
    if len(text) > limit:
        raise ActionError(_("This is %(n)d characters long; the most is %(max)d. Shorten it.") % {"n": len(text), "max": limit},
                          field=field)
    return text


def _whole(value: object, field: str, low: int, high: int, message: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ActionError(message, field=field)
    return value


# Programmes ---------------------------------------------------------------------------------------


@transaction.atomic
def save_programme(actor: Actor, programme_id: int | str | None = None, *, name: str, min_members: int, max_members: int, sessions_default: int,
                   last_join_session: int, require_signoff: bool, expected_version: int | None = None,
                   offline_days: int | None = None) -> Programme:
    """Create a programme, or change one's settings (`offline_days` None keeps the current limit, or the default)."""
    if not access.can_manage(actor):
        raise ActionError(_("Only an admin can change programme settings."), code="forbidden")
    name = _text(name, "name", required=_("Give the programme a name, for example the district or the project."), limit=120)
    size = _("Enter a whole number from %(lo)d to %(hi)d.") % {"lo": SIZE_MIN, "hi": SIZE_MAX}
    min_members = _whole(min_members, "min_members", SIZE_MIN, SIZE_MAX, size)
    max_members = _whole(max_members, "max_members", SIZE_MIN, SIZE_MAX, size)
    if min_members > max_members:
        raise ActionError(_("The fewest members cannot be more than the most members."), field="min_members")
    sessions_default = _whole(sessions_default, "sessions_default", SESSIONS_MIN, SESSIONS_MAX,
                              _("Enter a whole number of sessions from %(lo)d to %(hi)d.") % {"lo": SESSIONS_MIN, "hi": SESSIONS_MAX})
    last_join_session = _whole(last_join_session, "last_join_session", 0, SESSIONS_MAX,
                               _("Enter a session number from 0 (nobody joins once the group has started) to %(hi)d.")
                               % {"hi": SESSIONS_MAX})
    values: dict[str, Any] = dict(name=name, min_members=min_members, max_members=max_members,
                                  sessions_default=sessions_default, last_join_session=last_join_session,
                                  require_signoff=bool(require_signoff))
    if offline_days is not None:
        values["offline_days"] = _whole(offline_days, "offline_days", OFFLINE_DAYS_MIN, OFFLINE_DAYS_MAX,
                                        _("Enter a whole number of days from %(lo)d to %(hi)d.")
                                        % {"lo": OFFLINE_DAYS_MIN, "hi": OFFLINE_DAYS_MAX})
    clash = Programme.objects.filter(organisation_id=actor.organisation_id, name__iexact=name)
    if programme_id is None:
        if clash.exists():
            raise ActionError(_("A programme called %(name)s already exists. Choose another name.") % {"name": name}, field="name")
        programme = Programme.objects.create(organisation_id=actor.organisation_id, **values)
    else:
        found = access.programmes(actor).select_for_update().filter(pk=access._int(programme_id) or 0).first()
        if found is None:
            raise ActionError(_("That programme does not exist. Reload the page."), code="forbidden")
        programme = found
        if expected_version is not None and programme.version != expected_version:
            raise ConflictError(_("Someone else changed these settings while you were editing. Their version is shown; "
                                  "your changes are kept in the form. Check and save again."), current=programme)
        if clash.exclude(pk=programme.pk).exists():
            raise ActionError(_("A programme called %(name)s already exists. Choose another name.") % {"name": name}, field="name")
        Programme.objects.filter(pk=programme.pk).update(version=F("version") + 1, updated_at=timezone.now(), **values)
        programme.refresh_from_db()
    audit.record(PROGRAMME_SAVED.code, actor=actor, obj=programme, details={k: v for k, v in values.items() if k != "name"})
    return programme


# Groups ---------------------------------------------------------------------------------------------


def _staff(actor: Actor, membership_id: object, field: str, roles: tuple[str, ...], message: str) -> Membership | None:
    if membership_id in (None, ""):
        return None
    staff = Membership.objects.filter(pk=access._int(membership_id) or 0, organisation_id=actor.organisation_id,
                                      role__in=roles, is_active=True).select_related("user").first()
    if staff is None:
        raise ActionError(message, field=field)
    return staff


LEADER_ROLES = access.LEADER_ROLES


def leader(actor: Actor, membership_id: object, field: str, message: str) -> Membership | None:
    """An active facilitator, therapist or supervisor of the actor's organisation (None for an empty choice)."""
    return _staff(actor, membership_id, field, LEADER_ROLES, message)


def check_leaders(programme: Programme, facilitator: Membership, co: Membership | None) -> None:
    """Two different people, and someone signed off to lead a group when the programme asks for it."""
    if co is not None and co.pk == facilitator.pk:
        raise ActionError(_("The co-facilitator must be someone other than the facilitator."), field="co_facilitator")
    if programme.require_signoff and co is None and not supervision_link.is_signed_off(facilitator.pk):
        raise ActionError(
            _("%(name)s has no competency sign-off to lead a group yet, and this programme asks for one. Add a "
              "co-facilitator who has it, or ask their supervisor to sign them off first.") % {"name": facilitator.user},
            field="co_facilitator")
    if programme.require_signoff and co is not None and not (
            supervision_link.is_signed_off(facilitator.pk) or supervision_link.is_signed_off(co.pk)):
        raise ActionError(
            _("Neither facilitator has a competency sign-off to lead a group, and this programme asks for one. "
              "Choose at least one facilitator who has it."), field="co_facilitator")


def clean_details(actor: Actor, programme: Programme, *, name: object, facilitator_id: object, co_facilitator_id: object,
                  supervisor_id: object, start_time: object, session_minutes: object, language: object, location: object,
                  video_link: object) -> dict[str, Any]:
    """Check the details a group is set up with and may later change; return them as model fields."""
    name = _text(name, "name", required=_("Give the group a name members will recognise, for example the village and the day."),
                 limit=120)
    facilitator = leader(actor, facilitator_id, "facilitator", _("Choose an active facilitator or therapist."))
    if facilitator is None:
        raise ActionError(_("Choose who leads the group."), field="facilitator")
    co = leader(actor, co_facilitator_id, "co_facilitator", _("Choose an active facilitator or therapist, or nobody."))
    supervisor = _staff(actor, supervisor_id, "supervisor", (Role.SUPERVISOR,), _("Choose an active supervisor."))
    if supervisor is None:
        raise ActionError(_("Choose the supervisor who reads this group's reports."), field="supervisor")
    check_leaders(programme, facilitator, co)
    if not isinstance(start_time, time):
        raise ActionError(_("Enter the time the group starts, for example 10:00."), field="start_time")
    session_minutes = _whole(session_minutes, "session_minutes", 30, 180, _("Enter the length in minutes, from 30 to 180."))
    language = _text(language, "language", required=_("Say which language the group speaks."), limit=60)
    location = _text(location, "location", limit=200)
    video_link = _text(video_link, "video_link", limit=300)
    if video_link and not video_link.startswith("https://"):
        raise ActionError(_("A video link starts with https://. Paste the whole link."), field="video_link")
    if not location and not video_link:
        raise ActionError(_("Say where the group meets, or give the video link."), field="location")
    return dict(name=name, facilitator=facilitator, co_facilitator=co, supervisor=supervisor, start_time=start_time,
                session_minutes=session_minutes, language=language, location=location, video_link=video_link)


@transaction.atomic
def create_group(actor: Actor, *, programme_id: object, name: str, facilitator_id: object, co_facilitator_id: object = None,
                 supervisor_id: object,
                 weekday: int, start_time: time, start_date: date, sessions: int | None = None,
                 session_minutes: int = 90, language: str, location: str = "", video_link: str = "",
                 site_id: object = None) -> Group:
    """Set up a group and generate its sessions from the schedule (in its site's time zone, when it has a site)."""
    if not access.can_manage(actor):
        raise ActionError(_("Only an admin can set up a group."), code="forbidden")
    programme = access.programmes(actor).filter(pk=access._int(programme_id) or 0).first()
    if programme is None:
        raise ActionError(_("Choose one of the listed programmes."), field="programme")
    details = clean_details(actor, programme, name=name, facilitator_id=facilitator_id, co_facilitator_id=co_facilitator_id,
                            supervisor_id=supervisor_id, start_time=start_time, session_minutes=session_minutes,
                            language=language, location=location, video_link=video_link)
    if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise ActionError(_("Choose the day of the week the group meets."), field="weekday")
    if not isinstance(start_date, date) or abs((start_date - today()).days) > 366:
        raise ActionError(_("Choose a first date within a year of today."), field="start_date")
    sessions = programme.sessions_default if sessions is None else sessions
    sessions = _whole(sessions, "sessions", SESSIONS_MIN, SESSIONS_MAX,
                      _("Enter a number of group sessions from %(lo)d to %(hi)d.") % {"lo": SESSIONS_MIN, "hi": SESSIONS_MAX})
    site = None
    if site_id not in (None, ""):
        site = Site.objects.filter(pk=access._int(site_id) or 0, organisation_id=actor.organisation_id,
                                   is_active=True).first()
        if site is None:
            raise ActionError(_("Choose one of the listed sites, or no site."), field="site")
    start_time = details["start_time"]
    group = Group.objects.create(organisation_id=actor.organisation_id, programme=programme, weekday=weekday,
                                 sessions_planned=sessions, start_date=start_date, created_by=actor.membership,
                                 site=site, **details)
    tz = group_zone(group)
    GroupSession.objects.bulk_create([
        GroupSession(group=group, number=n, phase=schedule.phase_for(n, sessions),
                     scheduled_start=timezone.make_aware(datetime.combine(when, start_time), tz))
        for n, when in enumerate(schedule.session_dates(start_date, weekday, sessions), start=1)
    ])
    audit.record(GROUP_CREATED.code, actor=actor, obj=group,
                 details={"sessions": sessions, "weekday": weekday, "language": details["language"], "programme": programme.pk,
                          "site": site.pk if site else None})
    return group


def group_zone(group: Group) -> tzinfo:
    """The time zone a group's sessions are set in: its site's, or the organisation's (the server's) when it has none."""
    site = group.site if group.site_id is not None else None
    return ZoneInfo(site.time_zone) if site is not None else timezone.get_current_timezone()


def group_for_change(actor: Actor, group_id: int | str, *, lock: bool = True) -> Group:
    group = access.get_group(actor, group_id)
    if group is None:
        raise ActionError(_("That group does not exist or is not yours to change."), code="forbidden")
    if lock:
        Group.objects.select_for_update().filter(pk=group.pk).values_list("pk").first()
        # what may have changed while this request waited for the lock, including who leads the group
        group.refresh_from_db(fields=["status", "version", "sessions_planned", "facilitator", "co_facilitator",
                                      "supervisor"])
    return group


@transaction.atomic
def set_status(actor: Actor, group_id: int | str, status: str) -> Group:
    """Start (running) or end a group; ending it finishes its members' group courses."""
    group = group_for_change(actor, group_id)
    if not (access.can_manage(actor, group) or access.leads(actor, group)):
        raise ActionError(_("Only the group's facilitators or an admin can start or end it."), code="forbidden")
    allowed: dict[str, tuple[str, ...]] = {GroupStatus.PLANNED: (GroupStatus.RUNNING,), GroupStatus.RUNNING: (GroupStatus.ENDED,)}
    if status not in allowed.get(group.status, ()):
        raise ActionError(_("The group is %(status)s, so it cannot move to that step.") % {"status": group.get_status_display().lower()})
    if status == GroupStatus.RUNNING:
        count = Member.objects.filter(group=group, status=MemberStatus.ACTIVE).count()
        if count < group.programme.min_members:
            raise ActionError(_("The group has %(n)d members; this programme starts groups with at least %(min)d. "
                                "Hold more pre-group meetings first.") % {"n": count, "min": group.programme.min_members})
    Group.objects.filter(pk=group.pk).update(status=status, version=F("version") + 1, updated_at=timezone.now())
    if status == GroupStatus.RUNNING:
        group_courses.activate_group_courses(
            actor, Member.objects.filter(group=group).values_list("course_id", flat=True),
            reason=_("The group %(name)s started") % {"name": group.name})
    if status == GroupStatus.ENDED:
        finishing = list(Member.objects.filter(group=group, status=MemberStatus.ACTIVE).values_list("client_id", "course_id"))
        Member.objects.filter(group=group, status=MemberStatus.ACTIVE).update(status=MemberStatus.FINISHED,
                                                                             updated_at=timezone.now())
        group_courses.complete_group_courses(
            actor, [course_id for _client_id, course_id in finishing],
            reason=_("The group %(name)s ended") % {"name": group.name})
        for client_id, _course_id in finishing:
            clear_signal(client_id, DROPOUT_SIGNAL)
    group.refresh_from_db()
    audit.record(GROUP_STATUS.code, actor=actor, obj=group, details={"status": status})
    return group


# Members ------------------------------------------------------------------------------------------


def join_deadline_passed(group: Group) -> bool:
    """Return True when the session after which nobody may join has been held."""
    last = group.programme.last_join_session
    if last == 0:
        return group.status != GroupStatus.PLANNED
    return GroupSession.objects.filter(group=group, number=last, held=True).exists()


def _member_course(actor: Actor, client: Client, group: Group) -> Course:
    """Return the client's open group course, or start one (planned) that follows the group's schedule.

    The courses app refuses to start group courses from its own pages; the group pages start them
    through `openipt.courses.group_courses`. The course becomes active when the group starts, or
    on joining a running group, and only once its start checks have passed.
    """
    return group_courses.start_group_course(
        actor, client, therapist=group.facilitator, start_date=schedule.first_date(group.start_date, group.weekday),
        sessions=group.sessions_planned,
        reason=_("Joined the group %(name)s") % {"name": group.name}, group_id=group.pk, format_id=GROUP_FORMAT)


def checks_to_do(course: Course) -> list[CheckResult]:
    """Return the start checks the member's course still needs before it can become active (empty when done)."""
    return group_courses.checks_not_passed([course]).get(course.pk, [])


def join_refused(client: Client, missing: list[CheckResult], *, field: str = "client") -> ActionError:
    """Return the refusal for someone joining a running group before their checks before the group are done."""
    what = "; ".join(f"{r.title} ({r.detail})" for r in missing)
    return ActionError(_("This group has started, so %(name)s can join only once the checks before the group are "
                         "done. Still to do: %(what)s. Record them on their screening page (linked from their "
                         "pre-group meeting), then add them again.") % {"name": client.display_name, "what": what},
                       field=field, code="start_checks")


def care_team(actor: Actor, client: Client, group: Group) -> None:
    """Assign the group's facilitators and supervisor to the client, so alerts reach them."""
    for staff in (group.facilitator, group.co_facilitator, group.supervisor):
        if staff is not None and staff.is_active:
            assign_care_team(actor, client, staff)


def care_teams(actor: Actor, group: Group) -> list[Member]:
    """Put the group's staff on the care team of each member still in it (after a change of staff); return them."""
    members = list(Member.objects.filter(group=group, status=MemberStatus.ACTIVE).select_related("client"))
    for member in members:
        care_team(actor, member.client, group)
    return members


@transaction.atomic
def add_member(actor: Actor, group_id: int | str, client_id: int | str, *, problem_words: str = "") -> Member:
    """Add a client to a group; they get their own group course and the group's care team."""
    group = group_for_change(actor, group_id)
    if not access.can_add_members(actor, group):
        raise ActionError(_("Only the group's facilitators or an admin can add members."), code="forbidden")
    client = visible_clients(actor).filter(pk=access._int(client_id) or 0).first()
    if client is None:
        raise ActionError(_("Choose one of your clients."), field="client")
    return _add(actor, group, client, problem_words)


def _add(actor: Actor, group: Group, client: Client, problem_words: str = "") -> Member:
    if group.status == GroupStatus.ENDED:
        raise ActionError(_("This group has ended, so nobody new can join. Invite them to a new group."), field="client")
    if join_deadline_passed(group):
        last = group.programme.last_join_session
        message = (_("This group has started and this programme lets nobody join after it starts. Invite them to the next group.")
                   if last == 0 else
                   _("Session %(n)d has been held, and this programme lets nobody join after it. Invite them to the next group.")
                   % {"n": last})
        raise ActionError(message, field="client")
    already = Member.objects.filter(group=group, client=client).first()
    if already is not None and already.status == MemberStatus.ACTIVE:
        raise ActionError(_("%(name)s is already in this group.") % {"name": client.display_name}, field="client")
    elsewhere = (Member.objects.filter(client=client, status=MemberStatus.ACTIVE).exclude(group=group)
                 .select_related("group").first())
    if elsewhere is not None:
        raise ActionError(_("%(name)s is already in another group (%(group)s). Someone can be in one group at a time: "
                            "they leave that group first.") % {"name": client.display_name, "group": elsewhere.group.name},
                          field="client")
    count = Member.objects.filter(group=group, status=MemberStatus.ACTIVE).count()
    limit = group.programme.max_members
    if count >= limit:
        raise ActionError(_("The group already has %(n)d members, the most this programme allows. Invite %(name)s to "
                            "the next group, or ask an admin to change the programme's limit.")
                          % {"n": count, "name": client.display_name}, field="client")
    course = _member_course(actor, client, group)
    if group.status == GroupStatus.RUNNING:
        missing = checks_to_do(course)
        if missing:
            raise join_refused(client, missing)
        group_courses.activate_group_courses(actor, [course.pk], reason=_("Joined the group %(name)s, which has started")
                                             % {"name": group.name})
    words = _text(problem_words, "problem_words", limit=500)
    try:
        with transaction.atomic():
            if already is not None:
                Member.objects.filter(pk=already.pk).update(status=MemberStatus.ACTIVE, course=course, joined_on=today(),
                                                            problem_words=words or already.problem_words)
                member = Member.objects.get(pk=already.pk)
            else:
                member = Member.objects.create(group=group, client=client, course=course, joined_on=today(),
                                               problem_words=words, added_by=actor.membership)
    except IntegrityError:
        raise ActionError(_("%(name)s joined another group a moment ago. Reload the page.") % {"name": client.display_name},
                          field="client") from None
    care_team(actor, client, group)
    audit.record(MEMBER_ADDED.code, actor=actor, client=client, obj=member, details={"group": group.pk, "course": course.pk})
    return member


@transaction.atomic
def remove_member(actor: Actor, group_id: int | str, member_id: int | str, *, reason: str) -> Member:
    """Record that a member left the group early; their group course ends early with the reason."""
    group = group_for_change(actor, group_id)
    if not access.can_add_members(actor, group):
        raise ActionError(_("Only the group's facilitators or an admin can change who is in the group."), code="forbidden")
    member = access.active_members(actor, group).filter(pk=access._int(member_id) or 0).first()
    if member is None:
        raise ActionError(_("That person is not in this group now. Reload the page."))
    reason = _text(reason, "reason", required=_("Say why they left, for example: moved away."), limit=500)
    Member.objects.filter(pk=member.pk).update(status=MemberStatus.LEFT, updated_at=timezone.now())
    group_courses.end_group_course(actor, member.course_id, reason)
    clear_signal(member.client_id, DROPOUT_SIGNAL)
    member.refresh_from_db()
    audit.record(MEMBER_LEFT.code, actor=actor, client=member.client, obj=member, details={"group": group.pk, "reason": reason[:200]})
    return member


def record_group_view(actor: Actor, group: Group, shown: int) -> None:
    audit.record(GROUP_VIEWED.code, actor=actor, obj=group, details={"members_shown": shown})


def record_list_view(actor: Actor, shown: int) -> None:
    audit.record(GROUP_LIST_VIEWED.code, actor=actor, details={"shown": shown})
