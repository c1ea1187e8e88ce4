"""The password-reset, recovery-code and two-factor reset pages pass axe and fit a phone."""

from __future__ import annotations

import re

from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.support.people import PASSWORD, make_world


def test_password_reset_pages_pass_axe_on_a_phone(phone):
    world = make_world()
    phone.goto("/account/login/")
    phone.page.get_by_role("link", name="Forgot your password?").click()
    phone.check()
    phone.page.get_by_label("Your username or e-mail address").fill(world.m["therapist"].user.username)
    phone.page.get_by_role("button", name="Send the link").click()
    expect(phone.page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    phone.check()
    link = re.search(r"https?://[^/\s]+(/account/password-reset/\S+/)", mail.outbox[-1].body).group(1)
    phone.goto(link)
    phone.page.get_by_role("button", name="Save the new password").click()  # empty: errors beside fields
    phone.check()
    phone.goto("/account/password-reset/MQ/not-a-token/")
    expect(phone.page.get_by_role("heading", name="This link does not work any more")).to_be_visible()


def test_recovery_codes_and_the_admin_reset_pass_axe(ui):
    world = make_world()
    ui.sign_in(world.m["admin"].user.username, PASSWORD)
    ui.goto("/account/mfa/")
    device = TOTPDevice.objects.get(user=world.m["admin"].user)
    ui.page.get_by_label("Six-digit code").fill(f"{totp(device.bin_key):06d}")
    ui.page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(ui.page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    ui.check()
    ui.goto("/account/mfa/")
    ui.check()
    TOTPDevice.objects.create(user=world.m["therapist"].user, name="phone", confirmed=True)
    ui.goto(f"/account/people/{world.m['therapist'].pk}/")
    ui.page.get_by_role("button", name="Reset two-factor sign-in").click()  # no reason: the error beside it
    ui.check()
