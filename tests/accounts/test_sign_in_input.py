"""A sign-in with input no account can have is refused with the sign-in page, and audited, on every database."""

from __future__ import annotations

import pytest
from django.test import Client as Browser

from openipt.audit.models import AuditEvent
from tests.support.people import PASSWORD


@pytest.fixture(params=["with the input-cleaning middleware", "without it"])
def middleware(request, settings):
    if request.param == "without it":
        settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "openipt.core.middleware.CleanInputMiddleware"]
    return request.param


@pytest.mark.parametrize(
    "username, password",
    [
        ("ther\x00apist", PASSWORD),
        ("\x00", PASSWORD),
        ("x" * 10_000, PASSWORD),
        ("x" * 10_000 + "\x00", "wrong"),
        ("therapist", "pass\x00word"),
    ],
    ids=["nul-inside", "only-nul", "10000-characters", "long-and-nul", "nul-in-password"],
)
def test_bad_input_gets_the_sign_in_page_and_is_audited(world, middleware, username, password):
    response = Browser().post("/account/login/", {"username": username, "password": password})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign in to OpenIPT" in html
    assert any(error in html for error in ("That username and password do not match", "Null characters are not allowed",
                                           "This field is required"))
    event = AuditEvent.objects.get(event_type="auth.login_failed")
    assert "\x00" not in event.details["username"] and len(event.details["username"]) <= 150
    assert event.details["ip"] == "127.0.0.1"


def test_a_nul_username_does_not_sign_anyone_in(world, settings):
    """Without the middleware that strips NUL, the sign-in page refuses it rather than guessing."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "openipt.core.middleware.CleanInputMiddleware"]
    username = world.m["therapist"].user.username
    browser = Browser()
    response = browser.post("/account/login/", {"username": username[:3] + "\x00" + username[3:], "password": PASSWORD})
    assert response.status_code == 200
    assert "That username and password do not match" in response.content.decode()
    assert browser.get("/clients/")["Location"].startswith("/account/login/")
