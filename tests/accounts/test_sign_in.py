"""Signing in and out: lockout, idle expiry, organisation choice and two-factor sign-in."""

import re
import time

import pytest
from django.test import Client as Browser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from openipt.accounts import actions
from openipt.accounts.middleware import LAST_SEEN_KEY
from openipt.accounts.models import Role
from openipt.audit.models import AuditEvent
from tests.support.people import PASSWORD, actor, make_member


def _sign_in(browser, username, password=PASSWORD, **extra):
    return browser.post("/account/login/", {"username": username, "password": password}, **extra)


def test_a_therapist_signs_in_and_lands_on_today(world):
    browser = Browser()
    response = _sign_in(browser, world.m["therapist"].user.username)
    assert response.status_code == 302 and response["Location"] == "/"
    page = browser.get("/", follow=True)
    assert page.redirect_chain[-1][0] == "/today/"
    assert AuditEvent.objects.filter(event_type="auth.login", actor_user_id=world.m["therapist"].user_id).exists()


def test_a_client_signs_in_and_lands_on_their_portal(world):
    browser = Browser()
    _sign_in(browser, world.m["client"].user.username)
    page = browser.get("/", follow=True)
    assert page.redirect_chain[-1][0] == "/me/"
    assert "Hello, Sam" in page.content.decode()


def test_a_wrong_password_says_so_and_keeps_the_username(world):
    response = _sign_in(Browser(), world.m["therapist"].user.username, "wrong-password")
    html = response.content.decode()
    assert response.status_code == 200
    assert "That username and password do not match." in html
    assert f'value="{world.m["therapist"].user.username}"' in html


def test_repeated_failures_lock_the_account_from_that_address(world, settings):
    browser = Browser()
    username = world.m["therapist"].user.username
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(browser, username, "wrong-password", REMOTE_ADDR="10.0.0.9")
    locked = _sign_in(browser, username, PASSWORD, REMOTE_ADDR="10.0.0.9")
    assert locked.status_code == 429
    assert "Sign-in is paused for this account" in locked.content.decode()
    elsewhere = _sign_in(Browser(), username, PASSWORD, REMOTE_ADDR="10.0.0.10")
    assert elsewhere.status_code == 302


def test_sign_out_is_a_post_and_ends_the_session(world, as_member):
    browser = as_member(world.m["therapist"])
    assert browser.get("/account/logout/").status_code == 405
    response = browser.post("/account/logout/")
    assert browser.get("/clients/")["Location"].startswith("/account/login/")
    # the browser is told to drop what this site stored (drafts, offline copies) for the next person
    assert response["Clear-Site-Data"] == '"storage"'


def test_sign_out_keeps_the_browsers_storage_only_when_a_tablets_unsent_changes_are_kept_on_purpose(world, as_member):
    # the offline app's sign-out ran in the page first and the facilitator chose to keep the unsent changes
    browser = as_member(world.m["facilitator"])
    response = browser.post("/account/logout/", {"keep_offline": "1"})
    assert response.status_code == 302 and "Clear-Site-Data" not in response
    assert browser.get("/clients/")["Location"].startswith("/account/login/")
    other = as_member(world.m["therapist"])
    assert other.post("/account/logout/", {"keep_offline": "yes"})["Clear-Site-Data"] == '"storage"'


def test_an_idle_session_expires_and_says_why(world, as_member, settings):
    browser = as_member(world.m["therapist"])
    assert browser.get("/clients/").status_code == 200
    session = browser.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    response = browser.get("/clients/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/account/login/")
    assert "signed out after 30 minutes without activity" in response.content.decode()


def test_someone_in_two_organisations_chooses_one_and_sees_only_its_records(world):
    from openipt.accounts.models import Membership

    user = world.m["therapist"].user
    actions.add_member(world.other_org, user, Role.THERAPIST)
    browser = Browser()
    _sign_in(browser, user.username)
    page = browser.get("/clients/")
    assert page.status_code == 302 and page["Location"].startswith("/account/organisation/")
    other_membership = Membership.objects.get(user=user, organisation=world.other_org)
    browser.post("/account/organisation/", {"membership": other_membership.pk})
    listing = browser.get("/clients/").content.decode()
    assert "Maya Okafor" not in listing
    assert browser.get(f"/clients/{world.clients['mine'].pk}/").status_code == 404


