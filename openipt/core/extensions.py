"""Places where one app adds to pages that another app owns.

Apps register here from their AppConfig.ready(): navigation links, panels on
the client record, banners shown at the top of every page (course position,
open risk alerts), and the demo and synthetic-data builders. The owning page
renders whatever is registered, so apps grow without editing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise as StrPromise

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django_stubs_ext import StrPromise


@dataclass(frozen=True)
class NavItem:
    """A link in the main navigation."""

    label: str | StrPromise
    url_name: str
    roles: tuple[str, ...]
    order: int = 50
    namespace: str = ""  # highlight when the current page is in this URL namespace
    count: Callable[[HttpRequest], int] | None = None  # count(request) -> int shown after the label, fetched after the page loads


@dataclass(frozen=True)
class ClientPanel:
    """A section on a page another app owns (the client record, a course, the client portal).

    `context(request, obj)` returns the template context (the template sees it as `panel`),
    or None to hide the panel.
    """

    key: str
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]
    order: int = 50


@dataclass(frozen=True)
class Banner:
    """Something shown at the top of pages: `render(request)` returns HTML or ''."""

    key: str
    render: Callable[[HttpRequest], str]
    order: int = 50


@dataclass(frozen=True)
class Setting:
    """An organisation setting listed on the admin's Settings page: `url_name` (+ `anchor`) opens it."""

    label: str | StrPromise  # a lazy translation: read when the page is drawn, in the reader's language
    url_name: str
    description: str | StrPromise
    order: int = 50
    anchor: str = ""


Panel = ClientPanel

NAV: list[NavItem] = []
PANELS: dict[str, list[ClientPanel]] = {"client": [], "course": [], "session": [], "portal": []}
CLIENT_PANELS: list[ClientPanel] = PANELS["client"]
BANNERS: list[Banner] = []
SETTINGS: list[Setting] = []
# Each returns the language a person asked for elsewhere (a client's preferred language), or "".
LANGUAGE_SOURCES: list[Callable[[Any], str]] = []


def add_language_source(source: Callable[[Any], str]) -> None:
    """Register a way to find a signed-in person's language, asked after their own choice (User.language)."""
    if source not in LANGUAGE_SOURCES:
        LANGUAGE_SOURCES.append(source)


def add_nav(item: NavItem) -> None:
    """Register a navigation link once."""
    if all(existing.url_name != item.url_name for existing in NAV):
        NAV.append(item)
        NAV.sort(key=lambda i: i.order)


def add_panel(page: str, panel: ClientPanel) -> None:
    """Register a panel once on a page: "client" (staff view of a record), "course" or "portal"."""
    panels = PANELS.setdefault(page, [])
    if all(existing.key != panel.key for existing in panels):
        panels.append(panel)
        panels.sort(key=lambda p: p.order)


def add_client_panel(panel: ClientPanel) -> None:
    """Register a panel on the staff view of a client's record."""
    add_panel("client", panel)


def render_panels(page: str, request: HttpRequest, obj: object) -> list[dict[str, Any]]:
    """Return the panels to show on a page for an object, in order, skipping hidden ones."""
    shown = []
    for panel in PANELS.get(page, []):
        context = panel.context(request, obj)
        if context is not None:
            shown.append({"template": panel.template, "context": context, "key": panel.key})
    return shown


def add_banner(banner: Banner) -> None:
    """Register a page banner once."""
    if all(existing.key != banner.key for existing in BANNERS):
        BANNERS.append(banner)
        BANNERS.sort(key=lambda b: b.order)


def add_setting(setting: Setting) -> None:
    """List an organisation setting once on the Settings page."""
    if all((s.url_name, s.anchor) != (setting.url_name, setting.anchor) for s in SETTINGS):
        SETTINGS.append(setting)
        SETTINGS.sort(key=lambda s: s.order)


@dataclass(frozen=True)
class RecordExportPart:
    """What one app holds about a client, for a subject-access export and for erasure.

    `models` maps each model label ("courses.Session") to the lookups that lead from its rows to the client
    ("course__client"; several when a row may belong through more than one, as a couple's two partners).
    Every row found is written into the readable export and the machine-readable one. `wipe` names, per model,
    the fields that carry personal or clinical words: erasure overwrites them (text with "", or a marker where
    the field may not be blank; JSON with its empty default). `keep` names the text and JSON fields that are
    codes, not words about the person (a test fails on a text or JSON field in neither list).
    `fhir(actor, client)` returns FHIR R4 resources for the client; `blocks_erasure(client)` returns why the
    record may not be erased yet (an open risk alert), or ""; `erase(actor, client)` does what the generic
    wipe cannot; `activity` lists (model label, lookup to the client, date field) whose latest date counts as
    contact for the retention period.
    """

    key: str
    label: str | StrPromise
    models: dict[str, tuple[str, ...]]
    wipe: dict[str, tuple[str, ...]]
    keep: dict[str, tuple[str, ...]] | None = None
    fhir: Callable[[Any, Any], list[dict[str, Any]]] | None = None
    blocks_erasure: Callable[[Any], str] | None = None
    erase: Callable[[Any, Any], None] | None = None
    activity: tuple[tuple[str, str, str], ...] = ()
    order: int = 50


RECORD_PARTS: dict[str, RecordExportPart] = {}
# Models that point at a client but hold nothing personal, each with why (the coverage test reads this).
NOT_PERSONAL: dict[str, str] = {}


def add_record_part(part: RecordExportPart) -> None:
    """Register what an app holds about a client (export and erasure); the same key twice replaces it."""
    RECORD_PARTS[part.key] = part


def record_parts() -> list[RecordExportPart]:
    """The registered parts, in their order."""
    return sorted(RECORD_PARTS.values(), key=lambda p: (p.order, p.key))


def exempt_from_record(model_label: str, why: str) -> None:
    """Say that a model pointing at a client holds no personal data, so the export and erasure leave it out."""
    NOT_PERSONAL[model_label] = why
