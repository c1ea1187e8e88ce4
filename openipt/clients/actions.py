"""Every change to client records and their assigned staff."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from openipt.accounts.access import care_staff
from openipt.accounts.models import Role
from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients import access
from openipt.clients.access import normalise_search
from openipt.clients.models import Assignment, Client, ClientSignal, ClientStatus, Sex
from openipt.core import events
from openipt.core.errors import ActionError, ConflictError, ErrorCode

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.accounts.models import Membership, User

CLIENT_CREATED = register("client.created", "Client record created")
CLIENT_VIEWED = register("client.viewed", "Client record viewed")
CLIENT_UPDATED = register("client.updated", "Client record changed")
CLIENT_STATUS = register("client.status_changed", "Client status changed")
CLIENT_ASSIGNED = register("client.assigned", "Staff assigned to client")
CLIENT_UNASSIGNED = register("client.unassigned", "Staff removed from client")
CLIENT_PORTAL_LINKED = register("client.portal_linked", "Portal login linked to client")
CLIENT_LIST_VIEWED = register("client.list_viewed", "Client list or search viewed")

EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "email",
    "phone",
    "address",
    "preferred_language",
)
RECORD_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"


def new_record_number(prefix: str) -> str:
    """Make a pseudonymous record number such as C-7K3MQP (no names, no dates)."""
    body = "".join(secrets.choice(RECORD_ALPHABET) for _ in range(6))
    return f"{prefix}-{body}" if prefix else body


def _search_text(client: Client) -> str:
    parts = [client.given_name, client.family_name, client.preferred_name, client.record_number, client.email, client.phone]
    return normalise_search(" ".join(p for p in parts if p))[:400]


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = {}
    for name in EDITABLE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str):
            value = value.strip()
        cleaned[name] = value
    if "given_name" in cleaned and not cleaned["given_name"]:
        raise ActionError("Enter the client's given name.", field="given_name")
    dob = cleaned.get("date_of_birth")
    if isinstance(dob, date) and (dob > date.today() or dob.year < 1900):
        raise ActionError("The date of birth must be a real date in the past.", field="date_of_birth")
    if cleaned.get("sex", "") not in Sex.values:
        raise ActionError("Choose one of the listed options.", field="sex")
    return cleaned


@transaction.atomic
def create_client(actor: Actor, data: dict[str, Any], *, record_number: str = "", assign_to: Membership | None = None,
                  status: str = ClientStatus.REFERRED) -> Client:
    """Create a client record; care staff who create one are assigned to it."""
    if not access.can_add_client(actor):
        raise ActionError("You do not have permission to add clients.", code=ErrorCode.FORBIDDEN)
    cleaned = _clean(data)
    if "given_name" not in cleaned:
        raise ActionError("Enter the client's given name.", field="given_name")
    org = actor.organisation
    record_number = (record_number or "").strip().upper()
    if record_number:
        if Client.objects.filter(organisation_id=org.pk, record_number=record_number).exists():
            raise ActionError(
                f"Record number {record_number} is already used in this organisation. "
                "Leave it blank to get a new one, or check the existing record.",
                field="record_number",
            )
    client = Client(organisation_id=org.pk, status=status, **cleaned)
    for _attempt in range(5):
        client.record_number = record_number or new_record_number(org.record_prefix)
        client.search_text = _search_text(client)
        try:
            with transaction.atomic():
                client.save(force_insert=True)
            break
        except IntegrityError:
            if record_number:
                raise ActionError(f"Record number {record_number} is already used.", field="record_number") from None
            client.pk = None
    else:  # pragma: no cover - six random characters colliding five times
        raise ActionError("Could not make a unique record number; try again.")
    audit.record(CLIENT_CREATED.code, actor=actor, client=client, obj=client)
    staff = assign_to if assign_to is not None else (actor.membership if actor.is_care_staff else None)
    if staff is not None:
        _assign(actor, client, staff)
    return client


def _assign(actor: Actor, client: Client, staff: Membership) -> Assignment:
    if staff.organisation_id != client.organisation_id or staff.role not in (
        Role.THERAPIST, Role.FACILITATOR, Role.SUPERVISOR
    ) or not staff.is_active:
        raise ActionError("Choose an active therapist, facilitator or supervisor.", field="staff")
    existing = Assignment.objects.filter(client=client, staff=staff).first()
    if existing is not None:
        return existing
    _access_changed(client, staff, "added")  # before the change: the feed notes who saw the client until now
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(client=client, staff=staff)
    except IntegrityError:  # made by someone else this instant: theirs stands
        return Assignment.objects.get(client=client, staff=staff)
    audit.record(CLIENT_ASSIGNED.code, actor=actor, client=client, obj=assignment, details={"staff": str(staff.user)})
    return assignment


def _access_changed(client: Client, staff: Membership, change: str) -> None:
    """Tell the listeners (the API's changes feed) that who may see the client is about to change (ids only).
    Called just before the change is written, in its transaction, so a listener can read who saw it until now."""
    events.emit(events.EventType.ACCESS_CHANGED, organisation_id=client.organisation_id, occurred_at=timezone.now(),
                data={"client_ids": [client.pk], "staff_ids": [staff.pk], "change": change})


@transaction.atomic
def assign_staff(actor: Actor, client_id: int, staff_id: int) -> Assignment:
    """Assign a member of staff to a client."""
    client = access.get_client(actor, client_id)
    if client is None or not access.can_assign_staff(actor, client):
        raise ActionError("You cannot change who looks after this client.", code=ErrorCode.FORBIDDEN)
    staff = care_staff(actor).filter(pk=staff_id).first()
    if staff is None:
        raise ActionError("Choose an active therapist, facilitator or supervisor.", field="staff")
    return _assign(actor, client, staff)


@transaction.atomic
def assign_care_team(actor: Actor | None, client: Client, staff: Membership) -> Assignment:
    """Add a member of staff to a client's care team because they now care for the client together.

    Called by other apps' actions (a group adds its facilitators and supervisor to each member, so
    alerts reach them). An admin may do this for any client of the organisation; care staff only for
    clients they can see. Adding someone already on the team changes nothing.
    """
    if (
        actor is None
        or client is None
        or not (actor.is_admin or actor.is_care_staff)
        or not access.can_view_client(actor, client)
    ):
        raise ActionError("You cannot change who looks after this client.", code=ErrorCode.FORBIDDEN)
    return _assign(actor, client, staff)


@transaction.atomic
def unassign_staff(actor: Actor, client_id: int, staff_id: int) -> None:
    """Remove a member of staff from a client."""
    client = access.get_client(actor, client_id)
    if client is None or not access.can_assign_staff(actor, client):
        raise ActionError("You cannot change who looks after this client.", code=ErrorCode.FORBIDDEN)
    assignment = Assignment.objects.filter(client=client, staff_id=staff_id).first()
    if assignment is None:
        return
    audit.record(CLIENT_UNASSIGNED.code, actor=actor, client=client, obj=assignment, details={"staff": str(assignment.staff.user)})
    _access_changed(client, assignment.staff, "removed")
    assignment.delete()


@transaction.atomic
def update_client(actor: Actor, client_id: int, data: dict[str, Any], *, expected_version: int) -> Client:
    """Change a client's details, refusing if someone else saved first."""
    client = access.get_client(actor, client_id)
    if client is None or not access.can_edit_client(actor, client):
        raise ActionError("You cannot change this record.", code=ErrorCode.FORBIDDEN)
    cleaned = _clean(data)
    changed = [name for name, value in cleaned.items() if getattr(client, name) != value]
    if client.version != expected_version:
        raise ConflictError(
            "Someone else saved changes to this record while you were editing. "
            "Their version is shown below; your changes are kept in the form. Check and save again.",
            current=client,
        )
    if not changed:
        return client
    for name in changed:
        setattr(client, name, cleaned[name])
    client.search_text = _search_text(client)
    updated = Client.objects.filter(pk=client.pk, version=expected_version).update(
        **{name: cleaned[name] for name in changed}, search_text=client.search_text, version=F("version") + 1,
        updated_at=timezone.now(),  # update() skips auto_now; the API's updated_since and changes feed read it
    )
    if updated != 1:
        raise ConflictError("Someone else saved changes to this record at the same moment. Check and save again.")
    client.refresh_from_db()
    audit.record(CLIENT_UPDATED.code, actor=actor, client=client, obj=client, details={"fields": changed})
    return client


