"""Every change to the interpersonal inventory: entries, ring moves, acknowledging changes, snapshots.

The timeline, onset and intake are changed in `timeline_actions.py`; the problem-area choice, the
formulation and goals in `formulation_actions.py`. The audit event types of the whole app are
registered here. Each function takes the Actor first, checks permission, runs in a transaction
and records an audit event. Text a client writes is passed to the safety app in the same
transaction that stores it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.assessment import access
from openipt.assessment.choices import (
    RING_ORDER,
    AgeBand,
    Contact,
    Ending,
    Hope,
    Match,
    MoodEffect,
    Ring,
    SnapshotKind,
    Support,
    Talking,
)
from openipt.assessment.merge import (
    PERSON_FIELDS,
    TEXT_FIELDS,
    MergeResult,
    changed_fields,
    normalise,
    three_way,
)
from openipt.assessment.models import (
    InventoryPerson,
    InventoryRevision,
    InventorySeen,
    InventorySnapshot,
    RevisionKind,
)
from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients.access import visible_clients
from openipt.core.errors import ActionError, ErrorCode
from openipt.safety.api import raise_for_text

if TYPE_CHECKING:
    from django.db.models import Model

    from openipt.accounts.actor import Actor
    from openipt.audit.registry import EventType
    from openipt.clients.models import Client

INVENTORY_VIEWED = register("assessment.inventory_viewed", "Interpersonal inventory viewed")
PERSON_ADDED = register("assessment.person_added", "Person added to the inventory")
PERSON_CHANGED = register("assessment.person_changed", "Inventory entry changed")
PERSON_CONFLICT = register("assessment.person_conflict", "Inventory change clashed with another and was kept aside")
PERSON_MOVED = register("assessment.person_moved", "Person moved to another ring of the closeness circle")
PERSON_REMOVED = register("assessment.person_removed", "Person removed from the inventory")
CHANGES_SEEN = register("assessment.changes_seen", "Changes to the inventory acknowledged")
SNAPSHOT_TAKEN = register("assessment.snapshot_taken", "Inventory snapshot taken")
SNAPSHOTS_VIEWED = register("assessment.snapshots_viewed", "Inventory snapshots viewed or compared")
TIMELINE_VIEWED = register("assessment.timeline_viewed", "Life-event timeline viewed")
EVENT_ADDED = register("assessment.event_added", "Life event added")
EVENT_CHANGED = register("assessment.event_changed", "Life event changed")
EVENT_REMOVED = register("assessment.event_removed", "Life event removed")
INTAKE_SAVED = register("assessment.intake_saved", "Onset and intake answers saved")
SUGGESTIONS_VIEWED = register("assessment.suggestions_viewed", "Problem-area suggestions viewed")
AREA_CHOSEN = register("assessment.area_chosen", "Problem area chosen")
FORMULATION_VIEWED = register("assessment.formulation_viewed", "Formulation viewed")
FORMULATION_DRAFTED = register("assessment.formulation_drafted", "Formulation draft generated")
FORMULATION_DRAFT_SAVED = register("assessment.formulation_draft_saved", "Formulation draft saved")
FORMULATION_SAVED = register("assessment.formulation_saved", "Formulation version saved")
FORMULATION_SHARED = register("assessment.formulation_shared", "Formulation shared with the client")
FORMULATION_AGREED = register("assessment.formulation_agreed", "Client agreement to the formulation recorded")
PORTAL_VIEWED = register("assessment.portal_viewed", "Client viewed their own assessment in the portal")

MAX_TEXT = 60000  # several thousand words
MAX_NAME = 100

CHOICES = {
    "ring": (Ring.values, _("Choose how close this person is: inner, middle or outer ring.")),
    "age_band": (AgeBand.values, _("Choose an age band from the list.")),
    "contact": (Contact.values, _("Choose how often they are in touch from the list.")),
    "support_received": (Support.values, _("Choose an amount of support from the list.")),
    "support_given": (Support.values, _("Choose an amount of support from the list.")),
    "expectations_match": (Match.values, _("Choose whether the expectations match from the list.")),
    "conflict_talking": (Talking.values, _("Choose an answer from the list.")),
    "conflict_hope": (Hope.values, _("Choose an answer from the list.")),
    "conflict_ending": (Ending.values, _("Choose an answer from the list.")),
    "conflict_mood_effect": (MoodEffect.values, _("Choose an answer from the list.")),
}
DEFAULTS = {"ring": "middle", "expectations_match": "unknown", "conflict_talking": "unknown",
            "conflict_hope": "unknown", "conflict_ending": "unknown", "conflict_mood_effect": "unknown"}


def forbidden() -> ActionError:
    return ActionError(_("Only the care staff assigned to this client, or the client, can change this."), code=ErrorCode.FORBIDDEN)


def long_text(value: object, field_name: str, *, limit: int = MAX_TEXT) -> str:
    """Return cleaned free text, refusing text over the limit with a message beside the field."""
    text = normalise(value)
    if len(text) > limit:
        raise ActionError(
            _("This is %(n)d characters long; the most is %(max)d. Shorten it, or split it.") % {"n": len(text), "max": limit},
            field=field_name,
        )
    return text


def clean_person(data: dict[str, Any]) -> dict[str, str]:
    """Check the values of an entry; raise ActionError naming the field at fault."""
    values: dict[str, str] = {}
    name = " ".join(normalise(data.get("name")).split())
    if not name:
        raise ActionError(_("Give this person a name or an alias. A first name, a nickname or initials is enough."),
                          field="name")
    if len(name) > MAX_NAME:
        raise ActionError(_("Keep the name under 100 characters."), field="name")
    values["name"] = name
    relationship = " ".join(normalise(data.get("relationship")).split())
    if not relationship:
        raise ActionError(_("Say who this person is, for example mother, friend or boss."), field="relationship")
    if len(relationship) > MAX_NAME:
        raise ActionError(_("Keep the relationship under 100 characters."), field="relationship")
    values["relationship"] = relationship
    for name_, (allowed, message) in CHOICES.items():
        value = normalise(data.get(name_)) or DEFAULTS.get(name_, "")
        if value not in allowed:
            raise ActionError(message, field=name_)
        values[name_] = value
    for name_ in TEXT_FIELDS:
        values[name_] = long_text(data.get(name_), name_)
    return values


def person_data(person: InventoryPerson) -> dict[str, str]:
    """Return an entry's values as stored in a revision."""
    return {f: getattr(person, f) for f in PERSON_FIELDS}


