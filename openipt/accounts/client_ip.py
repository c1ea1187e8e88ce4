"""The address a request really came from, behind trusted HTTPS proxies.

One function, `client_ip(request)`, answers for the audit log (every entry's address), the
failed sign-in record and the sign-in lockout (django-axes, through AXES_CLIENT_IP_CALLABLE).

A proxy such as nginx adds the address it received the request from to X-Forwarded-For. Anyone
can send that header, so it is read only when the request itself comes from a proxy listed in
OPENIPT_TRUSTED_PROXIES (settings.TRUSTED_PROXIES), and then from the right: each address added
by one of our proxies is skipped, and the first address that is not a trusted proxy is the
client. Whatever a client wrote further to the left is never believed. Anything that is not an
address stops the walk at the last address we could trust.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_HEADER = 2000  # longer forwarded headers are not read at all
MAX_HOPS = 20


@lru_cache(maxsize=8)
def _networks(configured: tuple) -> tuple:
    networks = []
    for value in configured:
        try:
            networks.append(value if not isinstance(value, str) else ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            continue  # settings checks the environment at start-up; a bad test override is simply ignored
    return tuple(networks)


def trusted_networks() -> tuple:
    """Return the configured proxy networks."""
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))


def parse_address(value) -> IPAddress | None:
    """Read one address as a proxy or server writes it; None for anything else.

    Accepts "203.0.113.7", "2001:db8::1", "[2001:db8::1]", a port after either ("203.0.113.7:5120",
    "[2001:db8::1]:443"); an IPv4 address written as IPv6 (::ffff:203.0.113.7) becomes IPv4.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 64:
        return None
    if text.startswith("["):
        end = text.find("]")
        if end == -1:
            return None
        text = text[1:end]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return None
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
    return address


def _trusted(address: IPAddress, networks) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request) -> str | None:
    """Return the address of the person making the request (None if the server gave none)."""
    remote = parse_address(request.META.get("REMOTE_ADDR"))
    if remote is None:
        return None
    networks = trusted_networks()
    if not networks or not _trusted(remote, networks):
        return str(remote)
    header = request.META.get("HTTP_X_FORWARDED_FOR")
    if not isinstance(header, str) or not header.strip() or len(header) > MAX_HEADER:
        return str(remote)
    nearest = remote
    for hop in reversed(header.split(",")[-MAX_HOPS:]):
        address = parse_address(hop)
        if address is None:
            return str(nearest)
        if not _trusted(address, networks):
            return str(address)
        nearest = address
    return str(nearest)
