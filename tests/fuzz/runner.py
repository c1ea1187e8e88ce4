"""The driver: send hostile values to every page and form as the roles that may use them; collect every failure.

Each request runs in its own savepoint, rolled back afterwards, so one request cannot change what the next
one finds (a deleted record, a signed-out session), and the browser's cookies are put back after each one.
A failure is a 5xx answer, an exception out of a view (the test client re-raises it), or a 400 page
with no words on it. Failures are grouped by where they happen, so one broken line is reported once with
the values that reached it.
"""

from __future__ import annotations

import copy
import html
import os
import random
import re
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve

import openipt
from tests.fuzz.forms import Form, read_forms
from tests.fuzz.values import HIDDEN, HOSTILE, QUERY, QUERY_NAMES, random_value, typed_values

# Roles that pass the same gate in the same way; the first of each group that may use a page stands for it.
ROLE_GROUPS = [["anonymous"], ["therapist", "therapist2", "other_therapist"], ["facilitator"], ["client"],
               ["admin", "other_admin"], ["supervisor"], ["manager"]]
# Field names tried on an address that takes POST when no page shows a form for it: every name a view reads
# from request.POST itself, and names that forms for such addresses use.
GENERIC_FIELDS = sorted({
    *re.findall(r"""request\.POST(?:\.get|\.getlist)?\(?\[?["']([\w-]+)["']""",
                "\n".join(p.read_text(encoding="utf-8") for p in Path(openipt.__file__).parent.rglob("*.py"))),
    "text", "version", "status", "reason", "note", "value", "key", "submission_key", "expected_version", "when", "date",
    "answer", "comment"})


@dataclass
class Case:
    role: str
    method: str
    path: str
    fields: str
    value: str