def _client_for_change(actor: Actor, client_id: int | str) -> Client:
    pk = access.as_id(client_id)
    client = visible_clients(actor).filter(pk=pk).first() if pk is not None else None
    if client is None or not _may_edit(actor, client):
        raise forbidden()
    return client


def _may_edit(actor: Actor, client: Client) -> bool:
    if actor.is_client:
        return bool(access.can_edit_own_inventory(actor, client))
    return bool(access.can_change_assessment(actor, client))


def _person_for_change(actor: Actor, person_id: int | str) -> InventoryPerson:
    person = access.get_person(actor, person_id, lock=True)
    if person is None or not _may_edit(actor, person.client):
        raise forbidden()
    return person


def _revision(person: InventoryPerson, kind: str, actor: Actor, data: dict[str, Any] | None = None, *,
              version: int | None = None, conflict_fields: Iterable[str] = ()) -> InventoryRevision:
    return InventoryRevision.objects.create(
        person=person, version=version or person.version, kind=kind, data=data or person_data(person),
        conflict_fields=list(conflict_fields), by=actor.membership, by_client=actor.is_client, at=timezone.now(),
    )


def _mark_seen(person: InventoryPerson, actor: Actor) -> None:
    if actor.is_client:
        return
    InventorySeen.objects.update_or_create(person=person, membership=actor.membership,
                                           defaults={"version": person.version, "at": timezone.now()})


def _scan_client_text(actor: Actor, person: InventoryPerson, values: dict[str, Any], names: Iterable[str]) -> None:
    """Pass the free text a client wrote to the safety app, in this transaction."""
    if not actor.is_client:
        return
    text = "\n".join(values[n] for n in names if n in TEXT_FIELDS and values.get(n))
    if text:
        raise_for_text(client=person.client, text=text, source="inventory", obj=person, actor=actor)


def _apply(person: InventoryPerson, values: dict[str, Any], actor: Actor, kind: str) -> InventoryPerson:
    for name, value in values.items():
        setattr(person, name, value)
    person.version += 1
    if actor.is_client:
        person.client_version = person.version
    else:
        person.staff_version = person.version
    person.updated_by = actor.membership
    person.save()
    _revision(person, kind, actor)
    _mark_seen(person, actor)
    return person


