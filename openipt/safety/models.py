"""Clinical safety data: alerts and their history, deliveries, safety plans, crisis contacts, rules.

Only data and database constraints live here; every change goes through `actions.py` (alerts,
plans, automation pauses) or `settings_actions.py` (rules, timing, crisis contacts). Alerts and
everything recorded about them cannot be deleted: the models refuse `delete()` and the foreign
keys that point at them protect them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openipt.accounts.models import Membership, Organisation
from openipt.clients.models import Client
from openipt.core.models import TimeStamped


class UndeletableQuerySet(models.QuerySet):
    """A queryset that refuses bulk deletes."""

    def delete(self):
        raise PermissionError(f"{self.model._meta.label} rows are kept for the safety record and cannot be deleted")


class Undeletable(models.Model):
    """Rows of the safety record: never deleted, only added to or moved on."""

    objects = UndeletableQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self._meta.label} rows are kept for the safety record and cannot be deleted")


class Severity(models.TextChoices):
    LOW = "low", _("Review")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}


class AlertStatus(models.TextChoices):
    RAISED = "raised", _("Raised")
    ESCALATED = "escalated", _("Escalated")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


UNACKNOWLEDGED = (AlertStatus.RAISED, AlertStatus.ESCALATED)
OPEN = (AlertStatus.RAISED, AlertStatus.ESCALATED, AlertStatus.ACKNOWLEDGED)


class Alert(Undeletable):
    """A risk signal for staff to act on, from an answer, a text or a clinician's risk review."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="risk_alerts")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="risk_alerts")
    rule_id = models.CharField(max_length=80)
    rule_kind = models.CharField(max_length=20)
    kind = models.CharField(max_length=40, default="suicide_self_harm",
                            help_text="The kind of risk (suicide_self_harm, being_harmed...): sets the wording, routing and client page.")
    source = models.CharField(max_length=40, help_text="Where the signal came from: an instrument code, a text source, risk_review.")
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=60, blank=True)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    severity_rank = models.PositiveSmallIntegerField(default=1)
    policy_id = models.CharField(max_length=60)
    schedule = models.JSONField(default=list, help_text="[[minutes after raising, who is told], ...] as it was when raised.")
    reason = models.TextField()
    evidence = models.JSONField(default=list)
    text = models.TextField(blank=True, help_text="The text that was scanned, when the signal came from text.")
    status = models.CharField(max_length=12, choices=AlertStatus.choices, default=AlertStatus.RAISED)
    level = models.PositiveSmallIntegerField(default=0, help_text="The last escalation step carried out (0 = first).")
    raised_at = models.DateTimeField()
    raised_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    next_escalation_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    resolution_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-severity_rank", "raised_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=AlertStatus.values), name="alert_status_valid"),
            models.CheckConstraint(condition=Q(severity__in=Severity.values), name="alert_severity_valid"),
            models.CheckConstraint(
                condition=~Q(status=AlertStatus.RESOLVED)
                | (Q(resolved_at__isnull=False) & Q(resolved_by__isnull=False) & ~Q(resolution_note="")),
                name="resolved_alert_has_note",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[AlertStatus.ACKNOWLEDGED, AlertStatus.RESOLVED])
                | (Q(acknowledged_at__isnull=False) & Q(acknowledged_by__isnull=False)),
                name="acted_alert_was_acknowledged",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "-severity_rank", "raised_at"]),
            models.Index(fields=["client", "status"]),
            models.Index(fields=["status", "next_escalation_at"]),
        ]

    def __str__(self) -> str:
        return f"alert {self.pk} ({self.severity}, {self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def is_unacknowledged(self) -> bool:
        return self.status in UNACKNOWLEDGED


class AlertEvent(Undeletable):
    """One line of an alert's history: raised, told someone, escalated, acknowledged, resolved..."""

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=30)
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on alert {self.alert_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not needed: someone acted first")


class Delivery(Undeletable):
    """A notification of an alert to one person by one channel, retried until it is sent."""

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="deliveries")
    recipient = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=12, default="email")
    step = models.PositiveSmallIntegerField(default=0)
    target = models.CharField(max_length=20, help_text="assigned_staff, supervisor or admins.")
    address = models.CharField(max_length=254, blank=True)
    status = models.CharField(max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "recipient", "channel"], name="one_delivery_per_person_and_channel"),
            models.CheckConstraint(condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel} to {self.recipient_id} for alert {self.alert_id}"


