"""Signing in and out, choosing an organisation, two-factor sign-in, recovery codes and password reset."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.views import redirect_to_login
from django.core.mail import send_mail
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from openipt.accounts import access, signin_actions
from openipt.accounts.actor import Actor, origin_from_request
from openipt.accounts.client_ip import client_ip
from openipt.accounts.errors import AccountsCode
from openipt.accounts.forms import LoginForm, NewPasswordForm, PasswordResetRequestForm, TokenForm
from openipt.accounts.middleware import SESSION_KEY
from openipt.audit import actions as audit
from openipt.audit import registry
from openipt.core.errors import ActionError
from openipt.core.forms import apply_action_error

logger = logging.getLogger(__name__)


def _safe_next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(default)


@sensitive_post_parameters("password")
def login_view(request):
    """Show the sign-in form and sign the person in."""
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request))
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            login(request, user)
            memberships = list(access.active_memberships(user)[:2])
            request.session["multi_org"] = len(memberships) > 1
            if not memberships:
                logout(request)
                form.add_error(None, _("Your account is not active in any organisation. Ask your admin."))
            else:
                if len(memberships) == 1:
                    request.session[SESSION_KEY] = memberships[0].pk
                    actor = Actor(memberships[0], origin_from_request(request))
                    audit.record(registry.LOGIN.code, actor=actor)
                else:
                    audit.record(registry.LOGIN.code, system_label=user.username)
                return HttpResponseRedirect(_safe_next(request))
        else:
            username = signin_actions.clean_text(request.POST.get("username"), 150)
            audit.record(registry.LOGIN_FAILED.code, system_label="anonymous", details={"username": username, "ip": client_ip(request)})
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request):
    """Sign out (a POST, so a link elsewhere cannot sign someone out)."""
    actor = getattr(request, "actor", None)
    if actor is not None:
        audit.record(registry.LOGOUT.code, actor=actor)
    logout(request)
    messages.success(request, _("You are signed out."))
    response = redirect("accounts:login")
    # Drafts and offline copies kept in this browser (notes, answers, a group session's queue) go
    # with the person: the next person on a shared tablet or computer must not find them.
    # openipt.js removes them too, for browsers that ignore this header (it needs HTTPS or localhost).
    # On a tablet that keeps groups, the offline app's sign-out has run first in the page: it named the
    # changes not sent and wiped the copy; keep_offline=1 means the facilitator chose to keep those changes
    # (sealed under their PIN) for the next full sign-in, so the storage is left for them (docs/groups/sync.md).
    if request.POST.get("keep_offline") != "1":
        response["Clear-Site-Data"] = '"storage"'
    return response


def choose_org_view(request):
    """Let a person who belongs to several organisations choose where to act."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    memberships = list(access.active_memberships(request.user))
    if request.method == "POST":
        chosen = next((m for m in memberships if str(m.pk) == request.POST.get("membership")), None)
        if chosen is None:
            messages.error(request, _("Choose one of your organisations."))
        else:
            request.session[SESSION_KEY] = chosen.pk
            audit.record(registry.ORG_SWITCHED.code, actor=Actor(chosen, origin_from_request(request)))
            return HttpResponseRedirect(_safe_next(request))
    return render(
        request, "accounts/choose_org.html",
        {"memberships": memberships, "current": _preselected(request, memberships), "next": request.GET.get("next", "")},
    )


def _preselected(request, memberships) -> int | None:
    """The membership to pre-select: the one in use, else the one chosen last time; never a guess."""
    current = request.session.get(SESSION_KEY)
    if current is not None:
        return current
    last_org = audit.last_organisation_chosen(request.user.pk)
    return next((m.pk for m in memberships if m.organisation_id == last_org), None)


NEW_CODES_KEY = "new_recovery_codes"


def _show_new_codes(request, codes, next_url):
    """Keep new recovery codes in the session only until the next page shows them, once."""
    request.session[NEW_CODES_KEY] = codes
    return redirect(f"{reverse('accounts:recovery_codes')}?{urlencode({'next': next_url})}")


