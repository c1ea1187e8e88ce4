"""What couples holds about a client, for the subject-access export and erasure (core.extensions.RecordExportPart)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy

from openipt.core.extensions import RecordExportPart, add_record_part


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
        order=42,
    ))
