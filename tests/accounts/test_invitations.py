"""Admins invite staff and clients; links work once, expire, and explain themselves."""

from datetime import timedelta

from django.core import mail
from django.test import Client as Browser
from django.utils import timezone

from openipt.accounts import actions
from openipt.accounts.models import Invitation, Membership
from tests.support.people import actor


def _invite_link(html: str) -> str:
    start = html.index("/account/invite/")
    return html[start: html.index("<", start)].strip()


def test_an_admin_invites_a_therapist_who_sets_up_their_login(world, as_member):
    admin = as_member(world.m["admin"])
    page = admin.post(
        "/account/people/", {"email": "new.therapist@example.test", "role": "therapist", "supervisor": world.m["supervisor"].pk}
    )
    html = page.content.decode()
    assert "Invitation created for new.therapist@example.test" in html
    assert len(mail.outbox) == 1 and "/account/invite/" in mail.outbox[0].body
    link = _invite_link(html)
    newcomer = Browser()
    form = newcomer.get(link)
    assert "You were invited as Therapist" in form.content.decode()
    done = newcomer.post(
        link, {"display_name": "Nia Brooks", "username": "nia", "password": "a-long-safe-passphrase", "password_again": "a-long-safe-passphrase"}
    )
    assert done.status_code == 302
    membership = Membership.objects.get(user__username="nia")
    assert membership.role == "therapist" and membership.supervisor == world.m["supervisor"]
    assert newcomer.get("/clients/").status_code == 200
    reused = Browser().get(link)
    assert reused.status_code == 410
    assert "This invitation was already used" in reused.content.decode()


def test_an_expired_invitation_says_when_it_expired_and_what_to_do(world):
    issued = actions.invite(actor(world.m["admin"]), email="late@example.test", role="facilitator")
    Invitation.objects.filter(pk=issued.invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    response = Browser().get(f"/account/invite/{issued.token}/")
    html = response.content.decode()
    assert response.status_code == 410
    assert "This invitation expired on" in html and "Ask Riverbank Clinic to send a new one." in html


def test_a_withdrawn_or_unknown_invitation_explains_itself(world, as_member):
    issued = actions.invite(actor(world.m["admin"]), email="gone@example.test", role="facilitator")
    as_member(world.m["admin"]).post(f"/account/invitations/{issued.invitation.pk}/revoke/")
    assert "withdrawn" in Browser().get(f"/account/invite/{issued.token}/").content.decode()
    unknown = Browser().get("/account/invite/not-a-real-token/")
    assert unknown.status_code == 404 and "not valid" in unknown.content.decode()


def test_accepting_with_mismatched_passwords_keeps_what_was_typed(world):
    issued = actions.invite(actor(world.m["admin"]), email="typo@example.test", role="therapist")
    response = Browser().post(
        f"/account/invite/{issued.token}/",
        {"display_name": "Tom Typo", "username": "tomt", "password": "a-long-safe-passphrase", "password_again": "a-long-safe-passphrase!"},
    )
    html = response.content.decode()
    assert "The two passwords are different." in html and 'value="Tom Typo"' in html
    assert not Membership.objects.filter(user__username="tomt").exists()


def test_a_taken_username_or_weak_password_is_refused_beside_the_field(world):
    issued = actions.invite(actor(world.m["admin"]), email="dup@example.test", role="therapist")
    taken = Browser().post(
        f"/account/invite/{issued.token}/",
        {"display_name": "D", "username": world.m["therapist"].user.username, "password": "a-long-safe-passphrase", "password_again": "a-long-safe-passphrase"},
    )
    assert "That username is taken." in taken.content.decode()
    weak = Browser().post(
        f"/account/invite/{issued.token}/", {"display_name": "D", "username": "dupe", "password": "password", "password_again": "password"}
    )
    assert "too short" in weak.content.decode() or "too common" in weak.content.decode()
    assert Invitation.objects.get(pk=issued.invitation.pk).accepted_at is None


def test_a_client_invitation_links_the_portal_login_to_their_record(world, as_member):
    target = world.clients["mine"]
    admin = as_member(world.m["admin"])
    response = admin.post(f"/clients/{target.pk}/invite/", {"email": "maya@example.test"}, follow=True)
    html = response.content.decode()
    link = html[html.index("/account/invite/"): html.index("<", html.index("/account/invite/"))].split()[0]
    client_browser = Browser()
    client_browser.post(link, {"display_name": "Maya", "username": "maya", "password": "a-long-safe-passphrase", "password_again": "a-long-safe-passphrase"})
    target.refresh_from_db()
    assert target.user.username == "maya"
    portal = client_browser.get("/me/")
    assert "Hello, Maya" in portal.content.decode()
    assert client_browser.get(f"/clients/{target.pk}/").status_code == 403


def test_only_one_open_invitation_per_address(world, as_member):
    admin = as_member(world.m["admin"])
    admin.post("/account/people/", {"email": "twice@example.test", "role": "therapist"})
    again = admin.post("/account/people/", {"email": "twice@example.test", "role": "therapist"})
    assert "already an open invitation" in again.content.decode()


def test_an_admin_deactivates_and_reactivates_an_account_but_not_their_own(world, as_member):
    admin = as_member(world.m["admin"])
    admin.post(f"/account/people/{world.m['therapist'].pk}/active/", {"active": "0"})
    world.m["therapist"].refresh_from_db()
    assert not world.m["therapist"].is_active
    admin.post(f"/account/people/{world.m['therapist'].pk}/active/", {"active": "1"})
    world.m["therapist"].refresh_from_db()
    assert world.m["therapist"].is_active
    own = admin.post(f"/account/people/{world.m['admin'].pk}/active/", {"active": "0"}, follow=True)
    assert "You cannot deactivate your own account" in own.content.decode()


def test_an_admin_cannot_touch_another_organisations_people(world, as_member):
    admin = as_member(world.m["admin"])
    assert admin.get(f"/account/people/{world.m['other_therapist'].pk}/").status_code == 404
    assert admin.post(f"/account/people/{world.m['other_therapist'].pk}/active/", {"active": "0"}).status_code == 404
    world.m["other_therapist"].refresh_from_db()
    assert world.m["other_therapist"].is_active
