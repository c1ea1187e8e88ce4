"""Reading replies and numbers (pure): check-in answers as people type them, stop and start words, E.164."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openipt.sms import replies


@pytest.mark.parametrize("text, expected", [
    ("1 0 0", (1, 0, 0, "")), ("1,0,0", (1, 0, 0, "")), ("1 0 2", (1, 0, 2, "")), ("100", (1, 0, 0, "")),
    (" 3-3-3 ", (3, 3, 3, "")), ("0, 1, 2 thanks", (0, 1, 2, "thanks")), ("2.1.0", (2, 1, 0, "")),
    ("1 0 0\nI feel tired", (1, 0, 0, "I feel tired")), ("１ ０ ０", (1, 0, 0, "")),
])
def test_a_check_in_reply_is_read_as_three_answers(text, expected):
    answer = replies.parse_checkin(text)
    assert answer is not None
    assert (answer.q1, answer.q2, answer.q9, answer.rest) == expected


@pytest.mark.parametrize("text", ["", "yes", "1 0", "1 0 0 0", "1 4 0", "10 0 0", "1000", "-1 0 0", "1 0 0 5",
                                  "one zero zero", "12", None, 100, "4 4 4"])
def test_anything_else_is_not_an_answer(text):
    assert replies.parse_checkin(text) is None


def test_phq2_total_and_answers_for_the_questionnaire():
    answer = replies.parse_checkin("2 1 1")
    assert answer is not None and answer.phq2_total == 3 and answer.answers() == {"q1": 2, "q2": 1, "q9": 1}


@given(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3), st.sampled_from([" ", ",", ", ", "-", "  ", "."]))
def test_every_valid_answer_set_is_read_back_whatever_the_separator(a, b, c, sep):
    answer = replies.parse_checkin(f"{a}{sep}{b}{sep}{c}")
    assert answer is not None and answer.answers() == {"q1": a, "q2": b, "q9": c}


@pytest.mark.parametrize("text", ["STOP", "stop", "Stop!", " stop all ", "STOPALL", "UNSUBSCRIBE", "cancel", "END",
                                  "QUIT", "Acha", "SITISHA", "alto", "BAJA", "parar"])
def test_stop_words_in_english_swahili_and_spanish(text):
    assert replies.is_stop(text) and not replies.is_start(text)


@pytest.mark.parametrize("text", ["please stop calling me names", "stop it", "1 0 0", "", "I want to end it all"])
def test_a_sentence_with_stop_in_it_is_not_a_stop_word(text):
    assert not replies.is_stop(text)


@pytest.mark.parametrize("text", ["START", "start", "Unstop", "ANZA", "alta"])
def test_start_words(text):
    assert replies.is_start(text)


@pytest.mark.parametrize("raw, expected", [
    ("+254 712 345 678", "+254712345678"), ("00254712345678", "+254712345678"), ("+1 (415) 555-0100", "+14155550100"),
    ("0712345678", None), ("+0712345678", None), ("+2547", None), ("+25471234567890123", None), ("abc", None),
    ("+２５４７１２３４５６７８", None), (None, None),
])
def test_numbers_are_written_in_e164_or_refused(raw, expected):
    assert replies.normalise_phone(raw) == expected


def test_a_number_is_shown_by_its_last_three_digits_only():
    assert replies.mask_phone("+254712345678") == "…678"
