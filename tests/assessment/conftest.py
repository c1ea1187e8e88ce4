"""Fixtures for the assessment's web tests: data made through the real actions."""

from __future__ import annotations

import pytest
from django.utils import timezone

from openipt.courses import actions as course_actions


@pytest.fixture
def course(world, therapist):
    """An individual IPT course for the portal client (`self`, assigned to the therapist), started today."""
    return course_actions.start_course(therapist, world.clients["self"].pk, format_id="individual",
                                       start_date=timezone.localdate())
