"""SMS for members without smartphones: the organisation's gateway, each client's SMS consent, the outbox, replies.

Only data and database constraints live here; every change goes through `actions.py`. The outbox
(`SmsMessage`) is the source of truth: a message is a row first, and `openipt sms send-due` sends
what is due. Phone numbers and the gateway's key are sealed at rest (`openipt/core/sealed.py`);
a keyed hash of the number (`phone_key`) finds the sender of a reply without unsealing every row.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openipt.accounts.models import Membership, Organisation
from openipt.clients.models import Client
from openipt.courses.models import Course


class Backend(models.TextChoices):
    CONSOLE = "console", _("Try it out: messages stay on this server (shown here and in the log)")
    AFRICASTALKING = "africastalking", _("Africa's Talking")
    TWILIO = "twilio", _("Twilio")


class SmsSettings(models.Model):
    """One organisation's SMS gateway, daily limit and sending hour."""

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="sms_settings")
    backend = models.CharField(_("gateway"), max_length=20, choices=Backend.choices, default=Backend.CONSOLE)
    username = models.CharField(_("gateway user name"), max_length=100, blank=True)
    api_key = models.TextField(blank=True)  # sealed
    api_key_hint = models.CharField(max_length=12, blank=True)
    sender = models.CharField(_("sender name or short code"), max_length=20, blank=True)
    sandbox = models.BooleanField(_("use the gateway's sandbox (test) service"), default=True)
    inbound_token = models.CharField(max_length=64, unique=True)
    daily_limit = models.PositiveIntegerField(_("most messages a day"), default=200)
    send_hour = models.PositiveSmallIntegerField(_("hour to send reminders, the day before"), default=17)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(backend__in=Backend.values), name="sms_backend_valid"),
            models.CheckConstraint(condition=Q(send_hour__gte=6) & Q(send_hour__lte=21), name="sms_send_hour_sane"),
            models.CheckConstraint(condition=Q(daily_limit__gte=1) & Q(daily_limit__lte=100000),
                                   name="sms_daily_limit_range"),
        ]

    def __str__(self) -> str:
        return f"SMS settings of organisation {self.organisation_id}"


class SmsConsent(models.Model):
    """What a client agreed to by SMS, recorded by staff: the number, what may be sent, and the neutral name."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="sms_consent")
    phone = models.TextField()  # sealed E.164 number
    phone_key = models.CharField(max_length=64)
    phone_hint = models.CharField(max_length=8)
    reminders = models.BooleanField(_("session reminders"), default=True)
    checkins = models.BooleanField(_("check-ins the day before a session"), default=False)
    crisis_texts = models.BooleanField(_("crisis numbers may be sent to this phone"), default=False)
    language = models.CharField(_("language of the messages"), max_length=12, default="en")
    neutral_name = models.CharField(_("name used in the messages"), max_length=40)
    active = models.BooleanField(default=True)  # staff consent recorded and not taken back
    stopped_at = models.DateTimeField(null=True, blank=True)  # the member replied STOP
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "phone_key"], condition=Q(active=True),
                                    name="sms_phone_once_per_org"),
            models.CheckConstraint(condition=~Q(neutral_name=""), name="sms_consent_has_name"),
        ]

    def __str__(self) -> str:
        return f"SMS consent of client {self.client_id}"

    @property
    def may_send(self) -> bool:
        return self.active and self.stopped_at is None


class Kind(models.TextChoices):
    REMINDER = "reminder", _("Reminder")
    CHECKIN = "checkin", _("Check-in")
    HELP = "help", _("Help with a reply")
    THANKS = "thanks", _("Thank you")
    SAFETY = "safety", _("Reply to a worrying answer")
    STOPPED = "stopped", _("Stop confirmed")
    STARTED = "started", _("Start confirmed")


class Status(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    HELD = "held", _("Held by the daily limit")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Not sent (stopped)")
    # The sender did not run in time (the server was down): a reminder or check-in it would send too late.
    SKIPPED = "skipped", _("Not sent: too late")


class SmsMessage(models.Model):
    """One text message in the outbox, from queued to delivered or failed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    consent = models.ForeignKey(SmsConsent, on_delete=models.PROTECT, null=True, blank=True, related_name="messages")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    safety = models.BooleanField(default=False)  # never held back by the daily limit
    key = models.CharField(max_length=120, unique=True)  # one message per reason: run twice, sent once
    body = models.TextField()
    to = models.TextField()  # sealed
    to_hint = models.CharField(max_length=8)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    session_at = models.DateTimeField(null=True, blank=True)  # the session a reminder or check-in is about
    # The zone the message was scheduled in (`outbox_actions.member_zone`: the group's site's, else the client's
    # site's, else the organisation's default), kept so its night and its daily-limit morning are read in the same
    # zone. Blank on messages not made for a session (answers to a reply) and on rows from before it was kept.
    time_zone = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    backend = models.CharField(max_length=20, blank=True)
    gateway_id = models.CharField(max_length=100, blank=True, db_index=True)
    cost = models.CharField(max_length=40, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)  # a check-in whose answer arrived

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="sms_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="sms_kind_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["organisation", "-created_at"]),
            models.Index(fields=["consent", "kind", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} SMS {self.pk} ({self.status})"


class Outcome(models.TextChoices):
    SCORED = "scored", _("Check-in answers stored")
    LATE = "late", _("Check-in answers stored (arrived late)")
    NOT_UNDERSTOOD = "unclear", _("Not understood: read it")
    TEXT = "text", _("Words, not answers: read them")
    STOP = "stop", _("Asked to stop messages")
    START = "start", _("Asked for messages again")
    UNKNOWN = "unknown", _("From a number we do not know")
    UNREADABLE = "unreadable", _("The gateway's message could not be read")


class SmsReply(models.Model):
    """A message that came in: kept whatever it says, for a person when nothing could be done with it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(SmsConsent, on_delete=models.PROTECT, null=True, blank=True, related_name="replies")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    checkin = models.ForeignKey(SmsMessage, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    administration = models.ForeignKey("measures.Administration", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+")
    gateway_id = models.CharField(max_length=100, blank=True)
    from_hint = models.CharField(max_length=8, blank=True)
    text = models.TextField(blank=True)
    raw = models.TextField(blank=True)  # the body as it arrived, when it could not be read
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    needs_person = models.BooleanField(default=False)
    # Worrying words from a number we do not know: no client to raise an alert for, so first on the SMS page.
    urgent = models.BooleanField(default=False)
    alerts = models.PositiveSmallIntegerField(default=0)
    received_at = models.DateTimeField()
    handled_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_note = models.TextField(blank=True)  # what the person did (required for an urgent reply)
    # Urgent replies: when the admins (and the safeguarding lead) were e-mailed, or why that failed so far.
    notified_at = models.DateTimeField(null=True, blank=True)
    notify_attempts = models.PositiveSmallIntegerField(default=0)
    notify_next_at = models.DateTimeField(null=True, blank=True)
    notify_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="sms_reply_outcome_valid"),
            # A gateway that retries a message sends the same id again: stored (and acted on) once.
            models.UniqueConstraint(fields=["organisation", "gateway_id"], condition=~Q(gateway_id=""),
                                    name="sms_reply_gateway_id_once"),
        ]
        indexes = [models.Index(fields=["organisation", "needs_person", "-received_at"]),
                   models.Index(fields=["urgent", "handled_at"])]

    def __str__(self) -> str:
        return f"SMS reply {self.pk} ({self.outcome})"
