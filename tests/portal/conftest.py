"""Fixtures for the portal home's tests."""

from __future__ import annotations

import pytest

from tests.support.people import actor


@pytest.fixture
def me(world):
    """The Actor of the portal client ("self")."""
    return actor(world.m["client"])
