"""Exports (FHIR Bundle of one client, bulk NDJSON, tidy CSV, data dictionary) and the FHIR import.

Organisation-wide files are streamed, so their size does not matter. Every export is recorded in
the audit log before it starts; one with names and dates of birth needs a reason, which is
recorded with it.
"""

from __future__ import annotations

import io
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openipt.accounts.decorators import admin_required, staff_required
from openipt.clients import access as client_access
from openipt.measures import access, exports, instruments, settings_actions
from openipt.measures.forms import IdentifiableForm, ImportForm
from openipt.measures.imports import ImportRefused, import_text
from openipt.measures.interop import RESOURCE_TYPES, dictionary_markdown, write_dictionary_csv
from openipt.measures.queries.exports import client_administrations, completed_count, org_scope

NDJSON = "application/fhir+ndjson"


def _stream(chunks, content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def _identifiable(request) -> tuple[bool, IdentifiableForm | None, str]:
    """Return (identifiable?, the form if it was sent and is wrong, the reason)."""
    if request.method != "POST":
        return False, None, ""
    form = IdentifiableForm(request.POST)
    if form.is_valid():
        return True, None, form.cleaned_data["reason"]
    return False, form, ""


REFUSED_KEY = "measures_export_refused"


def _refused(request, form: IdentifiableForm):
    """Send a refused identifiable export back to the export page, which says why and keeps what was typed."""
    request.session[REFUSED_KEY] = {name: form.data.get(name, "") for name in form.fields}
    return redirect(reverse("measures:export") + "#ident-heading")


@admin_required
def export_view(request):
    """The organisation's downloads: FHIR NDJSON per resource type, the tidy CSV and its dictionary."""
    actor = request.actor
    count = completed_count(actor)
    refused = request.session.pop(REFUSED_KEY, None)
    form = IdentifiableForm(refused) if refused is not None else IdentifiableForm()
    return render(request, "measures/export.html", {"count": count, "types": RESOURCE_TYPES, "form": form})


@admin_required
def export_ndjson_view(request, resource_type):
    """One FHIR resource type of the whole organisation, as NDJSON (streamed)."""
    actor = request.actor
    if resource_type not in RESOURCE_TYPES:
        raise Http404
    identifiable, bad, reason = _identifiable(request)
    if bad is not None:
        return _refused(request, bad)
    clients, admins = org_scope(actor)
    per_item = request.GET.get("per_item") == "1"
    settings_actions.record_export(actor, f"fhir-ndjson:{resource_type}", identifiable=identifiable,
                          details={"reason": reason, "per_item": per_item})
    lines = exports.ndjson_lines(resource_type, actor.organisation, clients, admins, identifiable=identifiable,
                                 per_item=per_item)
    return _stream(exports.buffered(lines), NDJSON, f"{actor.organisation.slug}-{resource_type}-{_stamp()}.ndjson")


@admin_required
def export_csv_view(request):
    """The tidy CSV: one row per administration and item (streamed)."""
    actor = request.actor
    identifiable, bad, reason = _identifiable(request)
    if bad is not None:
        return _refused(request, bad)
    clients, admins = org_scope(actor)
    settings_actions.record_export(actor, "csv", identifiable=identifiable, details={"reason": reason})
    lines = exports.csv_lines(actor.organisation, clients, admins, identifiable=identifiable)
    return _stream(exports.buffered(lines), "text/csv; charset=utf-8",
                   f"{actor.organisation.slug}-measures-{_stamp()}.csv")


@admin_required
def export_dictionary_view(request):
    """The data dictionary of the tidy CSV, as Markdown (default) or CSV."""
    registry = instruments.registry()
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        write_dictionary_csv(out, registry, identifiable=request.GET.get("identifiable") == "1")
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="measures-dictionary.csv"'
        return response
    text = dictionary_markdown(registry, identifiable=request.GET.get("identifiable") == "1")
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="measures-dictionary.md"'
    return response


@staff_required
def client_bundle_view(request, client_id):
    """One client's questionnaires as a FHIR Bundle (JSON); identifiable only with a reason, for admins and the care team."""
    actor = request.actor
    client = client_access.get_client(actor, client_id)
    if client is None:
        raise Http404
    identifiable, bad, reason = _identifiable(request)
    if bad is not None:
        messages.error(request, _("To include the name and date of birth, give a reason and tick the box."))
        return redirect("clients:detail", client_id=client.pk)
    if identifiable and not access.can_export_identifiable(actor, client):
        raise PermissionDenied
    admins = client_administrations(actor, client)
    settings_actions.record_export(actor, "fhir-bundle", identifiable=identifiable, client=client, details={"reason": reason})
    bundle = exports.bundle_for_client(client, admins, identifiable=identifiable)
    response = HttpResponse(json.dumps(bundle, ensure_ascii=False, indent=1), content_type="application/fhir+json")
    response["Content-Disposition"] = f'attachment; filename="{client.record_number}-measures-{_stamp()}.json"'
    response["Cache-Control"] = "no-store"
    return response


@admin_required
def import_view(request):
    """Import FHIR QuestionnaireResponses: all or nothing, and a response sent twice is stored once."""
    actor = request.actor
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        field = "file" if form.cleaned_data.get("file") else "text"
        try:
            outcome = import_text(actor, form.content())
        except ImportRefused as exc:
            form.add_error(field, _("Nothing was imported. %(problem)s") % {"problem": str(exc)})
        else:
            new, old = len(outcome.created), len(outcome.already)
            messages.success(request, ngettext("Imported %(new)d questionnaire.", "Imported %(new)d questionnaires.", new)
                             % {"new": new} + " " + ngettext("%(old)d was already here and was skipped.",
                                                             "%(old)d were already here and were skipped.", old) % {"old": old})
            if outcome.alerts:
                messages.warning(request, ngettext("%(n)d imported answer raised a safety alert. Check the alerts now.",
                                                   "%(n)d imported answers raised a safety alert. Check the alerts now.",
                                                   outcome.alerts) % {"n": outcome.alerts})
            return redirect("measures:import")
    return render(request, "measures/import.html", {"form": form})
