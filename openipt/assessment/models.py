"""The assessment of IPT: the interpersonal inventory, the life-event timeline, the onset and intake,
the choice of problem area and the versioned formulation.

Only data and database constraints live here. Every change goes through the action modules;
the suggester (suggest/) and the merge of concurrent edits (merge.py) are pure.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openipt.accounts.models import Membership
from openipt.assessment.choices import (
    AgeBand,
    Contact,
    Ending,
    EventKind,
    Hope,
    Match,
    MoodEffect,
    Ring,
    SnapshotKind,
    Support,
    Talking,
)
from openipt.clients.models import Client
from openipt.core.models import TimeStamped
from openipt.courses.models import Course


class InventoryPerson(TimeStamped):
    """One important person in the client's life: an entry of the interpersonal inventory."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="inventory_people")
    name = models.CharField(_("name or alias"), max_length=100)
    relationship = models.CharField(_("relationship"), max_length=100)
    ring = models.CharField(_("how close"), max_length=8, choices=Ring.choices, default=Ring.MIDDLE)
    age_band = models.CharField(_("age"), max_length=10, choices=AgeBand.choices, blank=True, default="")
    contact = models.CharField(_("how often in touch"), max_length=12, choices=Contact.choices, blank=True, default="")
    support_received = models.CharField(max_length=8, choices=Support.choices, blank=True, default="")
    support_given = models.CharField(max_length=8, choices=Support.choices, blank=True, default="")
    satisfying = models.TextField(blank=True)
    unsatisfying = models.TextField(blank=True)
    expects_of_other = models.TextField(blank=True)
    expected_by_other = models.TextField(blank=True)
    expectations_match = models.CharField(max_length=8, choices=Match.choices, default=Match.UNKNOWN)
    conflicts = models.TextField(blank=True)
    conflict_talking = models.CharField(max_length=8, choices=Talking.choices, default=Talking.UNKNOWN)
    conflict_hope = models.CharField(max_length=8, choices=Hope.choices, default=Hope.UNKNOWN)
    conflict_ending = models.CharField(max_length=12, choices=Ending.choices, default=Ending.UNKNOWN)
    conflict_mood_effect = models.CharField(max_length=12, choices=MoodEffect.choices, default=MoodEffect.UNKNOWN)
    recent_changes = models.TextField(blank=True)
    changes_wanted = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    client_version = models.PositiveIntegerField(default=0)  # the latest version the client wrote
    staff_version = models.PositiveIntegerField(default=0)  # the latest version staff wrote
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="inventory_person_has_name"),
            models.CheckConstraint(condition=Q(ring__in=Ring.values), name="inventory_person_ring_valid"),
            models.CheckConstraint(condition=Q(expectations_match__in=Match.values), name="inventory_match_valid"),
            models.CheckConstraint(condition=Q(conflict_talking__in=Talking.values), name="inventory_talking_valid"),
            models.CheckConstraint(condition=Q(conflict_hope__in=Hope.values), name="inventory_hope_valid"),
            models.CheckConstraint(condition=Q(conflict_ending__in=Ending.values), name="inventory_ending_valid"),
            models.CheckConstraint(condition=Q(conflict_mood_effect__in=MoodEffect.values),
                                   name="inventory_conflict_mood_valid"),
        ]
        indexes = [models.Index(fields=["client", "removed_at"])]

    def __str__(self) -> str:
        return self.name


class RevisionKind(models.TextChoices):
    SAVED = "saved", _("Saved")
    MERGED = "merged", _("Saved, merged with another change")
    MOVED = "moved", _("Moved to another ring")
    REMOVED = "removed", _("Removed from the inventory")
    CONFLICT = "conflict", _("Not saved: clashed with another change (kept here)")


class InventoryRevision(models.Model):
    """The whole entry as one save left it, so any two versions can be compared.

    A `conflict` revision holds a change that clashed with another person's and was not applied;
    it is kept so that no one's typing is lost. Its `version` is the version its author started from.
    """

    person = models.ForeignKey(InventoryPerson, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=RevisionKind.choices, default=RevisionKind.SAVED)
    data = models.JSONField()
    conflict_fields = models.JSONField(default=list, blank=True)
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    by_client = models.BooleanField(default=False)
    at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["version", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "version"], condition=~Q(kind="conflict"),
                                    name="one_applied_revision_per_version"),
        ]

    def __str__(self) -> str:
        return f"version {self.version} of inventory person {self.person_id}"


class InventorySeen(models.Model):
    """The version of an entry a member of staff last acknowledged, for the "changed by the client" marker."""

    person = models.ForeignKey(InventoryPerson, on_delete=models.CASCADE, related_name="seen")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "membership"], name="one_seen_per_person_and_member")]

    def __str__(self) -> str:
        return f"person {self.person_id} seen at version {self.version}"


