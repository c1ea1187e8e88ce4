"""Every FHIR resource type, for every staff role's token and for API clients of both organisations, gives what
the apps' access rules give the membership the token acts as: one record answers 200 or 404 (never a hint that
another organisation's record exists), and each search holds exactly the rows of the apps' access functions."""

from __future__ import annotations

import pytest

from openipt.accounts.models import Membership
from openipt.clients.access import visible_clients
from openipt.courses.access import visible_courses
from openipt.courses.models import Goal, Session
from openipt.groups.access import visible_groups
from openipt.measures.access import visible_administrations
from openipt.safety.access import visible_alerts
from openipt.safety.models import OPEN
from tests.api.test_api_access import ROLES, SEES_GROUP, SEES_MINE, _acting
from tests.api.test_fhir import fhir, ids_of

SEARCHES = {
    "Patient": lambda a: [str(pk) for pk in visible_clients(a).values_list("pk", flat=True)],
    "QuestionnaireResponse": lambda a: [str(u) for u in visible_administrations(a).filter(status="completed")
                                        .values_list("uuid", flat=True)],
    "Observation": lambda a: [f"{u}-total" for u in visible_administrations(a).filter(
        status="completed", total__isnull=False).values_list("uuid", flat=True)],
    "EpisodeOfCare": lambda a: [str(pk) for pk in visible_courses(a).values_list("pk", flat=True)],
    "Encounter": lambda a: [str(pk) for pk in Session.objects.filter(course__in=visible_courses(a))
                            .values_list("pk", flat=True)],
    "Goal": lambda a: [str(pk) for pk in Goal.objects.filter(course__in=visible_courses(a)).values_list("pk", flat=True)],
    "Practitioner": lambda a: [str(pk) for pk in Membership.objects.filter(
        pk__in=visible_courses(a).values("therapist_id")).values_list("pk", flat=True)],
    "CarePlan": lambda a: [str(pk) for pk in visible_courses(a).values_list("pk", flat=True)],
    "Group": lambda a: [str(pk) for pk in visible_groups(a).values_list("pk", flat=True)],
    "Flag": lambda a: [str(pk) for pk in visible_alerts(a).filter(status__in=[s.value for s in OPEN])
                       .values_list("pk", flat=True)],
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(SEARCHES))
def test_one_record_answers_as_the_screens_do_for_every_role(fhir_world, kind):
    rid = ids_of(fhir_world)[kind]
    wrong = []
    for role in ROLES:
        response = fhir(fhir_world.secrets[role], f"{kind}/{rid}")
        expected = 200 if role in (SEES_GROUP if kind == "Group" else SEES_MINE) else 404
        if response.status_code != expected:
            wrong.append(f"{role}: expected {expected}, got {response.status_code}")
        elif expected == 404:
            assert response.json()["issue"][0]["code"] == "not-found"
    assert wrong == [], kind + "\n" + "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(SEARCHES))
def test_each_search_holds_exactly_what_the_access_rules_give_each_role(fhir_world, kind):
    for role in ROLES:
        response = fhir(fhir_world.secrets[role], f"{kind}?_count=200")
        assert response.status_code == 200, (role, response.content[:300])
        got = sorted(e["resource"]["id"] for e in response.json().get("entry", []))
        assert got == sorted(SEARCHES[kind](_acting(fhir_world, role))), f"{kind} as {role}"
    assert fhir(fhir_world.secrets["admin"], kind).json().get("entry"), f"the world has no {kind} to search"


@pytest.mark.django_db
def test_questionnaires_are_the_instruments_for_every_token_with_the_scope(fhir_world):
    from openipt.measures import instruments

    for role in ROLES:
        response = fhir(fhir_world.secrets[role], "Questionnaire?_count=200")
        assert response.status_code == 200, role
        assert len(response.json()["entry"]) == len(instruments.registry()), role


@pytest.mark.django_db
def test_a_group_shows_only_the_members_whose_client_the_token_may_see(fhir_world):
    from openipt.groups.access import visible_members

    group = fhir_world.group
    for role in ["admin", "supervisor", "facilitator", "api_client"]:
        body = fhir(fhir_world.secrets[role], f"Group/{group.pk}").json()
        shown = sorted(m["entity"]["reference"] for m in body.get("member", []))
        expected = sorted(f"Patient/{m.client_id}" for m in visible_members(_acting(fhir_world, role), group))
        assert shown == expected and body["quantity"] == len(expected), role
