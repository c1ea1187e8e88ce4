"""Patient (pseudonymised by default) and the one-client Bundle whose references all resolve."""

import datetime as dt
from urllib.parse import parse_qs

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.patient import Patient

from openipt.measures.interop import (
    ExportError,
    FhirValidationError,
    PatientRecord,
    client_bundle,
    references_in,
)

from .test_interop_support import PATIENT, admin, exporter, full_answers, phq9_answers

STAMP = dt.datetime(2025, 3, 5, 8, 0, tzinfo=dt.UTC)


def _course():
    return [
        admin("phq9", phq9_answers(2, 2, 1, 2, 1, 1, 1, 1, 0), total=11, band="moderate", n=1, session_number=1),
        admin("gad7", full_answers("gad7", value_index=1), total=7, band="mild", n=2, session_number=1),
        admin("phq9", phq9_answers(1, 1, 0, 1, 0, 0, 1, 0, 0), total=4, band="minimal", n=3, session_number=8),
    ]


def test_patient_is_pseudonymised_by_default():
    # given a client with a name, a full birth date and a sex
    # when exported without asking for identifiable data
    res = exporter().patient(PATIENT)
    Patient.model_validate(res)
    # then only the record number and the birth year leave the organisation
    assert res["identifier"] == [{"system": "https://openipt.org/fhir/organisation/northside/record-number",
                                  "value": "C000042"}]
    assert res["birthDate"] == "1988"
    for key in ("name", "gender", "telecom", "address", "contact"):
        assert key not in res
    assert "Ada" not in repr(res) and "Okello" not in repr(res)
    assert res["meta"]["security"][0]["code"] == "PSEUDED"


def test_identifiable_patient_has_name_full_birth_date_and_gender():
    res = exporter().patient(PATIENT, identifiable=True)
    Patient.model_validate(res)
    assert res["name"] == [{"use": "official", "family": "Okello", "given": ["Ada"]}]
    assert res["birthDate"] == "1988-07-14"
    assert res["gender"] == "female"
    assert "meta" not in res
    assert res["communication"][0]["language"]["coding"][0]["code"] == "lg"


@pytest.mark.parametrize(("sex", "gender"), [("female", "female"), ("male", "male"), ("other", "other"),
                                             ("", "unknown"), ("MALE ", "male")])
def test_sex_maps_to_fhir_gender(sex, gender):
    rec = PatientRecord(id=1, record_number="C1", given_name="X", sex=sex)
    assert exporter().patient(rec, identifiable=True)["gender"] == gender


def test_patient_without_birth_date_or_family_name_is_still_valid():
    rec = PatientRecord(id=2, record_number="C2", given_name="Sam")
    for identifiable in (False, True):
        res = exporter().patient(rec, identifiable=identifiable)
        Patient.model_validate(res)
        assert "birthDate" not in res


def test_patient_ids_are_stable_and_differ_between_organisations():
    from openipt.measures.interop import ExportSettings, FhirExporter

    from .test_interop_support import REG

    other = FhirExporter(REG, ExportSettings(organisation="southside"))
    assert exporter().patient_id(42) == exporter().patient_id(42)
    assert exporter().patient_id(42) != other.patient_id(42)
    assert exporter().patient_id(42) != exporter().patient_id(43)