class AutomationPause(Undeletable):
    """Automated features that let a client write freely (the rehearsal partner) are paused for them."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="automation_pauses")
    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="pauses")
    started_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"], condition=Q(lifted_at__isnull=True), name="one_open_pause_per_client"
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | (Q(lifted_by__isnull=False) & ~Q(lift_reason="")),
                name="lifted_pause_says_who_and_why",
            ),
        ]

    def __str__(self) -> str:
        return f"pause of automated features for client {self.client_id}"


PLAN_SECTIONS = (
    "warning_signs",
    "coping_steps",
    "distractions",
    "help_people",
    "professionals",
    "safer_surroundings",
    "reasons_for_living",
)


class SafetyPlan(models.Model):
    """A client's safety plan; its content is in numbered versions, the newest is current."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="safety_plan")
    version = models.PositiveIntegerField(default=0, help_text="The number of the current version (0 = nothing saved yet).")
    updated_at = models.DateTimeField(null=True, blank=True)
    # When the plan is next looked at together, and which means-restriction prompts were gone through
    # (Stanley and Brown's Safety Planning Intervention: making the surroundings safer).
    review_on = models.DateField(_("review the plan by"), null=True, blank=True)
    means_discussed = models.JSONField(default=list, blank=True)
    review_set_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    review_set_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"safety plan of client {self.client_id}"


class SafetyPlanVersion(Undeletable):
    """One saved version of a safety plan. Any section may be empty: half-finished plans are kept."""

    plan = models.ForeignKey(SafetyPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    warning_signs = models.TextField(_("warning signs"), blank=True)
    coping_steps = models.TextField(_("things I can do on my own"), blank=True)
    distractions = models.TextField(_("people and places that take my mind off things"), blank=True)
    help_people = models.TextField(_("people I can ask for help"), blank=True)
    professionals = models.TextField(_("professionals and services"), blank=True)
    safer_surroundings = models.TextField(_("making my surroundings safer"), blank=True)
    reasons_for_living = models.TextField(_("my reasons for living"), blank=True)
    saved_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_per_number")]

    def __str__(self) -> str:
        return f"version {self.number} of safety plan {self.plan_id}"

    def sections(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in PLAN_SECTIONS}

    @property
    def is_empty(self) -> bool:
        return not any(value.strip() for value in self.sections().values())


class CrisisContact(TimeStamped):
    """A crisis line, service or emergency number an organisation shows its clients in one language."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="crisis_contacts")
    language = models.CharField(_("language"), max_length=12, default="en")
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    text_number = models.CharField(_("text message number"), max_length=40, blank=True)
    website = models.URLField(_("web address"), blank=True)
    hours = models.CharField(_("when it is open"), max_length=120, blank=True)
    description = models.CharField(_("what it is for"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=10)
    is_active = models.BooleanField(_("shown to clients"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["language", "order", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="crisis_contact_has_name"),
            models.CheckConstraint(
                condition=~(Q(phone="") & Q(text_number="") & Q(website="")), name="crisis_contact_has_a_way_to_reach"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "language", "is_active"])]

    def __str__(self) -> str:
        return self.name


class OrganisationRule(TimeStamped):
    """An organisation's own risk rule on one questionnaire item (for example a licensed instrument)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="risk_rules")
    rule_id = models.CharField(max_length=80)
    instrument = models.CharField(_("instrument code"), max_length=40)
    item = models.CharField(_("item"), max_length=40)
    operator = models.CharField(_("comparison"), max_length=2)
    threshold = models.IntegerField(_("threshold"))
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    policy = models.CharField(_("escalation policy"), max_length=60)
    reason = models.TextField(_("what staff should know"))
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["instrument", "item", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "rule_id"], name="org_rule_id_unique"),
            models.CheckConstraint(condition=Q(severity__in=Severity.values), name="org_rule_severity_valid"),
        ]

    def as_data(self) -> dict:
        """Return the rule in the shape the rules loader reads."""
        return {
            "id": self.rule_id, "kind": "instrument_item", "instrument": self.instrument, "item": self.item,
            "operator": self.operator, "threshold": self.threshold, "severity": self.severity,
            "policy": self.policy, "reason": self.reason,
        }


class RuleSwitch(models.Model):
    """Whether a rule (shipped or the organisation's own) is switched off here, and why."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    rule_id = models.CharField(max_length=80)
    is_off = models.BooleanField(default=False)
    reason = models.TextField()
    changed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "rule_id"], name="one_switch_per_rule"),
            models.CheckConstraint(condition=~Q(reason=""), name="rule_switch_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {'off' if self.is_off else 'on'}"


class SafetySettings(models.Model):
    """Safety settings of one organisation: who its safeguarding lead is."""

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="safety_settings")
    safeguarding_lead = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Told at once about a child safeguarding alert (the admins are told when nobody is set).",
    )
    changed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"safety settings of organisation {self.organisation_id}"


class PolicyTiming(models.Model):
    """An organisation's own timing of an escalation policy's steps (minutes after the step before)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    policy_id = models.CharField(max_length=60)
    minutes = models.JSONField(help_text="Minutes after the previous step for each step after the first.")
    changed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "policy_id"], name="one_timing_per_policy")]

    def __str__(self) -> str:
        return f"timing of {self.policy_id}"
