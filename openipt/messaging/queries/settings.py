"""What the messaging settings page reads: the organisation's saved settings, if any."""

from __future__ import annotations

from openipt.messaging.models import MessagingSettings


def saved_settings(organisation_id: int) -> MessagingSettings | None:
    """The organisation's saved messaging settings, or None before an admin first saved them."""
    return MessagingSettings.objects.filter(organisation_id=organisation_id).first()
