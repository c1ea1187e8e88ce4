"""Who is acting, in which organisation, and from where.

Views build an Actor from the request; actions and access checks receive it.
Background jobs and command-line tools act as the system (actor None in the
audit log, with a label saying which tool).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openipt.accounts.client_ip import client_ip
from openipt.accounts.models import CARE_ROLES, STAFF_ROLES, Membership, Organisation, Role, User


@dataclass(frozen=True)
class Origin:
    """Where a request came from, for the audit log."""

    ip: str | None = None
    user_agent: str = ""


@dataclass(frozen=True)
class Actor:
    """A person acting through one membership."""

    membership: Membership
    origin: Origin = field(default_factory=Origin)

    @property
    def user(self) -> User:
        return self.membership.user

    @property
    def organisation(self) -> Organisation:
        return self.membership.organisation

    @property
    def organisation_id(self) -> int:
        return self.membership.organisation_id

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_care_staff(self) -> bool:
        return self.role in CARE_ROLES

    @property
    def is_client(self) -> bool:
        return self.role == Role.CLIENT

    @property
    def label(self) -> str:
        return str(self.membership.user)


def origin_from_request(request) -> Origin:
    """Read the caller's address (behind trusted proxies, the client's) and browser from a request."""
    ip = client_ip(request)
    agent = (request.META.get("HTTP_USER_AGENT") or "")[:200]
    return Origin(ip=ip, user_agent=agent)
