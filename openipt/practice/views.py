"""The client portal: a client's own start page."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from openipt.accounts.decorators import client_required
from openipt.clients import access as client_access
from openipt.core.extensions import render_panels


@client_required
def portal_view(request):
    """Show a client their own record and what comes next."""
    client = client_access.visible_clients(request.actor).first()
    if client is None:
        raise Http404
    panels = render_panels("portal", request, client)
    return render(request, "practice/portal.html", {"client": client, "panels": panels})
