"""Every URL, as every role and as someone from another organisation, answers as it should.

A new URL pattern without a row here fails the first test, so no page is added
without deciding who may see it. Each app adds its rows in tests/<app>/matrix.py:
`matrix(expect, staff_only, admin_only, client_record, LOGIN)` returns its rows and an
optional `prepare(world)` creates the objects its URLs need and returns their
URL keyword arguments (for example {"course_id": ...}). Objects outside one's organisation answer 404;
pages outside one's role answer 403; anonymous visitors are sent to sign in.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

ROLES = ["anonymous", "admin", "supervisor", "therapist", "therapist2", "facilitator", "client", "other_admin", "other_therapist",
         "manager"]
OLD_ROLES = [role for role in ROLES if role != "manager"]
STAFF = ["admin", "supervisor", "therapist", "therapist2", "facilitator", "other_admin", "other_therapist"]
LOGIN = "login"  # a redirect to the sign-in page


def expect(default, **overrides):
    table = dict.fromkeys(OLD_ROLES, default)  # the manager's answer is worked out below unless a row gives it
    table["anonymous"] = LOGIN
    table.update(overrides)
    return table


def staff_only(**overrides):
    return expect(200, client=403, **overrides)


def admin_only(ok=200, **overrides):
    base = dict.fromkeys(OLD_ROLES, 403)
    base.update(anonymous=LOGIN, admin=ok, other_admin=ok)
    base.update(overrides)
    return base


def client_record(ok=200, **overrides):
    """A page about the client assigned to `therapist` (supervised by `supervisor`)."""
    base = dict(anonymous=LOGIN, admin=ok, supervisor=ok, therapist=ok, therapist2=404, facilitator=404, client=403, other_admin=404, other_therapist=404)
    base.update(overrides)
    return base


def _kwargs(world, name):
    values = {
        "client_id": world.clients["mine"].pk,
        "membership_id": world.m["therapist"].pk,
        "invitation_id": world.invitation.pk,
        "token": "no-such-token",
        "url_name": "measures:due",
    }
    values.update(world.matrix_kwargs)
    values.update(world.matrix_kwargs.get(name, {}))  # values for one URL, where two apps use the same keyword
    return values


# url name -> {"GET": expectations, "POST": expectations (optional)}
MATRIX = {
    "home": {"GET": expect(302)},
    "healthz": {"GET": expect(200, anonymous=200)},
    # No sign-in involved: the escalation runner's heartbeat is fresh in the world (build_world), so ready.
    "readyz": {"GET": expect(200, anonymous=200)},
    # A bearer token or an allowed address, never a session: refused to every person (tests/core/test_operations.py).
    "metrics": {"GET": expect(403, anonymous=403)},
    "nav_count": {"GET": expect(200, client=404, anonymous=401, manager=404)},
    "accounts:login": {"GET": expect(302, anonymous=200)},
    "accounts:logout": {"GET": expect(405, anonymous=405), "POST": expect(LOGIN)},
    "accounts:choose_org": {"GET": expect(200)},
    "accounts:mfa": {"GET": expect(200)},
    "accounts:people": {"GET": admin_only()},
    "accounts:security": {"GET": admin_only(405), "POST": admin_only(302)},
    "accounts:settings": {"GET": admin_only()},
    "accounts:member": {"GET": admin_only(200, other_admin=404)},
    "accounts:member_active": {"GET": admin_only(405), "POST": admin_only(302, other_admin=404)},
    "accounts:revoke_invitation": {"GET": admin_only(405), "POST": admin_only(302, other_admin=404)},
    "accounts:accept_invitation": {"GET": expect(404, anonymous=404)},
    "clients:caseload": {"GET": staff_only()},
    "clients:new": {"GET": staff_only()},
    "clients:detail": {"GET": client_record()},
    "clients:edit": {"GET": client_record(supervisor=403)},
    "clients:status": {"GET": expect(405, client=403), "POST": client_record(302)},
    "clients:assign": {"GET": admin_only(405, other_admin=405), "POST": admin_only(302, other_admin=404)},
    "clients:invite": {"GET": admin_only(405, other_admin=405), "POST": admin_only(302, other_admin=404)},
    "audit:log": {"GET": admin_only()},
}


APPS = ["accounts", "clients", "audit", "courses", "assessment", "measures", "safety", "practice", "portal", "groups", "supervision", "couples",
        "messaging", "today", "consent", "api", "programmes", "sms", "offline"]
PREPARERS = []
for _app in APPS:
    try:
        _module = __import__(f"tests.{_app}.matrix", fromlist=["MATRIX"])
    except ModuleNotFoundError:
        continue
    MATRIX.update(_module.matrix(expect=expect, staff_only=staff_only, admin_only=admin_only, client_record=client_record, LOGIN=LOGIN))
    if hasattr(_module, "prepare"):
        PREPARERS.append(_module.prepare)


def _manager_expectation(row: dict) -> object:
    """A programme manager sees no identifiable record: every page refuses them unless it answers every signed-in
    role alike (signing in and out, choosing an organisation, the API's 401 to a browser). A row written for the
    manager (the programme pages) says so itself."""
    signed_in = {row[role] for role in ROLES if role not in ("anonymous", "manager")}
    if len(signed_in) == 1:
        return signed_in.pop()
    if row["client"] == 405 and row["admin"] == 405:
        return 405
    return 403


for _methods in MATRIX.values():
    for _row in _methods.values():
        _row.setdefault("manager", _manager_expectation(_row))


def _walk(patterns, prefix="", params=()):
    for entry in patterns:
        here = tuple(getattr(entry.pattern, "converters", {}).keys())
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _walk(entry.url_patterns, namespace, params + here)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", params + here


def url_params():
    return dict(_walk(get_resolver().url_patterns))


def all_url_names():
    return sorted(url_params())


def test_every_url_has_a_row_in_the_matrix():
    missing = [name for name in all_url_names() if name not in MATRIX]
    assert missing == [], f"add these URLs to the permission matrix: {missing}"


# Tables a refused request may still write: the test browser's own session (signing in and messages) and the
# sign-in lockout's records of attempts. Neither holds anything a user entered.
MAY_CHANGE_WHEN_REFUSED = ("sessions.Session", "axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog")
REFUSED = {LOGIN, 401, 403, 404, 405}


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """The world and every app's objects, built once for the module inside a transaction rolled back at its end.

    Each request below runs in its own savepoint, rolled back; each test checks first that the world is as built.
    """
    from django.db import transaction
    from django.test import override_settings

    from openipt.accounts.models import Organisation
    from tests.support.database import fingerprint

    # The world's escalation heartbeat is as old as the world: a day's leeway keeps /readyz at 200 however long
    # the module runs (tests/core/test_operations.py tests the limit itself).
    with django_db_blocker.unblock(), override_settings(ESCALATION_STALE_SECONDS=24 * 60 * 60):
        with transaction.atomic():
            world = build_world()
            world.sessions = _signed_in_sessions(world)
            world.as_built = fingerprint()
            yield world
            transaction.set_rollback(True)
        assert not Organisation.objects.filter(pk=world.org.pk).exists(), "the matrix world outlived its module"


def _signed_in_sessions(world) -> dict[str, str]:
    """Sign each role in once, as part of the world: {role: session cookie}. Signing in changes rows (the
    session, the user's last sign-in), so doing it before the world's fingerprint is taken means a test's
    "before" is the world as built, and only the rows a request changed differ after it."""
    from django.conf import settings
    from django.test import Client

    from tests.support.people import login

    cookies = {}
    for role in ROLES:
        if role != "anonymous":
            client = Client()
            login(client, world.m[role])
            session = client.session
            session.set_expiry(24 * 60 * 60)  # a slow machine may take longer than a session's usual life
            session.save()
            cookies[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cookies


def build_world():
    """Two organisations with one person per role, an open invitation, and every app's objects (PREPARERS)."""
    from openipt.accounts import actions
    from openipt.core import heartbeat
    from tests.support.people import actor, make_member, make_world

    world = make_world()
    world.m["manager"] = make_member(world.org, "manager")
    heartbeat.beat(heartbeat.ESCALATION)  # the escalation runner is running, so /readyz answers 200
    world.invitation = actions.invite(actor(world.m["admin"]), email="pending@example.test",
                                      role="therapist").invitation
    world.matrix_kwargs = {}
    for prepare in PREPARERS:
        made = prepare(world) or {}
        # Two apps giving one URL argument name different objects would send one app's pages the other's id.
        # (a name an app also gives per URL name, {"app:page": {...}}, is settled for that page and may differ)
        per_page = {k for d in (made, world.matrix_kwargs) for v in d.values() if isinstance(v, dict) for k in v}
        clash = {k for k, v in made.items()
                 if k in world.matrix_kwargs and world.matrix_kwargs[k] != v and k not in per_page}
        assert not clash, f"{prepare.__module__} gives URL arguments another app's rows already name: {sorted(clash)}"
        world.matrix_kwargs.update(made)
    return world


def _outcome(response):
    if response.status_code == 302 and "/account/login/" in response["Location"]:
        return LOGIN
    return response.status_code


CASES = [(name, method) for name, methods in MATRIX.items() for method in methods]


@pytest.mark.django_db
@pytest.mark.parametrize("name, method", CASES, ids=[f"{n}-{m}" for n, m in CASES])
def test_the_answer_for_each_url_method_and_role(matrix_world, name, method):
    """Each role in turn, each in its own savepoint that is rolled back, so one role's POST cannot change another's answer.

    A refused POST must also leave every table as it was: the gate stops the change, not only the page.
    """
    from django.conf import settings
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from tests.support.database import changed_tables, fingerprint, writes

    assert changed_tables(matrix_world.as_built, fingerprint()) == [], "an earlier test left a change behind"
    # Each role's request runs in a savepoint rolled back after it, so before each request the database is
    # the world as built (checked just above), signed-in sessions included.
    before = {label: digest for label, digest in matrix_world.as_built.items() if label not in MAY_CHANGE_WHEN_REFUSED}
    candidates = _kwargs(matrix_world, name)
    url = reverse(name, kwargs={key: candidates[key] for key in url_params()[name]} or None)
    wrong = []
    for role in ROLES:
        with transaction.atomic():
            client = Client()
            if role != "anonymous":
                client.cookies[settings.SESSION_COOKIE_NAME] = matrix_world.sessions[role]
            written = writes()
            response = client.get(url) if method == "GET" else client.post(url, {})
            outcome = _outcome(response)
            if outcome != MATRIX[name][method][role]:
                wrong.append(f"{role}: expected {MATRIX[name][method][role]}, got {outcome}")
            elif method == "POST" and outcome in REFUSED and writes() != written:  # wrote nothing: changed nothing
                changed = changed_tables(before, fingerprint(leave_out=MAY_CHANGE_WHEN_REFUSED))
                if changed:
                    wrong.append(f"{role}: refused with {outcome} but changed {', '.join(changed)}")
            transaction.set_rollback(True)
    assert wrong == [], f"{method} {url}\n" + "\n".join(wrong)


@pytest.mark.django_db
def test_the_check_for_a_refused_post_sees_a_changed_row_and_the_next_test_sees_none(matrix_world):
    """The write count and the fingerprint notice one changed name (so the check above can fail), and the
    savepoint takes it back."""
    from django.db import transaction

    from openipt.clients.models import Client
    from tests.support.database import changed_tables, fingerprint, writes

    with transaction.atomic():
        written = writes()
        Client.objects.filter(pk=matrix_world.clients["mine"].pk).update(given_name="Changed")
        assert writes() > written  # the count that lets a request that wrote nothing skip the fingerprint
        assert changed_tables(matrix_world.as_built, fingerprint()) == ["clients.Client"]
        transaction.set_rollback(True)
    assert changed_tables(matrix_world.as_built, fingerprint()) == []


# A therapist limited to one site is, for a client in another site, as a therapist not assigned to them: every
# page about the client assigned to `therapist` (the rows where `therapist` is let in and `therapist2` gets 404)
# answers 404 once the client is in one site and the therapist in another, and lets them in again in the same site.
# Left out: a supervisor's fidelity rating of the therapist's own session is feedback on their own work, and stays
# theirs wherever the client is (docs/guides/programmes.md, "Sites", says what it shows).
NOT_ABOUT_THE_CLIENT = {"supervision:rating"}
SITE_CASES = [name for name, methods in MATRIX.items()
              if "GET" in methods and methods["GET"]["therapist"] == 200 and methods["GET"]["therapist2"] == 404
              and name not in NOT_ABOUT_THE_CLIENT]


@pytest.mark.django_db
@pytest.mark.parametrize("name", SITE_CASES)
def test_a_therapist_limited_to_a_site_sees_no_page_of_a_client_in_another_site(matrix_world, name):
    from django.conf import settings
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from openipt.accounts.models import Membership, Site
    from openipt.clients.models import Client as Record

    candidates = _kwargs(matrix_world, name)
    url = reverse(name, kwargs={key: candidates[key] for key in url_params()[name]} or None)
    answers = {}
    with transaction.atomic():
        north = Site.objects.create(organisation=matrix_world.org, name="Site-limit north")
        south = Site.objects.create(organisation=matrix_world.org, name="Site-limit south")
        Record.objects.filter(organisation=matrix_world.org).update(site=north)
        for where in (south, north):
            Membership.objects.filter(pk=matrix_world.m["therapist"].pk).update(site=where)
            browser = Client()
            browser.cookies[settings.SESSION_COOKIE_NAME] = matrix_world.sessions["therapist"]
            answers[where.name] = _outcome(browser.get(url))
        transaction.set_rollback(True)
    assert answers == {"Site-limit south": 404, "Site-limit north": 200}, url
