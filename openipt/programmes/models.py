"""A programme's own settings: the minimum dose, small-cell suppression, quality targets and DHIS2 codes."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openipt.accounts.models import Membership, Organisation, Site
from openipt.programmes.indicators import DEFAULT_MIN_SESSIONS, DEFAULT_SUPPRESS_BELOW, Targets

_T = Targets()


class ProgrammeSettings(models.Model):
    """One organisation's programme settings (an unsaved default until an admin saves them)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="programme_settings"
    )
    min_sessions = models.PositiveSmallIntegerField(
        _("fewest group sessions that count as attending"), default=DEFAULT_MIN_SESSIONS
    )
    suppress_below = models.PositiveSmallIntegerField(
        _("hide counts of people below"), default=DEFAULT_SUPPRESS_BELOW
    )
    attendance_target = models.PositiveSmallIntegerField(
        _("attendance target (%)"), default=_T.attendance_percent
    )
    fidelity_target = models.PositiveSmallIntegerField(_("fidelity target (%)"), default=_T.fidelity_percent)
    checks_missed_target = models.PositiveSmallIntegerField(
        _("most questionnaires missed (%)"), default=_T.checks_missed_percent
    )
    ack_minutes_target = models.PositiveSmallIntegerField(
        _("most minutes to acknowledge a risk alert"), default=_T.ack_minutes
    )
    dhis2_org_unit = models.CharField(_("DHIS2 organisation unit code"), max_length=50, blank=True)
    dhis2_data_set = models.CharField(_("DHIS2 data set code (optional)"), max_length=50, blank=True)
    dhis2_mapping = models.TextField(_("DHIS2 data element codes"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(min_sessions__gte=1) & Q(min_sessions__lte=16),
                name="programme_min_sessions_range",
            ),
            models.CheckConstraint(
                condition=Q(suppress_below__gte=1) & Q(suppress_below__lte=20),
                name="programme_suppress_range",
            ),
            models.CheckConstraint(
                condition=Q(attendance_target__lte=100)
                & Q(fidelity_target__lte=100)
                & Q(checks_missed_target__lte=100),
                name="programme_targets_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"programme settings of organisation {self.organisation_id}"

    def targets(self) -> Targets:
        return Targets(
            self.attendance_target, self.fidelity_target, self.checks_missed_target, self.ack_minutes_target
        )


class ProgrammeSnapshot(models.Model):
    """The dashboard's counts for the default period (the last three whole months), for the whole organisation,
    one site or one supervisor's own groups, kept by `openipt programme-refresh` so a programme of thousands of
    groups opens in a fraction of a second. Counts only (the same numbers `indicators.counts` makes); small cells
    are hidden when the page is drawn."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # a supervisor's own groups (site is then None): their dashboard reads these, with risk alerts counted live
    supervisor = models.ForeignKey(Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    start = models.DateField()
    end = models.DateField()
    min_sessions = models.PositiveSmallIntegerField()
    computed_at = models.DateTimeField()
    figures = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "site", "start", "end"], name="programme_snapshot_once"),
            models.UniqueConstraint(fields=["organisation", "start", "end"],
                                    condition=Q(site__isnull=True, supervisor__isnull=True),
                                    name="programme_snapshot_once_whole"),
            models.UniqueConstraint(fields=["organisation", "supervisor", "start", "end"],
                                    condition=Q(supervisor__isnull=False), name="programme_snapshot_once_supervisor"),
        ]

    def __str__(self) -> str:
        return f"programme figures of organisation {self.organisation_id} ({self.start} to {self.end})"
