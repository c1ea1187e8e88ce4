"""What couples holds about a client, for the subject-access export and erasure (core.extensions.RecordExportPart).

A couple's course belongs to partner one (courses blocks erasure while it runs); partner two's record may not be
erased while that course runs either.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from openipt.core.extensions import RecordExportPart, add_record_part
from openipt.couples.models import Couple
from openipt.courses.record import UNFINISHED


def _partner_in_a_running_course(client: Any) -> str:
    if Couple.objects.filter(partner_two_id=client.pk, course__status__in=UNFINISHED).exists():
        return _("The client is the second partner in a couples course that is still running. End it first.")
    return ""


def register() -> None:
    add_record_part(RecordExportPart(
        key="couples",
        label=_lazy("Couples work: partner screen and each partner's view"),
        models={
            "couples.Couple": ("partner_one", "partner_two"),
            "couples.PartnerView": ("author",),
            "couples.Entry": ("view__author",),
            "couples.PartnerScreen": ("partner",),
        },
        wipe={
            "couples.Entry": ("text",),
            "couples.PartnerScreen": ("answers", "note"),
        },
        blocks_erasure=_partner_in_a_running_course,
        order=42,
    ))
