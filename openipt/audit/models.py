"""The append-only audit log.

Rows are only ever inserted; database triggers refuse UPDATE and DELETE (see
openipt.audit.db), and each row is linked to the one before by an HMAC under
an audit key kept outside the database (see openipt.audit.chain and keys). Identifiers are stored as plain numbers with name snapshots
so that the log keeps its meaning even if a record it points to changes.
"""

from django.db import models


class AuditEvent(models.Model):
    """One audited event, linked to the previous one by its hash."""

    occurred_at = models.DateTimeField(db_index=True)
    event_type = models.CharField(max_length=60, db_index=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    client_id = models.BigIntegerField(null=True, blank=True)
    client_label = models.CharField(max_length=60, blank=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True)
    # SHA-256 of the details in canonical form; the link covers this digest, not the details, so the
    # details alone can be erased lawfully later. NULL on events written before the audit key.
    # Both columns are NULL-able on purpose: a column with a default makes SQLite rebuild the table,
    # which drops its append-only triggers, and NULL says plainly "written before the audit key".
    details_digest = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    # The audit key that linked this event; NULL for the unkeyed events written before the audit key.
    key_id = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["organisation_id", "-id"]),
            models.Index(fields=["client_id", "-id"]),
            models.Index(fields=["actor_user_id", "-id"]),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} at {self.occurred_at:%Y-%m-%d %H:%M}"

    def hashed_fields(self) -> dict:
        """Return the fields the unkeyed (legacy) chain hash covers, details included."""
        return {
            "occurred_at": self.occurred_at,
            "event_type": self.event_type,
            "organisation_id": self.organisation_id,
            "actor_user_id": self.actor_user_id,
            "actor_label": self.actor_label,
            "actor_role": self.actor_role,
            "client_id": self.client_id,
            "client_label": self.client_label,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "ip": self.ip,
            "user_agent": self.user_agent,
            "details": self.details,
        }

    def linked_fields(self) -> dict:
        """Return the fields the keyed link covers: the details through their digest, and the key id."""
        fields = self.hashed_fields()
        del fields["details"]
        fields["details_sha256"] = self.details_digest
        fields["key_id"] = self.key_id
        return fields


class AuditHead(models.Model):
    """The newest link of the chain; locked while an event is appended so links never fork."""

    last_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit head at event {self.last_event_id}"
