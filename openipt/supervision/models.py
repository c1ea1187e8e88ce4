"""Supervision: fidelity ratings of sessions, the clinician's reply, and competency sign-offs.

Only data and constraints. A rating names its target by kind and id ("session" for a session of
an individual course, "group_session" for the groups app); `openipt.supervision.api` resolves them.
A re-rating is a new row with the next version; the old rows stay as history.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openipt.accounts.models import Membership, Organisation


class Overall(models.IntegerChoices):
    """The rater's overall view of the session, beside the checklist score (our own wording)."""

    POOR = 1, _("1 · Little of IPT in this session")
    FAIR = 2, _("2 · Some of IPT, with clear gaps")
    GOOD = 3, _("3 · IPT done well")
    EXCELLENT = 4, _("4 · IPT done very well: a session to learn from")


class FidelityRating(models.Model):
    """One supervisor's rating of one session against the checklist of its phase."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    target_kind = models.CharField(max_length=40)
    target_id = models.PositiveBigIntegerField()
    target_label = models.CharField(max_length=200)
    target_url = models.CharField(max_length=300, blank=True)
    phase = models.CharField(max_length=12)
    format_id = models.CharField(max_length=40)
    checklist_id = models.CharField(max_length=80)
    checklist_version = models.CharField(max_length=40, blank=True)
    items = models.JSONField(default=list)  # [{"id", "text"}] as shown to the rater
    answers = models.JSONField(default=dict)  # item id -> yes / partly / no / na
    applicable = models.PositiveSmallIntegerField()
    score_percent = models.PositiveSmallIntegerField()
    comment = models.TextField(_("comment to the clinician"), blank=True)
    overall = models.PositiveSmallIntegerField(_("overall rating"), choices=Overall.choices, null=True, blank=True)
    rater = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="fidelity_ratings_given")
    rated = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="fidelity_ratings")
    version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    rated_at = models.DateTimeField()
    session_at = models.DateTimeField(null=True, blank=True)  # when the rated session took place

    class Meta:
        ordering = ["-rated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["target_kind", "target_id", "version"], name="fidelity_one_row_per_version"),
            models.UniqueConstraint(
                fields=["target_kind", "target_id"], condition=Q(is_current=True), name="fidelity_one_current_rating"
            ),
            models.CheckConstraint(condition=Q(score_percent__lte=100), name="fidelity_score_0_to_100"),
            models.CheckConstraint(condition=Q(applicable__gte=1), name="fidelity_has_applicable_item"),
            models.CheckConstraint(condition=Q(version__gte=1), name="fidelity_version_positive"),
            models.CheckConstraint(condition=~Q(target_kind=""), name="fidelity_has_target_kind"),
            models.CheckConstraint(condition=Q(overall__isnull=True) | Q(overall__gte=1, overall__lte=4),
                                   name="fidelity_overall_1_to_4"),
        ]
        indexes = [
            models.Index(fields=["rated", "is_current", "rated_at"]),
            models.Index(fields=["organisation", "is_current", "rated_at"]),
        ]

    def __str__(self) -> str:
        return f"fidelity {self.score_percent}% for {self.target_kind} {self.target_id} (v{self.version})"


class RatingReply(models.Model):
    """The rated clinician has read the comment, and may reply once."""

    rating = models.OneToOneField(FidelityRating, on_delete=models.CASCADE, related_name="reply")
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField()
    text = models.TextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(text="", replied_at__isnull=True) | (~Q(text="") & Q(replied_at__isnull=False)),
                name="fidelity_reply_text_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"reply to rating {self.rating_id}"


class Competency(models.TextChoices):
    GROUP_LEAD = "group_lead", _("Lead an IPT group alone")
    INDIVIDUAL = "individual", _("Deliver individual IPT without close supervision")


class SignOff(models.Model):
    """A supervisor's or admin's statement that a clinician is competent; withdrawn rows stay as history."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="signoffs")
    competency = models.CharField(max_length=40, choices=Competency.choices)
    signed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField()
    note = models.TextField(blank=True)
    created_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    withdrawn_reason = models.TextField(blank=True)
    # Withdrawn by the programme's rule when a later complete assessment fell below it (not by a person's choice);
    # the supervisors see it until someone records what was done (`followed_up_*`).
    withdrawn_by_rule = models.BooleanField(default=False)
    withdrawn_assessment = models.ForeignKey("CompetencyAssessment", on_delete=models.PROTECT, null=True, blank=True,
                                             related_name="+")
    followed_up_at = models.DateTimeField(null=True, blank=True)
    followed_up_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    follow_up = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "competency"], condition=Q(withdrawn_at__isnull=True), name="one_live_signoff"
            ),
            models.CheckConstraint(condition=Q(competency__in=Competency.values), name="signoff_competency_valid"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | (~Q(withdrawn_reason="") & Q(withdrawn_by__isnull=False)),
                name="signoff_withdrawal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_by_rule=False) | Q(withdrawn_at__isnull=False),
                name="signoff_rule_withdrawal_is_withdrawn",
            ),
            models.CheckConstraint(
                condition=Q(followed_up_at__isnull=True) | (~Q(follow_up="") & Q(followed_up_by__isnull=False)),
                name="signoff_follow_up_recorded",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "withdrawn_by_rule", "followed_up_at"])]

    def __str__(self) -> str:
        return f"{self.competency} sign-off for membership {self.membership_id}"

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None


