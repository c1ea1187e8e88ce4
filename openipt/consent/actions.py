"""Every change to consent: signing, recording a paper signature, withdrawing, publishing a version, the setting.

Each function takes the Actor first, checks permission, runs in a transaction and records an audit
event. Rows are only ever created: a published version of the form is never edited (a change is a
new version), and a signature or withdrawal is never changed or deleted. Words a client types (the
name they sign with, what they say when withdrawing) are scanned by the risk detector through
`openipt.safety.api.raise_for_text` like any other portal text: the name in the transaction that
stores the signature; the withdrawal note first, in its own transaction (`screen_withdrawal_note`),
so that a refused withdrawal never drops a risk signal.

A withdrawal tells the client's care team straight away: it shows on the client's record, on each
open course and on the Today page of the staff assigned to them, and each of them with an e-mail
address gets a short e-mail that names no one (`openipt/consent/tasks.py`).
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients.models import Client
from openipt.consent import access
from openipt.consent.models import (
    ConsentDocument,
    ConsentEvent,
    ConsentSettings,
    DocumentSource,
    EventKind,
    How,
)
from openipt.consent.queries import records
from openipt.consent.shipped import default_form
from openipt.consent.tasks import tell_care_team
from openipt.core.errors import ActionError, ConflictError, ErrorCode
from openipt.core.numbers import as_id
from openipt.safety import api as safety_api

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.safety.models import Alert

SIGNED = register("consent.signed", "Client signed the consent form in the portal")
PAPER_RECORDED = register("consent.paper_recorded", "Paper consent form recorded by staff")
WITHDRAWN = register("consent.withdrawn", "Client withdrew their consent")
PUBLISHED = register("consent.published", "New version of the consent form published")
SETTINGS_CHANGED = register("consent.settings_changed", "Consent setting changed")
VIEWED = register("consent.viewed", "Client's consent history viewed")

MAX_NAME = 200
MAX_NOTE = 2000
MAX_TITLE = 200
MAX_BODY = 20000
# How much of a withdrawal note is checked for risk: far more than a note may hold (a note too long is
# refused, but checked whole), bounded so that a huge post cannot tie up the risk scan.
NOTE_SCAN_MAX = MAX_NOTE * 50
WITHDRAWAL_SOURCE = "consent.withdrawal"


def _clean_name(name: object) -> str:
    text = " ".join(name.split()) if isinstance(name, str) else ""
    if not text:
        raise ActionError(_("Type your full name to sign."), field="name")
    if len(text) > MAX_NAME:
        raise ActionError(_("Please keep your name under %(n)d characters.") % {"n": MAX_NAME}, field="name")
    if not any(ch.isalpha() for ch in text):
        raise ActionError(_("Type your name in letters."), field="name")
    return text


def _clean_note(note: object) -> str:
    text = note.strip() if isinstance(note, str) else ""
    if len(text) > MAX_NOTE:
        raise ActionError(_("Please keep this under %(n)d characters.") % {"n": MAX_NOTE}, field="note")
    return text


def _lock_settings(organisation_id: int) -> ConsentSettings:
    """Lock the organisation's consent settings row: versions are published and signed one at a time."""
    found, _created = ConsentSettings.objects.get_or_create(organisation_id=organisation_id)
    return ConsentSettings.objects.select_for_update().get(pk=found.pk)


def _current_saved(organisation_id: int, actor: Actor | None) -> ConsentDocument:
    """The current version of the form, saving the shipped form as version 1 the first time one is needed."""
    found = ConsentDocument.objects.filter(organisation_id=organisation_id).order_by("-number").first()
    if found is not None:
        return found
    title, body = default_form()
    document = ConsentDocument.objects.create(
        organisation_id=organisation_id,
        number=1,
        title=title,
        body=body,
        source=DocumentSource.SHIPPED,
        published_at=timezone.now(),
        published_by=None,
    )
    audit.record(
        PUBLISHED.code,
        actor=actor,
        organisation_id=organisation_id,
        obj=document,
        details={"version": 1, "source": str(DocumentSource.SHIPPED.label)},
        system_label="consent",
    )
    return document


def _check_version(document: ConsentDocument, version: object) -> None:
    if as_id(version) != document.number:
        raise ActionError(
            _(
                "A new version of the form came out while you were reading it. Please read this "
                "version, then agree to it."
            ),
            code=ErrorCode.CONFLICT,
        )


def _scan(client: Client, text: str, source: str, event: ConsentEvent, actor: Actor) -> None:
    safety_api.raise_for_text(client=client, text=text, source=source, obj=event, actor=actor)


