"""Every endpoint, for every role of the world and for API clients of both organisations, answers as the screens do.

What a token sees is what the apps' access rules give the membership it acts as: the lists are
compared with the apps' own access functions, and single records answer 404 outside them.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from openipt.clients.access import visible_clients
from openipt.courses.access import visible_courses
from openipt.groups.access import visible_groups
from openipt.measures.access import visible_administrations
from openipt.safety.access import visible_alerts
from tests.support.api import call
from tests.support.measures import phq9
from tests.support.people import actor

ROLES = ["admin", "supervisor", "therapist", "therapist2", "facilitator", "other_admin", "other_therapist",
         "api_client", "other_api_client"]
# Who may see the client assigned to `therapist` (supervised by `supervisor`): as on the screens.
SEES_MINE = {"admin", "supervisor", "therapist", "api_client"}
# The group is led by `facilitator` and supervised by `supervisor`.
SEES_GROUP = {"admin", "supervisor", "facilitator", "api_client"}


def _acting(api_world, role):
    from openipt.api.models import ApiToken, TokenKind

    w = api_world.world
    if role.endswith("api_client"):
        org = w.other_org if role.startswith("other") else w.org
        token = ApiToken.objects.get(organisation=org, kind=TokenKind.CLIENT)
        return actor(token.membership)
    return actor(w.m[role])


def _paths(api_world):
    w = api_world
    return {
        "client": (f"clients/{w.world.clients['mine'].pk}", SEES_MINE),
        "course": (f"courses/{w.course.pk}", SEES_MINE),
        "sessions": (f"courses/{w.course.pk}/sessions", SEES_MINE),
        "goals": (f"courses/{w.course.pk}/goals", SEES_MINE),
        "administration": (f"administrations/{w.administration.uuid}", SEES_MINE),
        "alert": (f"alerts/{w.alert.pk}", SEES_MINE),
        "group": (f"groups/{w.group.pk}", SEES_GROUP),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("what", ["client", "course", "sessions", "goals", "administration", "alert", "group"])
def test_reading_one_record_answers_as_the_screens_do_for_every_role(api_world, what):
    path, allowed = _paths(api_world)[what]
    wrong = []
    for role in ROLES:
        response = call(api_world.secrets[role], "GET", path)
        expected = 200 if role in allowed else 404
        if response.status_code != expected:
            wrong.append(f"{role}: expected {expected}, got {response.status_code}")
        elif expected == 404:
            assert response.json()["error"]["code"] == "not_found"
    assert wrong == [], path + "\n" + "\n".join(wrong)


LISTS = {
    "clients": lambda a: visible_clients(a).values_list("pk", flat=True),
    "courses": lambda a: visible_courses(a).values_list("pk", flat=True),
    "administrations": lambda a: visible_administrations(a).filter(status="completed").values_list("uuid", flat=True),
    "alerts": lambda a: visible_alerts(a).values_list("pk", flat=True),
    "groups": lambda a: visible_groups(a).values_list("pk", flat=True),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(LISTS))
def test_each_list_holds_exactly_what_the_apps_access_rules_give_each_role(api_world, name):
    for role in ROLES:
        response = call(api_world.secrets[role], "GET", f"{name}?limit=100")
        assert response.status_code == 200, (role, response.content)
        got = sorted(str(item["id"]) for item in response.json()["items"])
        expected = sorted(str(pk) for pk in LISTS[name](_acting(api_world, role)))
        assert got == expected, f"{name} as {role}"
    assert call(api_world.secrets["admin"], "GET", name).json()["items"], f"the world has no {name} to list"


def _send(api_world, role):
    body = {"course_id": api_world.course.pk, "instrument_code": "phq9",
            "completed_on": api_world.administration.completed_at.date().isoformat(),
            "answers": phq9(1, 1, 1, 1, 0, 0, 0, 0, 0, difficulty=0)}
    return call(api_world.secrets[role], "POST", "administrations", body)


@pytest.mark.django_db
def test_only_care_staff_assigned_to_the_client_send_questionnaire_answers(api_world):
    from openipt.measures.models import Administration

    wrong = []
    for role in ROLES:
        with transaction.atomic():
            before = Administration.objects.count()
            response = _send(api_world, role)
            expected = 201 if role == "therapist" else 403
            stored = Administration.objects.count() - before
            if response.status_code != expected or stored != (1 if expected == 201 else 0):
                wrong.append(f"{role}: expected {expected}, got {response.status_code} and {stored} stored")
            transaction.set_rollback(True)
    assert wrong == [], "\n".join(wrong)


@pytest.mark.django_db
def test_staff_who_see_the_client_acknowledge_its_alert_others_get_404_and_programs_403(api_world):
    wrong = []
    for role in ROLES:
        with transaction.atomic():
            response = call(api_world.secrets[role], "POST", f"alerts/{api_world.alert.pk}/acknowledge")
            expected = 403 if role.endswith("api_client") else 200 if role in SEES_MINE else 404
            if response.status_code != expected:
                wrong.append(f"{role}: expected {expected}, got {response.status_code}")
            elif expected == 200:
                body = response.json()
                assert body["acknowledged_now"] is True and body["alert"]["status"] == "acknowledged", role
            transaction.set_rollback(True)
    assert wrong == [], "\n".join(wrong)


@pytest.mark.django_db
def test_an_api_client_cannot_acknowledge_an_alert_because_a_person_must_have_read_it(api_world):
    from openipt.api.models import ApiToken
    from openipt.safety.models import Alert
    from tests.support.api import api_client

    response = call(api_world.secrets["api_client"], "POST", f"alerts/{api_world.alert.pk}/acknowledge")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "insufficient_scope")
    # Even a client that somehow holds the scope (say, from before the rule) is refused.
    token, secret = api_client(api_world.world.m["admin"], name="old program")
    ApiToken.objects.filter(pk=token.pk).update(scopes=[*token.scopes, "alerts:write"])
    response = call(secret, "POST", f"alerts/{api_world.alert.pk}/acknowledge")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "person_required")
    alert = Alert.objects.get(pk=api_world.alert.pk)
    assert alert.status == "raised" and alert.acknowledged_by is None


@pytest.mark.django_db
@pytest.mark.parametrize("method, path, scope", [
    ("GET", "clients", "clients:read"), ("GET", "courses", "courses:read"),
    ("GET", "administrations", "measures:read"), ("POST", "administrations", "measures:write"),
    ("GET", "alerts", "alerts:read"), ("POST", "alerts/{alert}/acknowledge", "alerts:write"),
    ("GET", "groups", "groups:read"), ("GET", "courses/{course}/sessions", "courses:read"),
])
def test_a_token_without_the_scope_for_a_call_is_refused_with_403(api_world, method, path, scope):
    from openipt.api.scopes import SCOPES
    from openipt.safety.models import Alert
    from tests.support.api import personal

    others = [s for s in SCOPES if s != scope]
    _token, secret = personal(api_world.world.m["therapist"], others)
    path = path.format(alert=api_world.alert.pk, course=api_world.course.pk)
    response = call(secret, method, path, {"course_id": api_world.course.pk} if method == "POST" else None)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"
    assert Alert.objects.get(pk=api_world.alert.pk).status == "raised"
