"""Helpers for the REST API tests: tokens made through the real actions, calls with a bearer token."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from openipt.api import actions
from openipt.api.scopes import PERSON_ONLY, SCOPES
from openipt.groups import session_actions as group_session_actions
from openipt.measures import actions as measure_actions
from openipt.safety.models import Alert
from tests.support import groups as group_support
from tests.support.measures import phq9, start_course
from tests.support.people import actor, make_world

ALL = list(SCOPES)
FOR_CLIENTS = [s for s in SCOPES if s not in PERSON_ONLY]  # what a program may be given
STAFF = ["admin", "supervisor", "therapist", "therapist2", "facilitator", "other_admin", "other_therapist"]


def personal(membership, scopes=ALL, *, days: int = 30, name: str = "test"):
    """A personal token for a member of staff: (token row, secret)."""
    return actions.create_personal(actor(membership), name=name, scopes=scopes,
                                   expires_on=timezone.localdate() + timedelta(days=days))


def api_client(admin_membership, scopes=FOR_CLIENTS, *, name: str = "warehouse"):
    """An API client of the admin's organisation: (token row, secret)."""
    return actions.create_client(actor(admin_membership), name=name, scopes=scopes,
                                 expires_on=timezone.localdate() + timedelta(days=30))


def call(secret: str | None, method: str, path: str, body=None, *, raw: bytes | None = None,
         content_type: str = "application/json", **headers):
    """Call the API with a fresh test browser (no cookies) and a bearer token."""
    browser = Client()
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    if secret is not None:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    url = path if path.startswith("/") else f"/api/v1/{path}"
    if method == "GET":
        return browser.get(url, **extra)
    data = raw if raw is not None else (json.dumps(body) if body is not None else b"")
    return browser.generic(method, url, data=data, content_type=content_type, **extra)


def steady(captured) -> list[dict]:
    """The queries of API calls, less the rate-window clean-up that only a minute's first call makes.

    Query-count tests compare calls made seconds apart; a minute can turn between them.
    """
    return [q for q in captured if not q["sql"].lstrip().startswith('DELETE FROM "api_ratewindow"')]


@dataclass
class ApiWorld:
    """The standard world, with a course, a scored questionnaire that raised an alert, a group, and tokens."""

    world: object
    course: object = None
    administration: object = None
    alert: object = None
    group: object = None
    secrets: dict[str, str] = field(default_factory=dict)


def build() -> ApiWorld:
    world = make_world()
    w = ApiWorld(world)
    w.course = start_course(world)
    w.administration = measure_actions.enter_paper(
        actor(world.m["therapist"]), w.course.pk, instrument_code="phq9", session_number=None,
        completed_on=timezone.localdate(), answers=phq9(2, 2, 2, 2, 1, 1, 1, 1, 2, difficulty=1))
    w.alert = Alert.objects.filter(client=world.clients["mine"]).first()
    w.group, members = group_support.running_group(world, members=4)
    group_session_actions.mark_attendance(actor(world.m["facilitator"]), w.group.pk, 1, members[0].pk, "present")
    for role in STAFF:
        w.secrets[role] = personal(world.m[role])[1]
    w.secrets["api_client"] = api_client(world.m["admin"])[1]
    w.secrets["other_api_client"] = api_client(world.m["other_admin"])[1]
    return w
