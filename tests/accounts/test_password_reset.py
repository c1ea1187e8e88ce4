"""Password reset by e-mail: no account enumeration, one-hour single-use links, audited, two-factor kept."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.test import Client as Browser
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from openipt.audit.models import AuditEvent
from tests.support.people import PASSWORD, login

NEW_PASSWORD = "a-new-long-passphrase-42"


def _ask(browser, identifier):
    return browser.post("/account/password-reset/", {"identifier": identifier})


def _link():
    return re.search(r"http://testserver(/account/password-reset/\S+/)", mail.outbox[-1].body).group(1)


def _page(response):
    return re.sub(r'nonce="[^"]*"', "", response.content.decode())


def test_the_sign_in_page_offers_a_reset(db):
    page = Browser().get("/account/login/").content.decode()
    assert 'href="/account/password-reset/"' in page and "Forgot your password?" in page


def test_the_answer_is_the_same_whether_or_not_the_account_exists(world):
    therapist = world.m["therapist"].user
    known = _ask(Browser(), therapist.username)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [therapist.email]
    unknown = _ask(Browser(), "nobody-here")
    by_address = _ask(Browser(), therapist.email.upper())
    assert len(mail.outbox) == 2 and mail.outbox[1].to == [therapist.email]
    assert known.status_code == unknown.status_code == by_address.status_code == 200
    assert _page(known) == _page(unknown) == _page(by_address)
    assert "If an account uses that username or e-mail address" in _page(known)
    events = AuditEvent.objects.filter(event_type="auth.password_reset_requested").order_by("pk")
    assert [e.details["account_found"] for e in events] == [True, False, True]
    assert events[0].organisation_id == world.org.pk and events[0].details["user"] == therapist.username
    assert events[1].details["typed"] == "nobody-here"


def test_a_deactivated_person_gets_no_link(world):
    from openipt.accounts import actions
    from tests.support.people import actor

    actions.set_membership_active(actor(world.m["admin"]), world.m["therapist2"].pk, False)
    _ask(Browser(), world.m["therapist2"].user.username)
    assert mail.outbox == []


def test_the_link_sets_a_new_password_once_and_signs_out_other_sessions(world):
    therapist = world.m["therapist"]
    elsewhere = Browser()
    login(elsewhere, therapist)
    assert elsewhere.get("/clients/").status_code == 200
    _ask(Browser(), therapist.user.username)
    link = _link()
    browser = Browser()
    assert browser.get(link).status_code == 200
    weak = browser.post(link, {"new_password": "password", "new_password_again": "password"})
    assert weak.status_code == 200 and "too common" in weak.content.decode()
    done = browser.post(link, {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/account/login/"
    event = AuditEvent.objects.get(event_type="auth.password_reset")
    assert event.actor_user_id == therapist.user_id and event.organisation_id == world.org.pk

    assert elsewhere.get("/clients/")["Location"].startswith("/account/login/")
    assert browser.get(link).status_code == 410  # used once
    assert browser.post(link, {"new_password": "another-long-pass-77", "new_password_again": "another-long-pass-77"}).status_code == 410
    old = Browser().post("/account/login/", {"username": therapist.user.username, "password": PASSWORD})
    assert old.status_code == 200
    new = Browser().post("/account/login/", {"username": therapist.user.username, "password": NEW_PASSWORD})
    assert new.status_code == 302


def test_a_link_stops_working_after_an_hour(world):
    class AnHourAgo(PasswordResetTokenGenerator):
        def _now(self):
            return datetime.now() - timedelta(minutes=61)

    user = world.m["therapist"].user
    link = f"/account/password-reset/{urlsafe_base64_encode(force_bytes(user.pk))}/{AnHourAgo().make_token(user)}/"
    assert Browser().get(link).status_code == 410
    assert Browser().get("/account/password-reset/MQ/not-a-token/").status_code == 410
    assert Browser().get("/account/password-reset/%E2%82%AC/1-2/").status_code == 410
    assert Browser().get(f"/account/password-reset/{urlsafe_base64_encode(b'99999999999999999999999')}/1-2/").status_code == 410


def test_a_reset_does_not_skip_two_factor_sign_in(world):
    user = world.m["therapist"].user
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    _ask(Browser(), user.username)
    browser = Browser()
    browser.post(_link(), {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert browser.get("/clients/")["Location"].startswith("/account/login/")  # not signed in by the reset
    browser.post("/account/login/", {"username": user.username, "password": NEW_PASSWORD})
    assert browser.get("/clients/")["Location"].startswith("/account/mfa/")


def test_odd_input_to_the_reset_page_is_answered_calmly(world):
    for value in ("a\x00b", "x" * 10_000, ""):
        response = _ask(Browser(), value)
        assert response.status_code == 200
    assert mail.outbox == []


def test_a_reset_link_works_in_a_browser_still_waiting_for_a_code(world):
    user = world.m["therapist"].user
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    browser = Browser()
    browser.post("/account/login/", {"username": user.username, "password": PASSWORD})
    _ask(browser, user.username)
    assert browser.get(_link()).status_code == 200
    done = browser.post(_link(), {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/account/login/"
    assert browser.get("/clients/")["Location"].startswith("/account/login/")
