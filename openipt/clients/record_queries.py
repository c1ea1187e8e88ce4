"""The read side of a client's whole record: every row each app registered (core.extensions.RecordExportPart),
the audit trail of who opened and changed it, and the records past their organisation's retention period.

Rows are read through the model labels and lookups the apps registered, so this module imports no app above
clients. Values are shown as stored: a link to another row as its number (never the other row's words, which
may be about someone else), a choice as its label, JSON as compact text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import DateTimeField, F, Max, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.accounts.models import Role
from openipt.audit import registry as audit_registry
from openipt.audit.models import AuditEvent
from openipt.clients.models import Assignment, Client, ClientErasure, ClientSignal, RetentionPolicy
from openipt.core.extensions import RecordExportPart, record_parts

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openipt.accounts.actor import Actor

# The models of clients that the export reads itself (client_part); the other apps register theirs.
OWN_MODELS = ("clients.Client", "clients.Assignment", "clients.ClientSignal", "clients.ClientErasure")
# The client row's own fields in the export (the search key and counters are derived, not information).
CLIENT_FIELDS = ("record_number", "given_name", "family_name", "preferred_name", "date_of_birth", "sex", "email",
                 "phone", "address", "preferred_language", "status", "created_at", "updated_at")


@dataclass
class Table:
    """The rows of one model: column labels, the rows as text (the PDF), the rows as JSON values (the bundle)."""

    label: str
    model: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    raw: list[dict[str, Any]] = field(default_factory=list)

    @property
    def pairs(self) -> list[list[tuple[str, str]]]:
        """Each row as (column, value) pairs, for a page where a row reads top to bottom."""
        return [list(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass
class Part:
    key: str
    label: str
    tables: list[Table]

    @property
    def count(self) -> int:
        return sum(len(t.rows) for t in self.tables)


def rows_of(part: RecordExportPart, model_label: str, client_id: int) -> QuerySet[Any]:
    """The rows of one registered model that belong to the client, in the order they were made."""
    model = apps.get_model(model_label)
    where = Q()
    for lookup in part.models[model_label]:
        where |= Q(**{f"{lookup}_id": client_id})
    rows: QuerySet[Any] = model._default_manager.filter(where).order_by("pk")
    return rows


def _json_value(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return str(value)


def _text(obj: Model, f: Any) -> str:
    value = getattr(obj, f.attname)
    if value is None or value == "":
        return ""
    if f.choices and not f.is_relation:
        return str(getattr(obj, f"get_{f.name}_display")())
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _table(model: type[Model], rows: QuerySet[Any] | list[Model], fields: list[Any] | None = None) -> Table:
    fields = fields or [f for f in model._meta.concrete_fields]
    table = Table(label=str(model._meta.verbose_name_plural).capitalize(), model=model._meta.label,
                  columns=[str(f.verbose_name) for f in fields])
    for obj in rows:
        table.rows.append([_text(obj, f) for f in fields])
        table.raw.append({f.attname: _json_value(getattr(obj, f.attname)) for f in fields})
    return table


def client_part(client: Client) -> Part:
    """The client's details, the staff assigned, and the tombstone if the record was erased."""
    fields = [Client._meta.get_field(name) for name in CLIENT_FIELDS]
    tables = [_table(Client, [client], fields)]
    for model in (Assignment, ClientSignal, ClientErasure):
        tables.append(_table(model, model._default_manager.filter(client_id=client.pk).order_by("pk")))
    return Part("clients", _("Details"), tables)


def audit_part(client: Client) -> Part:
    """Who opened and changed the record, and when: the audit log's events about the client."""
    table = Table(label=_("Who opened and changed the record"), model="audit.AuditEvent",
                  columns=[_("When"), _("Who"), _("Role"), _("What"), _("Object"), _("Details")])
    described = {t.code: t.description for t in audit_registry.all_types()}
    for event in AuditEvent.objects.filter(client_id=client.pk).order_by("pk").iterator(chunk_size=2000):
        details = json.dumps(event.details, ensure_ascii=False) if event.details else ""
        table.rows.append([timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M"), event.actor_label,
                           event.actor_role, described.get(event.event_type, event.event_type),
                           f"{event.object_type} {event.object_id}".strip(), details])
        table.raw.append({"id": event.pk, "occurred_at": event.occurred_at.isoformat(), "event_type": event.event_type,
                          "actor": event.actor_label, "actor_role": event.actor_role, "object_type": event.object_type,
                          "object_id": event.object_id, "details": event.details})
    return Part("audit", _("Audit trail"), [table])


def whole_record(client: Client) -> list[Part]:
    """Everything held about the client, app by app, then the audit trail."""
    parts = [client_part(client)]
    for part in record_parts():
        if not part.models:
            continue  # a part that only builds FHIR resources from the rows above
        tables = [_table(apps.get_model(label), rows_of(part, label, client.pk)) for label in part.models]
        parts.append(Part(part.key, str(part.label), tables))
    parts.append(audit_part(client))
    return parts


def erasure_of(client: Client) -> ClientErasure | None:
    return ClientErasure.objects.filter(client_id=client.pk).select_related("erased_by__user").first()


def erasure_blockers(client: Client) -> list[str]:
    """Why the record may not be erased yet (an open risk alert, a course still running), from every app."""
    return [reason for part in record_parts() if part.blocks_erasure and (reason := part.blocks_erasure(client))]


# Retention ---------------------------------------------------------------------------------------------------

def retention_years(organisation_id: int) -> int | None:
    return RetentionPolicy.objects.filter(organisation_id=organisation_id).values_list("years", flat=True).first()


def with_last_contact(clients: QuerySet[Client]) -> QuerySet[Any]:
    """The clients with `last_contact`: the latest of their record's last change and every registered activity."""
    latest: list[Any] = [F("updated_at")]
    for part in record_parts():
        for model_label, lookup, date_field in part.activity:
            model = apps.get_model(model_label)
            newest = (model._default_manager.filter(**{f"{lookup}_id": OuterRef("pk")}).order_by()
                      .values(f"{lookup}_id").annotate(newest=Max(date_field)).values("newest"))
            latest.append(Coalesce(Subquery(newest, output_field=DateTimeField()), F("updated_at")))
    return clients.annotate(last_contact=Greatest(*latest, output_field=DateTimeField()) if len(latest) > 1
                            else F("updated_at"))


def past_retention(actor: Actor, *, now: datetime | None = None) -> QuerySet[Any]:
    """The organisation's records whose last contact is older than its retention period (none when it keeps all),
    each with `last_contact`, oldest first; for an admin (anyone else: none)."""
    years = retention_years(actor.organisation_id) if actor.role == Role.ADMIN else None
    if not years:
        return Client.objects.none()
    cutoff = (now or timezone.now()) - timedelta(days=round(365.25 * years))
    clients = Client.objects.filter(organisation_id=actor.organisation_id, erasure__isnull=True)
    annotated: QuerySet[Any] = with_last_contact(clients)
    return annotated.filter(last_contact__lt=cutoff).order_by("last_contact", "pk")


def past_retention_count(actor: Actor) -> int:
    return past_retention(actor).count()


def nav_past_retention(request: HttpRequest) -> int:
    """The count beside the admin's "Records to review" link."""
    actor = getattr(request, "actor", None)
    return past_retention_count(actor) if actor is not None else 0
