"""QuestionnaireResponse and Observation export: valid R4, the right LOINC and UCUM codes."""

import datetime as dt

import pytest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from openipt.measures.interop import ExportError

from .test_interop_support import REG, SITE_REG, admin, exporter, full_answers, phq9_answers

UCUM = "http://unitsofmeasure.org"


def _loinc(resource):
    return [c["code"] for c in resource["code"]["coding"] if c["system"] == "http://loinc.org"]


def test_phq9_worked_example_gives_a_completed_response_and_a_total_of_ten():
    # given PHQ-9 answers 1 2 0 3 1 0 2 1 0: 1+2+0+3+1+0+2+1+0 = 10, band moderate (10-14)
    ex = exporter()
    rec = admin("phq9", phq9_answers(1, 2, 0, 3, 1, 0, 2, 1, 0), total=10, band="moderate")
    # when exported
    qr = ex.questionnaire_response(rec)
    (obs,) = ex.observations(rec)
    # then both are valid R4 and say what the answers say
    QuestionnaireResponse.model_validate(qr)
    Observation.model_validate(obs)
    assert qr["status"] == "completed"
    assert [i["linkId"] for i in qr["item"]] == [f"q{i}" for i in range(1, 10)]
    assert qr["item"][3]["answer"] == [{"valueCoding": {
        "system": "https://openipt.org/fhir/CodeSystem/phq9-answer", "code": "3", "display": "Nearly every day"}}]
    assert qr["item"][3]["text"] == "Feeling tired or having little energy"
    assert qr["authored"] == "2025-03-04T10:30:00+01:00"
    assert _loinc(obs) == ["44261-6"]
    assert obs["valueQuantity"] == {"value": 10, "unit": "{score}", "system": UCUM, "code": "{score}"}
    assert obs["interpretation"][0]["coding"][0]["code"] == "moderate"
    assert obs["interpretation"][0]["text"] == "Moderate"
    assert obs["category"][0]["coding"][0]["code"] == "survey"
    assert obs["effectiveDateTime"] == qr["authored"]
    assert obs["status"] == "final"


@pytest.mark.parametrize(
    ("code", "values", "total", "band", "loinc_total"),
    [
        ("gad7", [1] * 7, 7, "mild", "70274-6"),  # 7 x 1 = 7, mild 5-9
        ("phq2", [2, 1], 3, "positive", "55758-7"),  # 2 + 1 = 3, positive screen
        ("auditc", [1, 1, 1], 3, None, "75626-2"),  # 3, no bands shipped
    ],
)
def test_total_observation_uses_the_loinc_total_code(code, values, total, band, loinc_total):
    items = REG.get(code).scored_items
    rec = admin(code, {it.id: v for it, v in zip(items, values, strict=True)}, total=total, band=band)
    (obs,) = exporter().observations(rec)
    Observation.model_validate(obs)
    assert _loinc(obs) == [loinc_total]
    assert obs["valueQuantity"]["value"] == total
    assert obs["valueQuantity"]["system"] == UCUM and obs["valueQuantity"]["code"] == "{score}"
    assert ("interpretation" in obs) == (band is not None)


def test_an_instrument_without_loinc_gets_an_openipt_total_code():
    rec = admin("hamd17", full_answers("hamd17"), total=0, band="none")
    (obs,) = exporter().observations(rec)
    assert _loinc(obs) == []
    assert obs["code"]["coding"] == [{"system": "https://openipt.org/fhir/CodeSystem/measure",
                                      "code": "hamd17-total", "display": "HAM-D 17 total score"}]


def test_observation_is_derived_from_its_response_and_about_the_same_patient():
    ex = exporter()
    rec = admin("phq2", {"q1": 0, "q2": 0}, total=0, band="negative")
    qr, obs = ex.administration_resources(rec)
    assert obs["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{qr['id']}"}]
    assert obs["subject"] == qr["subject"] == {"reference": f"Patient/{ex.patient_id(42)}"}


def test_missing_scored_answer_makes_the_response_in_progress_and_notes_prorating():
    # given PHQ-9 with q9 unanswered and eight answers of 2: 16 x 9 / 8 = 18 (prorated), moderately severe
    rec = admin("phq9", phq9_answers(2, 2, 2, 2, 2, 2, 2, 2, None), total=18, band="moderately_severe")
    qr, obs = exporter().administration_resources(rec)
    assert qr["status"] == "in-progress"
    assert "q9" not in [i["linkId"] for i in qr["item"]]
    assert obs["valueQuantity"]["value"] == 18
    assert "8 of 9" in obs["note"][0]["text"] and "q9" in obs["note"][0]["text"]