@transaction.atomic
def sign_own(actor: Actor, *, version: object, agree: object, name: object) -> ConsentEvent:
    """A client reads the current form in the portal, ticks "I have read and agree" and types their name."""
    client = access.own_client(actor)
    if client is None:
        raise ActionError(_("Only a client can sign their own consent form."), code=ErrorCode.FORBIDDEN)
    typed = _clean_name(name)
    if agree is not True:
        raise ActionError(_("Tick the box to say you have read the form and agree."), field="agree")
    _lock_settings(client.organisation_id)
    document = _current_saved(client.organisation_id, actor)
    _check_version(document, version)
    if records.status(client).is_current:
        raise ActionError(
            _("You have already agreed to this version of the form. There is nothing more to do.")
        )
    event = ConsentEvent.objects.create(
        client=client,
        kind=EventKind.SIGNED,
        document=document,
        at=timezone.now(),
        how=How.PORTAL,
        name_typed=typed,
    )
    audit.record(SIGNED.code, actor=actor, client=client, obj=event, details={"version": document.number})
    _scan(client, typed, "consent.name", event, actor)
    return event


def _check_not_before_withdrawal(client: Client, signed_on: date) -> None:
    """Refuse a paper form signed on or before the day the client last took back their consent.

    A withdrawal stands until the client agrees again: a form dated before it (or on the same
    day, when the order cannot be told) would otherwise become the latest event and undo it.
    """
    withdrawn_at = (
        ConsentEvent.objects.filter(client_id=client.pk, kind=EventKind.WITHDRAWN)
        .order_by("-at", "-pk")
        .values_list("at", flat=True)
        .first()
    )
    if withdrawn_at is None:
        return
    withdrawn_on = timezone.localdate(withdrawn_at)
    if signed_on <= withdrawn_on:
        raise ActionError(
            _(
                "The client took back their consent on %(date)s; a form signed before that cannot count. "
                "Ask them to sign again."
            )
            % {"date": date_format(withdrawn_on, "j F Y")},
            field="signed_on",
        )


def _client_to_record_for(actor: Actor, client_id: object, refusal: str) -> Client:
    """The client staff are recording consent for: not found outside their list, refused without the right."""
    client = access.client_for_staff(actor, client_id)
    if client is None:
        raise ActionError(_("This client is not on your list."), code=ErrorCode.NOT_FOUND)
    if not access.can_record_for(actor, client):
        raise ActionError(refusal, code=ErrorCode.FORBIDDEN)
    return client


@transaction.atomic
def record_paper(
    actor: Actor, client_id: object, *, version: object, name: object, signed_on: object, note: object = ""
) -> ConsentEvent:
    """Staff record that the client signed the current form on paper (with the name they wrote, and the date)."""
    client = _client_to_record_for(
        actor, client_id, _("Only the client's care team or an admin can record their consent.")
    )
    typed = _clean_name(name)
    if not isinstance(signed_on, date):
        raise ActionError(_("Give the date written on the form."), field="signed_on")
    today = timezone.localdate()
    if signed_on > today:
        raise ActionError(_("The date on the form cannot be in the future."), field="signed_on")
    if (today - signed_on).days > 366:
        raise ActionError(
            _("That date is more than a year ago. Ask the client to sign the current form again."),
            field="signed_on",
        )
    text = _clean_note(note)
    _lock_settings(client.organisation_id)
    _check_not_before_withdrawal(client, signed_on)
    document = _current_saved(client.organisation_id, actor)
    _check_version(document, version)
    event = ConsentEvent.objects.create(
        client=client,
        kind=EventKind.SIGNED,
        document=document,
        at=timezone.now(),
        how=How.PAPER,
        name_typed=typed,
        signed_on=signed_on,
        recorded_by=actor.membership,
        note=text,
    )
    audit.record(
        PAPER_RECORDED.code,
        actor=actor,
        client=client,
        obj=event,
        details={"version": document.number, "signed_on": signed_on.isoformat()},
    )
    return event


def _withdraw(actor: Actor, client: Client, *, how: str, note: str) -> ConsentEvent:
    state = records.status(client)
    if state.latest is None or state.withdrawn:
        raise ActionError(
            _(
                "There is no agreement to take back: the form has not been agreed to since it was last "
                "taken back."
            )
        )
    event = ConsentEvent.objects.create(
        client=client,
        kind=EventKind.WITHDRAWN,
        document=state.latest.document,
        at=timezone.now(),
        how=how,
        recorded_by=actor.membership if how != How.PORTAL else None,
        note=note,
    )
    courses = list(records.open_courses(client).values_list("pk", flat=True))
    audit.record(
        WITHDRAWN.code,
        actor=actor,
        client=client,
        obj=event,
        details={
            "version": state.latest.document.number,
            "how": str(How(how).label),
            "open_courses": courses,
        },
    )
    transaction.on_commit(partial(tell_care_team.enqueue, event.pk))
    return event


