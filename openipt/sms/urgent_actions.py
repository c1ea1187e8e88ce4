"""Telling people about worrying words from a number we do not know: an e-mail, as a risk alert's first step is.

Such a message cannot raise an alert (there is no client to raise it for), so it is kept as an urgent reply that
stays on the SMS page and on Today until an admin or the safeguarding lead closes it with a note
(`actions.mark_handled`). Each admin and the safeguarding lead are e-mailed once, by the same mail server as risk
alerts: straight after the message is stored, and again by every run of `openipt sms send-due` until the e-mail
goes (with growing pauses, up to a cap; the failure is shown on the SMS page). The e-mail holds no words of the
message, no number and no guess at whose number it is: it asks the reader to sign in.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from openipt.accounts.models import Membership, Role
from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.safety.models import SafetySettings
from openipt.sms.models import SmsReply

logger = logging.getLogger("openipt.sms")

URGENT_NOTIFIED = register(
    "sms.urgent_notified", "Admins e-mailed about worrying words from an unknown number"
)
URGENT_NOTIFY_FAILED = register(
    "sms.urgent_notify_failed", "E-mail about worrying words from an unknown number failed"
)

RETRY_MINUTES = (1, 5, 15, 60, 240)  # as risk alerts' e-mails
MAX_ATTEMPTS = len(RETRY_MINUTES) + 1


def recipients(organisation_id: int) -> list[Membership]:
    """The organisation's active admins and its safeguarding lead, each once."""
    people = list(
        Membership.objects.filter(organisation_id=organisation_id, role=Role.ADMIN, is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    lead = (
        SafetySettings.objects.filter(organisation_id=organisation_id, safeguarding_lead__is_active=True)
        .select_related("safeguarding_lead__user")
        .first()
    )
    if (
        lead is not None
        and lead.safeguarding_lead is not None
        and all(p.pk != lead.safeguarding_lead_id for p in people)
    ):
        people.append(lead.safeguarding_lead)
    return people


def _message() -> tuple[str, str]:
    subject = "OpenIPT: urgent text message from an unknown number"
    body = (
        "A text message with worrying words came from a phone number OpenIPT does not know, so no alert could be "
        "raised for a client.\n\nSign in and open the SMS page to read it and act on it:\n"
        f"{settings.SITE_URL}{reverse('sms:outbox')}\n\n"
        "This e-mail holds no words of the message and no number on purpose.\n"
    )
    return subject, body


def _due(now: datetime) -> Q:
    return Q(
        urgent=True, handled_at__isnull=True, notified_at__isnull=True, notify_attempts__lt=MAX_ATTEMPTS
    ) & (Q(notify_next_at__isnull=True) | Q(notify_next_at__lte=now))


def notify(reply_id: int, now: datetime | None = None) -> str:
    """E-mail the admins and the safeguarding lead about one urgent reply, if it is due; return what happened.

    Never raises for a mail failure: the error is kept on the reply (shown on the SMS page) and tried again later.
    """
    now = now or timezone.now()
    with transaction.atomic():
        reply = SmsReply.objects.select_for_update().filter(pk=reply_id).filter(_due(now)).first()
        if reply is None:
            return "nothing"
        attempt = reply.notify_attempts + 1
        pause = timedelta(minutes=RETRY_MINUTES[min(attempt - 1, len(RETRY_MINUTES) - 1)])
        # Claim the try before sending, so a second runner does not send it at the same moment.
        SmsReply.objects.filter(pk=reply.pk).update(notify_attempts=attempt, notify_next_at=now + pause)
    addresses = sorted({(p.user.email or "").strip() for p in recipients(reply.organisation_id)} - {""})
    error = "" if addresses else "No admin or safeguarding lead has an e-mail address."
    sent = 0
    if addresses:
        subject, body = _message()
        for address in addresses:
            try:
                sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
            except Exception as exc:  # noqa: BLE001 - any mail failure is recorded, never raised
                error = f"{type(exc).__name__}: {exc}"[:300]
        if not error and sent < len(addresses):
            error = "The mail server did not accept every e-mail."
    with transaction.atomic():
        if not error:
            SmsReply.objects.filter(pk=reply.pk).update(notified_at=now, notify_next_at=None, notify_error="")
            audit.record(
                URGENT_NOTIFIED.code,
                organisation_id=reply.organisation_id,
                obj=reply,
                details={"sent": sent, "attempt": attempt},
                system_label="sms urgent",
            )
            return "sent"
        SmsReply.objects.filter(pk=reply.pk).update(notify_error=error)
        audit.record(
            URGENT_NOTIFY_FAILED.code,
            organisation_id=reply.organisation_id,
            obj=reply,
            details={"attempt": attempt, "sent": sent, "error": error[:200]},
            system_label="sms urgent",
        )
    logger.warning("sms: e-mail about urgent reply %s failed (try %s): %s", reply.pk, attempt, error)
    return "failed"


def notify_due(now: datetime | None = None) -> dict[str, int]:
    """E-mail about every urgent reply whose e-mail is due (run by `openipt sms send-due`); return counts by outcome."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    ids = list(SmsReply.objects.filter(_due(now)).order_by("pk").values_list("pk", flat=True)[:200])
    for pk in ids:
        outcome = notify(pk, now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