def test_unanswered_difficulty_item_does_not_make_the_response_in_progress():
    qr = exporter().questionnaire_response(admin("phq9", phq9_answers(*[0] * 9), total=0, band="minimal"))
    assert qr["status"] == "completed"


def test_no_total_means_no_total_observation():
    rec = admin("phq9", phq9_answers(1, 1, 1, None, None, None, 1, 1, 1), total=None, band=None)
    assert exporter().observations(rec) == []


def test_per_item_observations_carry_item_loinc_codes_and_are_members_of_the_total():
    rec = admin("phq9", {**phq9_answers(0, 0, 0, 0, 0, 0, 0, 0, 1), "difficulty": 1}, total=1, band="minimal")
    total, *items = exporter().observations(rec, per_item=True)
    for obs in (total, *items):
        Observation.model_validate(obs)
    assert len(items) == 10
    q9 = items[8]
    assert _loinc(q9) == ["44260-8"]
    assert q9["valueCodeableConcept"]["coding"][0]["code"] == "1"
    assert q9["valueCodeableConcept"]["coding"][0]["display"] == "Several days"
    assert _loinc(items[9]) == ["69722-7"]  # the difficulty item
    assert [m["reference"] for m in total["hasMember"]] == [f"Observation/{o['id']}" for o in items]


@pytest.mark.parametrize("code", REG.codes())
@pytest.mark.parametrize("pick", [0, 99])
def test_every_instrument_exports_valid_resources_at_both_ends_of_its_scale(code, pick):
    inst = REG.get(code)
    answers = full_answers(code, value_index=pick)
    total = sum(it.score(answers[it.id]) for it in inst.scored_items)
    band = inst.band_for(total)
    rec = admin(code, answers, total=total, band=band.id if band else None)
    qr, *observations = exporter().administration_resources(rec, per_item=True)
    QuestionnaireResponse.model_validate(qr)
    for obs in observations:
        Observation.model_validate(obs)
    assert len(observations) == 1 + len(inst.items)


def test_ids_are_stable_so_a_second_export_is_identical():
    rec = admin("gad7", full_answers("gad7"), total=0, band="minimal", n=9)
    assert exporter().administration_resources(rec, per_item=True) == \
        exporter().administration_resources(rec, per_item=True)
    qr = exporter().questionnaire_response(rec)
    assert qr["id"] == "00000000-0000-4000-8000-000000000009"
    assert qr["identifier"] == {"system": "urn:ietf:rfc:3986", "value": "urn:uuid:" + qr["id"]}


def test_recorded_version_is_used_in_the_questionnaire_canonical():
    rec = admin("phq2", {"q1": 0, "q2": 0}, total=0, band="negative", instrument_version="Old form 2019")
    qr = exporter().questionnaire_response(rec)
    assert qr["questionnaire"] == "https://openipt.org/fhir/Questionnaire/phq2|old-form-2019"


def test_licensed_site_instrument_response_has_codes_but_no_wording():
    rec = admin("example_perinatal", full_answers("example_perinatal", SITE_REG), total=None)
    qr = exporter(SITE_REG).questionnaire_response(rec)
    QuestionnaireResponse.model_validate(qr)
    assert all("text" not in i for i in qr["item"])
    assert all("display" not in i["answer"][0]["valueCoding"] for i in qr["item"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"instrument_code": "epds"}, "unknown instrument 'epds'"),
        ({"answers": {"q1": 0, "q10": 1}}, "no item 'q10'"),
        ({"answers": {"q4": 7}}, "answers.q4: 7 is not an option"),
        ({"answers": {"q4": True}}, "answers.q4: True is not an option"),
        ({"answers": {"q4": "2"}}, "answers.q4: '2' is not an option"),
        ({"authored": dt.datetime(2025, 3, 4, 10, 30)}, "timezone-aware"),
        ({"uuid": "not-a-uuid"}, "is not a UUID"),
        ({"total": 28}, "total 28 is outside 0-27"),
    ],
)
def test_a_record_that_cannot_be_exported_is_refused_with_the_field(change, message):
    fields = {"answers": phq9_answers(*[0] * 9), "total": 0, "band": "minimal"}
    fields.update(change)
    code = fields.pop("instrument_code", "phq9")
    rec = admin(code, fields.pop("answers"), **fields)
    with pytest.raises(ExportError, match=message.replace("(", r"\(")):
        exporter().administration_resources(rec)
