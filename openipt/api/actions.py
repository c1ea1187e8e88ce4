"""Every change to API tokens, and the audit of each call made with one.

An API client acts through a service membership made for it here: a login that cannot sign in
(no usable password, inactive) with the admin role in the client's organisation, so the apps'
access checks give it the organisation-wide view an admin has, which its scopes then narrow.
A personal token acts through the membership of the person who made it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.accounts.models import Membership, Role, User
from openipt.api import access
from openipt.api.models import ApiToken, TokenKind
from openipt.api.scopes import PERSON_ONLY, clean_scopes
from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.core.errors import ActionError, ErrorCode

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

TOKEN_CREATED = register("api.token_created", "API client or personal token created")
TOKEN_ROTATED = register("api.token_rotated", "API token given a new secret")
TOKEN_REVOKED = register("api.token_revoked", "API token revoked")
API_CALLED = register("api.called", "REST API called with a token")

PREFIX = "oipt_"
LONGEST_LIFE_DAYS = 366


def hash_secret(secret: str) -> str:
    """The SHA-256 a secret is stored and looked up by."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def _expiry(expires_on: object) -> datetime:
    today = timezone.localdate()
    if not isinstance(expires_on, date):
        raise ActionError(_("Choose the day the token stops working."), field="expires_on")
    if expires_on <= today:
        raise ActionError(_("Choose a day after today."), field="expires_on")
    if expires_on > today + timedelta(days=LONGEST_LIFE_DAYS):
        raise ActionError(_("A token can last at most a year. Choose an earlier day; you can make a new one later."),
                          field="expires_on")
    return timezone.make_aware(datetime.combine(expires_on, time(23, 59, 59)))


def _checked(name: str, scopes: object) -> tuple[str, list[str]]:
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise ActionError(_("Give the token a name that says what uses it."), field="name")
    chosen = clean_scopes(scopes)
    if not chosen:
        raise ActionError(_("Choose at least one thing the token may do."), field="scopes")
    return name[:100], chosen


def _service_membership(actor: Actor, name: str) -> Membership:
    """A membership an API client acts through: organisation-wide like an admin, and unable to sign in."""
    user = User(username=f"api-client-{secrets.token_hex(8)}", display_name=f"API client: {name}"[:150],
                is_active=False)
    user.set_unusable_password()
    user.save()
    return Membership.objects.create(user=user, organisation_id=actor.organisation_id, role=Role.ADMIN,
                                     is_active=False, is_service=True, deactivated_at=timezone.now())


@transaction.atomic
def create_client(actor: Actor, *, name: str, scopes: object, expires_on: object) -> tuple[ApiToken, str]:
    """Create an API client for the admin's organisation; return it and its secret (shown once)."""
    if not access.can_manage_clients(actor):
        raise ActionError(_("Only an admin can create API clients."), code=ErrorCode.FORBIDDEN)
    name, chosen = _checked(name, scopes)
    if PERSON_ONLY & set(chosen):
        raise ActionError(_("Only a person may send questionnaires or acknowledge alerts. Make a personal token "
                            "for that instead."), field="scopes")
    expires_at = _expiry(expires_on)
    return _create(actor, TokenKind.CLIENT, name, chosen, expires_at, _service_membership(actor, name))


@transaction.atomic
def create_personal(actor: Actor, *, name: str, scopes: object, expires_on: object) -> tuple[ApiToken, str]:
    """Create a personal token that sees what its maker sees; return it and its secret (shown once)."""
    if not access.can_make_personal(actor):
        raise ActionError(_("Only staff can make personal API tokens."), code=ErrorCode.FORBIDDEN)
    name, chosen = _checked(name, scopes)
    expires_at = _expiry(expires_on)
    return _create(actor, TokenKind.PERSONAL, name, chosen, expires_at, actor.membership)


def _create(actor: Actor, kind: str, name: str, scopes: list[str], expires_at: datetime,
            membership: Membership) -> tuple[ApiToken, str]:
    secret = _new_secret()
    token = ApiToken.objects.create(
        organisation_id=actor.organisation_id, kind=kind, name=name, scopes=scopes, membership=membership,
        created_by=actor.membership, secret_hash=hash_secret(secret), hint=secret[:10],
        created_at=timezone.now(), expires_at=expires_at)
    audit.record(TOKEN_CREATED.code, actor=actor, obj=token,
                 details={"kind": kind, "name": name, "scopes": scopes, "expires_at": expires_at.isoformat()})
    return token, secret


def _for_change(actor: Actor, kind: str, token_id: object) -> ApiToken:
    token = access.get_token(actor, kind, token_id)
    if token is None:
        raise ActionError(_("This token does not exist, or is not yours to change."), code=ErrorCode.NOT_FOUND)
    if token.revoked_at is not None:
        raise ActionError(_("This token was revoked. Make a new one instead."), code=ErrorCode.CONFLICT)
    return token


@transaction.atomic
def rotate(actor: Actor, kind: str, token_id: object) -> tuple[ApiToken, str]:
    """Give a token a new secret (the old one stops working at once); return it and the new secret."""
    token = _for_change(actor, kind, token_id)
    secret = _new_secret()
    token.secret_hash, token.hint, token.rotated_at = hash_secret(secret), secret[:10], timezone.now()
    token.save(update_fields=["secret_hash", "hint", "rotated_at"])
    audit.record(TOKEN_ROTATED.code, actor=actor, obj=token, details={"kind": kind, "name": token.name})
    return token, secret


@transaction.atomic
def revoke(actor: Actor, kind: str, token_id: object) -> ApiToken:
    """Stop a token working, for good."""
    token = _for_change(actor, kind, token_id)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(TOKEN_REVOKED.code, actor=actor, obj=token, details={"kind": kind, "name": token.name})
    return token


def record_call(actor: Actor, token: ApiToken, *, method: str, path: str, query: str = "") -> None:
    """Note one call made with a token: in the audit log (with its filters), and as the token's last use.

    Opening one record is also audited against its client by the endpoint, as on the screens.
    """
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    audit.record(API_CALLED.code, actor=actor, obj=token,
                 details={"token": token.pk, "kind": token.kind, "method": method, "path": path[:300],
                          "query": query[:300]})
