"""The pages each demo role opens read as words: no internal codes, no "(s)" plurals, no Python reprs.

The demo world (`make run`) is loaded once for the module (inside a transaction rolled back at its end), and
each demo login follows the links of its pages, from its start page, a bounded number of pages deep; each test
runs in its own savepoint. The visible text of every page is scanned.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser

import pytest

from openipt.audit import registry
from openipt.seed import demo

PAGES_PER_ROLE = 45


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module's tests and rolled back after them (it takes seconds to load)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield demo.load_demo()
        transaction.set_rollback(True)
SKIP = re.compile(r"/(static|export|fhir|print|pdf|calendar\.ics|feed)|logout|\.(csv|ndjson|ics|pdf|json|md)$|/save/|/hide/")


class _Text(HTMLParser):
    """Visible text (outside scripts, styles and the hidden), and the links, of one page."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template") or "hidden" in attrs:
            self._skip += 1
        if tag == "a" and (attrs.get("href") or "").startswith("/"):
            self.links.append(attrs["href"].split("#")[0])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def _faults(text: str) -> list[str]:
    codes = {e.code for e in registry.all_types()}
    found = [f"event code {w}" for w in set(re.findall(r"\b[a-z_]+\.[a-z_]+\b", text)) if w in codes]
    checks = {
        "an item code": r"\bitem q\d+\b|\bq\d{1,2}\b",
        "a (s) plural": r"\w\(s\)",
        "a Python repr": r"\{'|\[<|<QuerySet|[:=(] ?None\b",
        "a language code": r"\bLanguage \| [a-z]{2,3} \|",
        "a missing value before a colon": r"\.:",
    }
    for name, pattern in checks.items():
        found += [f"{name}: …{text[max(0, m.start() - 40):m.end() + 20]}…" for m in re.finditer(pattern, text)]
    return found


def _sign_in(browser, username: str) -> None:
    browser.post("/account/login/", {"username": username, "password": demo.DEMO_PASSWORD})
    chooser = browser.get("/account/organisation/")
    if chooser.status_code == 200 and b'name="membership"' in chooser.content:
        first = re.search(rb'value="(\d+)"[^>]*>\s*<label[^>]*>Riverside', chooser.content)
        browser.post("/account/organisation/", {"membership": first.group(1).decode()})


def _walk(browser) -> dict[str, list[str]]:
    seen, queue, faults = set(), deque(["/"]), {}
    while queue and len(seen) < PAGES_PER_ROLE:
        path = queue.popleft()
        if path in seen or SKIP.search(path):
            continue
        seen.add(path)
        response = browser.get(path, follow=True)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        page = _Text()
        page.feed(response.content.decode())
        problems = _faults(" | ".join(page.parts))
        if problems:
            faults[path] = problems
        queue.extend(link for link in page.links if link not in seen)
    return faults


@pytest.mark.parametrize("username", [p[0] for p in demo.PEOPLE])
def test_the_pages_each_demo_role_opens_show_no_raw_codes_plurals_or_reprs(demo_loaded, db, client, username):
    _sign_in(client, username)
    faults = _walk(client)
    report = "\n".join(f"{path}: {'; '.join(sorted(set(found)))}" for path, found in faults.items())
    assert faults == {}, report


# a bare language code where a language name belongs: a whole piece of text ("| en |") or after "Language"
LANGUAGE_CODE = re.compile(r"(?:^|\| )(?:en|es|zh|de|lg|sw|fr)(?= \||$)|\bLanguage:? (?:\| )?(?:en|es|zh|de|lg|sw|fr)\b")


def _scan(browser, path: str) -> tuple[list[str], list[str]]:
    """The wording faults of one page (the checks above, and a bare language code), and its links."""
    response = browser.get(path, follow=True)
    assert response.status_code == 200, path
    page = _Text()
    page.feed(response.content.decode())
    text = " | ".join(page.parts)
    faults = _faults(text) + [f"a language code: …{text[max(0, m.start() - 40):m.end() + 20]}…"
                              for m in LANGUAGE_CODE.finditer(text)]
    return faults, page.links


def _week_paths() -> list[str]:
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    return ["/today/week/", *(f"/today/week/?day={(today + timedelta(days=d)).isoformat()}" for d in (-7, 1, 7))]


@pytest.mark.parametrize("username", ["therapist", "facilitator", "supervisor"])
def test_today_and_the_week_calendar_read_as_words_for_each_staff_role(demo_loaded, db, client, username):
    _sign_in(client, username)
    faults, moves = {}, set()
    for path in ["/today/", *_week_paths()]:
        found, links = _scan(client, path)
        if found:
            faults[path] = found
        moves |= {link for link in links if link.startswith("/today/week/move/")}
    for link in sorted(moves)[:5]:  # the move page of sessions on the calendar
        found, _links = _scan(client, link)
        if found:
            faults[link] = found
    assert faults == {}, "\n".join(f"{path}: {'; '.join(sorted(set(f)))}" for path, f in faults.items())


def test_the_admin_settings_page_and_every_setting_it_links_read_as_words(demo_loaded, db, client):
    _sign_in(client, "admin")
    faults = {}
    found, links = _scan(client, "/account/settings/")
    if found:
        faults["/account/settings/"] = found
    settings = sorted({link for link in links if link != "/account/settings/"
                       and ("/settings/" in link or link.startswith("/account/people/"))})
    assert "/today/settings/hours/" in settings and len(settings) >= 6, settings
    for link in settings + ["/today/"]:
        found, _links = _scan(client, link)
        if found:
            faults[link] = found
    assert faults == {}, "\n".join(f"{path}: {'; '.join(sorted(set(f)))}" for path, f in faults.items())