@transaction.atomic
def add_person(actor: Actor, client_id: int | str, data: dict[str, Any]) -> InventoryPerson:
    """Add a person to a client's inventory (by care staff, or by the client from the portal)."""
    client = _client_for_change(actor, client_id)
    values = clean_person(data)
    by_client = actor.is_client
    person = InventoryPerson.objects.create(
        client=client, **values, version=1, client_version=1 if by_client else 0, staff_version=0 if by_client else 1,
        created_by=actor.membership, updated_by=actor.membership,
    )
    _revision(person, RevisionKind.SAVED, actor)
    _mark_seen(person, actor)
    _scan_client_text(actor, person, values, TEXT_FIELDS)
    audit.record(PERSON_ADDED.code, actor=actor, client=client, obj=person, details={"ring": person.ring, "by_client": by_client})
    return person


@dataclass
class SaveResult:
    """What a save did: applied as typed, merged with a change made meanwhile, or kept aside as a conflict."""

    person: InventoryPerson
    merged_from_other: tuple[str, ...] = ()  # fields someone else changed meanwhile, kept
    conflict: MergeResult | None = None
    submitted: dict[str, Any] = field(default_factory=dict)
    other_author: str = ""
    unchanged: bool = False


def author_label(revision: InventoryRevision | None) -> str:
    if revision is None:
        return _("someone else")
    return _("the client") if revision.by_client else str(revision.by.user)


@transaction.atomic
def save_person(actor: Actor, person_id: int | str, data: dict[str, Any], *, expected_version: object) -> SaveResult:
    """Save an entry. A change made meanwhile by someone else is merged field by field; a field both changed
    differently is a conflict: the entry keeps the other change and this one is stored aside, not lost."""
    person = _person_for_change(actor, person_id)
    current = person_data(person)
    # An answer the form did not ask (the portal form has no age band) keeps its saved value.
    mine = clean_person({**current, **{k: v for k, v in dict(data).items() if k in current}})
    if not isinstance(expected_version, int) or isinstance(expected_version, bool) or expected_version < 1:
        expected_version = person.version
    if expected_version == person.version:
        changed = changed_fields(current, mine)
        if not changed:
            _mark_seen(person, actor)
            return SaveResult(person, unchanged=True, submitted=mine)
        _apply(person, {f: mine[f] for f in changed}, actor, RevisionKind.SAVED)
        _scan_client_text(actor, person, mine, changed)
        _resolve_own_conflicts(person, actor)
        audit.record(PERSON_CHANGED.code, actor=actor, client=person.client, obj=person,
                     details={"fields": changed, "version": person.version, "by_client": actor.is_client})
        return SaveResult(person, submitted=mine)
    base_rev = (InventoryRevision.objects.filter(person=person, version=expected_version)
                .exclude(kind=RevisionKind.CONFLICT).first())
    last_other = (InventoryRevision.objects.filter(person=person, version__gt=expected_version)
                  .exclude(kind=RevisionKind.CONFLICT).select_related("by__user").order_by("-version").first())
    merge = three_way(base_rev.data if base_rev else None, current, mine)
    other = author_label(last_other)
    if merge.conflicts:
        mine_changed = changed_fields(base_rev.data if base_rev else None, mine)
        revision = _revision(person, RevisionKind.CONFLICT, actor, mine, version=expected_version,
                             conflict_fields=merge.conflicts)
        _scan_client_text(actor, person, mine, mine_changed)
        audit.record(PERSON_CONFLICT.code, actor=actor, client=person.client, obj=person,
                     details={"fields": list(merge.conflicts), "started_from": expected_version,
                              "current": person.version, "revision": revision.pk, "by_client": actor.is_client})
        return SaveResult(person, conflict=merge, submitted=mine, other_author=other)
    changed = changed_fields(current, merge.values)
    if changed:
        _apply(person, {f: merge.values[f] for f in changed}, actor, RevisionKind.MERGED)
        _scan_client_text(actor, person, merge.values, changed)
        audit.record(PERSON_CHANGED.code, actor=actor, client=person.client, obj=person,
                     details={"fields": changed, "version": person.version, "merged_with": merge.theirs,
                              "by_client": actor.is_client})
    else:
        _mark_seen(person, actor)
    _resolve_own_conflicts(person, actor)
    return SaveResult(person, merged_from_other=merge.theirs, submitted=mine, other_author=other, unchanged=not changed)


def _resolve_own_conflicts(person: InventoryPerson, actor: Actor) -> None:
    InventoryRevision.objects.filter(person=person, kind=RevisionKind.CONFLICT, by=actor.membership,
                                     resolved_at__isnull=True).update(resolved_at=timezone.now())


