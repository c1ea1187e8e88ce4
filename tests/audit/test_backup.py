"""`openipt backup` and `openipt restore`, end to end on the database the suite runs on (HAZ-003, HAZ-014).

The backup runs in this process against the test database; the restore runs as a real `openipt`
process into a new scratch database (a SQLite file, or a PostgreSQL database made and dropped here),
with its own var/ folder, so it starts with no secret key, no keyring and no checkpoints. The tests
that take a backup commit their data (transactional_db), as a separate pg_dump process and SQLite's
backup API only see committed data.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from openipt.audit.db import drop_triggers, install_triggers
from openipt.audit.models import AuditEvent
from openipt.cli import main
from openipt.clients.models import Client

PASSPHRASE = "a long passphrase for the test backups"


@pytest.fixture
def passphrase(monkeypatch):
    monkeypatch.setenv("OPENIPT_BACKUP_PASSPHRASE", PASSPHRASE)
    return PASSPHRASE


@contextmanager
def scratch_database(tmp_path: Path):
    """Yield (DATABASE_URL, count(table)) for a new empty database, dropped afterwards."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"

        def count(table):
            with sqlite3.connect(path) as db:
                return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

        yield f"sqlite://{path}", count
        return
    import psycopg

    sd = connection.settings_dict
    params = {"host": sd["HOST"], "port": sd["PORT"] or 5432, "user": sd["USER"], "password": sd["PASSWORD"] or None}
    name = f"openipt_restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            def count(table):
                with psycopg.connect(dbname=name, **params) as db:
                    return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

            user = f"{sd['USER']}:{sd['PASSWORD']}" if sd["PASSWORD"] else sd["USER"]
            yield f"postgresql://{user}@{sd['HOST']}:{sd['PORT'] or 5432}/{name}", count
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_openipt(args, tmp_path, database_url, passphrase=PASSPHRASE):
    """Run the real `openipt` command as an operator would on a fresh machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENIPT_", "DATABASE_URL", "DJANGO_SETTINGS"))}
    env.update({"OPENIPT_VAR_DIR": str(tmp_path / "new-var"), "DATABASE_URL": database_url,
                "OPENIPT_BACKUP_PASSPHRASE": passphrase, "DJANGO_SETTINGS_MODULE": "openipt.settings"})
    return subprocess.run([sys.executable, "-m", "openipt.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120, stdin=subprocess.DEVNULL)


def make_backup(tmp_path, capsys) -> Path:
    dest = tmp_path / "backup"
    assert main(["backup", str(dest)]) == 0, capsys.readouterr().err
    return dest


def test_a_backup_restores_into_a_new_database_with_its_records_and_a_verified_audit_log(
        transactional_db, world, passphrase, tmp_path, capsys):
    """And a backup of a log that was already rewritten is restored, but not reported as a success."""
    dest = make_backup(tmp_path, capsys)
    out = capsys.readouterr().out
    assert "keep it apart from the backup" in out
    manifest = json.loads((dest / "manifest.json").read_text())
    assert set(manifest["files"]) == {manifest["database_file"], "secret_key", "checkpoints.jsonl"}
    assert manifest["versions"]["database"] == connection.vendor
    # The audit key is only ever written encrypted.
    plain_key = base64.b64encode(settings.TEST_AUDIT_KEY)
    for item in dest.iterdir():
        assert plain_key not in item.read_bytes() and settings.TEST_AUDIT_KEY not in item.read_bytes(), item.name

    clients, events = Client.objects.count(), AuditEvent.objects.count()
    with scratch_database(tmp_path) as (url, count):
        done = run_openipt(["restore", str(dest)], tmp_path, url)
        assert done.returncode == 0, done.stderr
        assert f"audit log verified: {events} events, 1 checkpoints, 1 key checked" in done.stdout
        assert "restore complete" in done.stdout
        assert count("clients_client") == clients
        assert count("audit_auditevent") == events
        assert (tmp_path / "new-var" / "secret_key").read_text() == settings.SECRET_KEY
        assert settings.TEST_AUDIT_KEY_ID in (tmp_path / "new-var" / "audit-keys").read_text()

        # A later backup of a log someone had already rewritten restores (with --force, over the first)
        # but is not reported as a success.
        victim = AuditEvent.objects.order_by("pk")[3]
        drop_triggers(connection)
        AuditEvent.objects.filter(pk=victim.pk).update(details={"forged": True})
        install_triggers(connection)
        second = tmp_path / "second"
        assert main(["backup", str(second)]) == 0
        assert f"warning: the audit log does not verify (at event {victim.pk}" in capsys.readouterr().out
        broken = run_openipt(["restore", str(second), "--force"], tmp_path, url)
        assert broken.returncode == 1
        assert f"its audit log does not verify (at event {victim.pk}: its details were changed" in broken.stderr
        assert "restore complete" not in broken.stdout


def _edit(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _restore_refused(dest, capsys) -> str:
    capsys.readouterr()
    assert main(["restore", str(dest)]) == 1
    err = capsys.readouterr().err
    assert "Nothing was restored." in err
    return err


def test_a_wrong_passphrase_an_edited_dump_and_a_database_in_use_are_refused(
        transactional_db, passphrase, tmp_path, capsys, monkeypatch):
    """Each refusal happens before anything is changed; the restore here would target the suite's own database."""
    dest = make_backup(tmp_path, capsys)
    keyring = Path(settings.AUDIT_KEY_FILE).read_bytes()

    monkeypatch.setenv("OPENIPT_BACKUP_PASSPHRASE", "not the passphrase at all")
    assert "the passphrase does not open" in _restore_refused(dest, capsys)
    assert Path(settings.AUDIT_KEY_FILE).read_bytes() == keyring

    monkeypatch.setenv("OPENIPT_BACKUP_PASSPHRASE", PASSPHRASE)  # the right one, but this database is in use
    err = _restore_refused(dest, capsys)
    assert "is not empty" in err and "--force" in err

    manifest_path = dest / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    dump = dest / manifest["database_file"]
    _edit(dump)
    assert f"{dump.name} does not match the backup's manifest" in _restore_refused(dest, capsys)

    manifest["files"][dump.name] = hashlib.sha256(dump.read_bytes()).hexdigest()  # cover-up without the audit key
    manifest_path.write_text(json.dumps(manifest))
    assert "does not carry a valid signature: the backup was changed after it was made" in _restore_refused(dest, capsys)


def test_a_backup_needs_a_passphrase_and_an_empty_folder(db, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("OPENIPT_BACKUP_PASSPHRASE", raising=False)
    assert main(["backup", str(tmp_path / "b")]) == 2
    assert "set OPENIPT_BACKUP_PASSPHRASE" in capsys.readouterr().err
    monkeypatch.setenv("OPENIPT_BACKUP_PASSPHRASE", "short")
    assert main(["backup", str(tmp_path / "b")]) == 1
    assert "too short" in capsys.readouterr().err
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something").write_text("x")
    monkeypatch.setenv("OPENIPT_BACKUP_PASSPHRASE", PASSPHRASE)
    assert main(["backup", str(tmp_path / "full")]) == 1
    assert "is not empty" in capsys.readouterr().err
