"""Behind an HTTPS proxy: the client's own address for the lockout and the audit log; forged headers ignored."""

from __future__ import annotations

import pytest
from django.test import Client as Browser
from django.test import RequestFactory

from openipt.accounts.client_ip import client_ip
from openipt.audit.models import AuditEvent
from openipt.core.config import ConfigError, parse_trusted_proxies
from tests.support.people import PASSWORD

PROXY = "10.0.0.2"


def _ip(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [f"{PROXY}/32", "172.16.0.0/12", "fd00::/8"]
    return settings


@pytest.mark.parametrize(
    "remote, forwarded, expected",
    [
        (PROXY, "203.0.113.7", "203.0.113.7"),
        (PROXY, "203.0.113.7, 172.16.4.4", "203.0.113.7"),  # two proxies: skip ours from the right
        (PROXY, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # whatever the client wrote on the left is not believed
        (PROXY, "203.0.113.7:50122", "203.0.113.7"),
        (PROXY, "[2001:db8::5]:443", "2001:db8::5"),
        (PROXY, "::ffff:203.0.113.9", "203.0.113.9"),
        (PROXY, "not-an-address", PROXY),  # malformed: the last address we can trust
        (PROXY, "203.0.113.7, junk, 172.16.4.4", "172.16.4.4"),
        (PROXY, "", PROXY),
        (PROXY, "1.2.3.4," * 5000, PROXY),  # too long to read
        (PROXY, "172.16.0.9", "172.16.0.9"),  # every hop is ours: the leftmost one
        ("fd00::1", "2001:db8::9", "2001:db8::9"),
        ("198.51.100.20", "203.0.113.7", "198.51.100.20"),  # an untrusted peer's header is ignored
        ("garbage", "203.0.113.7", None),
        ("", None, None),
    ],
)
def test_the_client_address_is_read_from_the_right(behind_proxy, remote, forwarded, expected):
    assert _ip(remote, forwarded) == expected


def test_with_no_trusted_proxies_no_forwarded_header_is_believed(settings):
    settings.TRUSTED_PROXIES = []
    assert _ip(PROXY, "203.0.113.7") == PROXY


def test_the_setting_is_checked_at_start_up():
    assert parse_trusted_proxies("10.0.0.2, 10.1.0.0/16 ,::1") == ["10.0.0.2/32", "10.1.0.0/16", "::1/128"]
    assert parse_trusted_proxies("") == [] and parse_trusted_proxies(None) == []
    with pytest.raises(ConfigError, match="OPENIPT_TRUSTED_PROXIES"):
        parse_trusted_proxies("10.0.0.2, proxy.example.org")


def _fail(browser, username, forwarded, remote=PROXY):
    return browser.post(
        "/account/login/", {"username": username, "password": "wrong-password"},
        REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_one_clients_failures_behind_the_proxy_do_not_lock_out_another(world, behind_proxy):
    username = world.m["therapist"].user.username
    for _ in range(behind_proxy.AXES_FAILURE_LIMIT):
        _fail(Browser(), username, "203.0.113.66")
    locked = Browser().post("/account/login/", {"username": username, "password": PASSWORD},
                            REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert locked.status_code == 429
    other = Browser().post("/account/login/", {"username": username, "password": PASSWORD},
                           REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.status_code == 302
    failed = AuditEvent.objects.filter(event_type="auth.login_failed").order_by("pk").first()
    assert failed.details["ip"] == "203.0.113.66"
    signed_in = AuditEvent.objects.get(event_type="auth.login", actor_user_id=world.m["therapist"].user_id)
    assert signed_in.ip == "198.51.100.8"


def test_a_forged_header_from_an_untrusted_peer_neither_hides_the_address_nor_escapes_the_lockout(world, behind_proxy):
    username = world.m["therapist"].user.username
    for n in range(behind_proxy.AXES_FAILURE_LIMIT):
        _fail(Browser(), username, f"192.0.2.{n + 1}", remote="198.51.100.99")
    locked = Browser().post("/account/login/", {"username": username, "password": PASSWORD},
                            REMOTE_ADDR="198.51.100.99", HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert locked.status_code == 429
    ips = set(e.details["ip"] for e in AuditEvent.objects.filter(event_type="auth.login_failed"))
    assert ips == {"198.51.100.99"}


def test_every_audit_entry_of_a_signed_in_person_has_the_client_address(world, behind_proxy, client):
    from tests.support.people import login

    login(client, world.m["therapist"])
    client.get(f"/clients/{world.clients['mine'].pk}/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.44")
    event = AuditEvent.objects.filter(actor_user_id=world.m["therapist"].user_id).order_by("-pk").first()
    assert event is not None and event.ip == "203.0.113.44"
