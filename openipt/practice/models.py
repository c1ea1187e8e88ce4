"""What a client does between sessions: reading, a weekly log, worksheets, rehearsals, reminders.

Only data and database constraints live here. Every change goes through the actions modules
(`actions.py`, `worksheet_actions.py`, `rehearsal_actions.py`, `reminder_actions.py`); every
query of client data goes through `access.py`.
"""

from __future__ import annotations

from datetime import time

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openipt.accounts.models import Membership, Organisation
from openipt.clients.models import Client
from openipt.core.models import TimeStamped


class PartnerSettings(models.Model):
    """An organisation's optional language-model rehearsal partner (off by default).

    The key is write-only in the interface: it is never shown back, only whether one is set. It is
    stored sealed with a key derived from the site's secret key (`openipt.core.sealed`).
    """

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="practice_partner")
    enabled = models.BooleanField(_("use a language model as the practice partner"), default=False)
    url = models.CharField(_("address of the chat endpoint"), max_length=300, blank=True)
    model_name = models.CharField(_("model name"), max_length=120, blank=True)
    api_key = models.CharField(max_length=1000, blank=True)  # sealed (openipt.core.sealed), never shown
    timeout_seconds = models.PositiveSmallIntegerField(_("time limit in seconds"), default=10)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(timeout_seconds__gte=1) & Q(timeout_seconds__lte=60),
                                   name="partner_timeout_1_to_60"),
            models.CheckConstraint(condition=Q(enabled=False) | (~Q(url="") & ~Q(model_name="")),
                                   name="partner_enabled_needs_url_and_model"),
        ]

    def __str__(self) -> str:
        return f"practice partner of organisation {self.organisation_id}"


class ClientPractice(models.Model):
    """One client's practice settings: rehearsal on or off (the therapist's choice) and reminders (theirs)."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="practice")
    rehearsal_enabled = models.BooleanField(default=True)
    rehearsal_reason = models.CharField(max_length=500, blank=True)
    rehearsal_changed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True,
                                             related_name="+")
    rehearsal_changed_at = models.DateTimeField(null=True, blank=True)
    reminders_enabled = models.BooleanField(_("send me reminders"), default=True)
    reminder_email = models.BooleanField(_("also by e-mail"), default=True)
    reminder_time = models.TimeField(_("time of day"), default=time(18, 0))
    session_days_before = models.PositiveSmallIntegerField(_("days before a session"), default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(session_days_before__lte=3), name="reminder_days_before_0_to_3"),
        ]

    def __str__(self) -> str:
        return f"practice settings of client {self.client_id}"


class ReadingAssignment(TimeStamped):
    """A psychoeducation topic a therapist gave a client to read."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="readings")
    topic_id = models.CharField(max_length=80)
    assigned_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["client", "topic_id"], name="one_reading_per_topic_and_client"),
            models.CheckConstraint(condition=~Q(topic_id=""), name="reading_has_topic"),
        ]
        indexes = [models.Index(fields=["client", "active"])]

    def __str__(self) -> str:
        return f"{self.topic_id} for client {self.client_id}"


class ReadingQuestion(TimeStamped):
    """A question a client asked about a reading, and the therapist's written answer."""

    assignment = models.ForeignKey(ReadingAssignment, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="question_has_text"),
            models.CheckConstraint(condition=Q(answer="") | Q(answered_at__isnull=False), name="answer_has_time"),
        ]

    def __str__(self) -> str:
        return f"question on reading {self.assignment_id}"


class LogEntry(TimeStamped):
    """One interpersonal event in a client's weekly log."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="log_entries")
    occurred_on = models.DateField(_("when"))
    who = models.CharField(_("who"), max_length=200)
    what_happened = models.TextField(_("what happened"))
    feeling = models.TextField(_("how I felt"), blank=True)
    mood = models.PositiveSmallIntegerField(_("mood"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(mood__lte=10), name="log_mood_0_to_10"),
            models.CheckConstraint(condition=~Q(who="") & ~Q(what_happened=""), name="log_has_who_and_what"),
        ]
        indexes = [models.Index(fields=["client", "occurred_on"])]

    def __str__(self) -> str:
        return f"log entry {self.pk} of client {self.client_id}"


class WorksheetStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Not started")
    DRAFT = "draft", _("In progress")
    SHARED = "shared", _("Shared with your therapist")


class Worksheet(TimeStamped):
    """A structured worksheet (communication analysis, decision analysis…) a client fills in."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="worksheets")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=10, choices=WorksheetStatus.choices, default=WorksheetStatus.DRAFT)
    assigned_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    assigned_note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    saved_versions = models.PositiveIntegerField(default=0)
    shared_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    editor = models.CharField(max_length=32, blank=True)  # the open page (tab) that saved last

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=WorksheetStatus.values), name="worksheet_status_valid"),
            models.CheckConstraint(condition=~Q(kind=""), name="worksheet_has_kind"),
        ]
        indexes = [models.Index(fields=["client", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} worksheet {self.pk}"


class WorksheetVersion(models.Model):
    """A saved copy of a worksheet: each "Save" and each "Share" keeps one."""

    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField(default=dict)
    shared = models.BooleanField(default=False)
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["worksheet", "number"], name="one_worksheet_version_number")]

    def __str__(self) -> str:
        return f"version {self.number} of worksheet {self.worksheet_id}"


