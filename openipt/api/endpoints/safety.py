"""Risk alerts: list, read, acknowledge (through the safety app's own action)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from openipt.api import present, queries
from openipt.api.endpoints import READ_ERRORS, WRITE_ERRORS, ListParams, actor_of, needs, refusing
from openipt.api.errors import not_found, person_required
from openipt.api.http import idempotent, page, respond
from openipt.api.schemas import AcknowledgedOut, AlertOut, AlertPage
from openipt.core.errors import ActionError
from openipt.safety import access, actions

router = Router()


@router.get("", response={200: AlertPage, **READ_ERRORS}, url_name="alerts", summary="List risk alerts", auth=needs("alerts:read"))
def list_alerts(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    """The risk alerts the token may see, oldest first. Scope `alerts:read`.

    Alerts have no "changed at" time, so this list offers no `updated_since`; page through it again instead.
    """
    actor = actor_of(request, "alerts:read")
    return respond(request, page("alerts", queries.alerts(actor), limit=params.limit, cursor=params.cursor,
                                 updated_since=None, serialize=present.alerts))


@router.get("/{alert_id}", response={200: AlertOut, **READ_ERRORS}, url_name="alert", summary="Read a risk alert", auth=needs("alerts:read"))
def read_alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    """One risk alert. Scope `alerts:read`."""
    actor = actor_of(request, "alerts:read")
    found = access.get_alert(actor, alert_id)
    if found is None:
        raise not_found("alert")
    actions.record_alert_view(actor, found)  # as opening the alert on a screen is audited
    return respond(request, present.alert(found))


@router.post("/{alert_id}/acknowledge", response={200: AcknowledgedOut, **WRITE_ERRORS}, url_name="alert_acknowledge",
             summary="Acknowledge a risk alert", auth=needs("alerts:write"))
def acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Acknowledge an alert as the screens do: escalation stops. Scope `alerts:write`, personal tokens only.

    An alert stays until a person acts, so an API client (a program) is refused with 403
    `person_required`. Acknowledging an alert someone already acknowledged changes nothing
    (`acknowledged_now` is false).
    """
    actor = actor_of(request, "alerts:write")
    if actor.kind != "person":
        raise person_required()
    if access.get_alert(actor, alert_id) is None:
        raise not_found("alert")

    def run() -> tuple[int, object]:
        try:
            alert, changed = actions.acknowledge(actor, alert_id)
        except ActionError as err:
            raise refusing(err) from None
        return 200, {"alert": present.alert(alert), "acknowledged_now": changed}

    return idempotent(request, actor, run)
