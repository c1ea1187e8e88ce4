"""Who may see and act on alerts, safety plans and the safety settings.

Every query of client data starts from `openipt.clients.access.visible_clients(actor)`: staff
see the alerts and plans of the clients they may see (admins: the whole organisation); a client
sees only their own plan and their organisation's crisis contacts, never an alert page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet

from openipt.accounts.access import is_admin, is_care_staff, is_staff, site_limit, site_q_for
from openipt.accounts.models import Role
from openipt.clients.access import get_client, visible_clients
from openipt.clients.models import Assignment, Client
from openipt.core.db import CompiledOnce
from openipt.core.numbers import as_id as _int
from openipt.safety.models import (
    UNACKNOWLEDGED,
    Alert,
    AlertEvent,
    AutomationPause,
    CrisisContact,
    Delivery,
    SafetyPlan,
    SafetyPlanVersion,
)

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def visible_alerts(actor: Actor | None) -> QuerySet[Alert]:
    """Return the alerts of the clients this member of staff may see (none for clients)."""
    if actor is None or not actor.is_staff:
        return Alert.objects.none()
    return Alert.objects.filter(organisation_id=actor.organisation_id, client__in=visible_clients(actor))


def get_alert(actor: Actor, alert_id) -> Alert | None:
    """Return one visible alert with its client and the people who acted on it, or None."""
    pk = _int(alert_id)
    if pk is None:
        return None
    return (
        visible_alerts(actor)
        .filter(pk=pk)
        .select_related("client", "raised_by__user", "acknowledged_by__user", "resolved_by__user")
        .first()
    )


def alert_history(alert) -> tuple[list[AlertEvent], list[Delivery]]:
    """Return an alert's history and its deliveries, oldest first."""
    events = list(AlertEvent.objects.filter(alert=alert).select_related("by__user").order_by("at", "pk"))
    deliveries = list(Delivery.objects.filter(alert=alert).select_related("recipient__user").order_by("created_at", "pk"))
    return events, deliveries


# What the banner shows of an alert and its client, in the models' own field order (for `from_db`); any other
# field read from these objects is fetched then (a query), never wrong.
_BANNER_ALERT = [f.attname for f in Alert._meta.concrete_fields if f.attname in {
    "id", "client_id", "rule_kind", "severity", "source", "evidence", "status", "raised_at", "resolved_at"}]
_BANNER_CLIENT = [f.attname for f in Client._meta.concrete_fields if f.attname in {
    "id", "given_name", "preferred_name", "family_name", "record_number"}]


def _banner_rows(shape: tuple[int, bool], *, org: int, me: int, site: int | None = None) -> QuerySet[Alert, Any]:
    """The alerts the banner shows (`limit + 1` of them, most severe and oldest first) with their clients' names."""
    limit, _limited = shape
    rows: QuerySet[Alert, Any] = (
        Alert.objects.filter(organisation_id=org, status__in=UNACKNOWLEDGED)
        .filter(
            (Q(client_id__in=Assignment.objects.filter(staff_id=me).values("client_id")) & site_q_for(site, "client__site"))
            | Q(pk__in=Delivery.objects.filter(recipient_id=me).values("alert_id"))
        )
        .order_by("-severity_rank", "raised_at", "pk")
        .values_list(*_BANNER_ALERT, *[f"client__{name}" for name in _BANNER_CLIENT])[: limit + 1]
    )
    return rows


# Runs on every staff page: its SQL is compiled once per process (openipt.core.db.CompiledOnce).
_BANNER = CompiledOnce(_banner_rows)


def banner_alerts(actor: Actor | None, limit: int = 5) -> tuple[list[Alert], bool]:
    """Return the unacknowledged alerts this person must see on every page (at most `limit`), and whether there are more.

    One query, whatever the number of alerts (its SQL compiled once per process).

    That is an alert about a client assigned to them, or one they were told about (an escalation
    to a supervisor or an admin, or a facilitator's supervisor).
    """
    if actor is None or not actor.is_staff:
        return [], False
    site = site_limit(actor)
    values = {"org": actor.organisation_id, "me": actor.membership.pk}
    if site is not None:
        values["site"] = site
    shown = []
    split = len(_BANNER_ALERT)
    for row in _BANNER.rows((limit, site is not None), **values):
        alert = Alert.from_db("default", _BANNER_ALERT, row[:split])
        alert.client = Client.from_db("default", _BANNER_CLIENT, row[split:])
        shown.append(alert)
    return shown[:limit], len(shown) > limit