class RehearsalRole(models.TextChoices):
    CLIENT = "client", _("You play yourself")
    SWITCHED = "switched", _("You play the other person")


class PartnerKind(models.TextChoices):
    SCRIPT = "script", _("Scripted practice partner")
    MODEL = "model", _("Language-model practice partner")


class Rehearsal(TimeStamped):
    """One practice conversation with the automated partner; a restart or a role switch is a new one."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="rehearsals")
    scenario_id = models.CharField(max_length=80)
    role = models.CharField(max_length=10, choices=RehearsalRole.choices, default=RehearsalRole.CLIENT)
    partner = models.CharField(max_length=10, choices=PartnerKind.choices, default=PartnerKind.SCRIPT)
    person_id = models.BigIntegerField(null=True, blank=True)
    person_name = models.CharField(max_length=100, blank=True)
    person_relationship = models.CharField(max_length=100, blank=True)
    situation = models.CharField(max_length=300, blank=True)
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children")
    from_step = models.PositiveSmallIntegerField(null=True, blank=True)
    steps = models.PositiveSmallIntegerField(default=0)
    ended = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=RehearsalRole.values), name="rehearsal_role_valid"),
            models.CheckConstraint(condition=Q(partner__in=PartnerKind.values), name="rehearsal_partner_valid"),
        ]
        indexes = [models.Index(fields=["client", "created_at"])]

    def __str__(self) -> str:
        return f"rehearsal {self.pk} ({self.scenario_id})"


class RehearsalTurn(models.Model):
    """One line of a rehearsal: the client's message (with feedback) or the partner's reply."""

    rehearsal = models.ForeignKey(Rehearsal, on_delete=models.CASCADE, related_name="turns")
    number = models.PositiveIntegerField()
    step = models.PositiveSmallIntegerField()  # the client's message number; 0 for the opening
    speaker = models.CharField(max_length=8)  # client or partner
    text = models.TextField()
    source = models.CharField(max_length=10, blank=True)  # script, model, fallback, pause (partner turns)
    note = models.CharField(max_length=300, blank=True)
    mood = models.CharField(max_length=20, blank=True)
    reaction = models.CharField(max_length=20, blank=True)
    feedback = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["rehearsal", "number"], name="one_rehearsal_turn_number"),
            models.CheckConstraint(condition=Q(speaker__in=["client", "partner"]), name="rehearsal_turn_speaker_valid"),
        ]

    def __str__(self) -> str:
        return f"turn {self.number} of rehearsal {self.rehearsal_id}"


class Comment(models.Model):
    """A therapist's written answer on a worksheet or a rehearsal."""

    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    rehearsal = models.ForeignKey(Rehearsal, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    text = models.TextField()
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(worksheet__isnull=False) & Q(rehearsal__isnull=True))
                | (Q(worksheet__isnull=True) & Q(rehearsal__isnull=False)),
                name="comment_on_exactly_one_thing",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="comment_has_text"),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk}"


class ReminderKind(models.TextChoices):
    SESSION = "session", _("Session")
    TASK = "task", _("Something to do")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")


class EmailState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not sent by e-mail")
    FAILED = "failed", _("Could not be sent")


class Reminder(models.Model):
    """A reminder for a client, made once per thing it reminds about (the key), shown in the portal
    and, if the client wants, sent by e-mail through the task queue."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="reminders")
    key = models.CharField(max_length=80)
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField()
    email_state = models.CharField(max_length=10, choices=EmailState.choices, default=EmailState.SKIPPED)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-due_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="one_reminder_per_thing"),
            models.CheckConstraint(condition=Q(kind__in=ReminderKind.values), name="reminder_kind_valid"),
            models.CheckConstraint(condition=Q(email_state__in=EmailState.values), name="reminder_email_state_valid"),
        ]
        indexes = [models.Index(fields=["client", "seen_at"]), models.Index(fields=["email_state", "enqueued_at"])]

    def __str__(self) -> str:
        return f"reminder {self.key} for client {self.client_id}"
