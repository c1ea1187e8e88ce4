"""The Import page: an admin uploads a spreadsheet of clients or staff, sees a preview, and confirms it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import admin_required
from openipt.accounts.invite_mail import send_invitation_mail
from openipt.accounts.views_people import _invite_link
from openipt.clients import csvimport, import_actions
from openipt.clients.forms import ImportUploadForm
from openipt.core import submissions
from openipt.core.errors import ActionError
from openipt.core.forms import apply_action_error


class _Refused(Exception):
    def __init__(self, report: import_actions.ImportReport) -> None:
        super().__init__("refused")
        self.report = report


def _upload_page(request, form, status=200):
    return render(
        request,
        "clients/import.html",
        {"form": form, "columns": csvimport.COLUMNS, "max_rows": csvimport.MAX_ROWS},
        status=status,
    )


def _preview_page(request, report, token=""):
    return render(
        request,
        "clients/import_preview.html",
        {
            "report": report,
            "token": token,
            "rows": _table(report),
            "headers": [report.header(c.key) for c in report.columns],
            "separator": csvimport.DELIMITER_NAMES.get(report.delimiter, "comma"),
            "problem_count": sum(len(row.problems) for row in report.rows),
        },
    )


def _table(report: import_actions.ImportReport) -> list[dict]:
    headers = [report.header(c.key) for c in report.columns]
    return [
        {
            "number": row.number,
            "cells": list(zip(headers, [row.cells.get(c.key, "") for c in report.columns], strict=True)),
            "problems": [(report.header(key), words) for key, words in row.problems],
        }
        for row in report.rows
    ]


@admin_required
def import_view(request):
    """Choose clients or staff and upload a CSV file; a file that can be read is shown as a preview."""
    actor = request.actor
    form = ImportUploadForm(
        request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")}
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(csvimport.MAX_BYTES + 1)
        kind = form.cleaned_data["kind"]
        name = (upload.name or "")[:100]
        try:
            report = import_actions.run_import(actor, kind, data, commit=False, file_name=name)
        except ActionError as exc:
            apply_action_error(form, exc)
            return _upload_page(request, form)
        if report.file_problem:
            form.add_error("file", _("Nothing was imported. %(problem)s") % {"problem": report.file_problem})
            return _upload_page(request, form)
        token = (
            import_actions.seal_upload(actor, kind, import_actions.as_text(data), name) if report.ok else ""
        )
        return _preview_page(request, report, token)
    return _upload_page(request, form)


@admin_required
@require_POST
def import_confirm_view(request):
    """Import every row of a previewed file in one transaction, or nothing."""
    actor = request.actor
    earlier = submissions.previous_result(request)
    if earlier:
        messages.info(request, _("That import was already done."))
        return redirect(earlier)
    token = request.POST.get("token", "")
    try:
        kind, text, name = import_actions.open_upload(actor, token)
    except ActionError as exc:
        messages.error(request, exc.message)
        return _upload_page(request, ImportUploadForm())

    def work():
        report = import_actions.run_import(
            actor,
            kind,
            text,
            commit=True,
            file_name=name,
            send=lambda issued: send_invitation_mail(issued.invitation, _invite_link(request, issued.token)),
            token=token,
        )
        if not report.imported:
            raise _Refused(report)
        return report, reverse("accounts:people" if kind == "staff" else "clients:caseload")

    try:
        report, earlier = submissions.run_once(request, work)
    except _Refused as refused:
        messages.error(
            request,
            _(
                "Nothing was imported: the rows below have problems now. Fix them in your "
                "spreadsheet and upload it again."
            ),
        )
        return _preview_page(request, refused.report)
    except ActionError as exc:
        messages.error(request, exc.message)
        return _upload_page(request, ImportUploadForm(initial={"kind": kind}))
    if earlier or report is None:
        return redirect(earlier or reverse("clients:import"))
    count = len(report.rows)
    if kind == "clients":
        messages.success(
            request,
            ngettext("Imported %(count)d client.", "Imported %(count)d clients.", count) % {"count": count},
        )
    else:
        messages.success(
            request,
            ngettext(
                "Invited %(count)d person. The invitation e-mail is on its way.",
                "Invited %(count)d people. The invitation e-mails are on their way.",
                count,
            )
            % {"count": count},
        )
        if report.mail_failed:
            messages.warning(
                request,
                _(
                    "The e-mail could not be sent to %(emails)s. Withdraw those invitations below "
                    "and invite them again one by one to get their links."
                )
                % {"emails": ", ".join(report.mail_failed)},
            )
    return redirect(reverse("accounts:people" if kind == "staff" else "clients:caseload"))


@admin_required
def import_template_view(request):
    """A CSV file with the column names an import expects, to fill in."""
    kind = request.GET.get("kind", "clients")
    if kind not in import_actions.KINDS:
        kind = "clients"
    response = HttpResponse(
        "\ufeff" + csvimport.template_header(kind), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="openipt-{kind}-template.csv"'
    return response
