"""View decorators that require a signed-in person acting in a given role."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from openipt.accounts.models import CARE_ROLES, STAFF_ROLES, Role


def actor_required(*roles):
    """Let the view run only for a signed-in actor whose role is one of `roles` (any role if none given)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated or getattr(request, "actor", None) is None:
                return redirect_to_login(request.get_full_path())
            if roles and request.actor.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_required = actor_required(*STAFF_ROLES)
care_staff_required = actor_required(*CARE_ROLES, Role.ADMIN)
admin_required = actor_required(Role.ADMIN)
client_required = actor_required(Role.CLIENT)
