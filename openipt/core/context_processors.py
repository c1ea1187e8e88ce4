"""Template context every page needs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import mark_safe

from openipt.core.extensions import BANNERS, NAV

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def _nav(request: HttpRequest, actor: Actor | None) -> list[dict[str, Any]]:
    if actor is None:
        return []
    match = getattr(request, "resolver_match", None)
    current_ns = match.namespace if match else ""
    current_name = match.view_name if match else ""
    items = []
    for item in NAV:
        if actor.role not in item.roles:
            continue
        active = current_name == item.url_name or (item.namespace and item.namespace == current_ns)
        count_url = reverse("nav_count", args=[item.url_name]) if item.count else ""
        items.append({"label": item.label, "url": reverse(item.url_name), "active": bool(active), "count_url": count_url})
    return items


def site(request: HttpRequest) -> dict[str, Any]:
    """Expose the acting person, navigation and banners to templates."""
    actor = getattr(request, "actor", None)

    def banners() -> str:
        if actor is None:
            return ""
        return mark_safe("".join(str(b.render(request) or "") for b in BANNERS))

    return {
        "actor": actor,
        "site_mode": settings.MODE,
        "nav_items": _nav(request, actor),
        "page_banners": banners,
    }