def client_open_alerts(actor: Actor, client) -> list[Alert]:
    """Return a visible client's open alerts, most severe first."""
    return list(visible_alerts(actor).filter(client_id=client.pk, status__in=["raised", "escalated", "acknowledged"]).order_by(
        "-severity_rank", "raised_at", "pk"))


def is_same_org(actor: Actor | None, obj) -> bool:
    return actor is not None and obj is not None and obj.organisation_id == actor.organisation_id


def can_see_alert_client(actor: Actor | None, alert) -> bool:
    return actor is not None and visible_clients(actor).filter(pk=alert.client_id).exists()


def can_act_on_alert(actor: Actor | None, alert) -> bool:
    """Staff of the alert's organisation who may see its client act on it."""
    return is_staff(actor) and is_same_org(actor, alert) and can_see_alert_client(actor, alert)


def is_assigned_care_staff(actor: Actor | None, client) -> bool:
    return bool(
        actor is not None
        and is_care_staff(actor)
        and Assignment.objects.filter(client_id=client.pk, staff_id=actor.membership.pk).exists()
    )


def is_own_record(actor: Actor | None, client) -> bool:
    return bool(actor is not None and actor.role == Role.CLIENT and client.user_id == actor.membership.user_id)


def can_edit_plan(actor: Actor | None, client) -> bool:
    """The client themself, or care staff assigned to them, may change a safety plan."""
    if actor is None or client is None or client.organisation_id != actor.organisation_id:
        return False
    return is_own_record(actor, client) or is_assigned_care_staff(actor, client)


def can_reopen_automation(actor: Actor | None, client) -> bool:
    """Care staff who can see the client (assigned, or supervising them) may reopen automated features."""
    return bool(actor is not None and is_care_staff(actor) and visible_clients(actor).filter(pk=client.pk).exists())


def can_manage_safety_settings(actor: Actor | None) -> bool:
    """Admins change the organisation's safety rules and contacts."""
    return is_admin(actor)


def client_for_plan(actor: Actor | None, client_id) -> Client | None:
    """Return a visible client for the staff plan pages."""
    if actor is None or not actor.is_staff:
        return None
    return get_client(actor, client_id)


def own_client(actor: Actor | None) -> Client | None:
    """Return the client record of a signed-in client."""
    if actor is None or not actor.is_client:
        return None
    return visible_clients(actor).first()


def plan_of(client) -> SafetyPlan | None:
    return SafetyPlan.objects.filter(client_id=client.pk).first()


def plan_current(client) -> tuple[SafetyPlan | None, SafetyPlanVersion | None]:
    """Return a client's plan and its current version (None when nothing is saved yet)."""
    plan = plan_of(client)
    if plan is None or plan.version == 0:
        return plan, None
    return plan, SafetyPlanVersion.objects.filter(plan=plan, number=plan.version).select_related("saved_by__user").first()


def plan_versions(plan) -> list[SafetyPlanVersion]:
    if plan is None:
        return []
    return list(SafetyPlanVersion.objects.filter(plan=plan).select_related("saved_by__user").order_by("-number"))


def plan_version(plan, number) -> SafetyPlanVersion | None:
    num = _int(number)
    if plan is None or num is None:
        return None
    return SafetyPlanVersion.objects.filter(plan=plan, number=num).select_related("saved_by__user").first()


def open_pause(client) -> AutomationPause | None:
    return AutomationPause.objects.filter(client_id=client.pk, lifted_at__isnull=True).select_related("alert").first()


def crisis_contacts_for(organisation_id: int, language: str) -> list[CrisisContact]:
    """Return the active crisis contacts for a language, falling back to English, then to any language (one query)."""
    every = list(CrisisContact.objects.filter(organisation_id=organisation_id, is_active=True).order_by("order", "name", "pk"))
    language = (language or "en").lower()
    base = language.split("-")[0]
    for wanted in ({language, base}, {"en"}):
        found = [c for c in every if c.language in wanted or c.language.split("-")[0] in wanted]
        if found:
            return found
    return every


def visible_contacts(actor: Actor) -> QuerySet[CrisisContact]:
    """Return every crisis contact of an admin's organisation (admins manage them)."""
    if not is_admin(actor):
        return CrisisContact.objects.none()
    return CrisisContact.objects.filter(organisation_id=actor.organisation_id)


def alert_list(actor: Actor) -> QuerySet[Alert]:
    """Return visible alerts with what the list shows, most urgent first."""
    return visible_alerts(actor).select_related("client", "acknowledged_by__user").prefetch_related(
        Prefetch(
            "deliveries",
            queryset=Delivery.objects.filter(status="failed").only("pk", "alert_id", "status"),
            to_attr="failed_deliveries",
        )
    )