def mfa_view(request):
    """Set up two-factor sign-in, or give a code (or a recovery code) after the password."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    actor = getattr(request, "actor", None)
    confirmed = signin_actions.confirmed_device(request.user)
    setting_up = confirmed is None
    device = signin_actions.device_to_set_up(request.user) if confirmed is None else confirmed
    verified = not setting_up and request.user.is_verified()
    form = TokenForm(request.POST or None, recovery_allowed=not setting_up)
    if request.method == "POST" and form.is_valid():
        allowed, throttle = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", _("Too many wrong codes in a row. Wait a few seconds, then enter the newest code."))
        elif form.kind == "recovery":
            left = signin_actions.use_recovery_code(request.user, form.cleaned_data["token"], actor=actor)
            if left is None:
                device.throttle_increment()
                audit.record(registry.MFA_FAILED.code, actor=actor, system_label=request.user.username)
                form.add_error("token", _("That recovery code did not work. Each code works once; check you typed it all."))
            else:
                device.throttle_reset()
                otp_login(request, device)
                messages.warning(
                    request,
                    _("You used a recovery code; %(left)d left. If you lost your phone, make new codes and ask your admin "
                      "to reset your two-factor sign-in.") % {"left": left},
                )
                return HttpResponseRedirect(_safe_next(request))
        elif device.verify_token(form.cleaned_data["token"]):
            codes = None
            if setting_up:
                codes = signin_actions.confirm_authenticator(request.user, device, actor=actor)
            otp_login(request, device)
            if codes:
                return _show_new_codes(request, codes, _safe_next(request))
            messages.success(request, _("Two-factor sign-in is on."))
            return HttpResponseRedirect(_safe_next(request))
        else:
            audit.record(registry.MFA_FAILED.code, actor=actor, system_label=request.user.username)
            form.add_error("token", _("That code did not work. Codes change every 30 seconds: enter the newest one."))
    context = {"form": form, "setting_up": setting_up, "verified": verified, "next": request.GET.get("next", "")}
    if verified:
        context["codes_left"] = signin_actions.recovery_codes_left(request.user)
    if setting_up:
        import segno

        context["qr_data_uri"] = segno.make(device.config_url, error="m").svg_data_uri(scale=4, dark="#111111")
        from base64 import b32encode

        context["secret"] = b32encode(device.bin_key).decode("ascii")
        context["reset_by_admin"] = request.user.two_factor_setup_required
    return render(request, "accounts/mfa.html", context)


def recovery_codes_view(request):
    """Show how many recovery codes are left and make a new set (the old ones stop working)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if signin_actions.confirmed_device(request.user) is None:
        request.session.pop(NEW_CODES_KEY, None)
        messages.info(request, _("Turn on two-factor sign-in first; recovery codes come with it."))
        return redirect("accounts:mfa")
    if not request.user.is_verified():  # the middleware sends them to the code page first; this is a second lock
        return redirect(f"{reverse('accounts:mfa')}?{urlencode({'next': request.get_full_path()})}")
    if request.method == "POST":
        codes = signin_actions.issue_recovery_codes(request.user, actor=getattr(request, "actor", None))
        return _show_new_codes(request, codes, reverse("accounts:mfa"))
    codes = request.session.pop(NEW_CODES_KEY, None)
    context = {"codes": codes, "codes_left": signin_actions.recovery_codes_left(request.user), "next_url": _safe_next(request)}
    return render(request, "accounts/recovery_codes.html", context)


# --- password reset -------------------------------------------------------------------------


def _send_reset_link(request, link) -> None:
    url = request.build_absolute_uri(reverse("accounts:password_reset_confirm", args=[link.uid, link.token]))
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    body = _(
        "Someone (we hope you) asked to reset the OpenIPT password for the username %(username)s.\n\n"
        "Open this link to choose a new password:\n%(url)s\n\n"
        "The link works once, for %(minutes)d minutes. If you did not ask, ignore this e-mail: your password "
        "stays as it is. Two-factor sign-in, if you use it, is still asked for after a reset."
    ) % {"username": link.user.username, "url": url, "minutes": minutes}
    try:
        send_mail(_("Reset your OpenIPT password"), body, None, [link.user.email])
    except Exception:  # noqa: BLE001 - the page must answer the same way whether or not an account was found
        logger.exception("could not send a password-reset e-mail")


def password_reset_view(request):
    """Ask for a reset link; the answer is the same whether or not the account exists."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for link in signin_actions.request_password_reset(form.cleaned_data["identifier"], ip=client_ip(request)):
            _send_reset_link(request, link)
        return render(request, "accounts/password_reset_sent.html", {"minutes": settings.PASSWORD_RESET_TIMEOUT // 60})
    return render(request, "accounts/password_reset.html", {"form": form})


@sensitive_post_parameters("new_password", "new_password_again")
def password_reset_confirm_view(request, uid: str, token: str):
    """Choose a new password with a link from the e-mail."""
    if signin_actions.user_for_reset_link(uid, token) is None:
        return render(request, "accounts/password_reset_invalid.html", status=410)
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signin_actions.reset_password(uid, token, form.cleaned_data["new_password"], origin=origin_from_request(request))
        except ActionError as exc:
            if exc.code == AccountsCode.INVALID_LINK:
                return render(request, "accounts/password_reset_invalid.html", status=410)
            apply_action_error(form, exc)
        else:
            if request.user.is_authenticated:
                logout(request)
            messages.success(request, _("Your password is changed. Sign in with it."))
            return redirect("accounts:login")
    return render(request, "accounts/password_reset_confirm.html", {"form": form})
