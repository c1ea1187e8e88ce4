"""Import of QuestionnaireResponse: bad input refused with the field path; export/import round trip."""

import copy
import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openipt.measures.interop import (
    FhirImportError,
    parse_questionnaire_response,
    parse_questionnaire_response_json,
)

from .test_interop_support import REG, SITE_REG, admin, exporter, phq9_answers

PHQ9_ANSWERS = phq9_answers(1, 2, 0, 3, 1, 0, 2, 1, 0)


def _good():
    return exporter().questionnaire_response(admin("phq9", PHQ9_ANSWERS, total=10, band="moderate"))


def _refused(data, path, detail=""):
    with pytest.raises(FhirImportError) as info:
        parse_questionnaire_response(data, REG)
    assert info.value.path == path
    assert detail in str(info.value)
    return info.value


# --- accepted input


def test_exported_response_imports_with_identifier_subject_and_answers():
    data = _good()
    got = parse_questionnaire_response(data, REG)
    assert got.identifier == f"urn:uuid:{data['id']}"
    assert got.identifier_system == "urn:ietf:rfc:3986"
    assert got.instrument_code == "phq9"
    assert got.version == REG.get("phq9").version
    assert got.subject_reference == data["subject"]["reference"]
    assert got.authored == dt.datetime(2025, 3, 4, 9, 30, tzinfo=dt.UTC)
    assert got.answers == {**PHQ9_ANSWERS, "difficulty": None}
    assert got.status == "completed"


def test_answers_given_as_value_integer_are_accepted():
    data = _good()
    for item in data["item"]:
        item["answer"] = [{"valueInteger": int(item["answer"][0]["valueCoding"]["code"])}]
    assert parse_questionnaire_response(data, REG).answers["q4"] == 3


def test_coding_without_system_and_missing_answers_are_accepted():
    data = _good()
    del data["item"][0]["answer"][0]["valueCoding"]["system"]
    data["item"][1]["answer"] = []
    data["item"] = data["item"][:-1]  # q9 left out entirely
    got = parse_questionnaire_response(data, REG)
    assert got.answers["q1"] == 1 and got.answers["q2"] is None and got.answers["q9"] is None


def test_canonical_without_version_and_r4_markers_are_accepted():
    data = _good()
    data["questionnaire"] = data["questionnaire"].split("|")[0]
    data["meta"] = {"profile": ["http://hl7.org/fhir/4.0/StructureDefinition/QuestionnaireResponse"]}
    data["fhirVersion"] = "4.0.1"
    data["item"].insert(0, {"linkId": "instructions", "text": "Over the last 2 weeks"})
    assert parse_questionnaire_response(data, REG).instrument_code == "phq9"


def test_json_text_is_parsed():
    got = parse_questionnaire_response_json(json.dumps(_good()), REG)
    assert got.answers["q2"] == 2


# --- refused input, one test per kind


def test_malformed_json_is_refused_with_line_and_column():
    with pytest.raises(FhirImportError, match=r"\(json\): not valid JSON at line 1 column"):
        parse_questionnaire_response_json('{"resourceType": "QuestionnaireResponse",', REG)


def test_a_list_instead_of_a_resource_is_refused():
    _refused([_good()], "(resource)", "expected a JSON object, got a list")


def test_wrong_resource_type_is_refused():
    data = _good()
    data["resourceType"] = "Observation"
    _refused(data, "resourceType", "expected QuestionnaireResponse, got 'Observation'")


def test_missing_resource_type_is_refused():
    data = _good()
    del data["resourceType"]
    _refused(data, "resourceType", "missing")


def test_fhir_version_other_than_r4_is_refused():
    data = _good()
    data["fhirVersion"] = "5.0.0"
    _refused(data, "fhirVersion", "'5.0.0' is not FHIR R4")


def test_r5_profile_is_refused():
    data = _good()
    data["meta"] = {"profile": ["http://example.org/x", "http://hl7.org/fhir/5.0/StructureDefinition/QuestionnaireResponse"]}
    _refused(data, "meta.profile[1]", "FHIR 5.0 profile")


def test_stu3_style_questionnaire_reference_is_refused():
    data = _good()
    data["questionnaire"] = {"reference": "Questionnaire/phq9"}
    _refused(data, "questionnaire", "STU3")


def test_missing_identifier_is_refused():
    data = _good()
    del data["identifier"]
    _refused(data, "identifier", "missing")


def test_r5_identifier_list_is_refused():
    data = _good()
    data["identifier"] = [data["identifier"]]
    _refused(data, "identifier", "a list is FHIR R5")


def test_identifier_without_value_is_refused():
    data = _good()
    data["identifier"] = {"system": "urn:ietf:rfc:3986"}
    _refused(data, "identifier.value", "missing")


def test_missing_questionnaire_is_refused():
    data = _good()
    del data["questionnaire"]
    _refused(data, "questionnaire", "missing")


def test_unknown_questionnaire_canonical_is_refused():
    data = _good()
    data["questionnaire"] = "http://example.org/Questionnaire/epds|1"
    _refused(data, "questionnaire", "unknown questionnaire 'http://example.org/Questionnaire/epds|1'")


def test_unknown_version_of_a_known_questionnaire_is_refused():
    data = _good()
    data["questionnaire"] = data["questionnaire"].split("|")[0] + "|2031-edition"
    _refused(data, "questionnaire", "version '2031-edition' of phq9 is not loaded")


def test_entered_in_error_status_is_refused():
    data = _good()
    data["status"] = "entered-in-error"
    _refused(data, "status", "cannot be imported")


