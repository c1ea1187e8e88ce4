"""How a tablet signs its requests, without Django: the same few lines the tablet's JavaScript runs.

The signed text is `METHOD + "\\n" + PATH + "\\n" + SEQ + "\\n" + hex(SHA-256(body))`; the key is
the device secret (32 random bytes, written as unpadded base64url). The signature is the hex
HMAC-SHA256 of that text. `seq` grows with every request, so an old request sent again is seen.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

SECRET_BYTES = 32


def new_secret() -> str:
    """A fresh device secret, as unpadded base64url text."""
    return base64.urlsafe_b64encode(secrets.token_bytes(SECRET_BYTES)).rstrip(b"=").decode("ascii")


def secret_bytes(secret: str) -> bytes:
    """The key bytes of a base64url secret (padding optional); ValueError when it is not one."""
    text = secret.strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc
    if len(raw) != SECRET_BYTES:
        raise ValueError("wrong length")
    return raw


def signed_text(method: str, path: str, seq: int, body: bytes) -> bytes:
    return f"{method.upper()}\n{path}\n{seq}\n{hashlib.sha256(body).hexdigest()}".encode()


def sign(secret: str, method: str, path: str, seq: int, body: bytes) -> str:
    """The hex signature a tablet sends in X-OpenIPT-Signature."""
    return hmac.new(secret_bytes(secret), signed_text(method, path, seq, body), hashlib.sha256).hexdigest()


def verify(secret: str, method: str, path: str, seq: int, body: bytes, signature: str) -> bool:
    """True when `signature` is the right one for this request (compared in constant time)."""
    try:
        expected = sign(secret, method, path, seq, body)
    except ValueError:
        return False
    return hmac.compare_digest(expected, (signature or "").strip().lower())


def parse_seq(text: str | None) -> int | None:
    """The request's sequence number: a whole number from 1 to 2**62, or None."""
    value = (text or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 19:
        return None
    number = int(value)
    return number if 0 < number < 2**62 else None
