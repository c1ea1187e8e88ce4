"""Groups with their members and attendance: read only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from openipt.api import present, queries
from openipt.api.endpoints import READ_ERRORS, ChangedParams, actor_of, needs
from openipt.api.errors import not_found
from openipt.api.http import page, respond
from openipt.api.schemas import GroupDetailOut, GroupPage
from openipt.groups import access

router = Router()


@router.get("", response={200: GroupPage, **READ_ERRORS}, url_name="groups", summary="List groups", auth=needs("groups:read"))
def list_groups(request: HttpRequest, params: Query[ChangedParams]) -> HttpResponse:
    """The IPT groups the token may see, oldest first. Scope `groups:read`."""
    actor = actor_of(request, "groups:read")
    return respond(request, page("groups", queries.groups(actor), limit=params.limit, cursor=params.cursor,
                                 updated_since=params.updated_since, serialize=present.groups))


@router.get("/{group_id}", response={200: GroupDetailOut, **READ_ERRORS}, url_name="group", summary="Read a group", auth=needs("groups:read"))
def read_group(request: HttpRequest, group_id: int) -> HttpResponse:
    """One group with the members the token may see and their attendance at each session. Scope `groups:read`."""
    actor = actor_of(request, "groups:read")
    group = access.get_group(actor, group_id)
    if group is None:
        raise not_found("group")
    members = list(access.visible_members(actor, group).order_by("pk"))
    return respond(request, present.group_detail(group, members, queries.group_sessions(actor, group)))
