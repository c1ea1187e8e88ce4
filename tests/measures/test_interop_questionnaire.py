"""FHIR Questionnaire export: valid R4 resources carrying the published wording and LOINC codes."""

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

from openipt.measures.interop import (
    LOINC,
    FhirValidationError,
    answer_system,
    build_questionnaire,
    validate_resource,
)
from openipt.measures.interop.codes import ORDINAL_VALUE

from .test_interop_support import REG, SITE_REG

BASE = "https://openipt.org/fhir"


def _question_items(q):
    return [i for i in q["item"] if i["type"] != "display"]


@pytest.mark.parametrize("code", REG.codes())
def test_every_shipped_questionnaire_is_valid_r4_with_linkids_equal_to_item_ids(code):
    # given a shipped instrument
    inst = REG.get(code)
    # when it is exported as a Questionnaire
    q = build_questionnaire(inst, BASE)
    # then the R4B model accepts it, and each question carries the file's id and exact wording
    Questionnaire.model_validate(q)
    items = _question_items(q)
    assert [i["linkId"] for i in items] == [it.id for it in inst.items]
    assert [i["text"] for i in items] == [it.text for it in inst.items]
    assert q["url"] == f"{BASE}/Questionnaire/{code}"
    assert q["status"] == "active"
    assert q["copyright"] == inst.licence.text
    assert q["title"] == inst.name


def test_phq9_questionnaire_has_panel_and_item_loinc_codes():
    q = build_questionnaire(REG.get("phq9"), BASE)
    assert q["code"] == [{"system": "http://loinc.org", "code": "44249-1"}]
    codes = {i["linkId"]: i.get("code", [{}])[0].get("code") for i in _question_items(q)}
    # the item codes given in docs/clinical/sources.md ("LOINC codes") / the file
    assert codes["q1"] == "44250-9"
    assert codes["q2"] == "44255-8"
    assert codes["q9"] == "44260-8"
    assert codes["difficulty"] == "69722-7"
    assert all(i["code"][0]["system"] == LOINC for i in _question_items(q))


@pytest.mark.parametrize(
    ("code", "panel"),
    [("phq9", "44249-1"), ("phq2", "55757-9"), ("gad7", "69737-5"), ("auditc", "72109-2")],
)
def test_panel_loinc_codes_match_the_clinical_reference(code, panel):
    q = build_questionnaire(REG.get(code), BASE)
    assert q["code"][0] == {"system": "http://loinc.org", "code": panel}


@pytest.mark.parametrize("code", ["hamd17", "ipt_goal", "session_feedback"])
def test_instruments_without_a_loinc_panel_have_no_questionnaire_code(code):
    q = build_questionnaire(REG.get(code), BASE)
    assert "code" not in q
    assert all("code" not in i for i in _question_items(q))


def test_answer_options_are_codings_of_the_option_values_with_published_labels():
    q = build_questionnaire(REG.get("phq9"), BASE)
    q1 = _question_items(q)[0]
    codings = [o["valueCoding"] for o in q1["answerOption"]]
    assert [(c["code"], c["display"]) for c in codings] == [
        ("0", "Not at all"), ("1", "Several days"), ("2", "More than half the days"), ("3", "Nearly every day")]
    assert {c["system"] for c in codings} == {answer_system(BASE, "phq9")}
    difficulty = _question_items(q)[-1]
    assert difficulty["answerOption"][3]["valueCoding"]["display"] == "Extremely difficult"


def test_auditc_item_two_keeps_its_own_option_labels():
    q = build_questionnaire(REG.get("auditc"), BASE)
    q2 = _question_items(q)[1]
    assert q2["text"] == "On days in the past year when you drank alcohol how many drinks did you typically drink?"
    assert [o["valueCoding"]["display"] for o in q2["answerOption"]] == [
        "0, 1, or 2", "3 or 4", "5 or 6", "7 - 9", "10 or more"]


def test_stem_instructions_come_first_as_a_display_item():
    q = build_questionnaire(REG.get("phq9"), BASE)
    first = q["item"][0]
    assert first["type"] == "display"
    assert first["text"] == ("Over the last 2 weeks, how often have you been bothered by any of the "
                             "following problems?")


def test_version_is_uri_safe_and_the_full_version_text_is_in_the_description():
    inst = REG.get("gad7")
    q = build_questionnaire(inst, BASE)
    assert " " not in q["version"] and "|" not in q["version"]
    assert q["version"].startswith("pfizer-form-spitzer-kroenke-williams-lowe")
    assert inst.version in q["description"]


def test_ids_are_valid_fhir_ids_even_for_codes_with_underscores():
    q = build_questionnaire(REG.get("session_feedback"), BASE)
    assert q["id"] == "session-feedback"
    assert q["url"].endswith("/Questionnaire/session_feedback")
    assert q["name"] == "SessionFeedback"


def test_ordinal_values_carry_item_scores_so_reverse_items_score_backwards():
    # example_perinatal q3 is reverse scored: value 0 scores 3 and value 3 scores 0
    q = build_questionnaire(SITE_REG.get("example_perinatal"), BASE)
    q3 = next(i for i in q["item"] if i["linkId"] == "q3")
    ordinal = [o["valueCoding"]["extension"][0] for o in q3["answerOption"]]
    assert {e["url"] for e in ordinal} == {ORDINAL_VALUE}
    assert [e["valueDecimal"] for e in ordinal] == [3, 2, 1, 0]
    q1 = next(i for i in q["item"] if i["linkId"] == "q1")
    assert [o["valueCoding"]["extension"][0]["valueDecimal"] for o in q1["answerOption"]] == [0, 1, 2, 3]


def test_unscored_items_carry_no_ordinal_value():
    q = build_questionnaire(REG.get("phq9"), BASE)
    difficulty = next(i for i in q["item"] if i["linkId"] == "difficulty")
    assert all("extension" not in o["valueCoding"] for o in difficulty["answerOption"])


def test_a_licensed_instrument_is_exported_without_its_wording():
    # given a site instrument whose licence does not allow embedding (all wording invented)
    inst = SITE_REG.get("example_perinatal")
    assert not inst.licence.embeddable
    # when exported
    q = build_questionnaire(inst, BASE)
    Questionnaire.model_validate(q)
    # then no item text, instructions or option label is reproduced, only ids and codes
    blob = repr(q)
    assert "laugh at small things" not in blob
    assert "Yes, most of the time" not in blob
    assert "In the past 7 days" not in blob
    assert [o["valueCoding"]["code"] for o in q["item"][0]["answerOption"]] == ["0", "1", "2", "3"]


def test_validate_resource_refuses_a_broken_questionnaire():
    q = build_questionnaire(REG.get("phq2"), BASE)
    del q["item"][1]["linkId"]  # linkId is required (1..1)
    with pytest.raises(FhirValidationError, match="Questionnaire/phq2"):
        validate_resource(q)