@transaction.atomic
def screen_withdrawal_note(actor: Actor, note: object) -> list[Alert]:
    """Check what a client wrote when taking back their consent for risk, whatever happens to the withdrawal.

    The page calls this first, in its own transaction, before the form is checked and before
    `withdraw_own`: a box not ticked, a note too long, nothing to take back or a consent already
    taken back refuses the withdrawal, never the risk signal in the note. Nothing is stored but
    the alerts (which name the source "consent.withdrawal", not the withdrawal, that may not exist).
    """
    client = access.own_client(actor)
    if client is None or not isinstance(note, str):
        return []
    text = note.replace("\r\n", "\n").replace("\x00", "").strip()[:NOTE_SCAN_MAX]
    if not text:
        return []
    return list(safety_api.raise_for_text(client=client, text=text, source=WITHDRAWAL_SOURCE, actor=actor))


@transaction.atomic
def withdraw_own(actor: Actor, *, confirm: object, note: object = "") -> ConsentEvent:
    """A client takes back their consent in the portal, after reading what that means.

    The note is not scanned here: the caller screens it first with `screen_withdrawal_note`, in
    its own transaction, so that a refused withdrawal does not roll the alert back with it.
    """
    client = access.own_client(actor)
    if client is None:
        raise ActionError(_("Only a client can take back their own consent."), code=ErrorCode.FORBIDDEN)
    text = _clean_note(note)
    if confirm is not True:
        raise ActionError(_("Tick the box to say you understand what stopping means."), field="confirm")
    return _withdraw(actor, client, how=How.PORTAL, note=text)


@transaction.atomic
def record_withdrawal(actor: Actor, client_id: object, *, note: object) -> ConsentEvent:
    """Staff record that the client told them they take back their consent (in person, by phone, in writing)."""
    client = _client_to_record_for(
        actor, client_id, _("Only the client's care team or an admin can record this.")
    )
    text = _clean_note(note)
    if not text:
        raise ActionError(_("Write how and when the client told you."), field="note")
    return _withdraw(actor, client, how=How.TOLD_STAFF, note=text)


@transaction.atomic
def publish(actor: Actor, *, title: object, body: object, expected_number: object) -> ConsentDocument:
    """An admin publishes a new version of the form; every earlier version is kept as it was."""
    if not access.can_manage_forms(actor):
        raise ActionError(
            _("Only an admin can publish a new version of the consent form."), code=ErrorCode.FORBIDDEN
        )
    heading = " ".join(title.split()) if isinstance(title, str) else ""
    text = body.replace("\r\n", "\n").strip() if isinstance(body, str) else ""
    if not heading:
        raise ActionError(_("Give the form a title."), field="title")
    if len(heading) > MAX_TITLE:
        raise ActionError(
            _("Please keep the title under %(n)d characters.") % {"n": MAX_TITLE}, field="title"
        )
    if len(text) < 40:
        raise ActionError(_("Write the text of the form: what the client is agreeing to."), field="body")
    if len(text) > MAX_BODY:
        raise ActionError(_("Please keep the form under %(n)d characters.") % {"n": MAX_BODY}, field="body")
    organisation_id = actor.organisation_id
    _lock_settings(organisation_id)
    current = _current_saved(organisation_id, actor)
    if as_id(expected_number) != current.number:
        raise ActionError(
            _(
                "Someone published another version while you were writing. Check the newest version "
                "below; your text is still in the form."
            ),
            code=ErrorCode.CONFLICT,
        )
    if heading == current.title and text == current.body:
        raise ActionError(
            _("This text is the same as the current version. Change something to publish a new one."),
            field="body",
        )
    document = ConsentDocument.objects.create(
        organisation_id=organisation_id,
        number=current.number + 1,
        title=heading,
        body=text,
        source=DocumentSource.SITE,
        published_at=timezone.now(),
        published_by=actor.membership,
    )
    audit.record(
        PUBLISHED.code,
        actor=actor,
        obj=document,
        details={"version": document.number, "source": str(DocumentSource.SITE.label)},
    )
    return document


@transaction.atomic
def update_settings(actor: Actor, *, required_before_start: bool, expected_version: int) -> ConsentSettings:
    """An admin decides whether a client's current consent is needed before any course starts."""
    if not access.can_manage_forms(actor):
        raise ActionError(_("Only an admin can change this setting."), code=ErrorCode.FORBIDDEN)
    settings = _lock_settings(actor.organisation_id)
    if settings.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed this setting while you were looking. The saved value is shown; "
                "check and save again."
            ),
            current=settings,
        )
    before = settings.required_before_start
    settings.required_before_start = bool(required_before_start)
    settings.version += 1
    settings.save()
    audit.record(
        SETTINGS_CHANGED.code,
        actor=actor,
        obj=settings,
        details={"required_before_start": {"before": before, "after": settings.required_before_start}},
    )
    return settings


def record_view(actor: Actor, client: Client) -> None:
    """Audit a member of staff opening a client's consent history."""
    audit.record(VIEWED.code, actor=actor, client=client)
