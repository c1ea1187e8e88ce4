"""Fixtures for supervision tests: a course of the supervised therapist with sessions held."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openipt.courses import actions
from tests.support.people import actor
from tests.support.supervision import held


@pytest.fixture
def course(world):
    """An individual course of `therapist` (supervised by `supervisor`) for the client 'mine'."""
    return actions.start_course(actor(world.m["therapist"]), world.clients["mine"].pk, format_id="individual",
                                start_date=timezone.localdate() - timedelta(days=7))


@pytest.fixture
def session(world, course):
    return held(world, course, days=-1)
