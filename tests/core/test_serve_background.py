"""`openipt serve` runs what keeps people safe beside the web server (HAZ-006).

A real server on a free port, with a database holding an alert nobody acknowledged for two hours:
with the background runner the alert escalates with no other command; with --no-background it
does not (a separate worker or cron is then expected to run the job).
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PREPARE = """
from datetime import timedelta
from openipt.cli import _migrate, _setup_django
_setup_django()
_migrate()
from django.utils import timezone
from tests.support.people import make_world
from tests.support.safety import raise_text
world = make_world()
raise_text(world.clients["mine"], when=timezone.now() - timedelta(hours=2))
from django.db import connection
connection.close()
"""


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> Path:
    """A database file with the worlds' people and one alert raised two hours ago (its escalation steps due)."""
    var = tmp_path_factory.mktemp("prepared")
    subprocess.run([sys.executable, "-c", PREPARE], env=_env(var), cwd=ROOT, check=True, timeout=600,
                   capture_output=True)
    return var / "openipt.sqlite3"


def _env(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENIPT_", "DATABASE_URL", "DJANGO_"))}
    return {**env, "OPENIPT_MODE": "development", "OPENIPT_VAR_DIR": str(var), "PYTHONPATH": str(ROOT)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alert_status(db: Path) -> str:
    with sqlite3.connect(db, timeout=10) as conn:
        return conn.execute("SELECT status FROM safety_alert").fetchone()[0]


def _serve(prepared: Path, tmp_path: Path, *extra: str):
    shutil.copy(prepared, tmp_path / "openipt.sqlite3")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "openipt.cli", "serve", "--port", str(port), "--workers", "1", *extra],
        env=_env(tmp_path), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    return server, port, tmp_path / "openipt.sqlite3"


def _stop(server: subprocess.Popen) -> str:
    server.terminate()
    out, _ = server.communicate(timeout=30)
    return out


def _children(pid: int) -> set[int]:
    """Return the ids of the processes whose parent is `pid` (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return False


def _wait(condition, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.5)
    return False


def _answers(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
    except urllib.error.HTTPError:
        return True  # any answer from the server will do
    except OSError:
        return False
    return True


def test_serve_escalates_an_overdue_alert_with_no_other_command(prepared, tmp_path):
    assert _alert_status(prepared) == "raised"
    server, port, db = _serve(prepared, tmp_path)
    try:
        escalated = _wait(lambda: _alert_status(db) == "escalated", 25)
        children = _children(server.pid)
    finally:
        out = _stop(server)
    assert escalated, out
    assert server.returncode == 0, out
    assert len(children) == 5, out  # the web server, the escalation runner, the task worker, the webhook and SMS senders
    assert not [pid for pid in children if _alive(pid)], "a background job outlived the server"
    assert "Alert escalation and e-mails run in the background" in out


def test_serve_with_no_background_leaves_the_job_to_a_separate_runner(prepared, tmp_path):
    server, port, db = _serve(prepared, tmp_path, "--no-background")
    try:
        assert _wait(lambda: _answers(port), 25)
        time.sleep(3)
        status = _alert_status(db)
    finally:
        out = _stop(server)
    assert status == "raised", out
    assert "openipt escalate --every 60" in out and "openipt manage deliver_webhooks --every 10" in out