@transaction.atomic
def set_status(actor: Actor, client_id: int, status: str) -> Client:
    """Mark a client referred, active or discharged."""
    client = access.get_client(actor, client_id)
    if client is None or not access.can_edit_client(actor, client):
        raise ActionError("You cannot change this record.", code=ErrorCode.FORBIDDEN)
    if status not in ClientStatus.values:
        raise ActionError("Choose referred, active or discharged.", field="status")
    if client.status == status:
        return client
    old = client.status
    Client.objects.filter(pk=client.pk).update(status=status, version=F("version") + 1, updated_at=timezone.now())
    client.refresh_from_db()
    audit.record(CLIENT_STATUS.code, actor=actor, client=client, obj=client, details={"from": old, "to": status})
    return client


@transaction.atomic
def link_portal_user(client: Client, user: User) -> Client:
    """Attach a portal login to a client record (called when a client accepts an invitation)."""
    locked = Client.objects.select_for_update().get(pk=client.pk)
    if locked.user_id and locked.user_id != user.pk:
        raise ActionError("This client already has a portal login.")
    Client.objects.filter(pk=locked.pk).update(user=user)
    audit.record(CLIENT_PORTAL_LINKED.code, client=locked, obj=locked, system_label=user.username)
    return locked


def link_invited_client(invitation: Any, user: Any) -> None:
    """Link the new login to the client record an accepted invitation was made for, if any."""
    if invitation.client_id:
        link_portal_user(invitation.client, user)


