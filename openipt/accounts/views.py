"""Signing in and out, choosing an organisation, and two-factor sign-in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from openipt.accounts import access
from openipt.accounts.actor import Actor, origin_from_request
from openipt.accounts.forms import LoginForm, TokenForm
from openipt.accounts.middleware import SESSION_KEY
from openipt.audit import actions as audit
from openipt.audit import registry


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
            username = (request.POST.get("username") or "")[:150]
            audit.record(registry.LOGIN_FAILED.code, system_label="anonymous", details={"username": username, "ip": request.META.get("REMOTE_ADDR")})
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
    current = request.session.get(SESSION_KEY)
    return render(
        request, "accounts/choose_org.html",
        {"memberships": memberships, "current": current, "next": request.GET.get("next", "")},
    )


def _totp_device(user, confirmed):
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def mfa_view(request):
    """Set up or enter a two-factor code from an authenticator app."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    device = _totp_device(request.user, confirmed=True)
    setting_up = device is None
    if setting_up:
        device = _totp_device(request.user, confirmed=False) or TOTPDevice.objects.create(
            user=request.user, name="Authenticator app", confirmed=False
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, throttle = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", _("Too many wrong codes in a row. Wait a few seconds, then enter the newest code."))
        elif device.verify_token(form.cleaned_data["token"]):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit.record(registry.MFA_ENABLED.code, actor=getattr(request, "actor", None), system_label=request.user.username)
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return HttpResponseRedirect(_safe_next(request))
        else:
            audit.record(registry.MFA_FAILED.code, actor=getattr(request, "actor", None), system_label=request.user.username)
            form.add_error("token", _("That code did not work. Codes change every 30 seconds: enter the newest one."))
    context = {"form": form, "setting_up": setting_up, "next": request.GET.get("next", "")}
    if setting_up:
        import segno

        context["qr_data_uri"] = segno.make(device.config_url, error="m").svg_data_uri(scale=4, dark="#111111")
        from base64 import b32encode

        context["secret"] = b32encode(device.bin_key).decode("ascii")
    return render(request, "accounts/mfa.html", context)
