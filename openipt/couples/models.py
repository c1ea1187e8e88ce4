"""Couples (conjoint) IPT: one course of format `couples`, two clients, each partner's own view.

The course's client is partner one; the Couple adds partner two. Each partner writes their view
of the relationship (what I expect of my partner, what I think my partner expects of me, what I
would like to change); each entry is private (the therapist only) or shared (the partner too).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from openipt.accounts.models import Membership, Organisation
from openipt.clients.models import Client
from openipt.courses.models import Course


class Couple(models.Model):
    """Links a couples course (its client is partner one) to partner two."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    course = models.OneToOneField(Course, on_delete=models.PROTECT, related_name="couple")
    partner_one = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="couples_as_one")
    partner_two = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="couples_as_two")
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(partner_one=F("partner_two")), name="couple_two_different_people"),
        ]

    def __str__(self) -> str:
        return f"couple on course {self.course_id}"

    def partner_of(self, client_id: int) -> int:
        return self.partner_two_id if client_id == self.partner_one_id else self.partner_one_id


class EntryKind(models.TextChoices):
    I_EXPECT = "i_expect", _("What I expect of my partner")
    PARTNER_EXPECTS = "partner_expects", _("What I think my partner expects of me")
    CHANGE = "change", _("What I would like to change")


class PartnerView(models.Model):
    """One partner's view of the relationship: three entries saved together (autosaved)."""

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="views")
    author = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["couple", "author"], name="one_view_per_partner")]

    def __str__(self) -> str:
        return f"view of client {self.author_id} in couple {self.couple_id}"


class Entry(models.Model):
    """One answer in a partner's view, private to the therapist unless shared with the partner."""

    view = models.ForeignKey(PartnerView, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    text = models.TextField(blank=True)
    shared = models.BooleanField(default=False)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["view", "kind"], name="one_entry_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=EntryKind.values), name="entry_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} in view {self.view_id}"


class ScreenVia(models.TextChoices):
    PORTAL = "portal", _("The partner answered on their own device")
    THERAPIST = "therapist", _("The therapist entered it, alone with the partner")


class PartnerScreen(models.Model):
    """One partner's private screen for violence and fear in the relationship, before couples IPT starts.

    Append-only: the latest row of a partner is the one that counts. Only staff ever see the
    answers (audited on read); the other partner never does, on any page.
    """

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="screens")
    partner = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)
    concern = models.BooleanField()
    note = models.TextField(blank=True)
    via = models.CharField(max_length=12, choices=ScreenVia.choices)
    entered_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(via__in=ScreenVia.values), name="partner_screen_via_valid"),
            models.CheckConstraint(condition=Q(via="portal") | Q(entered_by__isnull=False),
                                   name="partner_screen_therapist_named"),
        ]
        indexes = [models.Index(fields=["couple", "partner"])]

    def __str__(self) -> str:
        return f"safety screen of client {self.partner_id} in couple {self.couple_id}"
