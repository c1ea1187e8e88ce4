"""Caseload, client record, and the pages that change a client's details."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from openipt.accounts import access as account_access
from openipt.accounts import actions as account_actions
from openipt.accounts.decorators import admin_required, staff_required
from openipt.accounts.forms import InviteClientForm
from openipt.accounts.views_people import _invite_link, _send_invitation
from openipt.clients import access, actions, queries
from openipt.clients.forms import AssignForm, CaseloadFilterForm, EditClientForm, NewClientForm, StatusForm
from openipt.core import submissions
from openipt.core.errors import ActionError, ConflictError
from openipt.core.extensions import render_panels
from openipt.core.forms import apply_action_error, set_data
from openipt.core.numbers import as_id
from openipt.core.pagination import paginate

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

# gettext_lazy: the headers are read per request, in the reader's language (plain gettext ran once, at import, in English).
SORT_COLUMNS = [("attention", gettext_lazy("Needs attention")), ("name", gettext_lazy("Name")), ("record", gettext_lazy("Record")),
                ("status", gettext_lazy("Status")), ("updated", gettext_lazy("Last change"))]


def _client_or_404(actor: Actor, client_id):
    client = access.get_client(actor, client_id)
    if client is None:
        raise Http404
    return client


@staff_required
def caseload_view(request):
    """List the clients this person may see, with search, filter, sort and pages."""
    actor = request.actor
    filters = CaseloadFilterForm(request.GET or None)
    query = status = ""
    if filters.is_valid():
        query = filters.cleaned_data["q"]
        status = filters.cleaned_data["status"]
    order = request.GET.get("sort", "attention")
    if order not in access.SORTS:
        order = "attention"
    clients = queries.caseload(actor, query, status=status, order=order)
    page = paginate(request, clients, per_page=25)
    rows = queries.caseload_rows(list(page.object_list))
    actions.record_list_view(actor, query=query, page=page.number, count=len(rows))
    context = {
        "page": page,
        "rows": rows,
        "rows_html": queries.caseload_rows_html(rows),
        "filters": filters,
        "query": query,
        "status": status,
        "order": order,
        "sort_columns": SORT_COLUMNS,
        "can_add": access.can_add_client(actor),
    }
    template = "clients/_caseload_results.html" if request.htmx and request.htmx.target == "caseload-results" else "clients/caseload.html"
    return render(request, template, context)


@staff_required
def new_client_view(request):
    """Add a client; the person who adds them is assigned to them."""
    actor = request.actor
    if not access.can_add_client(actor):
        raise Http404
    form = NewClientForm(request.POST or None, initial={"preferred_language": actor.organisation.default_language})
    earlier = submissions.previous_result(request) if request.method == "POST" else None
    if earlier:
        messages.info(request, _("That form was already sent; here is the record it created."))
        return redirect(earlier)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        record_number = data.pop("record_number", "")

        def create():
            made = actions.create_client(actor, data, record_number=record_number)
            return made, reverse("clients:detail", args=[made.pk])

        try:
            client, earlier = submissions.run_once(request, create)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            if earlier or client is None:  # a repeat of a submission that already ran
                return redirect(earlier or request.path)
            messages.success(request, _("Record %(number)s created for %(name)s.") % {"number": client.record_number, "name": client.display_name})
            return redirect("clients:detail", client_id=client.pk)
    return render(request, "clients/new.html", {"form": form})


@staff_required
def client_detail_view(request, client_id):
    """Show one client's record."""
    actor = request.actor
    client = _client_or_404(actor, client_id)
    actions.record_view(actor, client)
    can_edit = access.can_edit_client(actor, client)
    can_assign = access.can_assign_staff(actor, client)
    panels = render_panels("client", request, client)
    context = {
        "client": client,
        "panels": panels,
        "assignments": list(client.assignments.all()),
        "can_edit": can_edit,
        "can_assign": can_assign,
        "status_form": StatusForm(initial={"status": client.status}) if can_edit else None,
        "assign_form": AssignForm(staff=account_access.care_staff(actor)) if can_assign else None,
        "invite_form": InviteClientForm(initial={"email": client.email}) if account_access.is_admin(actor) and not client.user_id else None,
        "recent_events": (
            queries.recent_events(actor, client)
            if account_access.is_admin(actor)
            else None
        ),
    }
    return render(request, "clients/detail.html", context)


@staff_required
def edit_client_view(request, client_id):
    """Change a client's details; a second editor's save is detected, not overwritten."""
    actor = request.actor
    client = _client_or_404(actor, client_id)
    if not access.can_edit_client(actor, client):
        raise PermissionDenied
    initial = {name: getattr(client, name) for name in actions.EDITABLE_FIELDS}
    initial["version"] = client.version
    form = EditClientForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            actions.update_client(actor, client.pk, data, expected_version=version)
        except ConflictError as exc:
            conflict = exc.current or access.get_client(actor, client.pk)
            form.add_error(None, exc.message)
            set_data(form, "version", conflict.version if conflict is not None else version)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("clients:detail", client_id=client.pk)
    return render(request, "clients/edit.html", {"form": form, "client": client, "conflict": conflict})


@staff_required
@require_POST
def client_status_view(request, client_id):
    """Change a client's status."""
    form = StatusForm(request.POST)
    client = _client_or_404(request.actor, client_id)
    if not form.is_valid():
        messages.error(request, _("Choose referred, active or discharged."))
    else:
        try:
            actions.set_status(request.actor, client.pk, form.cleaned_data["status"])
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Status changed."))
    return redirect("clients:detail", client_id=client.pk)


@admin_required
@require_POST
def client_assign_view(request, client_id):
    """Assign or remove a member of staff."""
    actor = request.actor
    client = _client_or_404(actor, client_id)
    try:
        if request.POST.get("remove"):
            staff_id = as_id(request.POST["remove"])
            if staff_id is None:
                raise ActionError(_("Choose a member of staff from the list."))
            actions.unassign_staff(actor, client.pk, staff_id)
            messages.success(request, _("Removed."))
        else:
            form = AssignForm(request.POST, staff=account_access.care_staff(actor))
            if not form.is_valid():
                raise ActionError(_("Choose a member of staff from the list."))
            actions.assign_staff(actor, client.pk, form.cleaned_data["staff"])
            messages.success(request, _("Assigned."))
    except (ActionError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("Choose a member of staff from the list.")))
    return redirect("clients:detail", client_id=client.pk)


@admin_required
@require_POST
def client_invite_view(request, client_id):
    """Invite a client to the portal."""
    actor = request.actor
    client = _client_or_404(actor, client_id)
    form = InviteClientForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid e-mail address for the invitation."))
        return redirect("clients:detail", client_id=client.pk)
    try:
        issued = account_actions.invite(actor, email=form.cleaned_data["email"], role="client", client=client)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        _send_invitation(request, issued)
        messages.success(
            request, _("Portal invitation created. The link (shown once): %(link)s") % {"link": _invite_link(request, issued.token)}
        )
    return redirect("clients:detail", client_id=client.pk)
