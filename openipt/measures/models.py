"""Measurement-based care: schedules, administrations, one-time links and organisation settings.

Only data and database constraints live here. Every change goes through `actions.py`; scoring
and outcomes are the pure engine in `engine/`, and exports the pure `interop/` package.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from openipt.accounts.models import Membership, Organisation
from openipt.clients.models import Client
from openipt.courses.models import Course, Session

PHQ9_CUTOFF_RANGE = (5, 20)
GAD7_CUTOFF_RANGE = (5, 15)


class MeasuresSettings(models.Model):
    """An organisation's choices for measurement-based care."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="measures_settings")
    wait_sessions = models.PositiveSmallIntegerField(
        _("sessions to wait before a not-on-track signal"), default=4,
        help_text=_("Some people improve late. No amber or red from the expected path is shown before this session "
                    "(a reliable rise in scores is shown at once)."),
    )
    use_own_trajectories = models.BooleanField(
        _("use our own completed courses for the expected path"), default=True,
        help_text=_("When there are enough completed courses (30 per starting level), the expected path comes "
                    "from them instead of the default table."),
    )
    link_days = models.PositiveSmallIntegerField(_("days a questionnaire link stays valid"), default=7)
    # Who counts as a case at the start (response, remission and recovery are only given for cases):
    # PHQ-9 10 or more and GAD-7 8 or more by default (docs/clinical/sources.md, "Outcomes").
    phq9_case_cutoff = models.PositiveSmallIntegerField(_("PHQ-9 score that counts as a case"), default=10)
    gad7_case_cutoff = models.PositiveSmallIntegerField(_("GAD-7 score that counts as a case"), default=8)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(phq9_case_cutoff__gte=PHQ9_CUTOFF_RANGE[0])
                                   & Q(phq9_case_cutoff__lte=PHQ9_CUTOFF_RANGE[1]), name="measures_phq9_case_cutoff_range"),
            models.CheckConstraint(condition=Q(gad7_case_cutoff__gte=GAD7_CUTOFF_RANGE[0])
                                   & Q(gad7_case_cutoff__lte=GAD7_CUTOFF_RANGE[1]), name="measures_gad7_case_cutoff_range"),
            models.CheckConstraint(condition=Q(wait_sessions__gte=1) & Q(wait_sessions__lte=20), name="measures_wait_1_to_20"),
            models.CheckConstraint(condition=Q(link_days__gte=1) & Q(link_days__lte=30), name="measures_link_days_1_to_30"),
        ]

    def __str__(self) -> str:
        return f"measures settings of organisation {self.organisation_id}"

    def case_cutoff(self, code: str) -> int | None:
        """The organisation's case cut-off for an instrument code (None: the instrument's own)."""
        return {"phq9": self.phq9_case_cutoff, "gad7": self.gad7_case_cutoff}.get(code)


class MeasurePlan(models.Model):
    """Marks that a course's questionnaire schedule has been set up (so defaults are made once)."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="measure_plan")
    created_at = models.DateTimeField()
    defaults_applied = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"measures plan of course {self.course_id}"


class Rule(models.TextChoices):
    EVERY_SESSION = "every_session", _("Every session")
    EVERY_N = "every_n", _("Every few sessions")
    START_END = "start_end", _("At the start and the end")
    DATES = "dates", _("On set dates")


class Schedule(models.Model):
    """When one questionnaire is due in a course."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="measure_schedules", db_index=False)
    instrument_code = models.CharField(max_length=40)
    rule = models.CharField(max_length=16, choices=Rule.choices)
    every_n = models.PositiveSmallIntegerField(null=True, blank=True)
    at_start = models.BooleanField(default=False)
    at_end = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "instrument_code"], name="one_schedule_per_instrument"),
            models.CheckConstraint(condition=Q(rule__in=Rule.values), name="schedule_rule_valid"),
            models.CheckConstraint(condition=~Q(instrument_code=""), name="schedule_has_instrument"),
            models.CheckConstraint(
                condition=(Q(rule=Rule.EVERY_N) & Q(every_n__gte=2) & Q(every_n__lte=52))
                | (~Q(rule=Rule.EVERY_N) & Q(every_n__isnull=True)),
                name="schedule_every_n_only_for_every_n",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_code} {self.rule} in course {self.course_id}"

    def applies_to(self, number: int, planned: int) -> bool:
        """Return True when the questionnaire is due at session `number` of a `planned`-session contract."""
        if self.rule == Rule.EVERY_SESSION:
            return True
        if self.rule == Rule.START_END:
            return number in (1, planned)
        if self.rule == Rule.EVERY_N and self.every_n is not None:  # the database requires every_n with this rule
            return number % self.every_n == 0 or (self.at_start and number == 1) or (self.at_end and number == planned)
        return False


