"""The FHIR R4 server at /fhir/: CapabilityStatement, read and search of every type (each resource checked
against the fhir.resources R4B models), search parameters, paging, errors as OperationOutcome, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openipt.audit.models import AuditEvent
from openipt.courses import goal_actions
from openipt.measures.interop import validate_resource
from tests.support.api import api_client, call, personal
from tests.support.people import actor

TYPES = ["Patient", "QuestionnaireResponse", "Observation", "Questionnaire", "EpisodeOfCare", "Encounter", "Goal",
         "Flag"]


@pytest.fixture(scope="module")
def fhir_world(api_world, django_db_blocker):
    with django_db_blocker.unblock():
        api_world.goal = goal_actions.add_goal(actor(api_world.world.m["therapist"]), api_world.course.pk,
                                               text="Talk with my sister once a week", area="role_dispute")
    return api_world


def fhir(secret, path, **headers):
    return call(secret, "GET", f"/fhir/{path}", **headers)


def _ids(w):
    a = w.administration
    return {
        "Patient": str(w.world.clients["mine"].pk), "QuestionnaireResponse": str(a.uuid),
        "Observation": f"{a.uuid}-total", "Questionnaire": "phq9", "EpisodeOfCare": str(w.course.pk),
        "Encounter": str(w.course.sessions.order_by("number").first().pk), "Goal": str(w.goal.pk),
        "Flag": str(w.alert.pk),
    }


def _outcome(response, status, code=None):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    validate_resource(body)
    assert body["resourceType"] == "OperationOutcome"
    if code is not None:
        assert body["issue"][0]["details"]["coding"][0]["code"] == code
    return body


@pytest.mark.django_db
def test_metadata_is_a_capability_statement_for_fhir_4_0_1_without_a_token(fhir_world):
    response = fhir(None, "metadata")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    validate_resource(body)
    assert body["fhirVersion"] == "4.0.1" and body["format"] == ["json"]
    offered = {r["type"]: {p["name"] for p in r["searchParam"]} for r in body["rest"][0]["resource"]}
    assert set(offered) == set(TYPES)
    assert {"patient", "date", "code", "_lastUpdated", "_id"} <= offered["Observation"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", TYPES)
def test_each_type_reads_and_searches_as_valid_r4_resources(fhir_world, kind):
    secret = fhir_world.secrets["therapist"]
    rid = _ids(fhir_world)[kind]
    read = fhir(secret, f"{kind}/{rid}")
    assert read.status_code == 200, read.content[:300]
    assert read["Content-Type"].startswith("application/fhir+json")
    resource = read.json()
    validate_resource(resource)
    assert resource["resourceType"] == kind and resource["id"] == rid
    found = fhir(secret, kind)
    assert found.status_code == 200, found.content[:300]
    bundle = found.json()
    validate_resource(bundle)
    assert bundle["type"] == "searchset"
    ids = [e["resource"]["id"] for e in bundle["entry"]]
    assert rid in ids
    for entry in bundle["entry"]:
        assert entry["fullUrl"].endswith(f"/fhir/{kind}/{entry['resource']['id']}")
