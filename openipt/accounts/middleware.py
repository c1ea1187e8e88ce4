"""Per-request account handling: idle sign-out, the acting membership, two-factor sign-in.

A person who set up an authenticator (or whose admin reset it, so that they set up a new one)
gives a code after their password before any page but the two-factor page and sign-out; so does
staff of an organisation that requires it.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from openipt.accounts import language
from openipt.accounts.actor import Actor, origin_from_request
from openipt.accounts.models import Membership
from openipt.accounts.signin_actions import second_step_needed

SESSION_KEY = "acting_membership_id"
LAST_SEEN_KEY = "last_seen"
# The REST API reads no session (tokens only), so a browser session is neither resolved nor kept alive by it.
EXEMPT_PREFIXES = ("/static/", "/account/login", "/account/logout", "/account/password-reset", "/invite/", "/healthz",
                   "/readyz", "/metrics", "/api/v1/")
MFA_PREFIX = "/account/mfa"


def _exempt(path: str) -> bool:
    return path.startswith(EXEMPT_PREFIXES)


class IdleTimeoutMiddleware:
    """Sign a person out after the configured minutes without activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN_KEY)
            limit = settings.SESSION_IDLE_MINUTES * 60
            if last is not None and now - int(last) > limit:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(n)d minutes without activity, to keep records safe.")
                    % {"n": settings.SESSION_IDLE_MINUTES},
                )
                return redirect(f"{reverse('accounts:login')}?next={request.get_full_path()}")
            if last is None or now - int(last) >= 60:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class ActingMembershipMiddleware:
    """Attach `request.actor`: the signed-in person acting in one organisation."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = None
        if request.user.is_authenticated and not _exempt(request.path):
            response = self._resolve(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _resolve(self, request):
        on_mfa_page = request.path.startswith(MFA_PREFIX)
        if not request.user.is_verified() and second_step_needed(request.user) and not on_mfa_page:
            return redirect(f"{reverse('accounts:mfa')}?next={request.get_full_path()}")
        membership_id = request.session.get(SESSION_KEY)
        membership = None
        if membership_id:
            membership = (
                Membership.objects.select_related("organisation")
                .filter(pk=membership_id, user_id=request.user.pk, is_active=True)
                .first()
            )
            if membership is None:
                request.session.pop(SESSION_KEY, None)
        if membership is None:
            actives = list(
                Membership.objects.select_related("organisation").filter(user_id=request.user.pk, is_active=True)[:2]
            )
            if not actives:
                logout(request)
                messages.error(request, _("Your account is not active in any organisation. Ask your admin."))
                return redirect("accounts:login")
            if len(actives) > 1:
                if request.path != reverse("accounts:choose_org") and not on_mfa_page:
                    return redirect(f"{reverse('accounts:choose_org')}?next={request.get_full_path()}")
                return None
            membership = actives[0]
            request.session[SESSION_KEY] = membership.pk
        # The membership's person is the one signed in, already read for this request: not read again.
        membership.user = request.user
        request.actor = Actor(membership, origin_from_request(request))
        if (
            membership.organisation.require_staff_mfa
            and membership.is_staff_role
            and not request.user.is_verified()
            and not request.path.startswith((MFA_PREFIX, "/account/organisation"))
        ):
            return redirect(f"{reverse('accounts:mfa')}?next={request.get_full_path()}")
        return None


class PersonLanguageMiddleware:
    """Show a signed-in person's pages in their language (see accounts/language.py).

    Runs after the acting membership is known. People who are not signed in keep what Django's
    LocaleMiddleware chose from their browser (Accept-Language).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        actor = getattr(request, "actor", None)
        if actor is None:
            return self.get_response(request)
        code = language.for_actor(actor)
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", code)
        return response
