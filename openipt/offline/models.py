"""The offline facilitator app: the tablets a facilitator keeps their groups on, the changes they sent, and conflicts.

Only data and constraints live here. Group data itself is never written by this app: every change
a tablet sends goes through the groups app's actions (`openipt.groups.session_actions`).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openipt.accounts.models import Membership, Organisation
from openipt.clients.models import Client


class Device(models.Model):
    """A tablet a facilitator chose to keep their groups on; it signs each request with its own secret."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="offline_devices")
    owner = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="offline_devices")
    name = models.CharField(_("tablet name"), max_length=80)
    secret = models.TextField()  # sealed with openipt.core.sealed; shown once, when the tablet is enrolled
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_seq = models.BigIntegerField(default=0)
    changes_received = models.PositiveIntegerField(default=0)
    # Every group this tablet's snapshots have held: a change, or a rescued check, is linked to a member
    # only in one of these groups (or one the owner runs now), never in another group of the organisation.
    group_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="offline_device_has_name"),
            models.CheckConstraint(condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False),
                                   name="offline_device_revoked_by_someone"),
        ]
        indexes = [models.Index(fields=["organisation", "revoked_at"])]

    def __str__(self) -> str:
        return f"tablet {self.name} of membership {self.owner_id}"


class ChangeStatus(models.TextChoices):
    APPLIED = "applied", _("Saved")
    CONFLICT = "conflict", _("Conflict")
    REFUSED = "refused", _("Not saved")


class ReceivedChange(models.Model):
    """One change a tablet sent, by the key the tablet made: a key seen again gets this first answer."""

    key = models.CharField(max_length=64, unique=True)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=ChangeStatus.choices)
    answer = models.JSONField(default=dict)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(status__in=ChangeStatus.values), name="offline_change_status_valid")]

    def __str__(self) -> str:
        return f"change {self.key} ({self.status})"


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("To settle")
    KEPT_MINE = "kept_mine", _("The tablet's version was kept")
    KEPT_THEIRS = "kept_theirs", _("The server's version was kept")
    REFUSED = "refused", _("Could not be saved")


class Conflict(models.Model):
    """A change from a tablet that was not applied: it clashed with a newer change, or it was refused. Kept, never lost."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="conflicts")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=64)
    kind = models.CharField(max_length=20)
    group_id_sent = models.BigIntegerField(null=True, blank=True)  # the group as the tablet named it (it may be gone)
    group_name = models.CharField(max_length=120, blank=True)
    session_number = models.PositiveSmallIntegerField(null=True, blank=True)
    member_id_sent = models.BigIntegerField(null=True, blank=True)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    yours = models.JSONField(default=dict)
    theirs = models.JSONField(default=dict)
    reason = models.TextField(blank=True)
    entered_at = models.DateTimeField()
    received_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=ConflictStatus.choices, default=ConflictStatus.OPEN)
    resolved_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ConflictStatus.values), name="offline_conflict_status_valid"),
            models.UniqueConstraint(fields=["key"], name="offline_conflict_key_once"),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.status} {self.kind} change {self.key}"