class InventorySnapshot(models.Model):
    """The whole inventory at one moment (start of treatment, end, or on demand), for comparison."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="inventory_snapshots")
    kind = models.CharField(max_length=8, choices=SnapshotKind.choices, default=SnapshotKind.OTHER)
    label = models.CharField(max_length=120, blank=True)
    data = models.JSONField()
    people_count = models.PositiveIntegerField(default=0)
    taken_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField()

    class Meta:
        ordering = ["taken_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=SnapshotKind.values), name="snapshot_kind_valid")]

    def __str__(self) -> str:
        return self.label or self.get_kind_display()


class LifeEvent(TimeStamped):
    """An event on the client's timeline, dated to the day, the month or only the year."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="life_events")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    day = models.PositiveSmallIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    description = models.TextField(blank=True)
    main_person = models.ForeignKey(InventoryPerson, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="main_events")
    people = models.ManyToManyField(InventoryPerson, blank=True, related_name="events")
    mood_effect = models.CharField(max_length=12, choices=MoodEffect.choices, default=MoodEffect.UNKNOWN)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["year", "month", "day", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=1900), name="life_event_year_sane"),
            models.CheckConstraint(condition=Q(month__isnull=True) | (Q(month__gte=1) & Q(month__lte=12)),
                                   name="life_event_month_valid"),
            models.CheckConstraint(condition=Q(day__isnull=True) | (Q(month__isnull=False) & Q(day__gte=1) & Q(day__lte=31)),
                                   name="life_event_day_valid"),
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="life_event_kind_valid"),
            models.CheckConstraint(condition=Q(mood_effect__in=MoodEffect.values), name="life_event_mood_valid"),
        ]
        indexes = [models.Index(fields=["client", "year", "month"])]

    def __str__(self) -> str:
        return f"{self.kind} event of client {self.client_id}"


class ClientAssessment(models.Model):
    """Per client: when the current episode began, and the short intake answers the suggester reads."""

    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="assessment")
    onset_year = models.PositiveSmallIntegerField(null=True, blank=True)
    onset_month = models.PositiveSmallIntegerField(null=True, blank=True)
    onset_day = models.PositiveSmallIntegerField(null=True, blank=True)
    onset_note = models.TextField(blank=True)
    intake = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(onset_month__isnull=True) | (Q(onset_year__isnull=False) & Q(onset_month__gte=1) & Q(onset_month__lte=12)),
                                   name="onset_month_valid"),
            models.CheckConstraint(condition=Q(onset_day__isnull=True) | Q(onset_month__isnull=False), name="onset_day_needs_month"),
        ]

    def __str__(self) -> str:
        return f"assessment of client {self.client_id}"


class AreaChoice(models.Model):
    """The therapist's choice of problem area for a course, with what the suggester said at the time."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="area_choices")
    area = models.CharField(max_length=40)
    stage = models.CharField(max_length=20, blank=True)
    secondary_area = models.CharField(max_length=40, blank=True)
    rationale = models.TextField()
    suggested_area = models.CharField(max_length=40, blank=True)  # '' when the suggester made no suggestion
    suggested_stage = models.CharField(max_length=20, blank=True)
    suggested_confidence = models.CharField(max_length=8, blank=True)
    followed = models.BooleanField()
    suggestions = models.JSONField(default=list)
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(area=""), name="area_choice_has_area"),
            models.CheckConstraint(condition=~Q(rationale=""), name="area_choice_has_rationale"),
        ]

    def __str__(self) -> str:
        return f"{self.area} chosen for course {self.course_id}"


class FormulationDraft(models.Model):
    """The working text of a course's formulation, saved while the therapist types."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="formulation_draft")
    text = models.TextField(blank=True)
    staff_text = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"formulation draft of course {self.course_id}"


class FormulationVersion(models.Model):
    """A saved version of the formulation: kept for ever, shared with the client, agreed or not."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="formulation_versions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    staff_text = models.TextField(blank=True)
    area = models.CharField(max_length=40, blank=True)
    stage = models.CharField(max_length=20, blank=True)
    saved_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField()
    shared_at = models.DateTimeField(null=True, blank=True)
    shared_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    agreed_on = models.DateField(null=True, blank=True)
    agreed_by_client = models.BooleanField(default=False)  # True: the client pressed "I agree" in the portal
    agreement_recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True,
                                              related_name="+")
    agreement_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="one_formulation_version_per_number"),
            models.CheckConstraint(condition=~Q(text=""), name="formulation_version_has_text"),
            models.CheckConstraint(condition=Q(agreed_on__isnull=True) | Q(shared_at__isnull=False),
                                   name="formulation_agreed_only_when_shared"),
        ]

    def __str__(self) -> str:
        return f"formulation version {self.number} of course {self.course_id}"