@pytest.mark.parametrize("bundle_type", ["collection", "transaction"])
def test_client_bundle_is_valid_and_every_reference_resolves_inside_it(bundle_type):
    # given one client's course: two PHQ-9s and a GAD-7
    # when bundled with per-item observations
    bundle = client_bundle(exporter(), PATIENT, _course(), bundle_type=bundle_type, per_item=True,
                           timestamp=STAMP)
    Bundle.model_validate(bundle)
    # then each entry has a urn:uuid fullUrl and every reference points at one of them
    full_urls = [e["fullUrl"] for e in bundle["entry"]]
    assert all(u.startswith("urn:uuid:") for u in full_urls)
    assert len(set(full_urls)) == len(full_urls)
    refs = list(references_in(bundle))
    assert refs, "the bundle should contain references"
    assert set(refs) <= set(full_urls)
    # and the Questionnaire canonical of each response is a Questionnaire in the bundle
    resources = [e["resource"] for e in bundle["entry"]]
    canonicals = {f"{r['url']}|{r['version']}" for r in resources if r["resourceType"] == "Questionnaire"}
    responses = [r for r in resources if r["resourceType"] == "QuestionnaireResponse"]
    assert {r["questionnaire"] for r in responses} <= canonicals
    assert bundle["type"] == bundle_type
    assert bundle["timestamp"] == "2025-03-05T08:00:00+00:00"


def test_bundle_holds_patient_questionnaires_responses_and_observations():
    bundle = client_bundle(exporter(), PATIENT, _course(), timestamp=STAMP)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("Patient") == 1
    assert kinds.count("Questionnaire") == 2  # phq9 and gad7, once each
    assert kinds.count("QuestionnaireResponse") == 3
    assert kinds.count("Observation") == 3  # one total each
    subject = {r["subject"]["reference"] for e in bundle["entry"] if "subject" in (r := e["resource"])}
    assert subject == {bundle["entry"][0]["fullUrl"]}


def test_transaction_bundle_uses_conditional_creates_so_a_resend_stores_nothing_twice():
    bundle = client_bundle(exporter(), PATIENT, _course()[:1], bundle_type="transaction", timestamp=STAMP)
    for entry in bundle["entry"]:
        request = entry["request"]
        assert request["method"] == "POST"
        assert request["url"] == entry["resource"]["resourceType"]
        assert "id" not in entry["resource"]
        query = parse_qs(request["ifNoneExist"])
        if entry["resource"]["resourceType"] == "Questionnaire":
            assert query["url"] == ["https://openipt.org/fhir/Questionnaire/phq9"]
        else:
            assert list(query) == ["identifier"]
    patient_query = parse_qs(bundle["entry"][0]["request"]["ifNoneExist"])
    assert patient_query["identifier"] == ["https://openipt.org/fhir/organisation/northside/record-number|C000042"]


def test_bundle_with_validate_checks_every_resource():
    bundle = client_bundle(exporter(), PATIENT, _course(), validate=True, timestamp=STAMP)
    assert len(bundle["entry"]) == 9


def test_validate_mode_reports_an_invalid_resource():
    bad = PatientRecord(id=3, record_number="C3", language="en", birth_date=dt.date(2000, 1, 1))
    ex = exporter()
    original = ex.patient

    def broken_patient(record, identifiable=False):
        res = original(record, identifiable=identifiable)
        res["communication"] = [{"preferred": True}]  # language is required
        return res

    ex.patient = broken_patient
    with pytest.raises(FhirValidationError, match="Patient/"):
        client_bundle(ex, bad, [], validate=True, timestamp=STAMP)


def test_an_administration_of_another_client_is_refused():
    stranger = admin("phq2", {"q1": 0, "q2": 0}, total=0, band="negative", client_id=99)
    with pytest.raises(ExportError, match="belongs to client 99"):
        client_bundle(exporter(), PATIENT, [stranger], timestamp=STAMP)


def test_unknown_bundle_type_is_refused():
    with pytest.raises(ExportError, match="bundle_type"):
        client_bundle(exporter(), PATIENT, [], bundle_type="batch", timestamp=STAMP)


def test_identifiable_bundle_carries_the_name_only_when_asked():
    plain = client_bundle(exporter(), PATIENT, _course(), timestamp=STAMP)
    named = client_bundle(exporter(), PATIENT, _course(), timestamp=STAMP, identifiable=True)
    assert "Okello" not in repr(plain)
    assert named["entry"][0]["resource"]["name"][0]["family"] == "Okello"
