"""Turn a request's `Authorization: Bearer ...` header into a typed actor with scopes.

`authenticate` is the one way a token becomes an actor; the REST API uses it, and so will the
FHIR server, the bulk export and webhooks' management endpoints. A token in the query string is
refused (addresses end up in logs); session cookies are never read.

`ApiActor` is an `Actor` (the apps' access checks take it as they take a signed-in person), plus
the token and its scopes. Its `kind` says who it is: "client" for an organisation's API client
(organisation-wide, like an admin, narrowed by scopes) or "person" for a personal token (exactly
what the person who made it may see, narrowed by scopes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest
from django.utils import timezone

from openipt.accounts.actor import Actor, origin_from_request
from openipt.accounts.models import Role
from openipt.api.actions import PREFIX, hash_secret
from openipt.api.errors import ApiError, missing_scope
from openipt.api.models import ApiToken, TokenKind

QUERY_TOKEN_NAMES = ("access_token", "token", "api_key", "apikey", "key", "bearer", "authorization")
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="openipt"'}


@dataclass(frozen=True)
class ApiActor(Actor):
    """Someone calling the API with a token: the membership it acts as, the token and its scopes."""

    token: ApiToken | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def kind(self) -> str:
        return "client" if self.token is not None and self.token.kind == TokenKind.CLIENT else "person"

    def require(self, scope: str) -> None:
        """Refuse (403) unless the token holds `scope`."""
        if scope not in self.scopes:
            raise missing_scope(scope)


def _refused(code: str, message: str) -> ApiError:
    return ApiError(401, code, message, headers=CHALLENGE)


def bearer_secret(request: HttpRequest) -> str:
    """The secret from the Authorization header; refuse one in the query string, or none at all."""
    if any(name in request.GET for name in QUERY_TOKEN_NAMES) or PREFIX in request.META.get("QUERY_STRING", ""):
        raise _refused("token_in_query", "Send the token in the Authorization header, never in the address.")
    scheme, _, secret = (request.META.get("HTTP_AUTHORIZATION") or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise _refused("missing_token", "Send a token: Authorization: Bearer <token>.")
    return secret.strip()


def token_problem(token: ApiToken) -> tuple[str, str] | None:
    """Why a token may not act now (its code and plain words), or None when it may.

    Shared by each request and by work done later in a token's name (the bulk export worker). The token
    needs `membership__user` loaded (select_related) to avoid a query per check.
    """
    if token.revoked_at is not None:
        return "revoked_token", "This token was revoked. Ask for a new one."
    if token.expires_at <= timezone.now():
        return "expired_token", "This token has expired. Ask for a new one."
    membership = token.membership
    if token.kind == TokenKind.PERSONAL and not (membership.is_active and membership.user.is_active):
        return "inactive_member", "The person this token belongs to is no longer active here."
    if token.kind == TokenKind.CLIENT and not (membership.is_service and not membership.is_active
                                               and membership.role == Role.ADMIN):
        return "changed_client", "This API client's login was changed. Ask an admin for a new client."
    return None


def authenticate(request: HttpRequest) -> ApiActor:
    """The actor a request's bearer token acts as; 401 for a missing, unknown, expired or revoked token."""
    secret = bearer_secret(request)
    if not secret.startswith(PREFIX) or len(secret) > 200:
        raise _refused("invalid_token", "This token is not one OpenIPT issued.")
    token = (ApiToken.objects.select_related("membership__user", "membership__organisation")
             .filter(secret_hash=hash_secret(secret)).first())
    if token is None:
        raise _refused("invalid_token", "This token is not known. It may have been rotated: use the new secret.")
    problem = token_problem(token)
    if problem is not None:
        raise _refused(*problem)
    membership = token.membership
    return ApiActor(membership, origin_from_request(request), token=token, scopes=frozenset(token.scopes))
