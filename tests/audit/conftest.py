"""Audit tests keep their checkpoints (and, where they rotate, their keyring) in their own tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def checkpoint_store(settings, tmp_path):
    """A fresh checkpoint store for each test, so one test's checkpoints never name another's events."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"
    settings.AUDIT_CHECKPOINT_COPY_DIR = None
    return settings.AUDIT_CHECKPOINT_DIR


@pytest.fixture(autouse=True)
def own_keyring(settings, tmp_path):
    """A copy of the test keyring for this test alone, which it may rotate.

    The copy forgets where keyed events began (`legacy_upto`): each test's database starts empty,
    and a test may write events "from before the key" first.
    """
    from openipt.audit import keys

    path = tmp_path / "audit-keys"
    ring = keys.Keyring.from_json(Path(settings.AUDIT_KEY_FILE).read_text(encoding="utf-8"))
    path.write_text(keys.Keyring(current=ring.current, keys=ring.keys, created=ring.created).to_json(),
                    encoding="utf-8")
    settings.AUDIT_KEY_FILE = path
    keys._cache.clear()
    yield path
    keys._cache.clear()
