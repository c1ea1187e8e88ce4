"""Places where one app adds to pages that another app owns.

Apps register here from their AppConfig.ready(): navigation links, panels on
the client record, banners shown at the top of every page (course position,
open risk alerts), and the demo and synthetic-data builders. The owning page
renders whatever is registered, so apps grow without editing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    """A link in the main navigation."""

    label: str
    url_name: str
    roles: tuple[str, ...]
    order: int = 50
    namespace: str = ""  # highlight when the current page is in this URL namespace


@dataclass(frozen=True)
class ClientPanel:
    """A section on the staff view of a client's record.

    `context(request, client)` returns the template context, or None to hide the panel.
    """

    key: str
    template: str
    context: Callable
    order: int = 50


@dataclass(frozen=True)
class Banner:
    """Something shown at the top of pages: `render(request)` returns HTML or ''."""

    key: str
    render: Callable
    order: int = 50


NAV: list[NavItem] = []
CLIENT_PANELS: list[ClientPanel] = []
BANNERS: list[Banner] = []


def add_nav(item: NavItem) -> None:
    """Register a navigation link once."""
    if all(existing.url_name != item.url_name for existing in NAV):
        NAV.append(item)
        NAV.sort(key=lambda i: i.order)


def add_client_panel(panel: ClientPanel) -> None:
    """Register a client-record panel once."""
    if all(existing.key != panel.key for existing in CLIENT_PANELS):
        CLIENT_PANELS.append(panel)
        CLIENT_PANELS.sort(key=lambda p: p.order)


def add_banner(banner: Banner) -> None:
    """Register a page banner once."""
    if all(existing.key != banner.key for existing in BANNERS):
        BANNERS.append(banner)
        BANNERS.sort(key=lambda b: b.order)
