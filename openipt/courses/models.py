"""Treatment courses of IPT: the contract, the chosen focus, phases, sessions, notes and goals.

Only data and database constraints live here. Every change goes through `actions.py`; the
functions that decide phases and transitions are the pure ones in `lifecycle.py`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from openipt.accounts.models import Membership, Organisation
from openipt.clients.models import Client
from openipt.core.models import TimeStamped


class CourseStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    ENDED_EARLY = "ended_early", _("Ended early")
    MAINTENANCE = "maintenance", _("Maintenance")


# A client has at most one course of a format in these statuses at a time.
OPEN_STATUSES = (CourseStatus.PLANNED, CourseStatus.ACTIVE, CourseStatus.MAINTENANCE)


class Phase(models.TextChoices):
    INITIAL = "initial", _("Initial phase")
    MIDDLE = "middle", _("Middle phase")
    TERMINATION = "termination", _("Termination phase")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")


class Course(TimeStamped):
    """One course of IPT for one client: its contract, focus, phase and ending."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="courses")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="courses")
    format_id = models.CharField(_("format"), max_length=40)
    therapist = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="courses")
    start_date = models.DateField(_("start date"))
    # The treatment contract.
    sessions_planned = models.PositiveSmallIntegerField(_("number of sessions"))
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices)
    initial_sessions = models.PositiveSmallIntegerField(_("sessions in the initial phase"), null=True, blank=True)
    planned_end_date = models.DateField(_("planned last session"))
    contract_agreed_on = models.DateField(_("date the client agreed the contract"), null=True, blank=True)
    # The focus: problem areas. The formulation itself is stored once, in the assessment app's versions
    # (openipt/courses/formulation.py reads it).
    primary_area = models.CharField(_("problem area"), max_length=40, blank=True)
    primary_rationale = models.TextField(_("why this area"), blank=True)
    dispute_stage = models.CharField(_("stage of the dispute"), max_length=20, blank=True)
    secondary_area = models.CharField(_("second problem area"), max_length=40, blank=True)
    secondary_rationale = models.TextField(_("why the second area"), blank=True)
    # Where the course stands.
    status = models.CharField(max_length=12, choices=CourseStatus.choices, default=CourseStatus.PLANNED)
    phase = models.CharField(max_length=12, choices=Phase.choices, default=Phase.INITIAL)
    early_termination_reason = models.TextField(blank=True)
    end_reason = models.TextField(_("reason for ending early"), blank=True)
    ended_on = models.DateField(null=True, blank=True)
    # The ending.
    relapse_warning_signs = models.TextField(_("warning signs"), blank=True)
    relapse_what_helps = models.TextField(_("what helps"), blank=True)
    relapse_contacts = models.TextField(_("who to contact"), blank=True)
    end_review = models.TextField(_("end review"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "format_id"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="one_open_course_per_client_and_format",
                violation_error_message=_("This client already has an open course of this format."),
            ),
            models.CheckConstraint(condition=Q(status__in=CourseStatus.values), name="course_status_valid"),
            models.CheckConstraint(condition=Q(phase__in=Phase.values), name="course_phase_valid"),
            models.CheckConstraint(condition=Q(frequency__in=Frequency.values), name="course_frequency_valid"),
            models.CheckConstraint(condition=Q(sessions_planned__gte=1), name="course_has_sessions"),
            models.CheckConstraint(condition=Q(planned_end_date__gte=F("start_date")), name="course_ends_after_start"),
            models.CheckConstraint(condition=~Q(format_id=""), name="course_has_format"),
            models.CheckConstraint(
                condition=~Q(status=CourseStatus.ENDED_EARLY) | ~Q(end_reason=""), name="course_early_end_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(secondary_area="") | (~Q(primary_area="") & ~Q(secondary_area=F("primary_area"))),
                name="course_secondary_area_differs",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["therapist", "status"]),
            models.Index(fields=["client", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.format_id} course for {self.client_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ContractChange(models.Model):
    """A renegotiated contract: the old and new count and frequency, why, and when the client agreed."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="contract_changes")
    old_sessions = models.PositiveSmallIntegerField()
    new_sessions = models.PositiveSmallIntegerField()
    old_frequency = models.CharField(max_length=12, choices=Frequency.choices)
    new_frequency = models.CharField(max_length=12, choices=Frequency.choices)
    reason = models.TextField()
    agreed_on = models.DateField()
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="contract_change_has_reason")]

    def __str__(self) -> str:
        return f"contract {self.old_sessions} -> {self.new_sessions} sessions"


class PhaseTransition(models.Model):
    """A move of a course to another phase or status."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="transitions")
    from_value = models.CharField(max_length=12)
    to_value = models.CharField(max_length=12)
    at = models.DateTimeField()
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_value or 'start'} -> {self.to_value}"


class SessionMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video")
    PHONE = "phone", _("Phone")


class Attendance(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    ATTENDED = "attended", _("Attended")
    CANCELLED = "cancelled", _("Cancelled")
    DID_NOT_ATTEND = "did_not_attend", _("Did not attend")


HELD = (Attendance.ATTENDED, Attendance.CANCELLED, Attendance.DID_NOT_ATTEND)  # count toward the contract


class Session(TimeStamped):
    """One session of a course, numbered by its place in the contract."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    scheduled_start = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=50)
    mode = models.CharField(max_length=12, choices=SessionMode.choices, default=SessionMode.IN_PERSON)
    attendance = models.CharField(max_length=16, choices=Attendance.choices, default=Attendance.SCHEDULED)
    phase = models.CharField(max_length=12, choices=Phase.choices, default=Phase.INITIAL)
    planned_step_ids = models.JSONField(default=list, blank=True)
    done_step_ids = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="one_session_per_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="session_number_positive"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=240), name="session_duration_sane"
            ),
            models.CheckConstraint(condition=Q(mode__in=SessionMode.values), name="session_mode_valid"),
            models.CheckConstraint(condition=Q(attendance__in=Attendance.values), name="session_attendance_valid"),
            models.CheckConstraint(condition=Q(phase__in=Phase.values), name="session_phase_valid"),
        ]
        indexes = [models.Index(fields=["scheduled_start"])]

    def __str__(self) -> str:
        return f"session {self.number} of course {self.course_id}"

    @property
    def is_held(self) -> bool:
        return self.attendance in HELD


class RiskLevel(models.TextChoices):
    NONE = "none", _("None")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class NoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")


NOTE_TEXT_FIELDS = ("mood", "events", "people", "strategy_work", "client_will_try", "risk_text")


class SessionNote(TimeStamped):
    """The structured note of a session; locked once signed (corrections are addenda)."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="note")
    mood = models.TextField(_("mood since the last session"), blank=True)
    events = models.TextField(_("events since the last session"), blank=True)
    people = models.TextField(_("who was involved"), blank=True)
    strategy_work = models.TextField(_("work on the strategies"), blank=True)
    techniques = models.JSONField(default=list, blank=True)
    client_will_try = models.TextField(_("what the client will try before next time"), blank=True)
    risk_reviewed = models.BooleanField(_("risk reviewed"), null=True, blank=True)
    risk_level = models.CharField(max_length=8, choices=RiskLevel.choices, default=RiskLevel.NONE)
    risk_text = models.TextField(_("risk concern"), blank=True)
    status = models.CharField(max_length=8, choices=NoteStatus.choices, default=NoteStatus.DRAFT)
    signed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    last_edited_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(risk_level__in=RiskLevel.values), name="note_risk_level_valid"),
            models.CheckConstraint(condition=Q(status__in=NoteStatus.values), name="note_status_valid"),
            models.CheckConstraint(
                condition=Q(status=NoteStatus.DRAFT) | (Q(signed_by__isnull=False) & Q(signed_at__isnull=False)),
                name="signed_note_has_signer",
            ),
        ]

    def __str__(self) -> str:
        return f"note of session {self.session_id}"

    @property
    def is_signed(self) -> bool:
        return self.status == NoteStatus.SIGNED

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name).strip() for name in NOTE_TEXT_FIELDS if name != "risk_text") and not self.techniques


