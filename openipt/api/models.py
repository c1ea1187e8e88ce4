"""API tokens (an organisation's API clients and staff members' personal tokens), idempotency keys, rate windows.

A token's secret is shown once and kept only as its SHA-256. An API client acts through a service
membership of its own (an inactive login that cannot sign in), so every access check and audit event
names it; a personal token acts through the membership of the person who made it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openipt.accounts.models import Membership, Organisation


class TokenKind(models.TextChoices):
    CLIENT = "client", _("API client")
    PERSONAL = "personal", _("Personal token")


class ApiToken(models.Model):
    """One bearer token: an organisation's API client, or a person's own token."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=TokenKind.choices)
    name = models.CharField(_("name"), max_length=100)
    scopes = models.JSONField(default=list)
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="api_tokens",
        help_text="Who the token acts as: the client's service membership, or the person's own.")
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    secret_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=16, help_text="The start of the secret, to tell tokens apart.")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class IdempotentRequest(models.Model):
    """The answer to a POST sent with an `Idempotency-Key`, kept so a retry gets it again (per token)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the method, path and body.")
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="api_one_answer_per_key")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"


class RateWindow(models.Model):
    """How many calls a token made in one minute."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    minute = models.DateTimeField()
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "minute"], name="api_one_window_per_minute")]

    def __str__(self) -> str:
        return f"{self.minute:%H:%M}: {self.calls}"


class WebhookEvent(models.TextChoices):
    ALERT_RAISED = "alert.raised", _("A risk alert is raised")
    ALERT_ESCALATED = "alert.escalated", _("A risk alert is passed on because nobody acknowledged it")
    QUESTIONNAIRE_COMPLETED = "questionnaire.completed", _("A questionnaire is completed")
    COURSE_ENDED = "course.ended", _("A course ends (completed or ended early)")


class Webhook(models.Model):
    """An address of an organisation's program that is sent a signed JSON message when chosen events happen."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    url = models.CharField(_("address"), max_length=500)
    events = models.JSONField(default=list)
    secret = models.TextField(help_text="The signing secret, sealed (openipt.core.sealed): it is needed to sign.")
    hint = models.CharField(max_length=16, help_text="The start of the secret, to tell secrets apart.")
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    rotated_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "deleted_at"])]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Gave up after the last try")
    CANCELLED = "cancelled", _("Not sent: the webhook was deleted")


class WebhookDelivery(models.Model):
    """The outbox: one event for one webhook, stored in the transaction of the action that caused it."""

    webhook = models.ForeignKey(Webhook, on_delete=models.PROTECT, related_name="deliveries")
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField(help_text="The body sent: ids, codes, scores and times only.")
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True, default="")
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["webhook", "event_id"], name="api_one_delivery_per_event")]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} to webhook {self.webhook_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One try at sending a delivery: when, what the program answered (or why nothing was sent)."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True, default="")
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"try {self.number}: {self.status_code or self.error}"
# --- FHIR bulk export ($export): start -------------------------------------------------------------------


class BulkStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready to download")
    CANCELLED = "cancelled", _("Cancelled")


class BulkExport(models.Model):
    """One FHIR `$export` request: who asked (the token and the membership it acts as), what for, and how far it is.

    The worker writes its NDJSON files as `BulkFile` rows; the files expire at `expires_at`.
    """

    public_id = models.UUIDField(unique=True, help_text="The id in the status address (not guessable).")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    request_url = models.CharField(max_length=2000)
    types = models.JSONField(default=list, help_text="The resource types asked for, in the order they are written.")
    since = models.DateTimeField(null=True, blank=True)
    group_id = models.BigIntegerField(null=True, blank=True, help_text="A group-level export's group (its members).")
    status = models.CharField(max_length=10, choices=BulkStatus.choices, default=BulkStatus.QUEUED)
    progress = models.CharField(max_length=200, blank=True)
    transaction_time = models.DateTimeField()
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"$export {self.public_id} ({self.status})"


class BulkFile(models.Model):
    """One NDJSON file of an export: up to a fixed number of resources of one type (or the error file)."""

    export = models.ForeignKey(BulkExport, on_delete=models.CASCADE, related_name="files")
    number = models.PositiveIntegerField(help_text="Its place in the manifest, and its name in the file address.")
    resource_type = models.CharField(max_length=40)
    is_error = models.BooleanField(default=False)
    count = models.PositiveIntegerField()
    content = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["export", "number"], name="api_one_bulk_file_per_number")]

    def __str__(self) -> str:
        return f"{self.resource_type} ({self.count})"


# --- FHIR bulk export: end -------------------------------------------------------------------------------


class ViewChange(models.Model):
    """A client came into, or left, what a staff member holding a personal token may see (an assignment made or
    removed, a supervisor link changed, their role, the client's or their own site). The changes feed sends the
    client's records once more after it: as `added` with the record when the person sees the client at that
    moment, else as `removed` with no record, and that only when they could see the client before the change."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+",
                                   help_text="Whose view changed (a person with a personal API token).")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    change = models.CharField(max_length=10, choices=[("added", "added"), ("removed", "removed"),
                                                      ("supervisor", "supervisor"), ("role", "role"),
                                                      ("site", "site"), ("staff_site", "staff_site")])
    seen_before = models.BooleanField(
        default=True, help_text="Whether the person could see the client just before the change (read when it was "
                                "made): a `removed` goes only to those who could. Rows from before this was "
                                "recorded count as seen, as the feed treated them then.")
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["membership", "at", "id"])]

    def __str__(self) -> str:
        return f"{self.change} {self.client_id} for {self.membership_id}"
