"""The audit keyring: the secret keys that link the audit chain, kept outside the database.

The keyring is a small JSON file (`OPENIPT_AUDIT_KEY_FILE`, by default
`var/audit-keys`, readable by its owner only). It holds every key ever used,
each under an id that events and checkpoints store, and names the current key
that links new events. `openipt audit rotate-key` adds a new current key and
keeps the old ones for checking what they linked. The file is made on first
use, the way the site's secret key is. Every app server must use the same
keyring: copy the file to each, or point OPENIPT_AUDIT_KEY_FILE at shared
secret storage.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import secrets
import stat
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

FORMAT = "openipt-audit-keyring-1"
KEY_BYTES = 32


class KeyringError(Exception):
    """The keyring file cannot be read or does not hold what is needed."""


@dataclass
class Keyring:
    """Every audit key by id, and which one links new events."""

    current: str
    keys: dict[str, bytes]
    created: dict[str, str] = field(default_factory=dict)
    # The id of the last event linked before any key existed (None until the first keyed event is
    # written). Kept here, outside the database, so that a chain rewritten later without the key
    # cannot pass its events off as "from before the key".
    legacy_upto: int | None = None

    def key(self, key_id: str) -> bytes | None:
        return self.keys.get(key_id)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "current": self.current,
                "legacy_upto": self.legacy_upto,
                "keys": [
                    {"id": kid, "key": base64.b64encode(raw).decode("ascii"), "created": self.created.get(kid, "")}
                    for kid, raw in self.keys.items()
                ],
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str, where: str = "the keyring") -> Keyring:
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT:
                raise ValueError("unknown format")
            keys = {str(k["id"]): base64.b64decode(k["key"], validate=True) for k in data["keys"]}
            created = {str(k["id"]): str(k.get("created", "")) for k in data["keys"]}
            current = str(data["current"])
            legacy_upto = data.get("legacy_upto")
            if legacy_upto is not None and (isinstance(legacy_upto, bool) or not isinstance(legacy_upto, int)):
                raise ValueError("legacy_upto is not a whole number")
        except (ValueError, KeyError, TypeError) as exc:
            raise KeyringError(f"{where} is not an OpenIPT audit keyring ({exc})") from None
        if current not in keys or any(len(raw) < 16 for raw in keys.values()):
            raise KeyringError(f"{where} is damaged: its current key is missing or a key is too short")
        return cls(current=current, keys=keys, created=created, legacy_upto=legacy_upto)

    def merged_with(self, other: Keyring) -> Keyring:
        """Return this keyring with the keys of `other` added; the same id must hold the same key."""
        keys = dict(self.keys)
        created = dict(self.created)
        for kid, raw in other.keys.items():
            if kid in keys and keys[kid] != raw:
                raise KeyringError(f"the two keyrings hold different keys under the same id {kid!r}")
            keys.setdefault(kid, raw)
            created.setdefault(kid, other.created.get(kid, ""))
        upto = other.legacy_upto if other.legacy_upto is not None else self.legacy_upto  # `other` came with its database
        return Keyring(current=self.current, keys=keys, created=created, legacy_upto=upto)


def new_key_id() -> str:
    return f"{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(4)}"


def keyring_path() -> Path:
    from django.conf import settings

    return Path(settings.AUDIT_KEY_FILE)


_cache: dict = {}
_cache_lock = threading.Lock()


def _signature(st: os.stat_result) -> tuple:
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _write_new_file(path: Path, text: str) -> Path:
    """Write `text` to a fresh owner-only file beside `path` and return its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    return tmp


def _create_if_absent(path: Path) -> None:
    """Make a keyring with one new key, unless another process made one first."""
    kid = new_key_id()
    ring = Keyring(current=kid, keys={kid: secrets.token_bytes(KEY_BYTES)},
                   created={kid: datetime.now(UTC).isoformat(timespec="seconds")})
    tmp = _write_new_file(path, ring.to_json())
    try:
        os.link(tmp, path)  # atomic, and fails if the file appeared meanwhile: the first one wins
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def load(create: bool = True) -> Keyring:
    """Return the keyring, reading the file again only when it changed; make it on first use."""
    path = keyring_path()
    try:
        st = path.stat()
    except FileNotFoundError:
        if not create:
            raise KeyringError(f"there is no audit keyring at {path}") from None
        _create_if_absent(path)
        st = path.stat()
    sig = (str(path), *_signature(st))
    cached = _cache.get("ring")
    if cached is not None and cached[0] == sig:
        return cached[1]
    with _cache_lock:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise KeyringError(f"cannot read the audit keyring {path}: {exc.strerror}") from None
        ring = Keyring.from_json(text, where=str(path))
        _cache["ring"] = (sig, ring)
        return ring


def current() -> tuple[str, bytes]:
    """Return the id and the bytes of the key that links new events."""
    ring = load()
    return ring.current, ring.keys[ring.current]


def exists() -> bool:
    return keyring_path().exists()


class _FileLock:
    """An exclusive lock on a file beside the keyring, so two rotations cannot lose a key."""

    def __init__(self, path: Path):
        self.path = path.with_name(path.name + ".lock")

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, stat.S_IRUSR | stat.S_IWUSR)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def save(ring: Keyring) -> None:
    """Replace the keyring file with `ring` in one step (readers see the old or the new file, never half)."""
    path = keyring_path()
    tmp = _write_new_file(path, ring.to_json())
    os.replace(tmp, path)
    _cache.clear()


def rotate() -> str:
    """Add a new current key, keeping the old ones for checking; return the new key's id."""
    path = keyring_path()
    with _FileLock(path):
        ring = load(create=True)
        kid = new_key_id()
        keys = {**ring.keys, kid: secrets.token_bytes(KEY_BYTES)}
        created = {**ring.created, kid: datetime.now(UTC).isoformat(timespec="seconds")}
        save(Keyring(current=kid, keys=keys, created=created, legacy_upto=ring.legacy_upto))
    return kid


def mark_legacy_upto(last_unkeyed_id: int) -> None:
    """Record, once, the last event linked before the first keyed one (called under the audit head's lock)."""
    path = keyring_path()
    with _FileLock(path):
        ring = load(create=True)
        if ring.legacy_upto is None:
            save(Keyring(current=ring.current, keys=ring.keys, created=ring.created, legacy_upto=last_unkeyed_id))


def install(incoming: Keyring) -> Keyring:
    """Put a keyring in place (after a restore), adding its keys to any keyring already there."""
    path = keyring_path()
    with _FileLock(path):
        if path.exists():
            ring = load(create=False).merged_with(incoming)
        else:
            ring = incoming
        save(ring)
    return ring
