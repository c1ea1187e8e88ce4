"""Group IPT: programmes, groups, members, group sessions, individual meetings, attendance, reports.

Only data and database constraints live here. Every change goes through `actions.py`; the
schedule and phase rules are the pure functions in `schedule.py`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from openipt.accounts.models import Membership, Organisation, Site
from openipt.clients.models import Client
from openipt.core.models import TimeStamped
from openipt.courses.models import Course

# Bounds from the protocol's group format (formats.yaml: size 4-14, sessions 8-16).
SIZE_MIN, SIZE_MAX = 4, 14
SESSIONS_MIN, SESSIONS_MAX = 8, 16
# How many days a facilitator's tablet may keep the groups without a sync (the offline app wipes its copy after).
OFFLINE_DAYS_MIN, OFFLINE_DAYS_MAX, OFFLINE_DAYS_DEFAULT = 1, 60, 7


class Programme(TimeStamped):
    """The settings a community programme (or a whole organisation) uses for its groups."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="group_programmes")
    name = models.CharField(_("programme name"), max_length=120)
    min_members = models.PositiveSmallIntegerField(_("fewest members"), default=SIZE_MIN)
    max_members = models.PositiveSmallIntegerField(_("most members"), default=SIZE_MAX)
    sessions_default = models.PositiveSmallIntegerField(_("group sessions"), default=SESSIONS_MIN)
    last_join_session = models.PositiveSmallIntegerField(
        _("no new members after session"), default=2,
        help_text=_("Once this group session has been held, nobody new may join."))
    require_signoff = models.BooleanField(
        _("a facilitator needs a competency sign-off to lead alone"), default=False)
    offline_days = models.PositiveSmallIntegerField(
        _("days a tablet may go without a sync"), default=OFFLINE_DAYS_DEFAULT,
        help_text=_("After this many days without a connection, a tablet removes its copy of the groups."))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="group_programme_name_unique"),
            models.CheckConstraint(
                condition=Q(min_members__gte=SIZE_MIN) & Q(max_members__lte=SIZE_MAX) & Q(min_members__lte=F("max_members")),
                name="group_programme_size_range"),
            models.CheckConstraint(
                condition=Q(sessions_default__gte=SESSIONS_MIN) & Q(sessions_default__lte=SESSIONS_MAX),
                name="group_programme_sessions_range"),
            models.CheckConstraint(condition=Q(last_join_session__lte=SESSIONS_MAX), name="group_programme_join_range"),
            models.CheckConstraint(condition=Q(offline_days__gte=OFFLINE_DAYS_MIN) & Q(offline_days__lte=OFFLINE_DAYS_MAX),
                                   name="group_programme_offline_days_range"),
        ]

    def __str__(self) -> str:
        return self.name


class GroupStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    ENDED = "ended", _("Ended")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Group(TimeStamped):
    """One IPT group: who leads it, who supervises, when and where it meets."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="ipt_groups")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(_("group name"), max_length=120)
    facilitator = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="groups_led")
    co_facilitator = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="groups_co_led")
    supervisor = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="groups_supervised")
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)
    start_time = models.TimeField(_("start time"))
    session_minutes = models.PositiveSmallIntegerField(_("minutes per session"), default=90)
    sessions_planned = models.PositiveSmallIntegerField(_("number of group sessions"))
    start_date = models.DateField(_("first session on or after"))
    language = models.CharField(_("language"), max_length=60)
    location = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=GroupStatus.choices, default=GroupStatus.PLANNED)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="groups")

    class Meta:
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=GroupStatus.values), name="group_status_valid"),
            models.CheckConstraint(condition=Q(weekday__gte=0) & Q(weekday__lte=6), name="group_weekday_valid"),
            models.CheckConstraint(
                condition=Q(sessions_planned__gte=SESSIONS_MIN) & Q(sessions_planned__lte=SESSIONS_MAX),
                name="group_sessions_range"),
            models.CheckConstraint(
                condition=Q(session_minutes__gte=30) & Q(session_minutes__lte=180), name="group_minutes_sane"),
            models.CheckConstraint(condition=~Q(co_facilitator=F("facilitator")), name="group_co_differs"),
            models.CheckConstraint(condition=~Q(location="") | ~Q(video_link=""), name="group_has_place"),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["facilitator", "status"]),
            models.Index(fields=["supervisor", "status"]),
            # the programme dashboard's list of group programmes in use (read from the index alone)
            models.Index(fields=["organisation", "programme"], name="group_org_programme_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("In the group")
    LEFT = "left", _("Left the group")
    FINISHED = "finished", _("Finished")


class Member(TimeStamped):
    """A client in a group, with their own course of group IPT (problem area, goals, measures)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="group_memberships")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="group_memberships")
    status = models.CharField(max_length=10, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    joined_on = models.DateField()
    problem_words = models.CharField(_("problem in plain words"), max_length=500, blank=True)
    added_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["client__given_name", "client__family_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "client"], name="group_member_once"),
            models.UniqueConstraint(fields=["client"], condition=Q(status="active"), name="one_active_group_per_client"),
            models.CheckConstraint(condition=Q(status__in=MemberStatus.values), name="group_member_status_valid"),
        ]

    def __str__(self) -> str:
        return f"member {self.client_id} of group {self.group_id}"


class GroupSession(TimeStamped):
    """One meeting of the group, numbered in the schedule, with its phase and the facilitator's notes."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    scheduled_start = models.DateTimeField()
    phase = models.CharField(max_length=12)
    held = models.BooleanField(default=False)
    # who led the group when the session was held (the facilitator may change later; fidelity ratings go to this person)
    led_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    notes = models.TextField(_("session notes"), blank=True)
    done_step_ids = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="group_session_number_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="group_session_number_positive"),
            models.CheckConstraint(condition=Q(phase__in=["initial", "middle", "termination"]),
                                   name="group_session_phase_valid"),
        ]
        indexes = [models.Index(fields=["scheduled_start"])]

    def __str__(self) -> str:
        return f"session {self.number} of group {self.group_id}"


class Presence(models.TextChoices):
    PRESENT = "present", _("Came")
    ABSENT = "absent", _("Did not come")
    EXCUSED = "excused", _("Said they could not come")


class Attendance(models.Model):
    """One member's mark for one group session, with what they will try this week."""

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attendance")
    presence = models.CharField(max_length=10, choices=Presence.choices, blank=True)
    will_try = models.CharField(_("will try this week"), max_length=500, blank=True)
    marked_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="group_attendance_once"),
            models.CheckConstraint(condition=Q(presence__in=["", *Presence.values]), name="group_presence_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.presence or 'unmarked'} for member {self.member_id}"


class QuickCheck(models.Model):
    """A symptom check the facilitator entered for a member in a group session (a measures administration)."""

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="quick_checks")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="quick_checks")
    administration = models.ForeignKey("measures.Administration", on_delete=models.PROTECT, related_name="+")
    instrument_code = models.CharField(max_length=20)
    total = models.SmallIntegerField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="group_quick_check_once")]

    def __str__(self) -> str:
        return f"{self.instrument_code} {self.total} for member {self.member_id}"


class AppliedChange(models.Model):
    """A change sent from facilitator mode, by its client-made key, so a replay is applied only once."""

    key = models.CharField(max_length=64, unique=True)
    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    result = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"change {self.key}"


class MeetingKind(models.TextChoices):
    PRE_GROUP = "pre_group", _("Before the group")
    MID_GROUP = "mid_group", _("Half way through")


class Outcome(models.TextChoices):
    INVITED = "invited", _("Invited and said yes")
    THINKING = "thinking", _("Invited, still deciding")
    DECLINED = "declined", _("Invited, said no")
    REFERRED = "referred", _("Not invited: referred for urgent help")
    NOT_SUITABLE = "not_suitable", _("Not invited: other reason")


