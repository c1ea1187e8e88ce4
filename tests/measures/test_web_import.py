"""FHIR import of QuestionnaireResponses: all or nothing, idempotent by identifier, the field named on refusal."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openipt.audit.models import AuditEvent
from openipt.measures import actions, exports
from openipt.measures.imports import ImportRefused, import_text
from openipt.measures.models import Administration, Source, Status
from tests.support.measures import phq9, start_course
from tests.support.people import actor, login

BASE = "https://openipt.org/fhir"


def _qr(subject, *, ident="resp-1", answers=(1, 1, 1, 1, 1, 1, 1, 1, 0), code="phq9", **changes):
    data = {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": "https://partner.example/responses", "value": ident},
        "questionnaire": f"{BASE}/Questionnaire/{code}",
        "status": "completed",
        "subject": {"reference": subject},
        "authored": timezone.now().replace(microsecond=0).isoformat(),
        "item": [{"linkId": f"q{i}", "answer": [{"valueCoding": {"system": f"{BASE}/CodeSystem/{code}-answer",
                                                                 "code": str(v)}}]}
                 for i, v in enumerate(answers, start=1)],
    }
    data.update(changes)
    return data


def _mine(world):
    return f"Patient/{world.clients['mine'].record_number}"


def test_a_response_is_imported_scored_and_attached_to_the_course(world):
    course = start_course(world)
    result = import_text(actor(world.m["admin"]), json.dumps(_qr(_mine(world))))
    admin = result.created[0]
    assert (admin.total, admin.band, admin.source, admin.status) == (8, "mild", Source.IMPORT, Status.COMPLETED)
    assert admin.course_id == course.pk and admin.external_id == "https://partner.example/responses|resp-1"
    assert AuditEvent.objects.filter(event_type="measures.imported", client_id=world.clients["mine"].pk).count() == 1


def test_importing_the_same_response_twice_stores_it_once(world):
    text = json.dumps(_qr(_mine(world)))
    import_text(actor(world.m["admin"]), text)
    again = import_text(actor(world.m["admin"]), text)
    assert again.created == [] and again.already == ["resp-1"]
    assert Administration.objects.count() == 1


def test_our_own_export_read_back_is_recognised(world):
    course = start_course(world)
    actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="phq9", session_number=1,
                        completed_on=timezone.localdate(), answers=phq9(1, 1, 1, 1, 1, 1, 1, 1, 0, difficulty=0))
    bundle = exports.bundle_for_client(world.clients["mine"], Administration.objects.all())
    for entry in bundle["entry"]:  # a Bundle entry's subject is a urn:uuid; a real server would resolve it
        if entry["resource"]["resourceType"] == "QuestionnaireResponse":
            entry["resource"]["subject"] = {"reference": _mine(world)}
    result = import_text(actor(world.m["admin"]), json.dumps(bundle))
    assert result.created == [] and len(result.already) == 1


def test_the_patient_id_of_an_openipt_export_finds_the_client(world):
    exporter = exports.exporter_for(world.org)
    pid = exporter.patient_id(world.clients["mine"].pk)
    result = import_text(actor(world.m["admin"]), json.dumps(_qr(f"Patient/{pid}")))
    assert result.created[0].client_id == world.clients["mine"].pk


@pytest.mark.parametrize("change, path", [
    ({"status": "in-progress"}, "status"),
    ({"questionnaire": f"{BASE}/Questionnaire/epds"}, "questionnaire"),
    ({"questionnaire": {"reference": "Questionnaire/phq9"}}, "questionnaire"),
    ({"fhirVersion": "5.0.0"}, "fhirVersion"),
    ({"meta": {"profile": ["http://hl7.org/fhir/R5/StructureDefinition/QuestionnaireResponse"]}}, "meta.profile[0]"),
    ({"identifier": [{"value": "x"}]}, "identifier"),
    ({"authored": "yesterday"}, "authored"),
    ({"resourceType": "Observation"}, "resourceType"),
    ({"subject_ref": "Patient/C-NOBODY1"}, "subject.reference"),
    ({"subject_ref": "Group/123"}, "subject.reference"),
])
def test_a_bad_response_is_refused_naming_the_field_and_nothing_is_stored(world, change, path):
    subject = change.pop("subject_ref", _mine(world))
    with pytest.raises(ImportRefused) as caught:
        import_text(actor(world.m["admin"]), json.dumps(_qr(subject, **change)))
    assert caught.value.path == path
    assert not Administration.objects.exists()


def test_an_answer_out_of_range_names_the_item(world):
    data = _qr(_mine(world), answers=(1, 1, 7, 1, 1, 1, 1, 1, 0))
    with pytest.raises(ImportRefused) as caught:
        import_text(actor(world.m["admin"]), json.dumps(data))
    assert caught.value.path == "item[2].answer[0].valueCoding.code"
    assert not Administration.objects.exists()


def test_a_client_of_another_organisation_is_refused(world):
    other = f"Patient/{world.clients['other'].record_number}"
    with pytest.raises(ImportRefused) as caught:
        import_text(actor(world.m["admin"]), json.dumps(_qr(other)))
    assert caught.value.path == "subject.reference" and "is not a client of Riverbank Clinic" in str(caught.value)
    assert not Administration.objects.exists()


def test_one_bad_line_stops_the_whole_file(world):
    lines = [json.dumps(_qr(_mine(world), ident=f"r{i}")) for i in range(3)]
    lines.insert(2, json.dumps(_qr(_mine(world), ident="bad", answers=(1, 1, 1, 1, 1, 1, 1, 1, 9))))
    with pytest.raises(ImportRefused) as caught:
        import_text(actor(world.m["admin"]), "\n".join(lines))
    assert caught.value.where == "line 3" and caught.value.path == "item[8].answer[0].valueCoding.code"
    assert not Administration.objects.exists()
    ok = import_text(actor(world.m["admin"]), "\n".join(lines[:2] + lines[3:]))
    assert len(ok.created) == 3


def test_malformed_json_is_refused_with_the_line(world):
    with pytest.raises(ImportRefused) as caught:
        import_text(actor(world.m["admin"]), '{"resourceType": "QuestionnaireResponse",\n"x": }')
    assert caught.value.path == "(json)"
    assert not Administration.objects.exists()


def test_the_import_page_shows_the_problem_beside_the_file_and_stores_nothing(world, client):
    login(client, world.m["admin"])
    upload = SimpleUploadedFile("bad.json", json.dumps(_qr(_mine(world), status="stopped")).encode(), "application/json")
    response = client.post("/measures/import/", {"file": upload})
    assert response.status_code == 200
    error = response.context["form"].errors["file"][0]
    assert error.startswith("Nothing was imported.") and "status" in error
    pasted = client.post("/measures/import/", {"text": json.dumps(_qr(_mine(world)))})
    assert pasted.status_code == 302
    assert "Imported 1 questionnaire. 0 were already here" in client.get(pasted["Location"]).content.decode()


def test_an_empty_import_form_says_what_to_do(world, client):
    login(client, world.m["admin"])
    response = client.post("/measures/import/", {})
    assert "Choose a file, or paste the JSON." in response.content.decode()


def test_a_safety_answer_in_an_import_raises_an_alert(world):
    from openipt.safety.models import Alert

    result = import_text(actor(world.m["admin"]), json.dumps(_qr(_mine(world), answers=(1, 1, 1, 1, 1, 1, 1, 1, 2))))
    assert result.alerts >= 1 and result.created[0].safety_followup
    assert Alert.objects.filter(client=world.clients["mine"]).exists()


def test_only_admins_import(world):
    with pytest.raises(ImportRefused):
        import_text(actor(world.m["therapist"]), json.dumps(_qr(_mine(world))))


@pytest.mark.parametrize("body", [
    "[" * 100_000 + "]" * 100_000,
    '{"resourceType": "Bundle", "entry": ' + "[" * 5000 + "]" * 5000 + "}",
    "\n".join(['{"a": 1}', "{" * 50_000]),
])
def test_deeply_nested_json_is_refused_with_a_message_not_a_server_error(world, client, body):
    login(client, world.m["admin"])
    upload = SimpleUploadedFile("deep.json", body.encode(), "application/json")
    response = client.post("/measures/import/", {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200 and "Nothing was imported" in page and "levels deep" in page
    assert not Administration.objects.exists()


@pytest.mark.parametrize("authored", ["0001-01-01T00:00:00+05:00", "0001-01-01T00:00:00Z", "1899-12-31T23:00:00Z",
                                      "9999-12-31T23:59:59-05:00"])
def test_an_answer_date_out_of_range_is_refused_naming_the_resource(world, authored):
    start_course(world)
    lines = "\n".join(json.dumps(r) for r in [_qr(_mine(world)), _qr(_mine(world), ident="resp-2", authored=authored)])
    with pytest.raises(ImportRefused) as exc:
        import_text(actor(world.m["admin"]), lines)
    assert exc.value.where == "line 2" and exc.value.path == "authored"
    assert not Administration.objects.exists()


def test_nul_characters_in_an_import_do_not_reach_the_database(world):
    start_course(world)
    result = import_text(actor(world.m["admin"]), json.dumps(_qr(_mine(world), ident="resp\u0000-9")))
    assert result.created[0].external_id == "https://partner.example/responses|resp-9"
