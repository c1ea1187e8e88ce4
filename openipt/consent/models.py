"""Consent: the form a client reads and signs, its versions per organisation, and each signature or withdrawal.

Nothing here is ever changed once written: a new version of the form is a new row, and a client's
consent history is a list of events (signed, withdrawn) read newest first. The actions in
`openipt/consent/actions.py` only create rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from openipt.accounts.models import Membership, Organisation
from openipt.clients.models import Client


class ConsentSettings(models.Model):
    """An organisation's consent settings."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="consent_settings"
    )
    required_before_start = models.BooleanField(_("consent required before a course starts"), default=False)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Consent settings of organisation {self.organisation_id}"


class DocumentSource(models.TextChoices):
    SHIPPED = "shipped", _("The form that comes with OpenIPT")
    SITE = "site", _("Written by this organisation")


class ConsentDocument(models.Model):
    """One version of an organisation's consent form; never edited once published."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="consent_documents")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    source = models.CharField(max_length=10, choices=DocumentSource.choices, default=DocumentSource.SITE)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["organisation_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="one_consent_version_number_per_org"
            ),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="consent_version_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"


class EventKind(models.TextChoices):
    SIGNED = "signed", _("Signed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class How(models.TextChoices):
    PORTAL = "portal", _("In the portal")
    PAPER = "paper", _("On paper, recorded by staff")
    TOLD_STAFF = "told_staff", _("Told a member of staff, recorded by them")


class ConsentEvent(models.Model):
    """A client signed a version of the form, or withdrew their consent."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="consent_events")
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    document = models.ForeignKey(ConsentDocument, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    how = models.CharField(max_length=12, choices=How.choices)
    name_typed = models.CharField(max_length=200, blank=True)  # the name the client typed (or wrote on paper)
    signed_on = models.DateField(null=True, blank=True)  # the date on the paper form
    recorded_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)  # the client's own words when withdrawing, or staff's note

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["client", "-at"], name="consent_event_client_at")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="signed") | ~models.Q(name_typed=""),
                name="consent_signature_has_a_name",
            ),
            models.CheckConstraint(
                condition=models.Q(how="portal") | models.Q(recorded_by__isnull=False),
                name="consent_recorded_by_staff_unless_portal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"
