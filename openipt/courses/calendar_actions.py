"""The secret calendar-feed address of a member of staff: make it, stop it, and read through it.

Audit event types are registered in `actions.py`. Only a hash of the address is stored; the
address itself is shown once, when it is made.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.core.errors import ActionError, ErrorCode
from openipt.courses.actions import CALENDAR_FEED_READ, CALENDAR_TOKEN_CREATED, CALENDAR_TOKEN_REVOKED
from openipt.courses.models import CalendarToken

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_calendar_token(actor: Actor | None) -> tuple[CalendarToken, str]:
    """Make a new secret calendar address (revoking any earlier one) and return it once."""
    if actor is None or not actor.is_staff:
        raise ActionError(_("Only staff have a calendar feed."), code=ErrorCode.FORBIDDEN)
    now = timezone.now()
    CalendarToken.objects.filter(membership=actor.membership, revoked_at__isnull=True).update(revoked_at=now)
    secret = secrets.token_urlsafe(32)
    token = CalendarToken.objects.create(membership=actor.membership, token_hash=token_hash(secret), hint=secret[:4], created_at=now)
    audit.record(CALENDAR_TOKEN_CREATED.code, actor=actor, obj=token)
    return token, secret


@transaction.atomic
def revoke_calendar_token(actor: Actor | None) -> int:
    """Stop the calendar address working; return how many were revoked."""
    if actor is None or not actor.is_staff:
        raise ActionError(_("Only staff have a calendar feed."), code=ErrorCode.FORBIDDEN)
    live = list(CalendarToken.objects.filter(membership=actor.membership, revoked_at__isnull=True))
    CalendarToken.objects.filter(pk__in=[t.pk for t in live]).update(revoked_at=timezone.now())
    for token in live:
        audit.record(CALENDAR_TOKEN_REVOKED.code, actor=actor, obj=token)
    return len(live)


def membership_for_feed(secret: str) -> CalendarToken | None:
    """Return the live token and its membership for a feed address, or None."""
    if not secret or len(secret) > 100:
        return None
    token = (
        CalendarToken.objects.filter(token_hash=token_hash(secret), revoked_at__isnull=True,
                                     membership__is_active=True)
        .select_related("membership__user", "membership__organisation")
        .first()
    )
    return token


def record_feed_read(token: CalendarToken, count: int) -> None:
    """Audit a read of a calendar feed and note when it was last used."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        CalendarToken.objects.filter(pk=token.pk).update(last_used_at=now)
    audit.record(CALENDAR_FEED_READ.code, organisation_id=token.membership.organisation_id, obj=token,
                 details={"events": count}, system_label=f"calendar feed of {token.membership.user}"[:200])
