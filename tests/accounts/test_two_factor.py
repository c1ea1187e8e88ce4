"""Two-factor sign-in that a person turned on themself, recovery codes, and an admin's reset."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.test import Client as Browser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from openipt.accounts import actions
from openipt.accounts.models import RecoveryCode, Role
from openipt.audit.models import AuditEvent
from tests.support.people import PASSWORD, actor, login


def _sign_in(browser, username, password=PASSWORD):
    return browser.post("/account/login/", {"username": username, "password": password})


def _code(device):
    return f"{totp(device.bin_key):06d}"


def _device(user):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def _set_up_in_browser(browser):
    """Turn on two-factor sign-in through the pages; return the device and the recovery codes shown."""
    browser.get("/account/mfa/")
    device = TOTPDevice.objects.get(user_id=browser.session["_auth_user_id"], confirmed=False)
    done = browser.post("/account/mfa/?next=/clients/", {"token": _code(device), "next": "/clients/"})
    assert done.status_code == 302 and done["Location"].startswith("/account/recovery-codes/")
    page = browser.get(done["Location"]).content.decode()
    codes = re.findall(r'<li class="oi-mono">([a-z0-9-]+)</li>', page)
    device.refresh_from_db()
    return device, codes, page


@pytest.mark.parametrize("role, page", [("therapist", "/clients/"), ("client", "/me/")])
def test_anyone_with_an_authenticator_gives_a_code_after_the_password(world, role, page):
    """The organisation does not require it, but the person turned it on: it is asked for."""
    member = world.m[role]
    device = _device(member.user)
    browser = Browser()
    assert _sign_in(browser, member.user.username).status_code == 302
    for path in (page, "/", "/account/organisation/", "/account/recovery-codes/", "/account/people/"):
        response = browser.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/account/mfa/"), path
    assert "Type the 6-digit code" in browser.get("/account/mfa/").content.decode()
    assert browser.post("/account/mfa/", {"token": _code(device)}).status_code == 302
    assert browser.get(page).status_code == 200


def test_a_session_made_without_the_sign_in_page_is_asked_too(world, client):
    device = _device(world.m["therapist"].user)
    login(client, world.m["therapist"])
    assert client.get("/clients/")["Location"].startswith("/account/mfa/")
    # signing out needs no code
    client.post("/account/logout/")
    assert client.get("/clients/")["Location"].startswith("/account/login/")
    assert device.pk


def test_people_without_an_authenticator_are_not_asked(world, as_member):
    browser = as_member(world.m["therapist"])
    assert browser.get("/clients/").status_code == 200


def test_someone_in_two_organisations_gives_the_code_before_choosing(world):
    user = world.m["therapist"].user
    actions.add_member(world.other_org, user, Role.THERAPIST)
    device = _device(user)
    browser = Browser()
    _sign_in(browser, user.username)
    assert browser.get("/clients/")["Location"].startswith("/account/mfa/")
    assert browser.get("/account/mfa/").status_code == 200  # no loop between the two pages
    browser.post("/account/mfa/", {"token": _code(device)})
    assert browser.get("/clients/")["Location"].startswith("/account/organisation/")


def test_setting_up_shows_recovery_codes_once_and_keeps_only_their_hashes(world):
    user = world.m["therapist"].user
    browser = Browser()
    _sign_in(browser, user.username)
    device, codes, page = _set_up_in_browser(browser)
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "shown only this once" in page
    assert codes[0] not in browser.get("/account/recovery-codes/").content.decode()
    stored = set(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert stored == {hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes}
    assert AuditEvent.objects.filter(event_type="auth.recovery_codes_created", object_id=str(user.pk)).exists()
    assert browser.get("/clients/").status_code == 200


def test_a_recovery_code_works_once_in_place_of_the_authenticator(world):
    user = world.m["therapist"].user
    setup = Browser()
    _sign_in(setup, user.username)
    _device_, codes, _page = _set_up_in_browser(setup)

    later = Browser()
    _sign_in(later, user.username)
    used = later.post("/account/mfa/?next=/clients/", {"token": codes[3].upper().replace("-", " "), "next": "/clients/"})
    assert used.status_code == 302 and used["Location"] == "/clients/"
    assert later.get("/clients/").status_code == 200
    event = AuditEvent.objects.get(event_type="auth.recovery_code_used")
    assert event.details["left"] == 9 and event.actor_user_id == user.pk

    again = Browser()
    _sign_in(again, user.username)
    refused = again.post("/account/mfa/", {"token": codes[3]})
    assert refused.status_code == 200 and "That recovery code did not work" in refused.content.decode()
    assert again.get("/clients/")["Location"].startswith("/account/mfa/")


def test_new_recovery_codes_replace_the_old_ones(world):
    user = world.m["therapist"].user
    browser = Browser()
    _sign_in(browser, user.username)
    _device_, old, _page = _set_up_in_browser(browser)
    made = browser.post("/account/recovery-codes/")
    assert made.status_code == 302
    new = re.findall(r'<li class="oi-mono">([a-z0-9-]+)</li>', browser.get(made["Location"]).content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert AuditEvent.objects.filter(event_type="auth.recovery_codes_created").count() == 2

    other = Browser()
    _sign_in(other, user.username)
    assert "did not work" in other.post("/account/mfa/", {"token": old[0]}).content.decode()
    assert RecoveryCode.objects.filter(user=user).count() == 10


def test_recovery_codes_cannot_be_made_with_the_password_alone(world):
    user = world.m["therapist"].user
    _device(user)
    browser = Browser()
    _sign_in(browser, user.username)
    response = browser.post("/account/recovery-codes/")
    assert response.status_code == 302 and response["Location"].startswith("/account/mfa/")
    assert not RecoveryCode.objects.filter(user=user).exists()


# --- an admin resets a colleague's second factor --------------------------------------------


def _reset(browser, membership, reason="Lost phone; confirmed by a call"):
    return browser.post(f"/account/people/{membership.pk}/two-factor-reset/", {"reason": reason})


def test_an_admin_resets_a_colleagues_second_factor_with_a_reason(world, client):
    therapist = world.m["therapist"]
    device = _device(therapist.user)
    RecoveryCode.objects.create(user=therapist.user, code_hash="0" * 64)
    colleague = Browser()
    _sign_in(colleague, therapist.user.username)
    colleague.post("/account/mfa/", {"token": _code(device)})
    assert colleague.get("/clients/").status_code == 200

    login(client, world.m["admin"])
    page = client.get(f"/account/people/{therapist.pk}/").content.decode()
    assert "Reset two-factor sign-in" in page
    response = _reset(client, therapist)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=therapist.user).exists()
    assert not RecoveryCode.objects.filter(user=therapist.user).exists()
    event = AuditEvent.objects.get(event_type="auth.mfa_reset")
    assert event.details["reason"] == "Lost phone; confirmed by a call"
    assert event.actor_user_id == world.m["admin"].user_id and event.organisation_id == world.org.pk

    # the colleague's open session is no longer verified, and they set up a new authenticator
    assert colleague.get("/clients/")["Location"].startswith("/account/mfa/")
    fresh = Browser()
    _sign_in(fresh, therapist.user.username)
    assert fresh.get("/clients/")["Location"].startswith("/account/mfa/")
    setup = fresh.get("/account/mfa/").content.decode()
    assert "Your admin reset your two-factor sign-in" in setup and "Add OpenIPT to an authenticator app" in setup
    new_device, codes, _page = _set_up_in_browser(fresh)
    assert new_device.pk != device.pk and len(codes) == 10
    therapist.user.refresh_from_db()
    assert not therapist.user.two_factor_setup_required


def test_a_reset_needs_a_reason(world, client):
    device = _device(world.m["therapist"].user)
    login(client, world.m["admin"])
    response = _reset(client, world.m["therapist"], reason="  ")
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not AuditEvent.objects.filter(event_type="auth.mfa_reset").exists()


def test_only_an_admin_of_the_same_organisation_resets_and_not_for_themself(world, client):
    device = _device(world.m["therapist"].user)
    login(client, world.m["other_admin"])
    assert _reset(client, world.m["therapist"]).status_code == 404
    login(client, world.m["supervisor"])
    assert _reset(client, world.m["therapist"]).status_code == 403
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    admin = world.m["admin"]
    own = _device(admin.user)
    login(client, admin)
    client.post("/account/mfa/", {"token": _code(own)})
    assert "Reset two-factor sign-in" not in client.get(f"/account/people/{admin.pk}/").content.decode()
    refused = _reset(client, admin)
    assert refused.status_code == 302
    assert TOTPDevice.objects.filter(pk=own.pk).exists()
    assert "cannot reset your own" in client.get(refused["Location"]).content.decode()


def test_the_organisation_rule_still_applies_to_staff_without_a_device(world):
    actions.set_require_mfa(actor(world.m["admin"]), True)
    browser = Browser()
    _sign_in(browser, world.m["supervisor"].user.username)
    assert browser.get("/clients/")["Location"].startswith("/account/mfa/")


def test_a_person_who_also_works_for_another_organisation_is_not_reset_from_one(world, client):
    """One login serves both organisations: one organisation's admin cannot remove its second factor for the other."""
    from openipt.accounts.models import Membership

    therapist = world.m["therapist"]
    Membership.objects.create(user=therapist.user, organisation=world.other_org, role=Role.THERAPIST, is_active=True)
    device = _device(therapist.user)
    login(client, world.m["admin"])
    response = _reset(client, therapist)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    page = client.get(response["Location"]).content.decode() if response.status_code == 302 else response.content.decode()
    assert "another organisation" in page
    assert not AuditEvent.objects.filter(event_type="auth.mfa_reset").exists()
