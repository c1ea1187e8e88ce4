"""Admin pages for people and invitations, and the public invitation page."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from openipt.accounts import access, actions, queries, signin_actions
from openipt.accounts.decorators import admin_required
from openipt.accounts.errors import AccountsCode
from openipt.accounts.forms import (
    AcceptInvitationForm,
    ChangeMembershipForm,
    InviteStaffForm,
    OrganisationSecurityForm,
    ResetTwoFactorForm,
)
from openipt.accounts.invite_mail import send_invitation_mail
from openipt.accounts.middleware import SESSION_KEY
from openipt.core.decorators import actor_required
from openipt.core.errors import ActionError, ErrorCode
from openipt.core.extensions import SETTINGS
from openipt.core.forms import apply_action_error
from openipt.core.i18n import catalogues
from openipt.core.pagination import paginate


def _invite_link(request, token: str) -> str:
    return request.build_absolute_uri(reverse("accounts:accept_invitation", args=[token]))


def _send_invitation(request, issued) -> None:
    if not send_invitation_mail(issued.invitation, _invite_link(request, issued.token)):
        messages.warning(request, _("The e-mail could not be sent. Give the person the link shown below."))


@admin_required
def people_view(request):
    """List the organisation's people and open invitations; invite staff."""
    actor = request.actor
    supervisors = list(access.supervisors(actor))
    form = InviteStaffForm(request.POST or None, supervisors=supervisors)
    new_link = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = actions.invite(
                actor, email=form.cleaned_data["email"], role=form.cleaned_data["role"],
                supervisor_id=form.cleaned_data["supervisor"],
            )
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            _send_invitation(request, issued)
            new_link = _invite_link(request, issued.token)
            messages.success(request, _("Invitation created for %(email)s.") % {"email": issued.invitation.email})
            form = InviteStaffForm(supervisors=supervisors)
    show = request.GET.get("show", "active")
    page = paginate(request, queries.people(actor, show), per_page=50)
    invitations = queries.open_invitations(actor)
    security = OrganisationSecurityForm(initial={"require_staff_mfa": actor.organisation.require_staff_mfa})
    return render(
        request, "accounts/people.html",
        {"page": page, "form": form, "invitations": invitations, "new_link": new_link, "show": show, "security": security},
    )


@admin_required
def member_view(request, membership_id: int):
    """Change one person's role, supervisor or active state."""
    actor = request.actor
    membership = access.get_membership_for_admin(actor, membership_id)
    if membership is None:
        raise Http404
    supervisors = [m for m in access.supervisors(actor) if m.pk != membership.pk]
    form = None
    if membership.role != "client":
        form = ChangeMembershipForm(
            request.POST or None, supervisors=supervisors,
            initial={"role": membership.role, "supervisor": membership.supervisor_id},
        )
        if request.method == "POST" and form.is_valid():
            try:
                actions.change_membership(
                    actor, membership.pk, role=form.cleaned_data["role"], supervisor_id=form.cleaned_data["supervisor"]
                )
            except ActionError as exc:
                apply_action_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("accounts:member", membership_id=membership.pk)
    return _member_page(request, membership, form)


def _can_reset_two_factor(request, membership) -> bool:
    return membership.user_id != request.actor.user.pk and signin_actions.second_step_needed(membership.user)


def _member_page(request, membership, form=None, reset_form=None):
    context = {
        "member": membership, "form": form,
        "two_factor": signin_actions.confirmed_device(membership.user) is not None,
        "setup_pending": membership.user.two_factor_setup_required,
        "reset_form": (reset_form or ResetTwoFactorForm()) if _can_reset_two_factor(request, membership) else None,
    }
    return render(request, "accounts/member.html", context)


@admin_required
@require_POST
def member_mfa_reset_view(request, membership_id: int):
    """Reset a colleague's second factor (a lost phone), with the reason kept in the audit log."""
    membership = access.get_membership_for_admin(request.actor, membership_id)
    if membership is None:
        raise Http404
    reset_form = ResetTwoFactorForm(request.POST)
    if reset_form.is_valid():
        try:
            signin_actions.reset_two_factor(request.actor, membership.pk, reason=reset_form.cleaned_data["reason"])
        except ActionError as exc:
            if exc.code == ErrorCode.NOT_FOUND:
                raise Http404 from None
            apply_action_error(reset_form, exc)
        else:
            messages.success(
                request,
                _("Two-factor sign-in is reset. %(name)s sets up a new authenticator app at their next sign-in.")
                % {"name": membership.user},
            )
            return redirect("accounts:member", membership_id=membership.pk)
    form = None
    if membership.role != "client":
        supervisors = [m for m in access.supervisors(request.actor) if m.pk != membership.pk]
        form = ChangeMembershipForm(
            supervisors=supervisors, initial={"role": membership.role, "supervisor": membership.supervisor_id}
        )
    if _can_reset_two_factor(request, membership):
        return _member_page(request, membership, form, reset_form)
    messages.error(request, " ".join(str(message) for message in reset_form.errors.get("reason", [])) or _("Two-factor sign-in was not reset."))
    return redirect("accounts:member", membership_id=membership.pk)


