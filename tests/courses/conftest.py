"""Fixtures for course tests: a course started through the real actions."""

from __future__ import annotations

import pytest

from tests.support.clock import at
from tests.support.courses import start


@pytest.fixture
def course(world):
    """An individual IPT course for the therapist's client, started today, with session 1 scheduled today."""
    return start(world, first_session=at(), duration=50)