class ScheduleDate(models.Model):
    """One date on which a questionnaire with the "on set dates" rule is due."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="dates")
    on = models.DateField()

    class Meta:
        ordering = ["on"]
        constraints = [models.UniqueConstraint(fields=["schedule", "on"], name="one_schedule_date")]
        indexes = [models.Index(fields=["on"])]

    def __str__(self) -> str:
        return str(self.on)


class Status(models.TextChoices):
    IN_PROGRESS = "in_progress", _("Being filled in")
    COMPLETED = "completed", _("Completed")


class Source(models.TextChoices):
    PORTAL = "portal", _("Client, in the portal")
    STAFF = "staff", _("Entered by staff")
    LINK = "link", _("Client, by a one-time link")
    IMPORT = "import", _("Imported (FHIR)")
    SMS = "sms", _("Client, by text message (SMS)")


class OneTimeLink(models.Model):
    """A link that lets a client fill in what is due without signing in; only its hash is stored."""

    token_hash = models.CharField(max_length=64, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="measure_links")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="measure_links")
    due_keys = models.JSONField(default=list)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(expires_at__gt=F("created_at")), name="link_expires_after_creation")]

    def __str__(self) -> str:
        return f"questionnaire link {self.pk} for client {self.client_id}"


class Administration(models.Model):
    """One questionnaire given once: the answers, how they were scored, and where they came from."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The composite indexes below start with organisation, client and course, so those need no index of their own.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="measure_administrations", db_index=False)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="measure_administrations", db_index=False)
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="measure_administrations", db_index=False)
    session_number = models.PositiveSmallIntegerField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    due_key = models.CharField(max_length=80, blank=True, default="")
    instrument_code = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=200)
    answers = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    total = models.SmallIntegerField(null=True, blank=True)
    band = models.CharField(max_length=40, blank=True, default="")
    prorated = models.BooleanField(default=False)
    flags = models.JSONField(default=list, blank=True)
    screen_positive = models.BooleanField(null=True, blank=True)
    screen_cutoff = models.SmallIntegerField(null=True, blank=True)
    sex_used = models.CharField(max_length=10, blank=True, default="")
    source = models.CharField(max_length=8, choices=Source.choices)
    entered_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   db_index=False)
    entered_by_role = models.CharField(max_length=20, blank=True, default="")
    link = models.ForeignKey(OneTimeLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="administrations")
    external_id = models.CharField(max_length=300, blank=True, default="")
    safety_followup = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["completed_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="administration_status_valid"),
            models.CheckConstraint(condition=Q(source__in=Source.values), name="administration_source_valid"),
            models.CheckConstraint(condition=~Q(instrument_code=""), name="administration_has_instrument"),
            models.CheckConstraint(
                condition=Q(status=Status.IN_PROGRESS) | Q(completed_at__isnull=False),
                name="completed_administration_has_time",
            ),
            models.CheckConstraint(condition=Q(total__isnull=True) | Q(total__gte=0), name="administration_total_not_negative"),
            models.CheckConstraint(
                condition=Q(session_number__isnull=True) | Q(session_number__gte=1), name="administration_session_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.IN_PROGRESS) | ~Q(source=Source.IMPORT), name="imports_are_complete"
            ),
            models.UniqueConstraint(fields=["client", "due_key"], condition=~Q(due_key=""), name="one_administration_per_due_item"),
            models.UniqueConstraint(
                fields=["organisation", "external_id"], condition=~Q(external_id=""), name="one_import_per_identifier"
            ),
        ]
        indexes = [
            models.Index(fields=["client", "instrument_code", "status"]),
            models.Index(fields=["course", "instrument_code", "status"]),
            models.Index(fields=["organisation", "status", "completed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_code} {self.status} for client {self.client_id}"

    @property
    def is_completed(self) -> bool:
        return self.status == Status.COMPLETED

    @property
    def unanswered_safety_items(self) -> list[str]:
        """Safety questions of a completed questionnaire that have no answer (HAZ-022)."""
        from openipt.measures import instruments, safety_items

        inst = instruments.get(self.instrument_code)
        if inst is None or not self.is_completed:
            return []
        return safety_items.unanswered(inst, self.answers or {})

    @property
    def unanswered_safety_words(self) -> str:
        """"The suicide question was not answered (question 9)." when it was not; otherwise ""."""
        from openipt.measures import instruments, safety_items

        if not self.unanswered_safety_items:
            return ""
        inst = instruments.get(self.instrument_code)
        return safety_items.unanswered_words(inst) if inst is not None else ""

    @property
    def safety_answer_followup(self) -> bool:
        """True when an answer itself needs a safety follow-up (not only a safety question left blank)."""
        return bool(self.flags) or (self.safety_followup and not self.unanswered_safety_items)


class ExpectedTable(models.Model):
    """An organisation's expected-trajectory table for one instrument, derived from its completed courses."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    instrument_code = models.CharField(max_length=40)
    data = models.JSONField()
    courses = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "instrument_code"], name="one_table_per_instrument")]

    def __str__(self) -> str:
        return f"expected table {self.instrument_code} of organisation {self.organisation_id}"


class InstrumentVersion(models.Model):
    """A validated translation of an instrument, installed by a site as data (docs/guides/languages.md).

    OpenIPT ships English wording only. The file's text is kept whole, with where it comes from (the
    licence holder), its licence, the study that validated it, and who installed it and when. It was
    checked against the English instrument when installed (same items, answers and scoring) and is
    checked again each time it is read, so an English file that changes later never meets a stale version.
    """

    # The organisation that holds the licence: only its clients see this version (another organisation on the
    # same server may hold no licence for it).
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    instrument_code = models.CharField(max_length=40)
    language = models.CharField(max_length=12)
    source = models.TextField()
    licence = models.TextField()
    validation = models.TextField()
    text = models.TextField()
    digest = models.CharField(max_length=64)
    installed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    installed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "instrument_code", "language"],
                                               name="one_version_per_language")]

    def __str__(self) -> str:
        return f"{self.instrument_code} ({self.language})"
