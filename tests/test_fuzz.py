"""No input gives a server error: every page and form, as each role that may use it, with hostile values.

For every URL pattern in the permission matrix (tests/test_permission_matrix.py and tests/<app>/matrix.py),
each role that passes the page's gate (the first of each group of alike roles, see tests/fuzz/runner.py)
opens the page with hostile query strings; every form on it is then sent with hostile values
(tests/fuzz/values.py): all fields at once per value, the visible fields with the hidden ones kept, the
hidden fields alone, and each field repeated. The two addresses that read JSON get broken, deep, huge and
wrongly typed JSON (tests/fuzz/json_cases.py). A server error, an exception out of a view, or a 400 page
with no words fails the test, and the failure lists every distinct fault with its address, role, fields
and values.
On CI's second run (PostgreSQL) the values whose handling cannot depend on the database are not typed
into every field again (tests/fuzz/values.py, DATABASE_NEUTRAL); everything else is sent on both.

`make fuzz` runs the same tests longer with random values as every role that may use each page:
OPENIPT_FUZZ_ROUNDS random rounds per page and form, OPENIPT_FUZZ_SEED to repeat a run, and
OPENIPT_FUZZ_SECONDS to bound each test.

The world is built once per module (each xdist worker builds its own) inside a transaction rolled back at
the end; each request runs in its own savepoint, rolled back after it.
"""

from __future__ import annotations

import os
import random
import time

import pytest

from tests.test_permission_matrix import MATRIX, _kwargs, build_world, url_params

# Longest first (seconds on SQLite, one worker, 2026-12-07), so the suite's end is not one worker on a long app.
APPS = ["groups", "courses", "assessment", "practice", "measures", "couples", "consent", "safety", "today",
        "supervision", "messaging", "clients", "accounts", "core", "audit", "programmes", "api", "sms", "offline"]
ROUNDS = int(os.environ.get("OPENIPT_FUZZ_ROUNDS", "0"))
SEED = int(os.environ.get("OPENIPT_FUZZ_SEED") or random.randrange(10**6))
SECONDS = float(os.environ.get("OPENIPT_FUZZ_SECONDS", "600"))
# django_db so the test database is made (the world itself lives for the whole module); slow: minutes of requests
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _app(name: str) -> str:
    return name.split(":")[0] if ":" in name else "core"


def url_for(world, name: str) -> str:
    from django.urls import reverse

    values = _kwargs(world, name)
    return reverse(name, kwargs={key: values[key] for key in url_params()[name]} or None)


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    """The permission matrix's world, plus a working invitation and password-reset link, built once for the module."""
    import logging

    from django.contrib.auth.tokens import default_token_generator
    from django.db import transaction
    from django.test import override_settings
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from openipt.accounts import actions
    from openipt.accounts.models import Role
    from tests.support.people import actor, make_member

    # Failures are collected and reported by the tests; the log lines for each of thousands of refused requests
    # (server errors, sign-in failures) would only bury the report.
    quiet = {name: logging.getLogger(name).level for name in ("django.request", "django.security", "axes")}
    for name in quiet:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    # A day's leeway for the world's escalation heartbeat, so /readyz answers 200 however long the module runs.
    with django_db_blocker.unblock(), override_settings(ESCALATION_STALE_SECONDS=24 * 60 * 60), transaction.atomic():
        world = build_world()
        joining = actions.invite(actor(world.m["admin"]), email="joining@example.test", role="therapist")
        world.matrix_kwargs["accounts:accept_invitation"] = {"token": joining.token}
        forgetful = make_member(world.org, Role.THERAPIST).user  # never signed in here, so the link stays good
        world.matrix_kwargs["accounts:password_reset_confirm"] = {
            "uid": urlsafe_base64_encode(force_bytes(forgetful.pk)), "token": default_token_generator.make_token(forgetful)}
        yield world
        transaction.set_rollback(True)
    for name, level in quiet.items():
        logging.getLogger(name).setLevel(level)


