"""Template context every page needs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import mark_safe

from openipt.core.extensions import BANNERS, NAV

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


# The navigation's addresses never change while the process runs (for one URL configuration and script prefix),
# and reversing them was a tenth of a simple page's template time: each is reversed once.
_NAV_URLS: dict[tuple[str, str, object, bool], tuple[str, str]] = {}


def _nav_urls(url_name: str, count: bool) -> tuple[str, str]:
    key = (url_name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, count)
    urls = _NAV_URLS.get(key)
    if urls is None:
        urls = _NAV_URLS[key] = (reverse(url_name), reverse("nav_count", args=[url_name]) if count else "")
    return urls


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
        url, count_url = _nav_urls(item.url_name, bool(item.count))
        items.append({"label": item.label, "url": url, "active": bool(active), "count_url": count_url})
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