class Addendum(models.Model):
    """A correction or addition to a signed note."""

    note = models.ForeignKey(SessionNote, on_delete=models.CASCADE, related_name="addenda")
    text = models.TextField()
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="addendum_has_text")]

    def __str__(self) -> str:
        return f"addendum to note {self.note_id}"


class Goal(TimeStamped):
    """A goal of the course, usually tied to a problem area."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="goals")
    area = models.CharField(max_length=40, blank=True)
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=1)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="goal_has_text")]

    def __str__(self) -> str:
        return self.text


class GoalRating(models.Model):
    """How far a goal has come, rated 0 to 10 in one session."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="ratings")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="goal_ratings")
    rating = models.PositiveSmallIntegerField()
    comment = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["session__number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "session"], name="one_rating_per_goal_and_session"),
            models.CheckConstraint(condition=Q(rating__gte=0) & Q(rating__lte=10), name="goal_rating_0_to_10"),
        ]

    def __str__(self) -> str:
        return f"{self.rating}/10"


class CalendarToken(models.Model):
    """The secret address of a therapist's calendar feed; only its hash is stored."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="calendar_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"], condition=Q(revoked_at__isnull=True), name="one_live_calendar_token"
            )
        ]

    def __str__(self) -> str:
        return f"calendar address {self.hint}… of membership {self.membership_id}"


from openipt.courses.screening_models import ScreeningAnswer  # noqa: E402,F401 - the initial-phase screening
from openipt.courses.steps_models import (  # noqa: E402,F401 - reviews, outreach and endings (issue 12)
    CourseEnding,
    CourseReview,
    OutreachAttempt,
)