def _matrix():
    """The matrix rows, with the pages anyone may open that the matrix reaches only with a dead link."""
    rows = dict(MATRIX)
    rows["accounts:accept_invitation"] = {"GET": {"anonymous": 200}, "POST": {"anonymous": 200}}
    rows["accounts:password_reset_confirm"] = {"GET": {"anonymous": 200}, "POST": {"anonymous": 200}}
    return rows


def _fuzzer(world, seconds=SECONDS):
    from tests.fuzz.runner import Fuzzer

    rng = random.Random(SEED) if ROUNDS else None
    return Fuzzer(world, _matrix(), url_for, rng=rng, rounds=ROUNDS, every_role=bool(ROUNDS),
                  deadline=time.monotonic() + seconds if ROUNDS else None)


def _check(fuzzer):
    """Fail with every distinct fault at once: no server error is ever excused."""
    print(f"fuzz: {fuzzer.requests} requests")  # shown with -s or -rP: the figure the closing notes quote
    seed = f" (OPENIPT_FUZZ_SEED={SEED} OPENIPT_FUZZ_ROUNDS={ROUNDS})" if ROUNDS else ""
    assert not fuzzer.failures, (f"{len(fuzzer.failures)} distinct server error(s) in {fuzzer.requests} requests"
                                 f"{seed}:\n{fuzzer.report()}")


@pytest.fixture(scope="module")
def site(fuzz_world):
    """Every page opened once as each role that may (or its group's first): the forms found, and what failed."""
    fuzzer = _fuzzer(fuzz_world)
    forms = fuzzer.crawl(sorted(_matrix()))
    return forms, fuzzer.failures


@pytest.mark.parametrize("app", APPS)
def test_no_page_or_form_answers_a_server_error(fuzz_world, site, app):
    forms, crawl_failures = site
    fuzzer = _fuzzer(fuzz_world)
    fuzzer.failures.update({key: cases for key, cases in crawl_failures.items() if _app(key[0]) == app})
    names = sorted(name for name in _matrix() if _app(name) == app)
    fuzzer.fuzz_app(names, forms)
    print(f"{app}: {fuzzer.requests} requests ({', '.join(f'{m} {t:.0f} s' for m, t in fuzzer.seconds.items())}); "
          f"addresses no page showed a form for: {sorted(fuzzer.generic)}")
    _check(fuzzer)


def test_the_group_sync_refuses_hostile_json_without_a_server_error(fuzz_world):
    from tests.fuzz.json_cases import random_sync_body, sync_bodies

    fuzzer = _fuzzer(fuzz_world)
    path = url_for(fuzz_world, "groups:sync")
    member_id = fuzz_world.matrix_kwargs["member_id"]
    bodies = sync_bodies(member_id) + [
        (f"random: {body[:150]}", body) for body in (random_sync_body(fuzzer.rng, member_id) for _ in range(ROUNDS * 50))]
    for description, body in bodies:
        if fuzzer.deadline is not None and time.monotonic() > fuzzer.deadline:
            break
        fuzzer.send("facilitator", "POST", path, body, fields="(JSON body)", value=description,
                    content_type="application/json")
    _check(fuzzer)


def test_the_offline_sync_refuses_hostile_bodies_signed_and_unsigned_without_a_server_error(fuzz_world):
    from tests.fuzz.json_cases import random_sync_body
    from tests.offline.fuzz_cases import offline_sync_bodies, signed_headers, with_group

    fuzzer = _fuzzer(fuzz_world)
    kwargs = fuzz_world.matrix_kwargs
    grp, member_id = kwargs["group_id"], kwargs["member_id"]
    bodies = offline_sync_bodies(grp, member_id) + [
        (f"random: {body[:150]}", with_group(body, grp)) for body in
        (random_sync_body(fuzzer.rng, member_id) for _ in range(ROUNDS * 50))]
    for n, (description, body) in enumerate(bodies, start=1):
        if fuzzer.deadline is not None and time.monotonic() > fuzzer.deadline:
            break
        raw = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")
        for role, headers in (("facilitator", signed_headers(kwargs["device"], kwargs["offline_secret"], n, raw)),
                              ("anonymous", signed_headers(kwargs["device"], "A" * 43, n, raw)),
                              ("anonymous", signed_headers("z" * 36, kwargs["offline_secret"], n, raw)),
                              ("anonymous", {"X-OpenIPT-Device": kwargs["device"], "X-OpenIPT-Seq": "9" * 30,
                                             "X-OpenIPT-Signature": "\u00e9" * 64}),
                              ("anonymous", {})):
            fuzzer.send(role, "POST", "/offline/sync/", raw, fields="(JSON body)", value=description,
                        content_type="application/json", headers=headers)
    _check(fuzzer)


