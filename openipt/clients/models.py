"""Client records and the staff assigned to each client."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openipt.accounts.models import Membership, Organisation, User
from openipt.core.models import TimeStamped


class ClientStatus(models.TextChoices):
    REFERRED = "referred", _("Referred")
    ACTIVE = "active", _("Active")
    DISCHARGED = "discharged", _("Discharged")


class Sex(models.TextChoices):
    UNKNOWN = "", _("Not recorded")
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class Client(TimeStamped):
    """One person receiving care in one organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="clients")
    record_number = models.CharField(
        _("record number"), max_length=20, help_text=_("A pseudonymous number, unique in the organisation.")
    )
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(
        _("sex"),
        max_length=10,
        choices=Sex.choices,
        blank=True,
        default="",
        help_text=_("Used only where a questionnaire has different cut-offs by sex."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=12, default="en")
    status = models.CharField(max_length=12, choices=ClientStatus.choices, default=ClientStatus.REFERRED)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="client_records"
    )
    search_text = models.CharField(max_length=400, editable=False, default="")
    attention = models.PositiveSmallIntegerField(
        default=0, editable=False, help_text="Highest level among the client's signals (see ClientSignal)."
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    staff = models.ManyToManyField(Membership, through="Assignment", related_name="assigned_clients")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "record_number"], name="record_number_unique_in_org"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ClientStatus]), name="client_status_valid"
            ),
            models.CheckConstraint(condition=~Q(given_name=""), name="client_has_given_name"),
        ]
        indexes = [
            models.Index(fields=["organisation", "family_name", "given_name"]),
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["organisation", "updated_at"]),
            models.Index(fields=["organisation", "-attention", "family_name", "given_name"]),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.record_number})"

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}".strip()

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class Assignment(TimeStamped):
    """A member of staff responsible for a client."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assignments")
    staff = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="assignments")
    is_primary = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "staff"], name="one_assignment_per_staff")]
        indexes = [models.Index(fields=["staff", "client"])]


class SignalLevel(models.IntegerChoices):
    NONE = 0, _("None")
    REVIEW = 1, _("Review")  # amber: worse than expected, overdue, missed sessions
    CONCERN = 2, _("Concern")  # red: well off track, reliable deterioration
    URGENT = 3, _("Urgent")  # an open risk alert


class ClientSignal(models.Model):
    """Something another part of OpenIPT wants staff to notice about a client, one per source.

    The caseload sorts by the highest level (kept on Client.attention) so the clients who
    need attention come first. Signals are derived data: the event that set them is audited
    where it happened.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="signals")
    source = models.CharField(max_length=40)
    level = models.PositiveSmallIntegerField(choices=SignalLevel.choices)
    label = models.CharField(max_length=120)
    url = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "source"], name="one_signal_per_source"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="signal_level_valid"),
        ]
        ordering = ["-level", "source"]

    def __str__(self) -> str:
        return f"{self.source}: {self.label}"


class UsedImportToken(models.Model):
    """A confirmed preview of a bulk import, so the same preview imports its rows only once.

    Holds the SHA-256 of the signed token the Import page carried from the preview to the confirmation,
    written in the import's own transaction; a second confirmation of the same token is refused.
    """

    digest = models.CharField(max_length=64, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    admin = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    used_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"import token {self.digest[:12]}"


class RetentionPolicy(models.Model):
    """How long an organisation keeps a client's record after the last contact; no row or no years: keep."""

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="retention_policy")
    years = models.PositiveSmallIntegerField(
        _("years to keep a record after the last contact"), null=True, blank=True,
        help_text=_("Leave empty to keep every record."),
    )
    changed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(years__isnull=True) | Q(years__gte=1, years__lte=100),
                                              name="retention_years_range")]

    def __str__(self) -> str:
        return f"keep {self.years or 'always'}"


class ClientErasure(models.Model):
    """The tombstone of an erased record: when, by whom and why. The client row stays, its words gone."""

    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="erasure")
    erased_at = models.DateTimeField()
    erased_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    erased_by_label = models.CharField(max_length=200)
    reason = models.TextField()

    def __str__(self) -> str:
        return f"record {self.client_id} erased {self.erased_at:%Y-%m-%d}"