def record_view(actor: Actor, client: Client) -> None:
    """Audit that someone opened a client's record."""
    audit.record(CLIENT_VIEWED.code, actor=actor, client=client, obj=client)


def record_list_view(actor: Actor, *, query: str, page: int, count: int) -> None:
    """Audit that someone listed or searched client records."""
    audit.record(CLIENT_LIST_VIEWED.code, actor=actor, details={"query": query[:100], "page": page, "shown": count})


# Parts of OpenIPT that follow another part's signal register here (for example, a structured review
# is offered when the measures signal says "not on track"). `set_signal` calls each one, in the same
# transaction, with (client_id, source, level, label, url) after a signal is set, and with level 0
# after one is cleared. An explicit list rather than Django signals, so the call is easy to follow.
SIGNAL_LISTENERS: list[Callable[[int, str, int, str, str], None]] = []


def add_signal_listener(listener: Callable[[int, str, int, str, str], None]) -> None:
    """Call `listener` whenever a client's signal is set or cleared (register from AppConfig.ready)."""
    if listener not in SIGNAL_LISTENERS:
        SIGNAL_LISTENERS.append(listener)


@transaction.atomic
def set_signal(client_id: int, source: str, level: int, label: str, url: str = "") -> None:
    """Set (or with level 0, clear) the signal one part of OpenIPT raises about a client.

    Called by other actions inside their own transactions; the caseload orders by the
    highest level so these clients come first.
    """
    if level <= 0:
        changed = ClientSignal.objects.filter(client_id=client_id, source=source).delete()[0] > 0
    else:
        ClientSignal.objects.update_or_create(
            client_id=client_id, source=source, defaults={"level": min(level, 3), "label": label[:120], "url": url[:300]}
        )
        changed = True
    highest = max(ClientSignal.objects.filter(client_id=client_id).values_list("level", flat=True), default=0)
    Client.objects.filter(pk=client_id).exclude(attention=highest).update(attention=highest)
    if changed:
        for listener in list(SIGNAL_LISTENERS):
            listener(client_id, source, max(level, 0), label, url)


def clear_signal(client_id: int, source: str) -> None:
    """Remove one source's signal about a client."""
    set_signal(client_id, source, 0, "")
