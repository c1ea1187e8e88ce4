"""Consent pages: the client's form and withdrawal in the portal, the staff page about a client, the admin's forms."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from openipt.accounts.decorators import admin_required, client_required, staff_required
from openipt.consent import access, actions
from openipt.consent.forms import (
    PaperForm,
    PublishForm,
    SettingsForm,
    SignForm,
    TellWithdrawalForm,
    WithdrawForm,
)
from openipt.consent.present import form_html
from openipt.consent.queries import records
from openipt.core import submissions
from openipt.core.errors import ActionError
from openipt.core.forms import apply_action_error, save_versioned


def _own_client(request):
    client = access.own_client(request.actor)
    if client is None:
        raise Http404
    return client


@client_required
def mine_view(request):
    """The client reads the current form and signs it; their consent so far is shown."""
    client = _own_client(request)
    document = records.current_document(client.organisation_id)
    status = records.status(client)
    form = SignForm(request.POST if request.method == "POST" else None, initial={"version": document.number})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def work():
            made = actions.sign_own(
                request.actor, version=data["version"], agree=data["agree"], name=data["name"]
            )
            return made, reverse("consent:mine")

        try:
            _made, earlier = submissions.run_once(request, work)
        except ActionError as exc:
            apply_action_error(form, exc)
            if exc.code == "conflict":  # show the new version, keeping the name they typed
                document = records.current_document(client.organisation_id)
                values = request.POST.copy()
                values["version"] = str(document.number)
                form.data = values
        else:
            if earlier:
                return redirect(earlier)
            messages.success(request, _("Thank you. You have signed the form. Your therapist can see this."))
            return redirect("consent:mine")
    return render(
        request,
        "consent/mine.html",
        {
            "client": client,
            "document": document,
            "body": form_html(document.body),
            "status": status,
            "form": form,
            "history": list(records.history(client)[:20]),
        },
    )


@client_required
def withdraw_view(request):
    """What taking back consent means, in plain words, and the box to confirm it."""
    client = _own_client(request)
    status = records.status(client)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and submissions.previous_result(request) is None:
        # First, whatever happens next (box not ticked, note too long, nothing to take back): a risk
        # signal in what the client wrote is never dropped with a refused withdrawal.
        actions.screen_withdrawal_note(request.actor, request.POST.get("note"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def work():
            made = actions.withdraw_own(request.actor, confirm=data["confirm"], note=data["note"])
            return made, reverse("consent:mine")

        try:
            _made, earlier = submissions.run_once(request, work)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            if earlier:
                return redirect(earlier)
            messages.success(
                request,
                _("You have taken back your consent. Your therapist has been told and will get in touch."),
            )
            return redirect("consent:mine")
    can_withdraw = status.latest is not None and not status.withdrawn
    return render(
        request,
        "consent/withdraw.html",
        {"client": client, "status": status, "form": form, "can_withdraw": can_withdraw},
    )


def _staff_client(request, client_id):
    client = access.client_for_staff(request.actor, client_id)
    if client is None:
        raise Http404
    return client


@staff_required
def client_view(request, client_id):
    """A client's consent now and every signature and withdrawal, with what a withdrawal means for their care."""
    client = _staff_client(request, client_id)
    actions.record_view(request.actor, client)
    status = records.status(client)
    document = records.current_document(client.organisation_id)
    return render(
        request,
        "consent/client.html",
        {
            "client": client,
            "status": status,
            "document": document,
            "history": list(records.history(client)),
            "required": records.required_before_start(client.organisation_id),
            "open_courses": list(records.open_courses(client)),
            "can_record": access.can_record_for(request.actor, client),
        },
    )


@staff_required
def paper_view(request, client_id):
    """Staff record that the client signed the current form on paper."""
    client = _staff_client(request, client_id)
    if not access.can_record_for(request.actor, client):
        raise PermissionDenied
    document = records.current_document(client.organisation_id)
    form = PaperForm(request.POST if request.method == "POST" else None, initial={"version": document.number})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def work():
            made = actions.record_paper(
                request.actor,
                client.pk,
                version=data["version"],
                name=data["name"],
                signed_on=data["signed_on"],
                note=data["note"],
            )
            return made, reverse("consent:client", args=[client.pk])

        try:
            _made, earlier = submissions.run_once(request, work)
        except ActionError as exc:
            apply_action_error(form, exc)
            if exc.code == "conflict":
                document = records.current_document(client.organisation_id)
                values = request.POST.copy()
                values["version"] = str(document.number)
                form.data = values
        else:
            if earlier:
                return redirect(earlier)
            messages.success(request, _("The paper form is recorded."))
            return redirect("consent:client", client_id=client.pk)
    return render(
        request,
        "consent/paper.html",
        {
            "client": client,
            "document": document,
            "form": form,
            "body": form_html(document.body, heading_level=3),
        },
    )


@staff_required
def tell_withdrawal_view(request, client_id):
    """Staff record that the client told them they take back their consent."""
    client = _staff_client(request, client_id)
    if not access.can_record_for(request.actor, client):
        raise PermissionDenied
    status = records.status(client)
    form = TellWithdrawalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():

        def work():
            made = actions.record_withdrawal(request.actor, client.pk, note=form.cleaned_data["note"])
            return made, reverse("consent:client", args=[client.pk])

        try:
            _made, earlier = submissions.run_once(request, work)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            if earlier:
                return redirect(earlier)
            messages.success(request, _("The withdrawal is recorded. The care team has been told."))
            return redirect("consent:client", client_id=client.pk)
    return render(
        request,
        "consent/tell_withdrawal.html",
        {
            "client": client,
            "status": status,
            "form": form,
            "can_withdraw": status.latest is not None and not status.withdrawn,
        },
    )


@staff_required
def document_view(request, document_id):
    """One version of the organisation's form, as the client read it."""
    document = access.get_document(request.actor, document_id)
    if document is None:
        raise Http404
    return render(request, "consent/document.html", {"document": document, "body": form_html(document.body)})


@admin_required
def settings_view(request):
    """The consent setting, and every version of the form."""
    actor = request.actor
    saved = records.settings_for(actor.organisation_id)
    form = SettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"version": saved.version, "required_before_start": saved.required_before_start},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if save_versioned(
            form,
            lambda: actions.update_settings(
                actor, required_before_start=data["required_before_start"], expected_version=data["version"]
            ),
        ):
            messages.success(request, _("Saved."))
            return redirect("consent:settings")
    return render(
        request,
        "consent/settings.html",
        {
            "form": form,
            "documents": records.documents(actor),
            "current": records.current_document(actor.organisation_id),
        },
    )


@admin_required
def publish_view(request):
    """An admin writes a new version of the form, starting from the current one."""
    actor = request.actor
    current = records.current_document(actor.organisation_id)
    form = PublishForm(
        request.POST if request.method == "POST" else None,
        initial={"expected_number": current.number, "title": current.title, "body": current.body},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def work():
            made = actions.publish(
                actor, title=data["title"], body=data["body"], expected_number=data["expected_number"]
            )
            return made, reverse("consent:settings")

        try:
            made, earlier = submissions.run_once(request, work)
        except ActionError as exc:
            apply_action_error(form, exc)
            if exc.code == "conflict":
                current = records.current_document(actor.organisation_id)
                values = request.POST.copy()
                values["expected_number"] = str(current.number)
                form.data = values
        else:
            if earlier:
                return redirect(earlier)
            messages.success(
                request,
                _("Version %(n)d is published. Clients will be asked to read and sign it.")
                % {"n": made.number if made else 0},
            )
            return redirect("consent:settings")
    return render(request, "consent/publish.html", {"form": form, "current": current})
