"""Secure messages between a client and their care team, and the clinic's stated reply time.

Only data and database constraints live here. Every change goes through `actions.py`; every
query of messages goes through `access.py` and `queries.py`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from openipt.accounts.models import Membership, Organisation
from openipt.clients.models import Client

MAX_LENGTH = 4000
REPLY_DAYS_MIN = 1
REPLY_DAYS_MAX = 10
REPLY_DAYS_DEFAULT = 2


class Message(models.Model):
    """One message in a client's thread: written by the client, or by a member of their care team.

    `read_at` and `read_by` record when the other side first opened it: a member of the care team
    for a client's message, the client for a reply. The text is stored as typed and escaped when shown.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="messages")
    from_client = models.BooleanField()
    sender = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    sent_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["sent_at", "pk"]
        indexes = [
            models.Index(fields=["client", "sent_at"], name="message_thread"),
            models.Index(fields=["organisation", "from_client", "read_at"], name="message_unread"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="message_has_text"),
            models.CheckConstraint(
                condition=Q(read_at__isnull=True, read_by__isnull=True)
                | Q(read_at__isnull=False, read_by__isnull=False),
                name="message_read_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"message {self.pk} in the thread of client {self.client_id}"


class MessagingSettings(models.Model):
    """How soon an organisation promises to reply to a client's message, in working days."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="messaging_settings"
    )
    reply_days = models.PositiveSmallIntegerField(default=REPLY_DAYS_DEFAULT)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(reply_days__gte=REPLY_DAYS_MIN) & Q(reply_days__lte=REPLY_DAYS_MAX),
                name="messaging_reply_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"messaging settings of organisation {self.organisation_id}"
