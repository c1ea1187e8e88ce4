"""People, organisations and the roles that join them.

A person has one login (User) and may belong to several organisations through
memberships; they act in one organisation at a time. The acting membership,
not the user, is what every access check receives.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openipt.core.models import TimeStamped
from openipt.core.roles import CARE_ROLES, STAFF_ROLES, Role  # noqa: F401 - in core so apps below accounts can name them


class User(AbstractUser):
    """A login. Names shown to others come from display_name."""

    display_name = models.CharField(_("name shown to others"), max_length=150, blank=True)
    two_factor_setup_required = models.BooleanField(
        _("must set up two-factor sign-in"), default=False,
        help_text=_("Set when an admin resets the person's second factor: they set up a new one at the next sign-in."),
    )

    language = models.CharField(
        _("language"), max_length=12, blank=True,
        help_text=_("The language of the screens you see. Blank: your organisation's language (for a client, their preferred language)."),
    )

    def __str__(self) -> str:
        return shown_name(self.display_name, self.first_name, self.last_name, self.username)


def shown_name(display_name: str, first_name: str, last_name: str, username: str) -> str:
    """The name a login shows to others, from its fields (for lists that read them with `.values()`)."""
    return display_name or f"{first_name} {last_name}".strip() or username


class OrganisationKind(models.TextChoices):
    CLINIC = "clinic", _("Clinic")
    PROGRAMME = "programme", _("Community programme")


class Organisation(TimeStamped):
    """A clinic or a community programme: the boundary of every record."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.CLINIC)
    require_staff_mfa = models.BooleanField(
        _("staff must use two-factor sign-in"), default=False
    )
    record_prefix = models.CharField(
        _("record number prefix"), max_length=6, default="C", help_text=_("Letters put before new record numbers.")
    )
    default_language = models.CharField(max_length=12, default="en")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(TimeStamped):
    """A person's role in one organisation."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervisees",
        help_text=_("The supervisor who oversees this person's clients."),
    )
    deactivated_at = models.DateTimeField(null=True, blank=True)
    is_service = models.BooleanField(
        default=False,
        help_text=_("A login a program acts through (an API client): never a person, never signed in with, "
                    "never active, and left off the People page."),
    )
    site = models.ForeignKey(
        "Site", on_delete=models.PROTECT, null=True, blank=True, related_name="memberships",
        help_text=_("Staff with a site see only that site's clients and groups (and those with no site)."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org"),
            models.CheckConstraint(condition=Q(is_service=False) | Q(is_active=False), name="service_login_never_active"),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="membership_role_valid"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "role", "is_active"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_client(self) -> bool:
        return self.role == Role.CLIENT


class Invitation(TimeStamped):
    """A link that lets a new person set up their login and join an organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    supervisor = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="invitations"
    )
    accepted_membership = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role="client", client__isnull=False) | ~Q(role="client"),
                name="client_invitation_names_client",
            )
        ]


class RecoveryCode(models.Model):
    """A one-time code that stands in for an authenticator code; only its SHA-256 is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_once_per_user")]

    def __str__(self) -> str:
        return f"recovery code {self.pk} of {self.user_id}"


class TranslationSignOff(models.Model):
    """A reviewer's sign-off of one translation the project wrote (issue 17).

    The catalogues (openipt/locale) mark the project's own translations `# unreviewed`; an entry stays
    unreviewed until a row here names its language, context, English text and the exact translation
    (by SHA-256). A changed translation no longer matches its old sign-off, so it is unreviewed again.
    Rows are kept in the database so every app server sees the same review state.
    """

    language = models.CharField(max_length=12)
    msgctxt = models.CharField(max_length=200, blank=True)
    msgid = models.TextField()
    msgid_hash = models.CharField(max_length=64)
    msgstr_hash = models.CharField(max_length=64)
    signed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["language", "msgctxt", "msgid_hash", "msgstr_hash"],
                                    name="translation_signed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.msgid[:40]}"


class SiteKind(models.TextChoices):
    CLINIC = "clinic", _("Clinic")
    VILLAGE = "village", _("Village")
    DISTRICT = "district", _("District")
    OTHER = "other", _("Other")


class Site(models.Model):
    """A place an organisation works in: a clinic, a village, a district. Groups, staff and clients may belong
    to one; none means "no site" (the whole organisation). Its time zone is the one its groups meet in."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(_("site name"), max_length=120)
    kind = models.CharField(_("kind of site"), max_length=10, choices=SiteKind.choices, default=SiteKind.CLINIC)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    is_active = models.BooleanField(_("in use"), default=True)
    report_code = models.CharField(
        _("DHIS2 organisation unit code"), max_length=50, blank=True,
        help_text=_("The code this site's monthly report is sent under. Blank: the programme's own code."),
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="site_name_unique_in_org"),
            models.CheckConstraint(condition=Q(kind__in=["clinic", "village", "district", "other"]),
                                   name="site_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name
