"""The view decorator that requires a signed-in person acting in one of some roles.

`openipt.accounts.decorators` builds the usual ones from it (staff_required, admin_required, ...).
It lives in core so that apps below accounts, such as the audit log, can use it too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def actor_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Let the view run only for a signed-in actor whose role is one of `roles` (any role if none given)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not request.user.is_authenticated or getattr(request, "actor", None) is None:
                return redirect_to_login(request.get_full_path())
            if roles and request.actor.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
