"""One-time links: a client completes what is due without signing in (expires, single use).

The link's token is shown once to the care staff who made it; only its hash is stored. Each
function either takes the Actor first (making and stopping links) or the token itself.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.audit.models import AuditEvent
from openipt.audit.registry import register
from openipt.core.errors import ActionError
from openipt.measures import access, due, instruments
from openipt.measures.actions import Submitted, _answering_client, _course_for_change, _draft, _submit
from openipt.measures.engine import Instrument
from openipt.measures.errors import MeasuresCode
from openipt.measures.models import Administration, OneTimeLink, Source, Status
from openipt.measures.queries import outcomes

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

LINK_CREATED = register("measures.link_created", "One-time questionnaire link made")
LINK_REVOKED = register("measures.link_revoked", "One-time questionnaire link stopped")
LINK_OPENED = register("measures.link_opened", "One-time questionnaire link opened")
LINK_SENT = register("measures.link_sent", "One-time questionnaire link sent by e-mail")
LINK_RESULT_SHOWN = register("measures.link_result_shown", "Questionnaire result shown through a one-time link")

# After the last questionnaire on a link is sent the link is spent; a second press of Send within
# this time still lands on the result of those answers (a double click, a resend on a slow connection).
RESEND_GRACE = timedelta(minutes=15)
# A link can be e-mailed this many times at most (a typo fixed, a lost message), never more.
MAX_SENDS = 3


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def create_link(actor: Actor, course_id: int | str, *, client_id: int | None = None) -> tuple[OneTimeLink, str]:
    """Make a link that lets the client fill in what is due now without signing in; the token is shown once.

    On a couples course `client_id` names partner two, who gets a link of their own for their own
    questionnaires (default: the course's client). A new link stops that person's earlier open one.
    """
    course = _course_for_change(actor, course_id)
    if not course.is_open:
        raise ActionError(_("This course has ended, so nothing is due."))
    client = _answering_client(actor, course, client_id)
    schedules, sessions, administrations = access.course_rows(course)
    own = instruments.self_report_codes()
    keys = [i.key for i in due.course_items(course, schedules, sessions, administrations, client_id=client.pk)
            if i.is_open and i.instrument_code in own]
    if not keys:
        raise ActionError(_("Nothing is due for %(name)s now, so there is nothing to send. A link covers the "
                            "questionnaires due in the 3 days before a session or overdue since one.")
                          % {"name": client.display_name})
    now = timezone.now()
    settings = outcomes.org_settings(course.organisation_id)
    OneTimeLink.objects.filter(course=course, client=client, used_at__isnull=True, revoked_at__isnull=True,
                               expires_at__gt=now).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    link = OneTimeLink.objects.create(
        token_hash=token_hash(token), organisation_id=course.organisation_id, client=client, course=course,
        due_keys=keys, created_by=actor.membership, created_at=now, expires_at=now + timedelta(days=settings.link_days))
    audit.record(LINK_CREATED.code, actor=actor, client=client, obj=link,
                 details={"questionnaires": keys, "expires": link.expires_at.isoformat(), "course": course.pk})
    return link, token


@transaction.atomic
def revoke_link(actor: Actor, course_id: int | str, link_id: int | str) -> OneTimeLink:
    """Stop a link before it is used."""
    course = _course_for_change(actor, course_id)
    link = OneTimeLink.objects.select_for_update().filter(course=course, pk=link_id if isinstance(link_id, int) else -1).first()
    if link is None:
        raise ActionError(_("That link was not found."))
    if link.revoked_at is None and link.used_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit.record(LINK_REVOKED.code, actor=actor, client=link.client, obj=link)
    return link


def sends_so_far(link: OneTimeLink) -> int:
    """How many times this link was e-mailed (each send is in the audit log)."""
    return AuditEvent.objects.filter(event_type=LINK_SENT.code, object_type=OneTimeLink._meta.label_lower,
                                     object_id=str(link.pk)).count()


def _send_address(link: OneTimeLink, typed: str) -> str:
    typed = typed.strip()
    if not typed:
        if not link.client.email:
            raise ActionError(_("%(name)s has no e-mail address on record. Type an address, or copy the link and "
                                "send it another way.") % {"name": link.client.display_name}, field="email")
        return link.client.email
    try:
        validate_email(typed)
    except ValidationError:
        raise ActionError(_("That is not an e-mail address. Check it and try again."), field="email") from None
    return typed


def link_email(url: str, expires_at: datetime) -> tuple[str, str]:
    """The subject and text of the e-mail: the link and when it ends, with nothing clinical in it."""
    subject = _("A short questionnaire from your care team")
    body = _("Hello,\n\nYour care team asks you to fill in a short questionnaire. Open this link to start:\n"
             "%(url)s\n\nThe link works until %(date)s. If you did not expect this e-mail, you can ignore it.") % {
        "url": url, "date": f"{timezone.localtime(expires_at):%d %b %Y %H:%M}"}
    return subject, body


@transaction.atomic
def send_link(actor: Actor, course_id: int | str, link_id: int | str, token: str, url_for: Callable[[str], str], *,
              to: str = "") -> tuple[OneTimeLink, str]:
    """E-mail a link just made to the client (their address on record, or `to`); return it and the address used.

    `url_for(token)` gives the link's full address; it is asked only once the token is known to be the link's.

    Only staff who may make the link may send it, only while it works, and at most MAX_SENDS times.
    """
    course = _course_for_change(actor, course_id)
    link = OneTimeLink.objects.select_for_update().select_related("client").filter(
        course=course, pk=link_id if isinstance(link_id, int) else -1).first()
    if link is None or not isinstance(token, str) or token_hash(token) != link.token_hash:
        raise ActionError(_("That link was not found."))
    _answering_client(actor, course, link.client_id)
    if link_state(link) != "ok":
        raise ActionError(_("This link cannot be used any more, so it was not sent. Make a new link."))
    sends = sends_so_far(link)
    if sends >= MAX_SENDS:
        raise ActionError(_("This link has been e-mailed %(n)d times already. Make a new link to send it again.")
                          % {"n": MAX_SENDS})
    address = _send_address(link, to if isinstance(to, str) else "")
    audit.record(LINK_SENT.code, actor=actor, client=link.client, obj=link,
                 details={"to": "typed address" if address != link.client.email else "address on record",
                          "send": sends + 1})
    subject, body = link_email(url_for(token), link.expires_at)
    try:
        send_mail(subject, body, django_settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
    except Exception:  # noqa: BLE001 - any mail failure is shown to staff; the link still works
        raise ActionError(_("The e-mail could not be sent. Copy the link and send it another way.")) from None
    return link, address


def link_state(link: OneTimeLink | None, now: datetime | None = None) -> str:
    """Return ok, used, revoked, expired or unknown."""
    now = now or timezone.now()
    if link is None:
        return "unknown"
    if link.used_at is not None:
        return "used"
    if link.revoked_at is not None:
        return "revoked"
    if link.expires_at <= now:
        return "expired"
    return "ok"


def find_link(token: str, *, lock: bool = False) -> OneTimeLink | None:
    """Return the link a token opens (whatever its state), or None."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    qs = OneTimeLink.objects.select_for_update() if lock else OneTimeLink.objects
    return qs.filter(token_hash=token_hash(token)).select_related("client", "course__client").first()


def link_items(link: OneTimeLink) -> list[tuple[str, Instrument, Administration | None]]:
    """Return the link's questionnaires in order, with what was already done or started."""
    found = {a.due_key: a for a in Administration.objects.filter(client_id=link.client_id, due_key__in=link.due_keys)}
    out = []
    for key in link.due_keys:
        parsed = due.parse_key(key)
        inst = instruments.get(parsed.code) if parsed else None
        if inst is not None:
            out.append((key, inst, found.get(key)))
    return out


def result_through_link(link: OneTimeLink | None, key: str, now: datetime | None = None) -> Administration | None:
    """Return the completed answers this link may show for `key`, or None.

    Only answers sent through this very link are ever shown, and only while the link is open, or
    for a few minutes after its last questionnaire spent it. A link that was stopped, replaced or
    has run out shows nothing, and answers given in the portal or entered by staff are never
    shown through a link, whatever its state.
    """
    now = now or timezone.now()
    if link is None or not isinstance(key, str) or key not in link.due_keys:
        return None
    state = link_state(link, now)
    if not (state == "ok" or (state == "used" and link.used_at is not None and link.used_at >= now - RESEND_GRACE)):
        return None
    return Administration.objects.filter(client_id=link.client_id, due_key=key, status=Status.COMPLETED,
                                         link=link).first()


def record_link_result_shown(link: OneTimeLink, administration: Administration) -> None:
    """Every result read through a link is in the audit log, with the link and the answers shown."""
    audit.record(LINK_RESULT_SHOWN.code, client=link.client, obj=administration, organisation_id=link.organisation_id,
                 system_label="questionnaire link",
                 details={"link": link.pk, "questionnaire": administration.due_key, "state": link_state(link)})


def record_link_opened(link: OneTimeLink) -> None:
    audit.record(LINK_OPENED.code, client=link.client, obj=link, organisation_id=link.organisation_id,
                 system_label="questionnaire link")


def link_item(link: OneTimeLink, key: str) -> tuple[due.DueItem, Instrument]:
    if key not in link.due_keys:
        raise ActionError(_("This questionnaire is not part of your link."), code=MeasuresCode.NOT_OPEN)
    parsed = due.parse_key(key)
    inst = instruments.get(parsed.code) if parsed else None
    if parsed is None or inst is None:  # pragma: no cover - keys are made from loaded instruments
        raise ActionError(_("This questionnaire is not available any more."), code=MeasuresCode.NOT_OPEN)
    item = due.DueItem(key, link.course_id, link.client_id, inst.code, parsed.session, parsed.on, None, "due")
    return item, inst


def _live_link(token: str) -> OneTimeLink:
    link = find_link(token, lock=True)
    state = link_state(link)
    if link is None or state != "ok":
        raise ActionError(_("This link cannot be used any more."), code=MeasuresCode(state))
    return link


@transaction.atomic
def save_link_draft(token: str, key: str, answers: dict[str, Any]) -> Administration | None:
    """Keep answers given through a one-time link as the client goes."""
    link = _live_link(token)
    item, inst = link_item(link, key)
    return _draft(link.client, link.course, item, inst, answers, source=Source.LINK, link=link)


@transaction.atomic
def submit_link(token: str, key: str, answers: dict[str, Any]) -> Submitted:
    """Send answers through a one-time link; the link is spent when everything on it is done."""
    link = find_link(token, lock=True)
    done = result_through_link(link, key)
    if done is not None:  # sent again: the first answers count
        return Submitted(done, [], created=False)
    link = _live_link(token)
    item, inst = link_item(link, key)
    outcome = _submit(link.client, link.course, item, inst, answers, source=Source.LINK, link=link)
    remaining = set(link.due_keys) - set(
        Administration.objects.filter(client_id=link.client_id, due_key__in=link.due_keys, status=Status.COMPLETED)
        .values_list("due_key", flat=True))
    if not remaining:
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
    return outcome