@dataclass
class Fuzzer:
    world: object
    matrix: dict
    url_for: object  # (world, url name) -> path
    rng: random.Random | None = None
    rounds: int = 0  # random rounds per page and form (make fuzz); none in the normal suite
    deadline: float | None = None  # time.monotonic() after which random rounds stop
    every_role: bool = False
    failures: dict[tuple, list[Case]] = field(default_factory=dict)
    requests: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # time spent per method, for trimming the run
    covered: set[str] = field(default_factory=set)  # url name + method that received hostile input
    generic: set[str] = field(default_factory=set)  # url names no page showed a form for (sent GENERIC_FIELDS)
    _clients: dict[str, Client] = field(default_factory=dict)
    _seen_forms: set[tuple] = field(default_factory=set)

    # --- sending -------------------------------------------------------------------------------------------

    def client(self, role: str) -> Client:
        if role not in self._clients:
            from tests.support.people import login

            browser = Client(raise_request_exception=True)
            if role != "anonymous":
                login(browser, self.world.m[role])
            self._clients[role] = browser
        return self._clients[role]

    def send(self, role, method, path, data=None, *, fields="", value="", content_type=None, headers=None):
        """One request in a rolled-back savepoint; a failure is recorded, the response (or None) returned.

        `headers` (such as an API token's Authorization) are sent as they are."""
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
        browser = self.client(role)
        cookies = copy.deepcopy(browser.cookies)
        self.requests += 1
        started = time.monotonic()
        case = Case(role, method, path, fields, value)
        try:
            with transaction.atomic():
                try:
                    if method == "GET":
                        response = browser.get(path, **extra)
                    elif content_type:
                        response = browser.post(path, data, content_type=content_type, **extra)
                    else:
                        response = browser.post(path, data or {}, **extra)
                finally:
                    transaction.set_rollback(True)
        except Exception as exc:  # noqa: BLE001 - every exception out of a view is what this test looks for
            self._fail(_where(exc), f"{type(exc).__name__}: {_short(str(exc))}", case)
            return None
        finally:
            browser.cookies = cookies
            self.seconds[method] = self.seconds.get(method, 0.0) + time.monotonic() - started
        if response.status_code >= 500:
            self._fail(("status", response.status_code), f"answered {response.status_code}", case)
        elif response.status_code == 400 and not _has_words(response):
            self._fail(("blank400",), "a 400 answer with no words for the person", case)
        return response

    def _fail(self, where, what, case):
        self.failures.setdefault((_name(case.path), case.method, where, what.split(":")[0]), []).append(
            (what, case))

    # --- pages and forms -----------------------------------------------------------------------------------

    def roles_for(self, expectations: dict) -> list[str]:
        """The roles that get past this answer's gate: every one, or the first of each group."""
        passing = [role for group in ROLE_GROUPS for role in group
                   if isinstance(expectations.get(role), int) and expectations[role] < 401]
        if self.every_role:
            return passing
        return [next(r for r in group if r in passing) for group in ROLE_GROUPS if any(r in passing for r in group)]

    def crawl(self, names: list[str]) -> list[tuple[str, str, Form]]:
        """Open every page of these URL names once as each role that may; return the forms found (role, page, form)."""
        forms: list[tuple[str, str, Form]] = []
        for name in names:
            if "GET" not in self.matrix[name]:
                continue
            path = self.url_for(self.world, name)
            for role in self.roles_for(self.matrix[name]["GET"]):
                found = self._forms_on(role, path)
                forms += found
                for _role, _page, form in found:  # a chooser (a GET form on its own page) leads to the real form
                    action = urlsplit(form.action or path)
                    if form.method == "get" and _name(action.path) == name:
                        query = urlencode([(n, v) for n, values in form.fields.items() for v in values])
                        forms += self._forms_on(role, f"{action.path}?{query}")
        return forms

    def _forms_on(self, role: str, path: str) -> list[tuple[str, str, Form]]:
        response = self.send(role, "GET", path, fields="(page)")
        if response is None or response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return []
        page_forms, loose = read_forms(response.content.decode("utf-8", "replace"))
        forms = []
        for form in page_forms:
            forms.append((role, path, form))
            for address in sorted(form.addresses):  # the same fields, sent where a script sends them
                forms.append((role, path, Form(address, "post", form.enctype, form.fields, form.hidden, form.visible,
                                               form.files, form.buttons)))
        forms += [(role, path, Form(address, "post", "")) for address in sorted(loose)]
        return forms

    def fuzz_app(self, names: list[str], forms: list[tuple[str, str, Form]]):
        """Hostile query strings on these pages, hostile values in every form that is sent to one of them."""
        wanted = set(names)
        for name in names:
            roles = self.roles_for(self.matrix[name].get("GET", {}))
            for role in roles if self.every_role else roles[:1]:
                self.fuzz_query(role, self.url_for(self.world, name), [])
        for role, page, form in forms:
            if _name(urlsplit(form.action or page).path) in wanted:
                self.fuzz_form(role, page, form)
        for name in names:  # an address that takes POST but that no page showed a form for
            if "POST" in self.matrix[name] and f"{name} POST" not in self.covered:
                roles = self.roles_for(self.matrix[name]["POST"])
                if roles:
                    path = self.url_for(self.world, name)
                    self.fuzz_form(roles[0], path, Form(path, "post", "", {n: [""] for n in GENERIC_FIELDS}, set(),
                                                        set(GENERIC_FIELDS)))
                    self.generic.add(name)

    def fuzz_query(self, role: str, path: str, names: list[str]):
        names = list(dict.fromkeys(names + QUERY_NAMES))
        for value_name in QUERY:
            value = HOSTILE[value_name]
            self.send(role, "GET", f"{path}?{urlencode(dict.fromkeys(names, value))}", fields="(query string)",
                      value=value_name)
        self.send(role, "GET", f"{path}?{urlencode([(n, v) for n in names for v in ('1', 'x')])}",
                  fields="(query string, each name twice)", value="1, x")
        self.send(role, "GET", f"{path.split('?')[0]}%00", fields="(address)", value="nul")
        for value in self._random_values():
            self.send(role, "GET", f"{path}?{urlencode({n: self.rng.choice(value) for n in names})}",
                      fields="(query string)", value=repr(value[0][:60]))

    def fuzz_form(self, role: str, page: str, form: Form):
        action = urlsplit(form.action or page)
        path = action.path + (f"?{action.query}" if action.query else "")
        name = _name(path)
        if name not in self.matrix:
            return
        if form.method == "get":
            key = (name, "GET", frozenset(form.fields))
            if key not in self._seen_forms:
                self._seen_forms.add(key)
                self.fuzz_query(role, path, list(form.fields))
            return
        key = (name, "POST", frozenset(form.fields), frozenset(b for b, _ in form.buttons),
               role if self.every_role else role == "anonymous")
        if key in self._seen_forms:
            return
        self._seen_forms.add(key)
        self.covered.add(f"{name} POST")
        base = {n: list(v) for n, v in form.fields.items() if n != "csrfmiddlewaretoken"}
        if form.buttons:
            base.setdefault(form.buttons[0][0], [form.buttons[0][1]])
        every = [n for n in base] + sorted(form.files)
        visible = sorted(form.visible) + sorted(form.files)
        hidden = sorted(n for n in form.hidden if n != "csrfmiddlewaretoken")
        self._post(role, path, dict(base), form, "(unchanged)", "")
        typed = typed_values(os.environ.get("OPENIPT_DATABASE_TESTS_ONLY") == "1" and not self.rounds)
        for value_name, value in typed.items() if visible else ():  # what a person types; hidden fields kept
            self._post(role, path, {**base, **dict.fromkeys(visible, value)}, form, "visible fields", value_name)
        for value_name in HIDDEN:  # what a broken or hostile client sends in the fields a person never sees
            value = HOSTILE[value_name]
            if hidden:
                self._post(role, path, {**base, **dict.fromkeys(hidden, value)}, form, f"hidden fields {hidden}",
                           value_name)
            if set(every) != set(visible):
                self._post(role, path, {**base, **dict.fromkeys(every, value)}, form, "every field", value_name)
        self._post(role, path, {n: (v or [""]) + ["x", "-1"] for n, v in base.items()}, form, "each field three times",
                   "[default, 'x', '-1']")
        for button, value in form.buttons[1:]:
            self._post(role, path, {**base, **dict.fromkeys(visible, HOSTILE["long"]), button: value}, form,
                       f"visible fields, button {button}={value}", "long")
        for values in self._random_values():
            data = {n: self.rng.choice(values) for n in every}
            self._post(role, path, {**base, **data}, form, "every field (random)", repr(values[0][:60]))

    def _post(self, role, path, data, form: Form, fields, value_name):
        data = {n: _upload(v) if n in form.files else v for n, v in data.items()}
        for n in form.files:
            data.setdefault(n, _upload(""))
        self.send(role, "POST", path, data, fields=fields, value=value_name)

    def _random_values(self):
        """Rounds of random values while time is left (make fuzz); nothing in the normal suite."""
        for _ in range(self.rounds if self.rng is not None else 0):
            if self.deadline is not None and time.monotonic() > self.deadline:
                return
            yield [random_value(self.rng) for _ in range(4)]

    # --- the report ----------------------------------------------------------------------------------------

    def report(self) -> str:
        lines = []
        for (name, method, where, _kind), cases in sorted(self.failures.items(), key=lambda item: str(item[0])):
            what, first = cases[0]
            values = sorted({c.value for _w, c in cases})
            roles = sorted({c.role for _w, c in cases})
            lines.append(f"{method} {first.path} ({name}) as {', '.join(roles)}: {what}\n"
                         f"    at {_place(where)}; fields: {first.fields}; values: {', '.join(values[:8])}"
                         + (f" (+{len(values) - 8} more)" if len(values) > 8 else "") + f"; {len(cases)} request(s)")
        return "\n".join(lines)


def _name(path: str) -> str:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return "(no such address)"
    return match.view_name


def _where(exc: BaseException) -> tuple:
    """The innermost line of the project's own code that the exception passed through."""
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if "/openipt/" in f.filename] or frames[-1:]
    if not own:
        return ("?",)
    frame = own[-1]
    return (frame.filename.split("/openipt/")[-1], frame.lineno, frame.name)


def _place(where: tuple) -> str:
    if where and where[0] in ("status", "blank400"):
        return "the answer"
    return f"openipt/{where[0]}:{where[1]} in {where[2]}" if len(where) == 3 else str(where)


def _short(text: str) -> str:
    text = text.replace("\x00", "\\x00")
    return text if len(text) < 160 else text[:157] + "..."


def _has_words(response) -> bool:
    body = response.content.decode("utf-8", "replace")
    text = html.unescape(re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", body, flags=re.S))
    return bool(re.search(r"\w{2,}", text))


def _upload(value):
    value = value[0] if isinstance(value, list) else value
    return SimpleUploadedFile("hostile.json", value.encode("utf-8", "surrogatepass"), content_type="application/json")
