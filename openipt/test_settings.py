"""Settings for the test suite: the normal settings in test mode."""

import atexit
import base64
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

os.environ["OPENIPT_MODE"] = "test"

from openipt.settings import *  # noqa: E402,F401,F403


# Each test process (each pytest-xdist worker imports this module itself) gets its own audit keyring
# and checkpoint store in a private temporary directory, so workers never race over one file. The key
# is fixed, so links are the same in every run. Tests of checkpoints point the store at their tmp_path.
def _sweep_leftovers() -> None:
    """Remove the folders of test processes that ended without cleaning up (a killed run, an xdist worker)."""
    for old in Path(tempfile.gettempdir()).glob("openipt-test-audit-*-*"):
        try:
            os.kill(int(old.name.split("-")[3]), 0)
        except ProcessLookupError:
            shutil.rmtree(old, ignore_errors=True)
        except (ValueError, IndexError, PermissionError):
            pass


_sweep_leftovers()
_AUDIT_DIR = Path(tempfile.mkdtemp(prefix=f"openipt-test-audit-{os.getpid()}-"))
atexit.register(shutil.rmtree, _AUDIT_DIR, True)
AUDIT_KEY_FILE = _AUDIT_DIR / "audit-keys"
AUDIT_CHECKPOINT_DIR = _AUDIT_DIR / "audit-checkpoints"
AUDIT_CHECKPOINT_COPY_DIR = None
TEST_AUDIT_KEY_ID = "test-key-1"
TEST_AUDIT_KEY = hashlib.sha256(b"openipt test audit key").digest()
AUDIT_KEY_FILE.write_text(json.dumps({
    "format": "openipt-audit-keyring-1",
    "current": TEST_AUDIT_KEY_ID,
    "keys": [{"id": TEST_AUDIT_KEY_ID, "key": base64.b64encode(TEST_AUDIT_KEY).decode(), "created": "2026-01-01T00:00:00+00:00"}],
}), encoding="utf-8")
os.chmod(AUDIT_KEY_FILE, 0o600)

# /metrics is on in tests (a token), so the permission matrix and the fuzz test reach its checks; no test
# client sends this token except the tests of metrics themselves.
METRICS_TOKEN = "test-metrics-token-" + "m" * 20
