"""Secrets OpenIPT must keep but never show, sealed at rest with a key derived from the site's secret key.

A sealed value is "sealed:v1:" followed by a Fernet token (AES in CBC mode with an HMAC). A copy
of the database alone does not reveal it; whoever also holds the site's secret key can. Values
stored before sealing existed (plain text) are still read, and sealed on the next save.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

PREFIX = "sealed:v1:"


class Unreadable(ValueError):
    """The value was sealed with another secret key (the site's key changed): it must be entered again."""


def _box() -> Fernet:
    digest = hashlib.sha256(b"openipt sealed values v1\0" + settings.SECRET_KEY.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(text: str) -> str:
    """Return `text` sealed for storage ("" stays "")."""
    if not text:
        return ""
    return PREFIX + _box().encrypt(text.encode("utf-8")).decode("ascii")


def unseal(value: str) -> str:
    """Return the text inside a sealed value; plain text from before sealing comes back as it is."""
    if not value or not value.startswith(PREFIX):
        return value or ""
    try:
        return _box().decrypt(value[len(PREFIX):].encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as exc:
        raise Unreadable("sealed with another secret key") from exc


def readable(value: str) -> bool:
    """Return True when `value` can be unsealed with the site's current secret key."""
    try:
        unseal(value)
    except Unreadable:
        return False
    return True
