"""The e-mail that carries an invitation link: one wording for the People page, the client record and bulk import."""

from __future__ import annotations

from django.core.mail import send_mail
from django.utils.translation import gettext as _

from openipt.accounts.models import Invitation


def send_invitation_mail(invitation: Invitation, link: str) -> bool:
    """Send the invitation link to the invited address; False when the e-mail could not be sent (the link still works)."""
    body = _(
        "You have been invited to join %(org)s on OpenIPT.\n\nOpen this link to choose your username and "
        "password:\n%(link)s\n\nThe link works once and expires on %(date)s."
    ) % {"org": invitation.organisation, "link": link, "date": f"{invitation.expires_at:%d %b %Y}"}
    try:
        send_mail(
            _("Your invitation to %(org)s") % {"org": invitation.organisation}, body, None, [invitation.email]
        )
    except Exception:  # noqa: BLE001 - a mail failure must not lose the invitation; the caller says so
        return False
    return True
