"""Client records: list and read."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from openipt.api import present, queries
from openipt.api.endpoints import READ_ERRORS, ChangedParams, actor_of, needs
from openipt.api.errors import not_found
from openipt.api.http import page, respond
from openipt.api.schemas import ClientOut, ClientPage
from openipt.clients import actions as client_actions
from openipt.clients.access import get_client

router = Router()


@router.get("", response={200: ClientPage, **READ_ERRORS}, url_name="clients", summary="List client records", auth=needs("clients:read"))
def list_clients(request: HttpRequest, params: Query[ChangedParams]) -> HttpResponse:
    """The client records the token may see, oldest first. Scope `clients:read`."""
    actor = actor_of(request, "clients:read")
    return respond(request, page("clients", queries.clients(actor), limit=params.limit, cursor=params.cursor,
                                 updated_since=params.updated_since, serialize=present.clients))


@router.get("/{client_id}", response={200: ClientOut, **READ_ERRORS}, url_name="client", summary="Read a client record", auth=needs("clients:read"))
def read_client(request: HttpRequest, client_id: int) -> HttpResponse:
    """One client record. Scope `clients:read`."""
    actor = actor_of(request, "clients:read")
    found = get_client(actor, client_id)
    if found is None:
        raise not_found("client")
    client_actions.record_view(actor, found)  # as opening the record on a screen is audited
    return respond(request, present.client(found))
