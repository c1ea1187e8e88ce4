"""Fixtures for the assessment's web tests: data made through the real actions."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from django.utils import timezone

from openipt.core.testing import actor
from openipt.courses import actions as course_actions


def text(response) -> str:
    """The page as plain text: tags kept, whitespace collapsed, entities decoded."""
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def months_ago(n: int, today: date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1 - n
    return index // 12, index % 12 + 1


def person(name="Sue", relationship="sister", ring="middle", **more) -> dict:
    return {"name": name, "relationship": relationship, "ring": ring, **more}


def form_of(values: dict, version: int | None = None) -> dict:
    """Turn entry values into what the person form posts."""
    data = {k: ("" if v is None else v) for k, v in values.items()}
    if version is not None:
        data["version"] = str(version)
    return data


@pytest.fixture
def therapist(world):
    return actor(world.m["therapist"])


@pytest.fixture
def course(world, therapist):
    """An individual IPT course for the portal client (`self`, assigned to the therapist), started today."""
    return course_actions.start_course(therapist, world.clients["self"].pk, format_id="individual",
                                       start_date=timezone.localdate())
