"""The FHIR R4 server at /fhir/: CapabilityStatement, read and search of every type (each resource checked
against the fhir.resources R4B models), search parameters, paging, errors as OperationOutcome, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openipt.audit.models import AuditEvent
from openipt.measures.interop import validate_resource
from tests.support.api import api_client, call, personal

TYPES = ["Patient", "QuestionnaireResponse", "Observation", "Questionnaire", "EpisodeOfCare", "Encounter", "Goal",
         "Flag", "Practitioner", "CarePlan", "Group"]


def fhir(secret, path, **headers):
    return call(secret, "GET", f"/fhir/{path}", **headers)


def ids_of(w):
    a = w.administration
    return {
        "Patient": str(w.world.clients["mine"].pk), "QuestionnaireResponse": str(a.uuid),
        "Observation": f"{a.uuid}-total", "Questionnaire": "phq9", "EpisodeOfCare": str(w.course.pk),
        "Encounter": str(w.course.sessions.order_by("number").first().pk), "Goal": str(w.goal.pk),
        "Flag": str(w.alert.pk), "Practitioner": str(w.course.therapist_id), "CarePlan": str(w.course.pk),
        "Group": str(w.group.pk),
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
    secret = fhir_world.secrets["facilitator" if kind == "Group" else "therapist"]  # who leads the group
    rid = ids_of(fhir_world)[kind]
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


@pytest.mark.django_db
def test_paging_walks_a_search_with_no_repeats_and_no_gaps(fhir_world):
    secret = fhir_world.secrets["api_client"]
    everything = [e["resource"]["id"] for e in fhir(secret, "Encounter?_count=200").json()["entry"]]
    assert len(everything) >= 5
    seen, path = [], "Encounter?_count=2"
    while path:
        bundle = fhir(secret, path).json()
        seen += [e["resource"]["id"] for e in bundle.get("entry", [])]
        nxt = [link["url"] for link in bundle["link"] if link["relation"] == "next"]
        path = nxt[0].split("/fhir/", 1)[1] if nxt else None
    assert seen == everything


@pytest.mark.django_db
def test_count_defaults_to_50_and_is_held_to_200(fhir_world):
    secret = fhir_world.secrets["api_client"]
    assert "_count=50" in fhir(secret, "Encounter").json()["link"][0]["url"]
    assert "_count=200" in fhir(secret, "Encounter?_count=5000").json()["link"][0]["url"]


@pytest.mark.django_db
def test_search_parameters_narrow_the_bundle(fhir_world):
    w, secret = fhir_world, fhir_world.secrets["api_client"]
    mine = w.world.clients["mine"].pk
    ids = lambda path: [e["resource"]["id"] for e in fhir(secret, path).json().get("entry", [])]  # noqa: E731
    total = f"{w.administration.uuid}-total"
    assert ids(f"Observation?patient=Patient/{mine}") == [total]
    assert ids(f"Observation?subject={mine}") == [total]
    assert ids("Observation?patient=999999999") == []
    assert ids("Observation?code=http://loinc.org|44261-6") == [total]
    assert ids("Observation?code=44261-6") == [total]
    assert ids("Observation?code=http://example.org|44261-6") == []
    assert ids("Observation?code=|44261-6") == []
    assert ids("Observation?code=https://openipt.org/fhir/CodeSystem/measure|phq9-total") == [total]
    today = timezone.localdate()
    assert ids(f"Observation?date={today}") == [total]
    assert ids(f"Observation?date=ge{today}&date=le{today}") == [total]
    assert ids(f"Observation?date=lt{today}") == []
    assert ids(f"Observation?date=gt{today}") == []
    assert ids(f"Observation?_lastUpdated=ge{today - timedelta(days=1)}") == [total]
    assert ids(f"Observation?_lastUpdated=gt{today}") == []
    assert ids("QuestionnaireResponse?questionnaire=https://openipt.org/fhir/Questionnaire/phq9") == [
        str(w.administration.uuid)]
    assert ids("QuestionnaireResponse?questionnaire=Questionnaire/gad7") == []
    assert ids(f"Patient?_id={mine},abc") == [str(mine)]
    assert ids(f"EpisodeOfCare?patient={mine}&date={w.course.start_date}") == [str(w.course.pk)]
    assert ids(f"Flag?patient={mine}") == [str(w.alert.pk)]
    assert ids("Questionnaire?_id=phq9") == ["phq9"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["Observation?foo=1", "Observation?date=2026-02-30", "Observation?date=ap2026",
                                   "Observation?date=2026-01-01,2026-02-01", "Observation?date=0001-01-01",
                                   "Observation?_count=0", "Observation?_count=x", "Observation?patient=1&patient=2",
                                   "Observation?_cursor=forged", "Flag?_lastUpdated=ge2026-01-01",
                                   "Patient?date=2026", "Observation?code=http://loinc.org|",
                                   "Observation?date=2026-01-01T10:00"])
def test_a_bad_search_is_a_400_operation_outcome(fhir_world, query):
    _outcome(fhir(fhir_world.secrets["therapist"], query), 400)


@pytest.mark.django_db
def test_prefer_lenient_ignores_unknown_parameters_and_the_self_link_says_what_was_used(fhir_world):
    response = fhir(fhir_world.secrets["therapist"], "Observation?foo=1&_sort=date", Prefer="handling=lenient")
    assert response.status_code == 200
    self_link = response.json()["link"][0]["url"]
    assert "foo" not in self_link and "_sort" not in self_link


@pytest.mark.django_db
def test_refusals_are_operation_outcomes_with_the_right_status(fhir_world, settings):
    w = fhir_world
    _outcome(fhir(None, "Patient"), 401, "missing_token")
    _outcome(fhir("oipt_nonsense", "Patient/1"), 401, "invalid_token")
    assert fhir(None, "Patient")["WWW-Authenticate"].startswith("Bearer")
    narrow = personal(w.world.m["therapist"], ["clients:read"], name="narrow")[1]
    _outcome(fhir(narrow, "Observation"), 403, "insufficient_scope")
    _outcome(fhir(narrow, f"Flag/{w.alert.pk}"), 403, "insufficient_scope")
    assert fhir(narrow, "Patient").status_code == 200
    other = w.secrets["other_api_client"]
    _outcome(fhir(other, f"Patient/{w.world.clients['mine'].pk}"), 404, "not_found")
    _outcome(fhir(other, f"QuestionnaireResponse/{w.administration.uuid}"), 404, "not_found")
    _outcome(fhir(w.secrets["therapist"], "Patient/999999999"), 404, "not_found")
    _outcome(fhir(w.secrets["therapist"], "Questionnaire/nope"), 404, "not_found")
    _outcome(fhir(w.secrets["therapist"], "Medication"), 404, "unknown_type")
    _outcome(fhir(w.secrets["therapist"], "Patient/1/_history"), 404, "not_found")
    _outcome(fhir(w.secrets["therapist"], "Patient?_format=xml"), 406, "not_acceptable")
    _outcome(fhir(w.secrets["therapist"], "Patient", Accept="application/fhir+xml"), 406, "not_acceptable")
    assert fhir(w.secrets["therapist"], "Patient", Accept="application/fhir+json;fhirVersion=4.0").status_code == 200
    posted = call(w.secrets["therapist"], "POST", "/fhir/Patient", {"resourceType": "Patient"},
                  content_type="application/fhir+json")
    _outcome(posted, 405, "method_not_allowed")
    assert posted["Allow"] == "GET"
    settings.API_CALLS_PER_MINUTE = 1
    secret = api_client(w.world.m["admin"], name="limited")[1]
    assert fhir(secret, "Patient").status_code == 200
    limited = fhir(secret, "Patient")
    _outcome(limited, 429, "rate_limited")
    assert int(limited["Retry-After"]) > 0


@pytest.mark.django_db
def test_reads_are_audited_against_the_client_and_every_call_is_recorded(fhir_world):
    w, secret = fhir_world, fhir_world.secrets["therapist"]
    client = w.world.clients["mine"]
    before = AuditEvent.objects.filter(event_type="api.called").count()
    fhir(secret, f"Patient/{client.pk}")
    fhir(secret, f"Observation/{w.administration.uuid}-total")
    fhir(secret, f"Flag/{w.alert.pk}")
    fhir(secret, f"Encounter?patient={client.pk}")
    assert AuditEvent.objects.filter(event_type="api.called").count() == before + 4
    last = AuditEvent.objects.filter(event_type="api.called").order_by("-pk").first()
    assert last.details["path"] == "/fhir/Encounter" and f"patient={client.pk}" in last.details["query"]
    for event in ("client.viewed", "measures.viewed", "safety.alert_viewed"):
        assert AuditEvent.objects.filter(event_type=event, client_id=client.pk).exists(), event


@pytest.mark.django_db
def test_an_unchanged_resource_answers_304_to_its_etag(fhir_world):
    secret, path = fhir_world.secrets["therapist"], f"Patient/{fhir_world.world.clients['mine'].pk}"
    first = fhir(secret, path)
    again = fhir(secret, path, If_None_Match=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert fhir(secret, path, If_None_Match='"other"').status_code == 200
