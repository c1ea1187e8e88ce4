"""Course steps an IPT trainer expects: structured reviews when a client is not on track, outreach
after missed sessions, and how a course ended (including a planned early ending, an ending letter
and a booster or maintenance offer).

Only data and database constraints; every change goes through `review_actions.py` and
`ending_actions.py`. Imported by `models.py` so Django sees these models as part of the courses app.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openipt.accounts.models import Membership


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", _("Continue as planned")
    REFOCUS = "refocus", _("Refocus on the problem area (or change it)")
    ADD_SESSIONS = "add_sessions", _("Add sessions (renegotiate the contract)")
    MEDICATION = "medication_review", _("Ask for a medication review")
    SUPERVISOR = "supervisor", _("Talk it through with a supervisor")
    RISK_PLAN = "safety_plan", _("Update the safety plan")
    REFER = "refer", _("Refer on or add another treatment")


class CourseReview(models.Model):
    """A structured review of a course whose scores are not on track, and what will change."""

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="reviews")
    signal_level = models.PositiveSmallIntegerField()  # 1 slower than expected (amber), 2 not on track (red)
    signal_label = models.CharField(max_length=120, blank=True)
    findings = models.JSONField(default=dict)  # area id -> {"finding": ok / concern / not_discussed, "note": text}
    outcomes = models.JSONField(default=list)  # ReviewOutcome values
    plan = models.TextField(_("what will change"), blank=True)
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    signal_cleared_at = models.DateTimeField(null=True, blank=True)  # the scores came back on track after this review

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(signal_level__gte=0, signal_level__lte=3), name="course_review_level_valid"),
        ]

    def __str__(self) -> str:
        return f"review of course {self.course_id} at {self.at:%Y-%m-%d}"


class OutreachMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")
    EMAIL = "email", _("E-mail or portal message")
    LETTER = "letter", _("Letter")
    OTHER = "other", _("Another way")


class OutreachResult(models.TextChoices):
    REBOOKED = "rebooked", _("Reached: the next session is booked")
    ENDING = "ending", _("Reached: we agreed to end (an ending session or letter follows)")
    MESSAGE = "message", _("Not reached: left a message")
    NO_ANSWER = "no_answer", _("Not reached: no answer")
    DECLINED = "declined", _("Reached: does not want more sessions")


class OutreachAttempt(models.Model):
    """One attempt to reach a client after they missed sessions."""

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="outreach")
    missed_in_a_row = models.PositiveSmallIntegerField()  # how many sessions in a row were missed when it was made
    method = models.CharField(max_length=10, choices=OutreachMethod.choices)
    result = models.CharField(max_length=12, choices=OutreachResult.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(method__in=OutreachMethod.values), name="outreach_method_valid"),
            models.CheckConstraint(condition=Q(result__in=OutreachResult.values), name="outreach_result_valid"),
            models.CheckConstraint(condition=Q(missed_in_a_row__gte=1), name="outreach_after_a_missed_session"),
        ]

    def __str__(self) -> str:
        return f"outreach for course {self.course_id}"


class EndingKind(models.TextChoices):
    PLANNED_EARLY = "planned_early", _("Ended early by agreement, with an ending session")
    EARLY_LETTER = "early_letter", _("Ended early by agreement, with an ending letter")
    DROPOUT = "dropout", _("Stopped coming (drop-out), ending letter sent")
    NOT_STARTED = "not_started", _("Did not start: the client never came to a session")


class BoosterOffer(models.TextChoices):
    NONE = "", _("Not offered yet")
    OFFERED = "offered", _("Offered, client deciding")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class CourseEnding(models.Model):
    """How a course ended (or will end): the kind of early ending, the ending letter, the booster offer."""

    course = models.OneToOneField("courses.Course", on_delete=models.CASCADE, related_name="ending_record")
    kind = models.CharField(max_length=14, choices=EndingKind.choices, blank=True)
    ending_session = models.PositiveSmallIntegerField(null=True, blank=True)
    letter = models.TextField(_("ending letter"), blank=True)
    letter_saved_at = models.DateTimeField(null=True, blank=True)
    booster = models.CharField(max_length=10, choices=BoosterOffer.choices, blank=True)
    booster_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    booster_note = models.TextField(blank=True)
    updated_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["", *EndingKind.values]), name="course_ending_kind_valid"),
            models.CheckConstraint(condition=Q(booster__in=BoosterOffer.values), name="course_ending_booster_valid"),
            models.CheckConstraint(condition=~Q(kind="planned_early") | Q(ending_session__isnull=False),
                                   name="planned_early_ending_has_session"),
            models.CheckConstraint(condition=~Q(kind__in=["early_letter", "dropout"]) | ~Q(letter=""),
                                   name="letter_ending_has_letter"),
        ]

    def __str__(self) -> str:
        return f"ending of course {self.course_id}"
