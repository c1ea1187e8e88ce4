"""Audit tests keep their checkpoints (and, where they rotate, their keyring) in their own tmp_path."""

from __future__ import annotations

import shutil

import pytest


@pytest.fixture(autouse=True)
def checkpoint_store(settings, tmp_path):
    """A fresh checkpoint store for each test, so one test's checkpoints never name another's events."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"
    settings.AUDIT_CHECKPOINT_COPY_DIR = None
    return settings.AUDIT_CHECKPOINT_DIR


@pytest.fixture
def own_keyring(settings, tmp_path):
    """A copy of the test keyring that this test may rotate."""
    from openipt.audit import keys

    path = tmp_path / "audit-keys"
    shutil.copyfile(settings.AUDIT_KEY_FILE, path)
    settings.AUDIT_KEY_FILE = path
    keys._cache.clear()
    yield path
    keys._cache.clear()
