"""What consent pages and other apps read: the current form, a client's status and history.

Reads only; the callers fetched the client through their own access rules. The status of many
clients at once (a group's members, the Today page) is read in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from openipt.clients.models import Client
from openipt.consent import access
from openipt.consent.models import ConsentDocument, ConsentEvent, ConsentSettings, DocumentSource, EventKind
from openipt.consent.shipped import default_form
from openipt.courses.models import OPEN_STATUSES, Course

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

NONE, SIGNED, OLD_VERSION, WITHDRAWN = "none", "signed", "old_version", "withdrawn"


@dataclass(frozen=True)
class Status:
    """Where a client's consent stands against the organisation's current version of the form."""

    state: str  # NONE, SIGNED, OLD_VERSION or WITHDRAWN
    latest: ConsentEvent | None
    current_number: int

    @property
    def is_current(self) -> bool:
        return self.state == SIGNED

    @property
    def withdrawn(self) -> bool:
        return self.state == WITHDRAWN


def settings_for(organisation_id: int) -> ConsentSettings:
    """The organisation's consent settings (the defaults, unsaved, when none were saved)."""
    found = ConsentSettings.objects.filter(organisation_id=organisation_id).first()
    return found or ConsentSettings(organisation_id=organisation_id)


def required_before_start(organisation_id: int) -> bool:
    return settings_for(organisation_id).required_before_start


def documents(actor: Actor) -> list[ConsentDocument]:
    """The versions of the form the actor may see (staff of the organisation), with who published each."""
    return list(access.visible_documents(actor).select_related("published_by__user"))


def current_document(organisation_id: int) -> ConsentDocument:
    """The organisation's newest version of the form; before any was saved, the shipped form as version 1 (unsaved)."""
    found = ConsentDocument.objects.filter(organisation_id=organisation_id).order_by("-number").first()
    if found is not None:
        return found
    title, body = default_form()
    return ConsentDocument(
        organisation_id=organisation_id,
        number=1,
        title=title,
        body=body,
        source=DocumentSource.SHIPPED,
        published_at=timezone.now(),
    )


def _current_number(organisation_id: int) -> int:
    return (
        ConsentDocument.objects.filter(organisation_id=organisation_id)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    ) or 1


def _status(latest: ConsentEvent | None, current_number: int) -> Status:
    if latest is None:
        return Status(NONE, None, current_number)
    if latest.kind == EventKind.WITHDRAWN:
        return Status(WITHDRAWN, latest, current_number)
    state = SIGNED if latest.document.number == current_number else OLD_VERSION
    return Status(state, latest, current_number)


def status(client: Client) -> Status:
    """Where this client's consent stands."""
    latest = (
        ConsentEvent.objects.filter(client_id=client.pk)
        .select_related("document", "recorded_by__user")
        .first()
    )
    return _status(latest, _current_number(client.organisation_id))


def statuses(client_ids: Iterable[int], organisation_id: int) -> dict[int, Status]:
    """The status of many clients of one organisation, in two queries whatever their number."""
    ids = sorted(set(client_ids))
    number = _current_number(organisation_id)
    latest: dict[int, ConsentEvent] = {}
    for event in (
        ConsentEvent.objects.filter(client_id__in=ids)
        .select_related("document")
        .order_by("client_id", "-at", "-pk")
    ):
        latest.setdefault(event.client_id, event)
    return {pk: _status(latest.get(pk), number) for pk in ids}


def history(client: Client) -> QuerySet[ConsentEvent]:
    """Every signature and withdrawal of the client, newest first."""
    return (
        ConsentEvent.objects.filter(client_id=client.pk)
        .select_related("document", "recorded_by__user")
        .order_by("-at", "-pk")
    )


def open_courses(client: Client) -> QuerySet[Course]:
    return Course.objects.filter(client_id=client.pk, status__in=[s.value for s in OPEN_STATUSES]).order_by(
        "pk"
    )


def withdrawn_with_open_course(clients: QuerySet[Client]) -> QuerySet[Client]:
    """Of these clients, those whose latest consent event is a withdrawal and who have an open course.

    One query: what the Today page lists until the course is ended or the client agrees again.
    """
    newest = ConsentEvent.objects.filter(client_id=OuterRef("pk")).order_by("-at", "-pk")
    withdrawn = Subquery(newest.values("kind")[:1])
    when = Subquery(newest.values("at")[:1])
    open_course = Course.objects.filter(client_id=OuterRef("pk"), status__in=[s.value for s in OPEN_STATUSES])
    return (
        clients.annotate(consent_kind=withdrawn, withdrawn_at=when, has_open_course=Exists(open_course))
        .filter(consent_kind=EventKind.WITHDRAWN, has_open_course=True)
        .order_by("-withdrawn_at", "pk")
    )