@admin_required
@require_POST
def member_active_view(request, membership_id: int):
    """Deactivate or reactivate a person."""
    active = request.POST.get("active") == "1"
    try:
        membership = actions.set_membership_active(request.actor, membership_id, active)
    except ActionError as exc:
        if exc.code == ErrorCode.NOT_FOUND:
            raise Http404 from None
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            (_("%(name)s can sign in again.") if active else _("%(name)s can no longer sign in here."))
            % {"name": membership.user},
        )
    return redirect("accounts:member", membership_id=membership_id)


@admin_required
@require_POST
def revoke_invitation_view(request, invitation_id: int):
    """Withdraw an unused invitation."""
    try:
        actions.revoke_invitation(request.actor, invitation_id)
    except ActionError as exc:
        if exc.code == ErrorCode.NOT_FOUND:
            raise Http404 from None
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Invitation withdrawn."))
    return redirect("accounts:people")


@admin_required
@require_POST
def security_view(request):
    """Save organisation-wide security settings."""
    form = OrganisationSecurityForm(request.POST)
    if form.is_valid():
        actions.set_require_mfa(request.actor, form.cleaned_data["require_staff_mfa"])
        messages.success(request, _("Security settings saved."))
    return redirect("accounts:people")


@sensitive_post_parameters("password", "password_again")
def accept_invitation_view(request, token: str):
    """Let an invited person choose a username and password, once."""
    try:
        invitation = actions.find_invitation(token)
    except actions.InvitationProblem as exc:
        return render(request, "accounts/invitation_problem.html", {"problem": exc.message}, status=410 if exc.code != AccountsCode.INVITATION_UNKNOWN else 404)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = actions.accept_invitation(
                token, username=form.cleaned_data["username"], password=form.cleaned_data["password"],
                display_name=form.cleaned_data["display_name"],
            )
        except actions.InvitationProblem as exc:
            return render(request, "accounts/invitation_problem.html", {"problem": exc.message}, status=410)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SESSION_KEY] = membership.pk
            messages.success(request, _("Welcome to %(org)s.") % {"org": membership.organisation})
            return redirect("home")
    return render(request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation})


@admin_required
def settings_view(request):
    """One place for every organisation setting, each linking to its own page."""
    return render(request, "accounts/settings.html", {"settings": SETTINGS})


@actor_required()
def language_view(request):
    """Each signed-in person chooses the language of their own screens (staff and clients alike)."""
    actor = request.actor
    if request.method == "POST":
        try:
            actions.set_language(actor, request.POST.get("language", ""))
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("accounts:language")
    choices = [("", _("The usual language (your organisation's, or the one your care team noted for you)"))]
    choices += list(django_settings.LANGUAGES)
    return render(request, "accounts/language.html", {"choices": choices, "current": actor.user.language})


@admin_required
def translations_view(request):
    """Per language: how complete the catalogue is, and the unreviewed translations a reviewer signs off."""
    languages = [code for code, _name in django_settings.LANGUAGES if code != "en"]
    lang = request.GET.get("lang") or request.POST.get("lang") or languages[0]
    if request.method == "POST" and lang not in languages:  # never sign off another language than the one named
        messages.error(request, _("Choose a language from the list."))
        return redirect("accounts:translations")
    if lang not in languages:
        lang = languages[0]
    if request.method == "POST":
        content = request.POST.get("what") == "content"
        if content:  # "the whole list": the pieces the page showed, as shown (never one changed since)
            ids = request.POST.getlist("shown" if request.POST.get("all") == "1" else "piece")
        else:
            ids = None if request.POST.get("all") == "1" else request.POST.getlist("entry")
        try:
            if content:
                count = actions.sign_off_content(request.actor, lang, ids)
            else:
                count = actions.sign_off_translations(request.actor, lang, ids)
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(n)d translations signed off.") % {"n": count})
        return redirect(f"{reverse('accounts:translations')}?lang={lang}" + ("#content" if content else ""))
    waiting = queries.unreviewed_translations(lang)
    rows = [{"id": catalogues.entry_id(e), "msgid": e.msgid, "msgstr": catalogues.translation_text(e).replace("\x00", " | ")}
            for e in waiting]
    pieces = [{"id": queries.piece_id(p), "key": p.key, "english": p.english, "translation": p.translation,
               "partly": not p.complete} for p in queries.unreviewed_content(lang)]
    context = {"overview": queries.translation_overview(), "lang": lang, "languages": languages,
               "names": dict(django_settings.LANGUAGES), "rows": rows,
               "content_overview": queries.content_overview(), "pieces": pieces}
    return render(request, "accounts/translations.html", context)