def test_the_measures_import_refuses_hostile_files_without_a_server_error(fuzz_world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.fuzz.json_cases import import_bodies, nested_lists, random_import_body

    fuzzer = _fuzzer(fuzz_world)
    path = url_for(fuzz_world, "measures:import")
    record = fuzz_world.clients["mine"].record_number
    bodies = import_bodies(record) + [
        (f"random: {body[:150]}", body) for body in (random_import_body(fuzzer.rng, record) for _ in range(ROUNDS * 50))]
    for description, body in bodies:
        if fuzzer.deadline is not None and time.monotonic() > fuzzer.deadline:
            break
        content = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")
        upload = SimpleUploadedFile("responses.json", content, content_type="application/json")
        fuzzer.send("admin", "POST", path, {"file": upload}, fields="file", value=description)
    for description, body in [("lists nested 100,000 deep", nested_lists()),
                              ("authored in year 1", '{"resourceType": "QuestionnaireResponse", "authored": "0001-01-01"}')]:
        fuzzer.send("admin", "POST", path, {"text": body}, fields="text", value=description)
    _check(fuzzer)


def test_the_rest_api_refuses_hostile_input_without_a_server_error(fuzz_world, settings):
    """Every API endpoint (read from the OpenAPI document) with hostile ids, query values and JSON bodies,
    as a personal token (the assigned therapist) and as an API client; tests/api/test_api_schema_fuzz.py adds
    inputs generated from the document's types."""
    from tests.fuzz.api_cases import api_requests
    from tests.support.api import api_client, personal

    settings.API_CALLS_PER_MINUTE = 10**9  # every request reaches the endpoint; tests/api covers the limit
    fuzzer = _fuzzer(fuzz_world)
    tokens = {"therapist": personal(fuzz_world.m["therapist"])[1], "admin": api_client(fuzz_world.m["admin"])[1]}
    for role, secret in tokens.items():
        for method, path, body, value in api_requests(fuzzer.rng, ROUNDS):
            if fuzzer.deadline is not None and time.monotonic() > fuzzer.deadline:
                break
            fuzzer.send("anonymous", method, path, body, fields="(API)", value=f"{role}: {value}",
                        content_type="application/json" if method == "POST" else None,
                        headers={"Authorization": f"Bearer {secret}"})
    _check(fuzzer)



def test_the_fhir_server_refuses_hostile_input_without_a_server_error(fuzz_world, settings):
    """Every FHIR resource type and search parameter (read from the server's CapabilityStatement) with hostile
    ids, values, parameters and Accept headers, shared in turn between a personal token (the assigned therapist)
    and an API client (each case once, to keep the suite quick), then some without a token."""
    from tests.fuzz.fhir_cases import fhir_requests
    from tests.support.api import api_client, personal

    settings.API_CALLS_PER_MINUTE = 10**9  # every request reaches the view; tests/api covers the limit
    fuzzer = _fuzzer(fuzz_world)
    tokens = {"therapist": personal(fuzz_world.m["therapist"])[1], "admin": api_client(fuzz_world.m["admin"])[1]}
    cases = fhir_requests(fuzzer.rng, ROUNDS)
    for i, (path, headers, value) in enumerate(cases):
        if fuzzer.deadline is not None and time.monotonic() > fuzzer.deadline:
            break
        role = "therapist" if i % 2 else "admin"
        fuzzer.send("anonymous", "GET", path, fields="(FHIR)", value=f"{role}: {value}",
                    headers={"Authorization": f"Bearer {tokens[role]}", **headers})
    for path, headers, value in cases[::20]:  # and without a token
        fuzzer.send("anonymous", "GET", path, fields="(FHIR)", value=f"no token: {value}", headers=headers)
    _check(fuzzer)


def test_the_fhir_batch_refuses_hostile_bundles_without_a_server_error(fuzz_world, settings):
    """POST /fhir/ (issue 15) with the hostile files of the measures import, each as the body and inside a batch
    Bundle, as a personal token (the assigned therapist) and as an API client (refused: no measures:write)."""
    import json as _json

    from tests.fuzz.json_cases import import_bodies, nested_lists, random_import_body
    from tests.support.api import api_client, personal

    settings.API_CALLS_PER_MINUTE = 10**9
    fuzzer = _fuzzer(fuzz_world)
    tokens = {"therapist": personal(fuzz_world.m["therapist"])[1], "admin": api_client(fuzz_world.m["admin"])[1]}
    record = fuzz_world.clients["mine"].record_number
    bodies = import_bodies(record) + [
        (f"random: {body[:150]}", body) for body in (random_import_body(fuzzer.rng, record) for _ in range(ROUNDS * 20))]
    cases = []
    for description, body in bodies:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        cases.append((description, text))
        try:
            resource = _json.loads(text)
        except (ValueError, RecursionError):
            continue
        cases.append((f"in a batch: {description}", _json.dumps({"resourceType": "Bundle", "type": "batch",
                                                                 "entry": [{"resource": resource}]})))
    cases.append(("lists nested 100,000 deep", nested_lists()))
    for i, (description, text) in enumerate(cases):
        if fuzzer.deadline is not None and time.monotonic() > fuzzer.deadline:
            break
        role = "therapist" if i % 4 else "admin"
        fuzzer.send("anonymous", "POST", "/fhir/", text, fields="(FHIR batch)", value=f"{role}: {description}",
                    content_type="application/fhir+json", headers={"Authorization": f"Bearer {tokens[role]}"})
    _check(fuzzer)


# Faults the fuzz test found, each pinned by the request that showed it.

def _signed_in(world, role):
    from django.test import Client

    from tests.support.people import login

    browser = Client()
    login(browser, world.m[role])
    return browser


def test_acknowledging_an_alert_with_a_next_address_that_is_not_a_path_goes_back_to_the_alert(fuzz_world):
    from django.urls import reverse

    alert_id = fuzz_world.matrix_kwargs["alert_id"]
    response = _signed_in(fuzz_world, "therapist").post(reverse("safety:acknowledge", args=[alert_id]), {"next": "x"})
    assert response.status_code == 302 and response["Location"] == reverse("safety:alert", args=[alert_id])


def test_folding_the_crisis_box_with_a_next_address_that_is_not_a_path_goes_to_the_portal(fuzz_world):
    from django.urls import reverse

    response = _signed_in(fuzz_world, "client").post(reverse("safety:hide_crisis"), {"next": "portal"})
    assert response.status_code == 302 and response["Location"] == reverse("practice:portal")


def test_removing_staff_with_an_id_too_large_for_the_database_says_to_choose_from_the_list(fuzz_world):
    from django.urls import reverse

    from openipt.clients.models import Assignment

    client = fuzz_world.clients["mine"]
    before = Assignment.objects.filter(client=client).count()
    browser = _signed_in(fuzz_world, "admin")
    response = browser.post(reverse("clients:assign", args=[client.pk]), {"remove": "1" + "0" * 30}, follow=True)
    assert response.status_code == 200
    assert "Choose a member of staff from the list." in response.content.decode()
    assert Assignment.objects.filter(client=client).count() == before


def test_the_fhir_bulk_export_refuses_hostile_input_without_a_server_error(fuzz_world, settings):
    """$export kick-offs with hostile parameters and headers, and status and file addresses with hostile ids (and
    hostile file numbers of a real export), as a personal token and an API client in turn, then some without one;
    each case is rolled back, so a kick-off that is accepted leaves nothing behind."""
    from tests.fuzz.bulk_cases import bulk_requests
    from tests.fuzz.runner import Case
    from tests.support.api import api_client, call, personal

    settings.API_CALLS_PER_MINUTE = 10**9
    fuzzer = _fuzzer(fuzz_world)
    tokens = {"therapist": personal(fuzz_world.m["therapist"])[1], "admin": api_client(fuzz_world.m["admin"])[1]}
    real = {role: call(secret, "GET", "/fhir/$export?_type=Patient", Prefer="respond-async")["Content-Location"]
            .removeprefix("http://testserver") for role, secret in tokens.items()}
    group_id = fuzz_world.matrix_kwargs.get("group_id")
    cases = {role: bulk_requests(fuzzer.rng, real[role], ROUNDS, group_id) for role in tokens}
    for i in range(len(cases["admin"])):
        role = "therapist" if i % 2 else "admin"
        path, headers, value = cases[role][i]
        fuzzer.send("anonymous", "GET", path, fields="(FHIR bulk)", value=f"{role}: {value}",
                    headers={"Authorization": f"Bearer {tokens[role]}", **headers})
    for path, headers, value in cases["admin"][::10]:
        fuzzer.send("anonymous", "GET", path, fields="(FHIR bulk)", value=f"no token: {value}", headers=headers)
    for role, secret in tokens.items():  # DELETE on hostile status addresses (the runner sends GET and POST only)
        for path, _headers, value in cases[role]:
            if path.startswith("/fhir/bulk/") and path.count("/") == 3:
                fuzzer.requests += 1
                status = call(secret, "DELETE", path).status_code
                if status >= 500:
                    fuzzer._fail(("status", status), f"answered {status}",
                                 Case("anonymous", "DELETE", path, "(FHIR bulk)", f"{role}: {value}"))
    _check(fuzzer)


def test_the_sms_callbacks_take_any_body_without_a_server_error(fuzz_world):
    """The gateway's callback addresses (no sign-in, the secret address is the key) with broken, huge, binary and
    wrongly typed bodies: each is answered without a server error (and kept for a person, tests/sms/test_pages.py)."""
    fuzzer = _fuzzer(fuzz_world)
    sender = "%2B254712000104"
    bodies = [
        ("binary", b"\x00\xff\xfe\x80" * 50, "application/x-www-form-urlencoded"),
        ("NUL in a field", f"from={sender}&text=1%000%000".encode(), "application/x-www-form-urlencoded"),
        ("broken percent", f"from={sender}&text=%ZZ%".encode(), "application/x-www-form-urlencoded"),
        ("lone surrogate", f"from={sender}&text=%ED%A0%80".encode(), "application/x-www-form-urlencoded"),
        ("10,000 fields", "&".join(f"f{i}=x" for i in range(10000)).encode(), "application/x-www-form-urlencoded"),
        ("JSON list", b"[1, 2, 3]", "application/json"), ("JSON nested", b'{"from": {"a": [1]}}', "application/json"),
        ("JSON deep", b"[" * 5000 + b"]" * 5000, "application/json"), ("XML", b"<sms><from>1</from></sms>", "text/xml"),
        ("huge text", f"from={sender}&text=".encode() + b"1 0 0 " * 4000, "application/x-www-form-urlencoded"),
        ("bad multipart", b"--x\r\nContent-Disposition: form-data\r\n\r\n", "multipart/form-data; boundary=x"),
        ("stop with emoji", f"from={sender}&text=STOP%F0%9F%98%80".encode(), "application/x-www-form-urlencoded"),
        ("numbers out of range", f"from={sender}&text=9+9+9".encode(), "application/x-www-form-urlencoded"),
    ]
    rng = fuzzer.rng or random.Random(SEED)
    bodies += [(f"random {n}", bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))),
                rng.choice(["application/x-www-form-urlencoded", "application/json", "text/plain"]))
               for n in range(ROUNDS * 20)]
    for name in ("sms:inbound", "sms:delivery"):
        path = url_for(fuzz_world, name)
        for description, body, content_type in bodies:
            fuzzer.send("anonymous", "POST", path, body, fields="(body)", value=f"{name}: {description}",
                        content_type=content_type)
    _check(fuzzer)