# ---- facilitator competency: assessments on a competency tool (openipt/supervision/competency/), the programme's
# sign-off rule, and the flag a potentially harmful item raises.


class ObservationSource(models.TextChoices):
    ROLE_PLAY = "role_play", _("Role-play")
    RECORDING = "recording", _("Recording of a session")
    LIVE = "live", _("Live session")


class CompetencyRule(models.Model):
    """An organisation's rule for signing a facilitator off to lead a group alone (defaults until an admin saves)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="+")
    tool_id = models.CharField(_("competency tool"), max_length=60, default="ipt-group-facilitator")
    required = models.BooleanField(_("sign-off needs a competency assessment"), default=True)
    no_harmful = models.BooleanField(_("no item rated potentially harmful"), default=True)
    min_level = models.PositiveSmallIntegerField(_("lowest level every item must reach"), default=3)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(min_level__gte=1, min_level__lte=4), name="competency_rule_level_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"competency rule of organisation {self.organisation_id}"


class CompetencyAssessment(models.Model):
    """One rater's levels for one observation of a trainee on a competency tool.

    A second rater's independent rating of the same observation is a row of its own pointing at the first
    (`first`); the first names who is to give it (`second_rater`), who cannot see the first's levels until their
    own are saved. Only first ratings count for sign-off and for the trainee's levels over time.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    trainee = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="competency_assessments")
    rater = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="competency_assessments_given")
    tool_id = models.CharField(max_length=60)
    tool_version = models.CharField(max_length=40)
    items = models.JSONField(default=list)  # [{"id", "section", "title"}] as shown to the rater
    levels = models.JSONField(default=dict)  # item id -> 1..4
    source = models.CharField(_("how it was observed"), max_length=20, choices=ObservationSource.choices)
    observed_on = models.DateField(_("date observed"))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField()
    first = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="second_ratings")
    second_rater = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-observed_on", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["first"], condition=Q(first__isnull=False), name="competency_one_second_rating"),
            models.CheckConstraint(condition=Q(source__in=ObservationSource.values), name="competency_source_valid"),
            models.CheckConstraint(condition=Q(first__isnull=True) | Q(second_rater__isnull=True),
                                   name="competency_second_names_no_third"),
        ]
        indexes = [models.Index(fields=["trainee", "first", "observed_on"])]

    def __str__(self) -> str:
        return f"competency assessment {self.pk} of membership {self.trainee_id}"


class CompetencyFlag(models.Model):
    """An item rated potentially harmful: shown to the trainee's supervisors until someone records what was done."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(CompetencyAssessment, on_delete=models.PROTECT, related_name="flags")
    trainee = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="competency_flags")
    item_id = models.CharField(max_length=60)
    item_title = models.CharField(max_length=200)
    raised_at = models.DateTimeField()
    acted_at = models.DateTimeField(null=True, blank=True)
    acted_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    action = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(acted_at__isnull=True) | (~Q(action="") & Q(acted_by__isnull=False)),
                                   name="competency_flag_action_recorded"),
        ]
        indexes = [models.Index(fields=["organisation", "acted_at"])]

    def __str__(self) -> str:
        return f"harmful-item flag {self.item_id} for membership {self.trainee_id}"
