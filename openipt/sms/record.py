"""What the SMS app holds about a client, for the subject-access export and erasure (core.extensions.RecordExportPart).

The phone number is kept sealed; erasure wipes it, its look-up key (so a later text from that phone matches
nobody) and every message's and reply's words. Statuses, times and gateway codes stay, as in other apps.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from openipt.core.extensions import RecordExportPart, add_record_part


def _blocks_erasure(client: Any) -> str:
    """Messages must be stopped first: an erased record must not keep texting a phone, and its wiped number
    would otherwise clash with another erased one that is still switched on."""
    from openipt.sms.models import SmsConsent

    if SmsConsent.objects.filter(client_id=client.pk, active=True).exists():
        return _("Text messages are still switched on for this client: stop all messages on their SMS page first.")
    return ""


def register() -> None:
    add_record_part(RecordExportPart(
        key="sms",
        label=_lazy("Text messages (SMS)"),
        models={"sms.SmsConsent": ("client",), "sms.SmsMessage": ("client",), "sms.SmsReply": ("client",)},
        wipe={"sms.SmsConsent": ("phone", "phone_key", "phone_hint", "neutral_name"),
              "sms.SmsMessage": ("body", "to", "to_hint", "last_error"),
              "sms.SmsReply": ("text", "raw", "from_hint", "handled_note")},
        keep={"sms.SmsConsent": ("language",),
              "sms.SmsMessage": ("kind", "key", "status", "backend", "gateway_id", "cost", "time_zone"),
              "sms.SmsReply": ("gateway_id", "outcome")},
        activity=(("sms.SmsReply", "client", "received_at"),),
        blocks_erasure=_blocks_erasure,
        order=55,
    ))