@transaction.atomic
def settle_conflict(actor: Actor, person_id: int | str, revision_id: int | str) -> None:
    """Mark a kept-aside change as dealt with (its text stays in the entry's history)."""
    person = _person_for_change(actor, person_id)
    revision_pk = access.as_id(revision_id)
    updated = InventoryRevision.objects.filter(person=person, pk=revision_pk, kind=RevisionKind.CONFLICT,
                                               resolved_at__isnull=True).update(resolved_at=timezone.now()) if revision_pk else 0
    if not updated:
        raise ActionError(_("That change was already dealt with. Reload the page."))
    audit.record(CHANGES_SEEN.code, actor=actor, client=person.client, obj=person, details={"conflict_settled": revision_id})


@transaction.atomic
def move_person(actor: Actor, person_id: int | str, *, ring: str = "", direction: str = "") -> InventoryPerson:
    """Move a person to a ring, or one ring closer ("in") or further away ("out")."""
    person = _person_for_change(actor, person_id)
    index = RING_ORDER.index(person.ring)
    if direction in ("in", "out"):
        target = RING_ORDER[max(0, index - 1)] if direction == "in" else RING_ORDER[min(2, index + 1)]
        if target == person.ring:
            raise ActionError(_("%(name)s is already in the %(ring)s.") % {
                "name": person.name, "ring": _("inner ring") if direction == "in" else _("outer ring")})
    elif ring in RING_ORDER:
        target = ring
    else:
        raise ActionError(_("Choose the inner, middle or outer ring."), field="ring")
    if target == person.ring:
        return person
    before = person.ring
    _apply(person, {"ring": target}, actor, RevisionKind.MOVED)
    audit.record(PERSON_MOVED.code, actor=actor, client=person.client, obj=person,
                 details={"from": before, "to": target, "by_client": actor.is_client})
    return person


@transaction.atomic
def remove_person(actor: Actor, person_id: int | str) -> InventoryPerson:
    """Take a person off the inventory; their entry and history are kept for the record and snapshots."""
    person = _person_for_change(actor, person_id)
    if actor.is_client:
        raise ActionError(_("Ask your therapist to take someone off your list."), code=ErrorCode.FORBIDDEN)
    person.removed_at = timezone.now()
    person.version += 1
    person.staff_version = person.version
    person.updated_by = actor.membership
    person.save()
    _revision(person, RevisionKind.REMOVED, actor)
    audit.record(PERSON_REMOVED.code, actor=actor, client=person.client, obj=person, details={"name": person.name})
    return person


@transaction.atomic
def mark_changes_seen(actor: Actor, client_id: int | str, person_id: int | str | None = None) -> int:
    """Acknowledge the client's changes to one entry, or to all of a client's entries; return how many."""
    client = _client_for_change(actor, client_id)
    if actor.is_client:
        raise forbidden()
    people = access.client_people(client)
    if person_id is not None:
        people = [p for p in people if p.pk == access.as_id(person_id)]
        if not people:
            raise ActionError(_("That person is no longer in the inventory. Reload the page."))
    for person in people:
        _mark_seen(person, actor)
    audit.record(CHANGES_SEEN.code, actor=actor, client=client, details={"people": [p.pk for p in people]})
    return len(people)


@transaction.atomic
def take_snapshot(actor: Actor, client_id: int | str, *, kind: str, label: str = "") -> InventorySnapshot:
    """Keep a copy of the whole inventory as it is now, to compare later (start, end, or any time)."""
    client = _client_for_change(actor, client_id)
    if actor.is_client:
        raise forbidden()
    if kind not in SnapshotKind.values:
        raise ActionError(_("Choose start of treatment, end of treatment or another point in time."), field="kind")
    label = " ".join(normalise(label).split())
    if len(label) > 120:
        raise ActionError(_("Keep the label under 120 characters."), field="label")
    return _snapshot(actor, client, kind, label)


def _snapshot(actor: Actor, client: Client, kind: str, label: str) -> InventorySnapshot:
    people = access.client_people(client)
    data = [{"id": p.pk, **person_data(p)} for p in people]
    snap = InventorySnapshot.objects.create(client=client, kind=kind, label=label, data=data, people_count=len(data),
                                            taken_by=actor.membership, taken_at=timezone.now())
    audit.record(SNAPSHOT_TAKEN.code, actor=actor, client=client, obj=snap, details={"kind": kind, "people": len(data)})
    return snap


def record_view(actor: Actor, event: EventType, client: Client, obj: Model | None = None, **details: Any) -> None:
    """Audit a page that showed a client's assessment."""
    audit.record(event.code, actor=actor, client=client, obj=obj, details=details)
