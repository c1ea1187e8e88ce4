"""Webhooks on the wire: which addresses may be called, the signature, and one POST to a vetted address.

A target must resolve to public addresses only: loopback, private, link-local, shared, reserved,
multicast and unspecified addresses are refused (also when carried inside an IPv6 address: mapped,
6to4, Teredo, NAT64 or IPv4-compatible), when the webhook is saved and again before every
try (a name's addresses can change). A host named in `WEBHOOK_ALLOWED_HOSTS` (the setting
`OPENIPT_WEBHOOK_ALLOWED_HOSTS`) is exempt, for a program on the clinic's own network. The
connection goes to the address that was checked (not to a second lookup), redirects are not
followed, and the answer's body is not read beyond a few bytes.

Signature: `OpenIPT-Signature: t=<unix seconds>,v1=<hex>`, where hex is HMAC-SHA256 under the
webhook's secret of `<t>.<body>` (docs/guides/integrating.md shows how to check it).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

TIMEOUT_SECONDS = 10
USER_AGENT = "OpenIPT-Webhooks/1"
MAX_URL = 500


class TargetRefused(ValueError):
    """The address may not be called; the message says why, in words for the admin."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str


def allowed_hosts() -> set[str]:
    return {h.strip().lower().strip("[]") for h in getattr(settings, "WEBHOOK_ALLOWED_HOSTS", []) if h.strip()}


def http_allowed() -> bool:
    """Plain http only while developing or testing; production sends over https only."""
    return bool(getattr(settings, "WEBHOOK_ALLOW_HTTP", False))


def parse(url: str) -> Target:
    """The parts of a webhook address, or TargetRefused saying what is wrong with it."""
    url = (url or "").strip()
    if not url:
        raise TargetRefused("Give the address the messages are sent to.")
    if len(url) > MAX_URL or not url.isascii() or not url.isprintable() or any(c.isspace() for c in url):
        raise TargetRefused(f"Give a web address of at most {MAX_URL} plain characters, without spaces.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise TargetRefused("This is not a web address. It starts with https://.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise TargetRefused("The address must start with https://.")
    if scheme == "http" and not http_allowed():
        raise TargetRefused("Use an https:// address: messages are only sent encrypted.")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("Leave the user name and password out of the address; the signature proves the sender.")
    if parts.fragment:
        raise TargetRefused("Leave out the part after # in the address.")
    host = (parts.hostname or "").lower()
    if not host or len(host) > 253:
        raise TargetRefused("The address has no host name.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, host, port or (443 if scheme == "https" else 80), path)


_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (mapped, 6to4, Teredo, NAT64, IPv4-compatible)."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if any(ip in network for network in _NAT64) or ip in _IPV4_COMPATIBLE:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _refused_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return not ip.is_global or ip.is_multicast or ip.is_unspecified or ip.is_reserved or ip.is_loopback


def _refused_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        carried = _embedded_ipv4(ip)
        if ip.ipv4_mapped is not None:
            return _refused_ip(ip.ipv4_mapped)
        if any(_refused_ip(inner) for inner in carried):
            return True
    return _refused_ip(ip)


def resolve(target: Target) -> list[str]:
    """The addresses the target's host has, all of them public (unless the host is allowed by name)."""
    try:
        found = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise TargetRefused(f"The host {target.host} could not be found. Check the spelling.") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not addresses:
        raise TargetRefused(f"The host {target.host} could not be found. Check the spelling.")
    if target.host not in allowed_hosts() and any(_refused_address(a) for a in addresses):
        raise TargetRefused(f"The host {target.host} is on a private or local network, which webhooks may not "
                            "call. An administrator of the server can allow it by name "
                            "(OPENIPT_WEBHOOK_ALLOWED_HOSTS).")
    return addresses


def check(url: str) -> Target:
    """Parse and resolve a webhook address; TargetRefused if it may not be called."""
    target = parse(url)
    resolve(target)
    return target


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for a body sent at `timestamp`."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to now."""

    def __init__(self, host: str, port: int, address: str) -> None:
        super().__init__(host, port, timeout=TIMEOUT_SECONDS)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), TIMEOUT_SECONDS)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str) -> None:
        super().__init__(host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), TIMEOUT_SECONDS)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST a body to a webhook address, checked again now; never raises."""
    started = time.monotonic()

    def done(status: int | None, error: str = "") -> Outcome:
        return Outcome(status, error[:300], int((time.monotonic() - started) * 1000))

    try:
        target = parse(url)
        address = resolve(target)[0]
    except TargetRefused as exc:
        return done(None, str(exc))
    connection: http.client.HTTPConnection = (
        _PinnedHTTPS(target.host, target.port, address) if target.scheme == "https"
        else _PinnedHTTP(target.host, target.port, address))
    try:
        connection.request("POST", target.path, body=body, headers={
            **headers, "Content-Type": "application/json", "User-Agent": USER_AGENT})
        response = connection.getresponse()
        response.read(1024)
        return done(response.status)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return done(None, f"Could not deliver: {type(exc).__name__}: {exc}")
    finally:
        connection.close()
