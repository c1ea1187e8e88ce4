"""The pages of a record's lifecycle: export the whole record, erase it, and the records past retention.

All for admins of the client's organisation; a client elsewhere does not exist (404).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import admin_required
from openipt.clients import access, record_actions, record_queries
from openipt.clients.forms import RecordEraseForm, RecordExportForm, RetentionForm
from openipt.core.errors import ActionError, ErrorCode
from openipt.core.forms import apply_action_error
from openipt.core.pagination import paginate


def _client_or_404(request, client_id):
    client = access.get_client(request.actor, client_id)
    if client is None:
        raise Http404
    return client


def _page(request, client, export_form=None, erase_form=None, status=200):
    context = {
        "client": client,
        "export_form": export_form or RecordExportForm(prefix="export"),
        "erase_form": erase_form or RecordEraseForm(prefix="erase"),
        "blockers": record_queries.erasure_blockers(client),
        "erasure": record_queries.erasure_of(client),
    }
    return render(request, "clients/record.html", context, status=status)


@admin_required
def record_view(request, client_id):
    """The whole record's page: export it for a subject-access request, or erase it."""
    return _page(request, _client_or_404(request, client_id))


@admin_required
@require_POST
def record_export_view(request, client_id):
    """Make the whole record (readable PDF and FHIR Bundle) and send both in one zip file."""
    client = _client_or_404(request, client_id)
    form = RecordExportForm(request.POST, prefix="export")
    if form.is_valid():
        try:
            made = record_actions.export_record(request.actor, client.pk, reason=form.cleaned_data["reason"])
        except ActionError as exc:
            if exc.code == ErrorCode.NOT_FOUND:
                raise Http404 from exc
            apply_action_error(form, exc)
        else:
            response = HttpResponse(made.zip_bytes(), content_type="application/zip")
            response["Content-Disposition"] = f'attachment; filename="{made.stem}.zip"'
            response["Cache-Control"] = "no-store"
            return response
    return _page(request, client, export_form=form)


@admin_required
@require_POST
def record_erase_view(request, client_id):
    """Erase the record's words after the admin typed the client's name; refused while something is open."""
    client = _client_or_404(request, client_id)
    form = RecordEraseForm(request.POST, prefix="erase")
    if form.is_valid():
        try:
            record_actions.erase_record(request.actor, client.pk, confirm_name=form.cleaned_data["confirm_name"],
                                        reason=form.cleaned_data["reason"])
        except ActionError as exc:
            if exc.code == ErrorCode.NOT_FOUND:
                raise Http404 from exc
            apply_action_error(form, exc)
        else:
            messages.success(request, _("The record was erased. Only a backup from before today can bring it back."))
            return redirect("clients:record", client_id=client.pk)
    return _page(request, client, erase_form=form)


@admin_required
def retention_view(request):
    """How long records are kept, and the records whose last contact is older than that."""
    actor = request.actor
    years = record_queries.retention_years(actor.organisation_id)
    form = RetentionForm(request.POST or None, initial={"years": years})
    if request.method == "POST" and form.is_valid():
        try:
            record_actions.set_retention(actor, form.cleaned_data["years"])
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("clients:retention")
    page = paginate(request, record_queries.past_retention(actor), per_page=50)
    return render(request, "clients/retention.html", {"form": form, "years": years, "page": page})
