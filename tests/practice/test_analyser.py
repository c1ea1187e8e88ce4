"""Behaviour of the communication analyser that a client and a therapist rely on."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openipt.practice.analyser import MAX_CHARS, Analysis, analyse, default_patterns
from openipt.practice.analyser import rules as rules_module

HELPFUL = {"i_statement", "naming_feeling", "specific_request", "acknowledging_other", "inviting_question"}
HURTFUL = {"blame_you_statement", "always_never", "mind_reading", "sarcasm", "threat_ultimatum",
           "name_calling", "stonewalling"}


def test_shipped_patterns_cover_both_families_exactly():
    # given the shipped pattern file
    pset = default_patterns()
    # then it holds exactly the twelve patterns of the brief, each in its family
    assert {p.id for p in pset.patterns if p.family == "helpful"} == HELPFUL
    assert {p.id for p in pset.patterns if p.family == "hurtful"} == HURTFUL


def test_blame_with_never_is_found_with_its_span():
    # given a classic blaming sentence
    text = "You never listen to me"
    # when it is analysed
    result = analyse(text)
    # then blame and "never" are both found, pointing at "You never" (characters 0-9)
    by_id = {f.pattern: f for f in result.findings}
    assert set(by_id) == {"blame_you_statement", "always_never"}
    assert by_id["always_never"].span == (0, 9)
    assert by_id["always_never"].text == "You never"
    assert result.hurtful == 2 and result.helpful == 0


def test_feeling_dressed_blame_is_not_an_i_statement():
    # given blame that starts with "I feel like"
    result = analyse("I feel like you never listen")
    # then it counts as blame and a global word, and not as speaking for yourself
    assert result.patterns == {"blame_you_statement", "always_never"}


def test_praise_with_always_is_not_hurtful():
    # given praise that uses "always"
    result = analyse("You always make me laugh")
    # then nothing hurtful is found
    assert result.hurtful == 0


def test_accusing_question_is_not_an_open_question():
    # given a question that is really an accusation
    result = analyse("Why do you ALWAYS do this?")
    # then it is blame with a global word, not an inviting question
    assert result.patterns == {"blame_you_statement", "always_never"}


def test_i_statement_with_feeling_and_request_is_all_helpful():
    # given a well-formed request
    text = "I feel hurt when the dishes pile up. Could you wash up on weeknights?"
    result = analyse(text)
    # then the three helpful patterns are found and nothing hurtful
    assert result.patterns == {"i_statement", "naming_feeling", "specific_request"}
    request = next(f for f in result.findings if f.pattern == "specific_request")
    assert text[request.start:request.end] == "Could you"


def test_spans_point_into_the_original_text_with_curly_apostrophes():
    # given a message typed with a curly apostrophe and leading spaces
    text = "   I’m done talking."
    result = analyse(text)
    # then the span covers the original characters, apostrophe included
    finding = next(f for f in result.findings if f.pattern == "stonewalling")
    assert (finding.start, finding.end) == (3, 19)
    assert finding.text == "I’m done talking"


def test_each_finding_carries_a_suggestion_and_family():
    result = analyse("Whatever. You're so lazy.")
    assert {f.pattern for f in result.findings} == {"stonewalling", "name_calling"}
    for finding in result.findings:
        assert finding.family == "hurtful"
        assert len(finding.suggestion) > 40


def test_feedback_praises_first_then_at_most_two_changes():
    # given a message with one helpful and four hurtful patterns
    text = "I'm upset. You never help, you're lazy, and if you don't start I'm leaving. Whatever."
    result = analyse(text)
    assert "naming_feeling" in result.patterns and result.hurtful >= 4
    feedback = result.feedback
    # then praise comes before the changes, and only the two most important changes are named
    assert feedback.index("What works") < feedback.index("Things to change")
    pset = default_patterns()
    changes = feedback.split("Things to change:")[1]
    named = [p.id for p in pset.patterns if p.family == "hurtful" and p.feedback in changes]
    assert named == ["threat_ultimatum", "name_calling"]
    assert "start with these" in feedback


def test_feedback_for_nothing_found_offers_a_way_to_start():
    result = analyse("The bus was late today.")
    assert result.findings == ()
    assert "I feel" in result.feedback


def test_empty_message_gets_a_prompt_not_an_error():
    for text in ("", "   \n\t"):
        result = analyse(text)
        assert result.findings == () and result.helpful == 0 and result.hurtful == 0
        assert "nothing to look at" in result.feedback


def test_other_scripts_get_an_english_only_note():
    result = analyse("Ты никогда меня не слушаешь")
    assert result.findings == ()
    assert result.english is False
    assert "English" in result.feedback


def test_emoji_do_not_disturb_matching_or_spans():
    text = "😡😡 You never call me 😢"
    result = analyse(text)
    assert "always_never" in result.patterns
    finding = next(f for f in result.findings if f.pattern == "always_never")
    assert text[finding.start:finding.end] == "You never"


def test_twenty_kilobytes_are_analysed_whole():
    text = "I feel sad. " * 1666 + "Whatever."
    assert len(text) > 20_000
    result = analyse(text)
    assert result.truncated is False
    assert "stonewalling" in result.patterns
    assert result.helpful >= 1000


def test_text_longer_than_the_limit_is_cut_and_says_so():
    text = "a " * (MAX_CHARS // 2) + "Whatever."
    result = analyse(text)
    assert result.truncated is True
    assert "stonewalling" not in result.patterns
    assert "only the first part" in result.feedback


def test_analysis_is_frozen():
    result = analyse("I feel sad")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.feedback = "changed"  # type: ignore[misc]
    assert isinstance(result.findings, tuple)


def test_non_string_input_does_not_crash():
    assert analyse(None).findings == ()  # type: ignore[arg-type]
    assert isinstance(analyse(12345), Analysis)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_valid_spans(text):
    # given any text at all
    result = analyse(text)
    # then every span lies inside it and matches the reported text
    for finding in result.findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert text[finding.start:finding.end] == finding.text
    assert result.helpful + result.hurtful == len(result.findings)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["you", "never", "i", "am", "so", "feel", "whatever", "again", ",", "?", "'",
                                 "could", "nothing", "every", "time", "😊", "не", "if", "or", "else"]),
                max_size=200))
def test_word_salad_from_pattern_words_never_crashes(words):
    result = analyse(" ".join(words))
    assert isinstance(result.feedback, str) and result.feedback


def _work(text: str, monkeypatch) -> int:
    """Count word tests made while analysing `text` (a measure of work, not of time)."""
    calls = 0
    original = rules_module.Step.accepts

    def counting(self, norm):
        nonlocal calls
        calls += 1
        return original(self, norm)

    monkeypatch.setattr(rules_module.Step, "accepts", counting)
    analyse(text)
    monkeypatch.setattr(rules_module.Step, "accepts", original)
    return calls


@pytest.mark.parametrize("unit", ["you never ", "you are always there, ", "I feel so ", "you ever again, ",
                                  "what do you think ", "oh , great ",
                                  "I feel hurt when you never listen, whatever. Could you call me? "])
def test_work_grows_in_step_with_the_text(unit, monkeypatch):
    # given the same unit repeated n and 4n times, in one long sentence or many
    small = _work(unit * 250, monkeypatch)
    large = _work(unit * 1000, monkeypatch)
    # then four times the text costs about four times the work (linear, not quadratic)
    assert small > 0
    assert large <= 4.4 * small


@pytest.mark.parametrize("text", ["I want to kill myself", "Honestly I feel like ending it all.",
                                  "Everyone would be better off without me", "I'm going to hurt him"])
def test_messages_that_may_be_about_harm_get_no_tips(text):
    # given a message that may be about harm to self or others
    result = analyse(text)
    # then it is held: no findings and no praise, only a pointer to real help
    assert result.held is True and result.findings == ()
    assert "What works" not in result.feedback and "emergency" in result.feedback


def test_ordinary_hurt_is_not_held():
    assert analyse("I'm sorry I hurt you.").held is False
    assert analyse("You hurt me when you left.").held is False


def test_a_screen_can_hold_a_message_and_fails_closed():
    flagged = analyse("I feel sad", screen=lambda text: "sad" in text)
    assert flagged.held is True and flagged.findings == ()
    assert analyse("I feel sad", screen=lambda text: False).held is False

    def broken(text):
        raise RuntimeError("screen down")

    assert analyse("I feel sad", screen=broken).held is True
