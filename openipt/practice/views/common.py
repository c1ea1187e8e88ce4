"""Helpers shared by the portal and staff pages."""

from __future__ import annotations

from django.http import Http404

from openipt.core.extensions import render_panels
from openipt.practice import access


def own_client_or_404(request):
    """The signed-in client's own record (the decorator has already checked the role)."""
    client = access.own_client(request.actor)
    if client is None:
        raise Http404
    return client


def staff_client_or_404(request, client_id):
    client = access.staff_client(request.actor, client_id)
    if client is None:
        raise Http404
    return client


def help_panels(request, client) -> list[dict]:
    """What the safety app shows a client "one tap away" (the "portal_help" panels), if anything."""
    return render_panels("portal_help", request, client)


def portal_context(request, client, **extra) -> dict:
    """Context every portal page has: the client and the help slot."""
    context = {"client": client, "help_panels": help_panels(request, client)}
    context.update(extra)
    return context
