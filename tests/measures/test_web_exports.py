"""Exports: one client's FHIR Bundle, the organisation's NDJSON and tidy CSV; pseudonymised unless asked, always audited."""

from __future__ import annotations

import csv
import io
import json

from django.utils import timezone

from openipt.audit.models import AuditEvent
from openipt.measures import actions
from openipt.measures.interop import LOINC, UCUM, validate_resource
from tests.support.measures import phq9, start_course
from tests.support.people import actor, login


def _scores(world, key="mine"):
    course = start_course(world, key)
    actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="phq9", session_number=1,
                        completed_on=timezone.localdate(), answers=phq9(2, 2, 1, 1, 1, 1, 1, 1, 0, difficulty=1))
    actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="gad7", session_number=1,
                        completed_on=timezone.localdate(), answers={f"q{i}": 1 for i in range(1, 8)} | {"difficulty": 1})
    return course


def _exported(kind):
    return AuditEvent.objects.filter(event_type="measures.exported", details__kind=kind)


def test_a_client_bundle_is_valid_fhir_and_pseudonymised(world, client):
    _scores(world)
    login(client, world.m["therapist"])
    response = client.get(f"/measures/client/{world.clients['mine'].pk}/fhir/")
    assert response.status_code == 200 and response["Content-Type"] == "application/fhir+json"
    bundle = json.loads(response.content)
    validate_resource(bundle)
    for entry in bundle["entry"]:
        validate_resource(entry["resource"])
    types = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert types.count("Patient") == 1 and types.count("QuestionnaireResponse") == 2 and "Questionnaire" in types
    patient = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    assert "name" not in patient and patient["meta"]["security"][0]["code"] == "PSEUDED"
    total = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
                 and e["resource"]["code"]["coding"][0]["code"] == "44261-6")
    assert total["code"]["coding"][0]["system"] == LOINC
    assert total["valueQuantity"] == {"value": 10, "unit": "{score}", "system": UCUM, "code": "{score}"}
    event = _exported("fhir-bundle").get()
    assert event.details["identifiable"] is False and event.client_id == world.clients["mine"].pk


def test_an_identifiable_bundle_needs_a_reason_and_says_so_in_the_audit_log(world, client):
    _scores(world)
    login(client, world.m["therapist"])
    url = f"/measures/client/{world.clients['mine'].pk}/fhir/"
    refused = client.post(url, {"reason": "", "confirm": "on"})
    assert refused.status_code == 302 and not _exported("fhir-bundle").exists()
    response = client.post(url, {"reason": "Referral to the GP practice", "confirm": "on"})
    patient = next(e["resource"] for e in json.loads(response.content)["entry"] if e["resource"]["resourceType"] == "Patient")
    assert patient["name"][0]["family"] == "Okafor"
    event = _exported("fhir-bundle").get()
    assert event.details["identifiable"] is True and event.details["reason"] == "Referral to the GP practice"


def test_a_supervisor_may_not_export_identifiable_data(world, client):
    _scores(world)
    login(client, world.m["supervisor"])
    url = f"/measures/client/{world.clients['mine'].pk}/fhir/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "curious", "confirm": "on"}).status_code == 403


def test_the_organisation_ndjson_streams_valid_resources_one_per_line(world, client):
    _scores(world)
    _scores(world, "self")
    login(client, world.m["admin"])
    counts = {}
    for kind in ("Patient", "Questionnaire", "QuestionnaireResponse", "Observation"):
        response = client.get(f"/measures/export/fhir/{kind}.ndjson")
        assert response.status_code == 200 and response.streaming
        assert response["Content-Type"] == "application/fhir+ndjson"
        lines = b"".join(response.streaming_content).decode().splitlines()
        for line in lines:
            resource = json.loads(line)
            assert resource["resourceType"] == kind
            validate_resource(resource)
        counts[kind] = len(lines)
        assert _exported(f"fhir-ndjson:{kind}").count() == 1
    assert counts == {"Patient": 2, "Questionnaire": 2, "QuestionnaireResponse": 4, "Observation": 4}


def test_the_other_organisation_is_not_in_the_export(world, client):
    _scores(world)
    login(client, world.m["other_admin"])
    response = client.get("/measures/export/fhir/QuestionnaireResponse.ndjson")
    assert b"".join(response.streaming_content) == b""


def test_the_tidy_csv_has_one_row_per_item_and_a_dictionary(world, client):
    _scores(world)
    login(client, world.m["admin"])
    response = client.get("/measures/export/measures.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 10 + 8  # PHQ-9 (9 + difficulty) and GAD-7 (7 + difficulty)
    q1 = next(r for r in rows if r["instrument"] == "phq9" and r["item_id"] == "q1")
    assert (q1["answer_value"], q1["answer_label"], q1["total"], q1["band"]) == ("2", "More than half the days", "10", "moderate")
    assert "given_name" not in q1 and q1["client_record"] == world.clients["mine"].record_number
    dictionary = client.get("/measures/export/dictionary/").content.decode()
    assert "`answer_value`" in dictionary and "phq9" in dictionary
    assert "instrument" in client.get("/measures/export/dictionary/?format=csv").content.decode()


def test_an_identifiable_csv_needs_a_reason(world, client):
    _scores(world)
    login(client, world.m["admin"])
    refused = client.post("/measures/export/measures.csv", {"reason": "", "confirm": ""})
    assert refused.status_code == 302 and refused["Location"] == "/measures/export/#ident-heading"
    page = client.get(refused["Location"]).content.decode()
    assert "This field is required." in page and "completed questionnaire" in page
    assert not _exported("csv").exists()
    response = client.post("/measures/export/measures.csv", {"reason": "Audit for the funder", "confirm": "on"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["given_name"] == "Maya" and rows[0]["family_name"] == "Okafor"
    assert _exported("csv").get().details["identifiable"] is True


def test_a_refused_identifiable_export_is_explained_on_the_export_form_keeping_the_reason(world, client):
    # given an admin who gives a reason but forgets to tick the box, for the Patient file
    login(client, world.m["admin"])
    refused = client.post("/measures/export/fhir/Patient.ndjson", {"reason": "Audit for the funder"}, follow=True)
    # then they are back on the export form, which says what is missing and keeps the reason
    page = refused.content.decode()
    assert refused.status_code == 200 and refused.redirect_chain[-1][0] == "/measures/export/#ident-heading"
    assert "<h1>Export questionnaires</h1>" in page and "This field is required." in page
    assert 'value="Audit for the funder"' in page
    assert not _exported("fhir-ndjson:Patient").exists()
    # and the message does not follow them to the next visit
    assert "This field is required." not in client.get("/measures/export/").content.decode()


def test_only_admins_export_the_organisation(world, client):
    login(client, world.m["therapist"])
    for url in ("/measures/export/", "/measures/export/measures.csv", "/measures/export/fhir/Patient.ndjson"):
        assert client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(event_type="measures.exported").exists()


def test_an_unknown_resource_type_is_not_found(world, client):
    login(client, world.m["admin"])
    assert client.get("/measures/export/fhir/Encounter.ndjson").status_code == 404
