"""The e-mail that tells a client's care team about a withdrawal of consent.

It names no one and says nothing the client wrote: it asks the reader to sign in, where the
client's record, their course and the Today page show the withdrawal. A mail server that fails is
logged and never undoes the withdrawal, which staff see in OpenIPT whatever happens to the e-mail.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients.models import Assignment
from openipt.consent.models import ConsentEvent, EventKind

log = logging.getLogger("openipt.consent")

TEAM_TOLD = register("consent.team_told", "Care team e-mailed about a withdrawal of consent")


def email_care_team(event_id: int) -> int:
    """Send the e-mail to each active member of the client's care team with an address; return how many were sent."""
    event = (
        ConsentEvent.objects.filter(pk=event_id, kind=EventKind.WITHDRAWN).select_related("client").first()
    )
    if event is None:
        return 0
    addresses = sorted(
        {
            (a.staff.user.email or "").strip()
            for a in Assignment.objects.filter(
                client_id=event.client_id, staff__is_active=True
            ).select_related("staff__user")
        }
        - {""}
    )
    body = "\n\n".join(
        [
            _("A client you care for has taken back their consent to treatment."),
            _("Please sign in to see who, and talk with them before any more sessions: %(url)s")
            % {"url": settings.SITE_URL + "/today/"},
            _("This e-mail names no one on purpose."),
        ]
    )
    sent = 0
    for address in addresses:
        try:
            sent += send_mail(
                _("OpenIPT: a client took back their consent"), body, None, [address], fail_silently=False
            )
        except Exception:  # noqa: BLE001 - a mail server problem is logged; staff still see the withdrawal in OpenIPT
            log.exception("consent withdrawal e-mail to the care team failed")
    audit.record(
        TEAM_TOLD.code,
        client=event.client,
        obj=event,
        details={"sent": sent, "addresses": len(addresses)},
        system_label="consent",
    )
    return sent
