"""Back up and restore an OpenIPT site: the database, the secret key, the audit checkpoints and key.

A backup is a folder holding:

- `database.pgdump` (PostgreSQL, pg_dump's custom format) or `database.sqlite3` (SQLite, made with
  SQLite's online backup API, so it is consistent while the server runs);
- `secret_key`, the site's secret key (sealed secrets and signed links depend on it);
- `checkpoints.jsonl`, the audit log's signed checkpoints;
- `audit-key.enc`, the audit keyring encrypted with a passphrase (Fernet, with a key derived by
  scrypt): never the key itself. It is meant to be stored apart from the rest;
- `manifest.json`: when, from what versions, the SHA-256 of every file, signed with the audit key.

A restore checks the manifest and its signature before touching anything, restores into an empty
database, puts the secret key, checkpoints and keyring back, and then checks the audit chain and
checkpoints before it says the restore succeeded.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import stat
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection

from openipt.audit import chain, checkpoints, keys

MANIFEST = "manifest.json"
KEY_FILE = "audit-key.enc"
SECRET_FILE = "secret_key"
CHECKPOINTS_FILE = "checkpoints.jsonl"
DUMP_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
FORMAT = "openipt-backup-1"
KEY_FORMAT = "openipt-audit-key-backup-1"
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
MIN_PASSPHRASE = 12


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        self.lines.append(text)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _private_write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


# --- the audit key, encrypted with a passphrase ---------------------------------------------------

def _fernet(passphrase: str, salt: bytes, params: dict):
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    kdf = Scrypt(salt=salt, length=32, n=int(params["n"]), r=int(params["r"]), p=int(params["p"]))
    return Fernet(base64.urlsafe_b64encode(kdf.derive(passphrase.encode("utf-8"))))


def encrypt_keyring(ring: keys.Keyring, passphrase: str) -> bytes:
    salt = os.urandom(16)
    token = _fernet(passphrase, salt, SCRYPT).encrypt(ring.to_json().encode("utf-8"))
    return json.dumps({"format": KEY_FORMAT, "kdf": "scrypt", **SCRYPT,
                       "salt": base64.b64encode(salt).decode("ascii"), "fernet": token.decode("ascii")}, indent=1).encode()


def decrypt_keyring(data: bytes, passphrase: str, where: str) -> keys.Keyring:
    from cryptography.fernet import InvalidToken

    try:
        wrapped = json.loads(data)
        if wrapped.get("format") != KEY_FORMAT:
            raise ValueError
        salt = base64.b64decode(wrapped["salt"])
        token = wrapped["fernet"].encode("ascii")
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BackupError(f"{where} is not an OpenIPT encrypted audit key file. Nothing was restored.") from None
    try:
        text = _fernet(passphrase, salt, wrapped).decrypt(token).decode("utf-8")
    except InvalidToken:
        raise BackupError(f"the passphrase does not open {where}: check the passphrase and try again. "
                          "Nothing was restored.") from None
    return keys.Keyring.from_json(text, where=where)


# --- backup -------------------------------------------------------------------------------------

def _versions() -> dict[str, object]:
    import django

    try:
        from importlib.metadata import version

        openipt_version = version("openipt")
    except Exception:  # not installed as a package
        openipt_version = "unknown"
    info: dict[str, object] = {"openipt": openipt_version, "django": django.get_version(), "python": platform.python_version(),
            "database": connection.vendor}
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        info["database_server"] = str(getattr(connection, "pg_version", ""))  # only PostgreSQL's connection has it
        info["pg_dump"] = subprocess.run([_tool("pg_dump"), "--version"], capture_output=True, text=True).stdout.strip()
    else:
        info["database_server"] = sqlite3.sqlite_version
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, MAX(name) FROM django_migrations GROUP BY app ORDER BY app")
        info["migrations"] = {app: name for app, name in cursor.fetchall()}
    return info


def _tool(name: str) -> str:
    found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
    if not found:
        raise BackupError(f"{name} was not found: install the PostgreSQL client tools (version 15 or newer)")
    return found


def _pg_args(settings_dict: dict) -> tuple[list[str], dict]:
    args = ["--no-password"]
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _run(argv: list[str], env: dict, what: str) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        detail = " ".join(result.stderr.strip().splitlines()[-3:])
        raise BackupError(f"{what} failed: {detail}")


def _dump_database(path: Path) -> None:
    if connection.vendor == "postgresql":
        args, env = _pg_args(connection.settings_dict)
        _run([_tool("pg_dump"), "--format=custom", "--file", str(path), *args, "--dbname",
              str(connection.settings_dict["NAME"])], env, "pg_dump")
        return
    if connection.vendor != "sqlite":
        raise BackupError(f"backups of {connection.vendor} databases are not supported")
    if connection.in_atomic_block:  # SQLite's backup would wait forever for our own open transaction
        raise BackupError("a SQLite backup cannot be taken inside a database transaction")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)  # SQLite's online backup: consistent while others write
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        target.close()


def backup(dest: Path, passphrase: str, key_out: Path | None = None) -> Report:
    """Write a backup of this site into the empty or new folder `dest`."""
    report = Report()
    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupError(f"the backup passphrase is too short: use at least {MIN_PASSPHRASE} characters")
    dest = dest.resolve()
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: give a new or empty folder for each backup")
    dest.mkdir(parents=True, exist_ok=True, mode=0o700)
    key_path = (key_out or dest / KEY_FILE).resolve()
    if key_path.exists():
        raise BackupError(f"{key_path} already exists: give another place for the encrypted audit key")

    from openipt.audit.actions import verify

    written = checkpoints.write()  # the backup then holds a checkpoint of the head it contains
    report.say(written.message if written.ok else f"warning: {written.message}")
    checked = verify()
    if not checked.ok:  # still worth keeping, but the person taking it must know
        where = f"event {checked.first_bad_id}" if checked.first_bad_id else "the end of the log"
        report.say(f"warning: the audit log does not verify (at {where}: {checked.reason}); this backup keeps it "
                   "as it is, and a restore of it will say so")
    ring = keys.load(create=True)

    dump = dest / DUMP_FILES.get(connection.vendor, "database")
    _dump_database(dump)
    _private_write(dest / SECRET_FILE, settings.SECRET_KEY.encode("utf-8"))
    source = checkpoints.checkpoint_file()
    _private_write(dest / CHECKPOINTS_FILE, source.read_bytes() if source.exists() else b"")
    key_path.parent.mkdir(parents=True, exist_ok=True)
    _private_write(key_path, encrypt_keyring(ring, passphrase))

    from openipt.audit.models import AuditEvent, AuditHead

    head = AuditHead.objects.filter(pk=1).first()
    files = {p.name: sha256_file(p) for p in (dump, dest / SECRET_FILE, dest / CHECKPOINTS_FILE)}
    body = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": _versions(),
        "database_file": dump.name,
        "files": files,
        "audit_key_file": {"name": key_path.name, "sha256": sha256_file(key_path)},
        "audit": {"events": AuditEvent.objects.count(), "last_event_id": head.last_event_id if head else 0,
                  "last_hash": head.last_hash if head else chain.GENESIS, "verified": checked.ok},
        "key_id": ring.current,
    }
    manifest = {**body, "signature": chain.sign(ring.keys[ring.current], body)}
    _private_write(dest / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"))
    report.say(f"backup written to {dest}: {', '.join([*files, MANIFEST])}")
    report.say(f"the audit key, encrypted with your passphrase, is in {key_path}: keep it apart from the backup "
               "(another place or medium), and keep the passphrase somewhere else again")
    return report


# --- restore ------------------------------------------------------------------------------------

def read_manifest(src: Path) -> dict:
    path = src / MANIFEST
    if not path.exists():
        raise BackupError(f"{src} holds no {MANIFEST}: give the folder that `openipt backup` wrote")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise ValueError
        manifest["files"].items()
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BackupError(f"{path} cannot be read: the backup was changed or damaged. Nothing was restored.") from None
    return manifest


def check_files(src: Path, manifest: dict) -> None:
    for name, digest in manifest["files"].items():
        path = src / Path(name).name
        if not path.exists():
            raise BackupError(f"{name} is missing from {src}. Nothing was restored.")
        if not chain.same(sha256_file(path), str(digest)):
            raise BackupError(f"{name} does not match the backup's manifest: the backup was changed or damaged "
                              "after it was made. Nothing was restored.")


def find_key_file(src: Path, manifest: dict, key_file: Path | None) -> Path | None:
    path = key_file or src / str(manifest.get("audit_key_file", {}).get("name", KEY_FILE))
    return path if path.exists() else None


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def _restore_database(src: Path, manifest: dict, force: bool) -> None:
    dump = src / Path(manifest["database_file"]).name
    wanted = manifest["versions"].get("database")
    if wanted != connection.vendor:
        raise BackupError(f"this is a backup of a {wanted} database, and the configured database is {connection.vendor}: "
                          "restore it into the same kind of database. Nothing was restored.")
    if connection.vendor == "postgresql":
        args, env = _pg_args(connection.settings_dict)
        connection.close()
        clean = ["--clean", "--if-exists"] if force else []
        _run([_tool("pg_restore"), *clean, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
              *args, "--dbname", str(connection.settings_dict["NAME"]), str(dump)], env, "pg_restore")
        return
    target = str(connection.settings_dict["NAME"])
    connection.close()
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
        destination.execute("PRAGMA journal_mode=WAL")
    finally:
        source.close()
        destination.close()


def _merge_checkpoints(src: Path) -> int:
    lines = [line for line in (src / CHECKPOINTS_FILE).read_text(encoding="utf-8").splitlines() if line.strip()]
    path = checkpoints.checkpoint_file()
    present = set(path.read_text(encoding="utf-8").splitlines()) if path.exists() else set()
    new = [line for line in lines if line not in present]
    if new:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write("".join(line + "\n" for line in new))
            handle.flush()
            os.fsync(handle.fileno())
    return len(new)


def restore(src: Path, passphrase: str | None, force: bool = False, key_file: Path | None = None) -> Report:
    """Restore a backup into the configured database, then check the audit log before saying it worked."""
    from openipt.audit.actions import verify

    report = Report()
    src = src.resolve()
    manifest = read_manifest(src)
    check_files(src, manifest)

    encrypted = find_key_file(src, manifest, key_file)
    incoming = None
    if passphrase is not None and encrypted is not None:
        expected = str(manifest.get("audit_key_file", {}).get("sha256", ""))
        if expected and not chain.same(sha256_file(encrypted), expected):
            raise BackupError(f"{encrypted} is not the audit key file of this backup (or it was changed). Nothing was restored.")
        incoming = decrypt_keyring(encrypted.read_bytes(), passphrase, str(encrypted))
    elif passphrase is not None:
        raise BackupError(f"the encrypted audit key ({KEY_FILE}) is not in {src}: give its place with --key-file. "
                          "Nothing was restored.")
    elif not keys.exists():
        raise BackupError("the audit key is needed to check the backup: give the backup passphrase "
                          "(OPENIPT_BACKUP_PASSPHRASE, or type it when asked), or put the audit keyring in place first. "
                          "Nothing was restored.")
    ring = incoming
    if keys.exists():
        present = keys.load(create=False)
        ring = present.merged_with(incoming) if incoming is not None else present
    if ring is None:  # not reached: without a passphrase the keyring is in place (checked above)
        raise BackupError("the audit key is needed to check the backup. Nothing was restored.")
    key = ring.key(str(manifest.get("key_id")))
    if key is None:
        raise BackupError(f"the audit keyring does not hold the key {manifest.get('key_id')!r} that signed this backup: "
                          "give the passphrase for the backup's own audit key file. Nothing was restored.")
    body = {k: v for k, v in manifest.items() if k != "signature"}
    if not chain.same(chain.sign(key, body), str(manifest.get("signature", ""))):
        raise BackupError("the backup's manifest does not carry a valid signature: the backup was changed after it was "
                          "made. Nothing was restored.")

    if not _database_is_empty() and not force:
        raise BackupError(f"the database {connection.settings_dict['NAME']} is not empty: restore into a new, empty "
                          "database, or add --force to replace everything in it. Nothing was restored.")
    _restore_database(src, manifest, force)
    report.say(f"database restored from {manifest['database_file']} (backup made {manifest['created_at']})")
    if incoming is not None:
        keys.install(incoming)
        report.say(f"audit keyring restored to {keys.keyring_path()}")
    secret = (src / SECRET_FILE).read_text(encoding="utf-8").strip()
    if os.environ.get("OPENIPT_SECRET_KEY") and os.environ["OPENIPT_SECRET_KEY"] != secret:
        report.say(f"note: OPENIPT_SECRET_KEY is set and differs from the backup's secret key (in {src / SECRET_FILE}); "
                   "set it to the backup's value, or sealed secrets cannot be read")
    else:
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        _private_write(Path(settings.VAR_DIR) / SECRET_FILE, secret.encode("utf-8"))
        report.say(f"secret key restored to {Path(settings.VAR_DIR) / SECRET_FILE}")
    added = _merge_checkpoints(src)
    report.say(f"{added} audit checkpoint{'s' if added != 1 else ''} put back in {checkpoints.checkpoint_file()}")

    result = verify()
    if not result.ok:
        where = f"event {result.first_bad_id}" if result.first_bad_id else "the end of the log"
        raise BackupError(f"the database was restored, but its audit log does not verify (at {where}: {result.reason}). "
                          "Do not use it for care until this is explained.")
    report.say(f"audit log verified: {result.checked} events, {result.checkpoints} checkpoints, {result.keys} "
               f"key{'s' if result.keys != 1 else ''} checked")
    return report