def test_missing_status_is_refused():
    data = _good()
    del data["status"]
    _refused(data, "status", "missing")


def test_missing_subject_is_refused():
    data = _good()
    del data["subject"]
    _refused(data, "subject", "missing")


def test_subject_without_reference_is_refused():
    data = _good()
    data["subject"] = {"display": "someone"}
    _refused(data, "subject.reference", "missing")


@pytest.mark.parametrize(
    ("value", "detail"),
    [(None, "missing"), ("2025-03-04", "is not a date and time"), ("2025-03-04T10:30:00", "has no timezone"),
     ("yesterday", "is not a date and time"), (20250304, "expected a dateTime string")],
)
def test_bad_or_missing_authored_is_refused(value, detail):
    data = _good()
    if value is None:
        del data["authored"]
    else:
        data["authored"] = value
    _refused(data, "authored", detail)


def test_item_that_is_not_a_list_is_refused():
    data = _good()
    data["item"] = {"linkId": "q1"}
    _refused(data, "item", "expected a list, got an object")


def test_item_entry_that_is_not_an_object_is_refused():
    data = _good()
    data["item"][2] = "q3"
    _refused(data, "item[2]", "expected an object, got a string")


def test_item_without_link_id_is_refused():
    data = _good()
    del data["item"][5]["linkId"]
    _refused(data, "item[5].linkId", "missing")


def test_unknown_link_id_is_refused():
    data = _good()
    data["item"][4]["linkId"] = "q10"
    _refused(data, "item[4].linkId", "'q10' is not an item of phq9")


def test_duplicate_answers_to_one_item_are_refused():
    data = _good()
    data["item"].append(copy.deepcopy(data["item"][1]))
    _refused(data, "item[9].linkId", "phq9 q2 is answered twice (also at item[1])")


def test_two_answers_in_one_item_are_refused():
    data = _good()
    data["item"][0]["answer"].append({"valueInteger": 0})
    _refused(data, "item[0].answer[1]", "more than one answer for phq9 q1")


def test_out_of_range_coding_is_refused_naming_the_field_and_item():
    data = _good()
    data["item"][3]["answer"][0]["valueCoding"]["code"] = "7"
    err = _refused(data, "item[3].answer[0].valueCoding.code")
    assert str(err) == "item[3].answer[0].valueCoding.code: 7 is not an option of phq9 q4"


def test_out_of_range_integer_is_refused():
    data = _good()
    data["item"][8]["answer"] = [{"valueInteger": -1}]
    _refused(data, "item[8].answer[0].valueInteger", "-1 is not an option of phq9 q9")


def test_non_numeric_code_is_refused():
    data = _good()
    data["item"][0]["answer"][0]["valueCoding"]["code"] = "often"
    _refused(data, "item[0].answer[0].valueCoding.code", "often is not an option of phq9 q1")


def test_code_that_is_a_json_number_is_refused():
    data = _good()
    data["item"][0]["answer"][0]["valueCoding"]["code"] = 1
    _refused(data, "item[0].answer[0].valueCoding.code", "expected a string, got a number")


def test_coding_from_another_system_is_refused():
    data = _good()
    data["item"][0]["answer"][0]["valueCoding"]["system"] = "http://loinc.org"
    _refused(data, "item[0].answer[0].valueCoding.system", "is not the answer system of phq9")


def test_other_answer_types_are_refused():
    data = _good()
    data["item"][0]["answer"] = [{"valueString": "Several days"}]
    _refused(data, "item[0].answer[0].valueString", "must be valueCoding or valueInteger")


def test_answer_with_two_values_is_refused():
    data = _good()
    data["item"][0]["answer"][0]["valueInteger"] = 1
    _refused(data, "item[0].answer[0]", "exactly one valueCoding or valueInteger")


def test_nested_group_items_are_refused():
    data = _good()
    data["item"] = [{"linkId": "group", "item": data["item"]}]
    _refused(data, "item[0].item", "nested items")


def test_display_item_with_an_answer_is_refused():
    data = _good()
    data["item"].insert(0, {"linkId": "instructions", "answer": [{"valueInteger": 1}]})
    _refused(data, "item[0].linkId", "'instructions' is not an item of phq9")


# --- round trip over every valid answer set


def _answer_sets(registry, code):
    inst = registry.get(code)
    return st.fixed_dictionaries({
        it.id: st.one_of(st.none(), st.sampled_from(sorted(it.values))) for it in inst.items})


@pytest.mark.parametrize("code", REG.codes())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_round_trip_export_then_import_gives_the_same_answers(code, data):
    # given any valid answer set (missing answers included) for a shipped instrument
    answers = data.draw(_answer_sets(REG, code))
    rec = admin(code, answers, n=data.draw(st.integers(1, 10**9)))
    # when it is exported as JSON text and imported back
    text = json.dumps(exporter().questionnaire_response(rec))
    got = parse_questionnaire_response_json(text, REG)
    # then the answers, instrument, version and identifier survive
    assert got.answers == answers
    assert (got.instrument_code, got.version) == (code, REG.get(code).version)
    assert got.identifier == f"urn:uuid:{rec.uuid}"
    assert got.authored == rec.authored


@settings(max_examples=60, deadline=None)
@given(answers=_answer_sets(SITE_REG, "example_perinatal"))
def test_round_trip_works_for_a_site_instrument_without_wording(answers):
    rec = admin("example_perinatal", answers)
    got = parse_questionnaire_response(exporter(SITE_REG).questionnaire_response(rec), SITE_REG)
    assert got.answers == answers