def _checked(page) -> list[str]:
    return re.findall(r'name="membership" id="m\d+" value="(\d+)"[^>]*\bchecked', page)


def test_the_organisation_chooser_guesses_nothing_the_first_time_and_remembers_the_last_choice(world):
    from openipt.accounts.models import Membership

    user = world.m["therapist"].user
    actions.add_member(world.other_org, user, Role.THERAPIST)
    other = Membership.objects.get(user=user, organisation=world.other_org)
    browser = Browser()
    _sign_in(browser, user.username)
    # the first time, no organisation is chosen for them (one may have nothing in it), and one must be chosen
    first = browser.get("/account/organisation/").content.decode()
    assert _checked(first) == [] and first.count('name="membership"') == 2
    assert "Choose one of your organisations." in browser.post("/account/organisation/", {}).content.decode()
    browser.post("/account/organisation/", {"membership": other.pk})
    # at the next sign-in, the organisation they chose last is pre-selected
    again = Browser()
    _sign_in(again, user.username)
    assert _checked(again.get("/account/organisation/").content.decode()) == [str(other.pk)]


def test_an_organisation_can_require_two_factor_sign_in_for_staff(world):
    actions.set_require_mfa(actor(world.m["admin"]), True)
    browser = Browser()
    _sign_in(browser, world.m["therapist"].user.username)
    response = browser.get("/clients/")
    assert response.status_code == 302 and response["Location"].startswith("/account/mfa/")
    setup = browser.get("/account/mfa/")
    assert "Add OpenIPT to an authenticator app" in setup.content.decode()
    device = TOTPDevice.objects.get(user=world.m["therapist"].user)
    wrong = browser.post("/account/mfa/", {"token": "000000" if totp(device.bin_key) != 0 else "111111"})
    assert "That code did not work" in wrong.content.decode()
    too_soon = browser.post("/account/mfa/", {"token": f"{totp(device.bin_key):06d}"})
    assert "Too many wrong codes in a row" in too_soon.content.decode()
    time.sleep(2.1)  # the authenticator throttle doubles its wait after each failure
    good = browser.post("/account/mfa/", {"token": f"{totp(device.bin_key):06d}"})
    assert good.status_code == 302
    assert browser.get("/clients/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    # clients are not asked for a second factor
    client_browser = Browser()
    _sign_in(client_browser, world.m["client"].user.username)
    assert client_browser.get("/me/").status_code == 200


def test_a_confirmed_device_asks_for_a_code_at_the_next_sign_in(world):
    actions.set_require_mfa(actor(world.m["admin"]), True)
    user = world.m["therapist"].user
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    browser = Browser()
    _sign_in(browser, user.username)
    page = browser.get("/account/mfa/")
    assert "Type the 6-digit code" in page.content.decode()
    assert browser.post("/account/mfa/", {"token": "12ab"}).status_code == 200
    assert browser.post("/account/mfa/", {"token": f"{totp(device.bin_key):06d}"}).status_code == 302


def test_an_open_redirect_after_sign_in_is_refused(world):
    browser = Browser()
    response = browser.post(
        "/account/login/?next=https://evil.example/", {"username": world.m["therapist"].user.username, "password": PASSWORD}
    )
    assert response["Location"] == "/"


def test_a_person_with_no_active_membership_cannot_sign_in(world):
    lonely = make_member(world.org, Role.THERAPIST)
    actions.set_membership_active(actor(world.m["admin"]), lonely.pk, False)
    response = _sign_in(Browser(), lonely.user.username)
    assert response.status_code == 200
    assert "not active in any organisation" in response.content.decode()


@pytest.mark.parametrize("path", ["/clients/", "/audit/", "/account/people/", "/me/"])
def test_anonymous_visitors_are_sent_to_sign_in(db, path):
    response = Browser().get(path)
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")