class Meeting(TimeStamped):
    """An individual meeting with a (prospective) member, before or half way through the group."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="group_meetings")
    kind = models.CharField(max_length=10, choices=MeetingKind.choices)
    held_on = models.DateField()
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    phq9 = models.ForeignKey("measures.Administration", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    mood_link = models.TextField(_("how low mood and relationships are linked"), blank=True)
    problem_area = models.CharField(_("problem area"), max_length=40, blank=True)
    problem_words = models.CharField(_("the problem in their words"), max_length=500, blank=True)
    goal = models.CharField(_("their goal for the group"), max_length=500, blank=True)
    current_plan = models.BooleanField(_("has a plan to end their life now"), null=True)
    recent_attempt = models.BooleanField(_("tried to end their life in the last 3 months"), null=True)
    outcome = models.CharField(max_length=14, choices=Outcome.choices, blank=True)
    referral = models.TextField(_("referral made"), blank=True)
    notes = models.TextField(blank=True)
    done_step_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MeetingKind.values), name="group_meeting_kind_valid"),
            models.CheckConstraint(condition=Q(outcome__in=["", *Outcome.values]), name="group_meeting_outcome_valid"),
            # A current plan or a recent attempt means a referral, never an invitation.
            models.CheckConstraint(
                condition=~(Q(current_plan=True) | Q(recent_attempt=True)) | Q(outcome="referred"),
                name="group_meeting_risk_means_referral"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} meeting with client {self.client_id}"


class SessionReport(models.Model):
    """The facilitator's short report after a group session, and the supervisor's reply."""

    session = models.OneToOneField(GroupSession, on_delete=models.CASCADE, related_name="report")
    went_well = models.TextField(_("what went well"))
    was_hard = models.TextField(_("what was hard"), blank=True)
    concerns = models.TextField(_("members I am worried about"), blank=True)
    help_wanted = models.TextField(_("what I would like help with"), blank=True)
    filed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField()
    reply = models.TextField(blank=True)
    replied_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    replied_at = models.DateTimeField(null=True, blank=True)
    reply_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(went_well=""), name="group_report_has_text"),
            models.CheckConstraint(condition=Q(reply="") | Q(replied_by__isnull=False), name="group_reply_has_author"),
        ]

    def __str__(self) -> str:
        return f"report on group session {self.session_id}"


class HoldState(models.TextChoices):
    OPEN = "", _("Needs a supervisor's decision")
    PAUSED = "paused", _("Remaining sessions paused")
    CONTINUES = "continues", _("Continues by a supervisor's decision")


class SoloLeadHold(models.Model):
    """A group that someone led alone when their sign-off to lead a group alone was withdrawn (HAZ-041).

    Made in the transaction that withdraws the sign-off. It needs a person: while the withdrawn person still
    leads the group, the group has not ended and none of its leaders holds a live sign-off, it is shown to the
    group's supervisors, on the group's page and to the facilitator until a supervisor or admin pauses the
    group's remaining sessions or decides it continues (a reason and a review date; after that date it needs
    a decision again). Adding a signed-off leader (the group's staff actions), signing the person off again or
    ending the group ends the need without a row change: `queries.holds` checks those each time.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="solo_lead_holds")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    signoff = models.ForeignKey("supervision.SignOff", on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=HoldState.choices, default=HoldState.OPEN, blank=True)
    reason = models.TextField(blank=True)
    review_on = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "signoff"], name="solo_lead_hold_once"),
            models.CheckConstraint(condition=Q(state__in=HoldState.values), name="solo_lead_hold_state_valid"),
            models.CheckConstraint(
                condition=~Q(state="continues") | (~Q(reason="") & Q(review_on__isnull=False)),
                name="solo_lead_hold_continue_has_reason_and_review"),
        ]
        indexes = [models.Index(fields=["organisation", "state"])]

    def __str__(self) -> str:
        return f"solo-lead hold on group {self.group_id}"
