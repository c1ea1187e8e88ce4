"""The formulation draft: one template per area and dispute stage, plain words, refuses without an area."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openipt.assessment.formulation import (
    TEMPLATE_DIR,
    Formulation,
    FormulationError,
    draft_formulation,
    draft_from_suggestion,
    parse_templates,
    phq9_band,
)
from openipt.assessment.suggest import DataFileError, parse_case, suggest
from openipt.assessment.suggest.case import Event
from openipt.assessment.suggest.dates import parse_approx_date

CHOICES = [("grief", None), ("role_dispute", "renegotiation"), ("role_dispute", "impasse"),
           ("role_dispute", "dissolution"), ("role_transition", None), ("interpersonal_deficits", None)]
SHIPPED = (TEMPLATE_DIR / "formulation.en.yaml").read_text(encoding="utf-8")


def syllables(word):
    word = word.lower()
    groups = re.findall(r"[aeiouy]+", word)
    count = len(groups)
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(1, count)


def grade_level(text):
    """Flesch-Kincaid grade: 0.39 x words/sentence + 11.8 x syllables/word - 15.59."""
    sentences = [s for s in re.split(r"[.!?]+(?:\s|$)", text) if s.strip()]
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", text)
    return 0.39 * len(words) / len(sentences) + 11.8 * sum(map(syllables, words)) / len(words) - 15.59


@pytest.mark.parametrize("area", [None, "", "none"])
def test_no_area_chosen_is_refused(area):
    with pytest.raises(FormulationError, match="no problem area chosen"):
        draft_formulation(area, "moderate")


def test_an_unknown_area_is_refused():
    with pytest.raises(FormulationError, match="unknown problem area 'sadness'"):
        draft_formulation("sadness", "moderate")


def test_a_dispute_needs_a_stage_and_other_areas_take_none():
    with pytest.raises(FormulationError, match="needs a stage"):
        draft_formulation("role_dispute", "moderate")
    with pytest.raises(FormulationError, match="applies only to a role dispute"):
        draft_formulation("grief", "moderate", stage="impasse")


@pytest.mark.parametrize("symptoms", ["", "   ", True])
def test_empty_symptoms_are_refused(symptoms):
    with pytest.raises(FormulationError):
        draft_formulation("grief", symptoms)


@pytest.mark.parametrize("total, band", [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
                                         (14, "moderate"), (15, "moderately_severe"), (19, "moderately_severe"),
                                         (20, "severe"), (27, "severe")])
def test_phq9_totals_map_to_the_published_bands(total, band):
    assert phq9_band(total) == band


@pytest.mark.parametrize("total", [-1, 28])
def test_phq9_totals_outside_0_to_27_are_refused(total):
    with pytest.raises(FormulationError, match="from 0 to 27"):
        draft_formulation("grief", total)


def test_grief_draft_names_the_person_and_the_onset():
    f = draft_formulation("grief", 12, people=["Rose"], onset="2026-03")
    assert "Your answers on the mood questionnaire (PHQ-9) show moderate signs of depression." in f.client_text
    assert "Your low mood began in March 2026, after Rose died." in f.client_text
    assert "we will talk about Rose" in f.client_text
    assert f.staff_text.startswith("Problem area: grief. Focus: death of Rose.")
    assert "Symptoms: PHQ-9 12 (moderate)." in f.staff_text


def test_free_text_symptoms_are_quoted_back_to_the_client():
    f = draft_formulation("role_transition", "poor sleep and no energy.", events=["Moved to a new city"])
    assert "You told me how you have been feeling: poor sleep and no energy." in f.client_text
    assert "a big change in your life: Moved to a new city." in f.client_text
    assert "Symptoms: poor sleep and no energy." in f.staff_text


def test_each_dispute_stage_has_its_own_words_following_the_ipt_definitions():
    drafts = {stage: draft_formulation("role_dispute", "mild", stage=stage, people=["Jo"])
              for stage in ("renegotiation", "impasse", "dissolution")}
    texts = {stage: d.client_text for stage, d in drafts.items()}
    # renegotiation: still actively negotiating, often arguing
    assert "You still talk about it, or argue about it" in texts["renegotiation"]
    # impasse: talking has stopped, resentment smoulders
    assert "the talking has stopped. Hurt or anger can build up" in texts["impasse"]
    # dissolution: one or both want to end it (not only the client)
    assert "One of you, or both, want to end this relationship" in texts["dissolution"]
    assert len(set(texts.values())) == 3
    assert "Stage: talking has stopped and resentment smoulders." in drafts["impasse"].staff_text
    assert "Stage: one or both want to end the relationship." in drafts["dissolution"].staff_text


def test_missing_details_fall_back_to_general_words():
    f = draft_formulation("grief", "severe")
    assert "Your low mood came after the death of someone close to you." in f.client_text
    assert "Onset:" not in f.staff_text
    assert "Focus: loss (not yet named)." in f.staff_text


@pytest.mark.parametrize("area, stage", CHOICES)
def test_client_text_is_plain_and_warm_and_staff_text_is_short(area, stage):
    f = draft_formulation(area, 16, stage=stage, people=["Sam"], events=["Started a new job"], onset="2026-01")
    # about a 12-year-old's reading level: Flesch-Kincaid grade 7 or below
    assert grade_level(f.client_text) <= 7.0, f.client_text
    assert "not your fault" in f.client_text
    assert f.client_text.endswith("change anything that does not fit.")
    assert len(f.staff_text.split()) < len(f.client_text.split())
    assert "{" not in f.client_text + f.staff_text


@given(st.sampled_from(CHOICES), st.one_of(st.integers(0, 27), st.sampled_from(["mild", "severe", "tired"])),
       st.lists(st.sampled_from(["Ann", "Bo"]), max_size=2), st.lists(st.just("A move"), max_size=1),
       st.sampled_from([None, "2025", "2025-06", "2025-06-14"]))
def test_every_combination_of_inputs_gives_a_complete_draft(choice, symptoms, people, events, onset):
    area, stage = choice
    f = draft_formulation(area, symptoms, stage=stage, people=people, events=events, onset=onset)
    assert f.client_text and f.staff_text
    assert "{" not in f.client_text + f.staff_text and "  " not in f.client_text


def test_a_bad_onset_is_refused_clearly():
    with pytest.raises(FormulationError, match="onset: not a date"):
        draft_formulation("grief", 10, onset="last spring")


def test_draft_from_a_suggestion_uses_its_focus_and_stage():
    case = parse_case({
        "reference_date": "2026-04-20", "onset": {"date": "2025-12"},
        "inventory": [{"name": "Abby", "relationship": "daughter", "ring": "inner",
                       "conflicts": [{"topic": "the wedding", "talking": "stopped"}]}],
        "timeline": [],
    })
    [top] = suggest(case)
    f = draft_from_suggestion(case, top, "moderate")
    assert "Your low mood began in December 2025, when things got stuck between you and Abby." in f.client_text
    assert "Problem area: role dispute, stage: impasse. Focus: Abby (daughter)." in f.staff_text


def test_draft_from_a_none_suggestion_is_refused():
    case = parse_case({"reference_date": "2026-04-20", "inventory": [], "timeline": []})
    [none] = suggest(case)
    with pytest.raises(FormulationError, match="no problem area chosen"):
        draft_from_suggestion(case, none, 10)


def test_template_file_errors_name_file_and_line():
    line = next(i for i, text in enumerate(SHIPPED.splitlines(), 1) if "sick_role:" in text)
    broken = SHIPPED.replace("It is not your fault, and it can get better.", "It is {blame}.", 1)
    with pytest.raises(DataFileError, match=rf"^f.yaml:{line}: symptoms.sick_role: unknown placeholder \{{blame\}}"):
        parse_templates(broken, "f.yaml")


def test_a_template_file_missing_a_stage_is_refused():
    broken = SHIPPED.replace("    impasse:\n", "    stalemate:\n", 1)
    dispute = next(i for i, text in enumerate(broken.splitlines(), 1) if text == "  role_dispute:")
    stalemate = next(i for i, text in enumerate(broken.splitlines(), 1) if text == "    stalemate:")
    with pytest.raises(DataFileError) as caught:
        parse_templates(broken, "f.yaml")
    assert str(caught.value).splitlines() == [
        f"f.yaml:{dispute}: client.role_dispute.impasse: is missing",
        f"f.yaml:{stalemate}: client.role_dispute.stalemate: unknown key",
    ]


def dispute_case(dispute_date: str) -> Formulation:
    case = parse_case({
        "reference_date": "2026-04-20", "onset": {"date": "2025-12"},
        "inventory": [{"name": "Abby", "relationship": "daughter", "ring": "inner",
                       "conflicts": [{"topic": "the wedding", "talking": "stopped"}]}],
        "timeline": [{"date": dispute_date, "kind": "dispute", "people": ["Abby"], "description": "Row about the wedding"}],
    })
    return draft_from_suggestion(case, suggest(case)[0], "moderate")


def test_a_conflict_that_started_a_month_after_the_onset_is_not_said_to_be_when_the_mood_began():
    text = dispute_case("2026-01").client_text
    assert "Your low mood began in December 2025." in text
    assert "stuck between you and Abby." not in text and "stuck in a disagreement with" not in text


@pytest.mark.parametrize("started", ["2025-12-20", "2025-12", "2025-11-15", "2024"])
def test_a_conflict_that_started_before_or_around_the_onset_is_linked_to_it(started):
    assert "Your low mood began in December 2025, when things got stuck between you and Abby." in dispute_case(started).client_text


def test_a_death_or_change_after_the_onset_is_not_given_as_its_cause():
    death = Event(index=0, date=parse_approx_date("2025-06-02"), kind="death", description="Gran died")
    grief = draft_formulation("grief", 10, people=["Gran"], events=[death], onset="2025-05-10")
    assert "Your low mood began on 10 May 2025." in grief.client_text and "after Gran died" not in grief.client_text
    assert "Onset: 10 May 2025." in grief.staff_text
    move = Event(index=0, date=parse_approx_date("2025-04"), kind="role_change", description="Moved city for work")
    linked = draft_formulation("role_transition", 10, events=[move], onset="2025-05")
    assert "Your low mood began in May 2025, around the time of a big change in your life: Moved city for work." in linked.client_text


def test_typed_event_text_ends_the_staff_focus_line_instead_of_sitting_mid_sentence():
    move = Event(index=0, date=parse_approx_date("2025-04"), kind="role_change", description="Moved city, hated it")
    staff = draft_formulation("role_transition", 10, events=[move]).staff_text
    assert "Focus: change in April 2025: Moved city, hated it." in staff
