"""An organisation's working hours: the days and hours the week calendar offers free slots in."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from openipt.accounts.models import Membership, Organisation

ALL_DAYS = 0b1111111  # bit 0 is Monday, bit 6 is Sunday
MONDAY_TO_FRIDAY = 0b0011111


class WorkingHours(models.Model):
    """When sessions are offered: which weekdays, from which hour, and the hour by which a session must end.

    An organisation without a row works Monday to Friday, 08:00 to 18:00 (`DEFAULT`).
    """

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="working_hours")
    days = models.PositiveSmallIntegerField(_("working days"), default=MONDAY_TO_FRIDAY)
    start_hour = models.PositiveSmallIntegerField(_("first session starts at"), default=8)
    end_hour = models.PositiveSmallIntegerField(_("last session ends by"), default=18)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=1) & Q(days__lte=ALL_DAYS), name="working_days_valid"
            ),
            models.CheckConstraint(
                condition=Q(start_hour__lt=F("end_hour")) & Q(end_hour__lte=24), name="working_hours_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"working hours of organisation {self.organisation_id}"
