"""The free-text risk detector: what it flags, how it reads context, and that it never breaks."""

import dataclasses
import signal
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openipt.safety.riskdetect import (
    SEVERITY_RANK,
    Opinion,
    ScanResult,
    default_patterns,
    scan,
    scan_with_second_opinion,
)


def families(result: ScanResult) -> set[str]:
    return {m.family for m in result.matches}


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("I don't see the point of going on", "hopelessness"),
        ("they'd be better off without me", "burden"),
        ("I won't be a problem much longer", "farewell_preparation"),
        ("I've been giving my things away", "farewell_preparation"),
        ("I looked up how many pills", "plan_or_means"),
        ("I want to go to sleep and not wake up", "passive_death_wish"),
        ("I keep thinking about killing myself", "suicidal_thoughts"),
        ("I cut myself again last night", "self_harm"),
        ("I've been saving up my tablets", "plan_or_means"),
    ],
)
def test_direct_and_indirect_expressions_are_flagged_high(text, family):
    # given a sentence that clinicians read as a warning sign
    # when it is scanned
    result = scan(text)
    # then it is flagged high, under the expected family
    assert result.flag
    assert result.severity == "high"
    assert family in families(result)


def test_a_denial_is_still_flagged_but_low_and_marked_negated():
    result = scan("I would never hurt myself")
    assert result.flag
    assert result.severity == "low"
    assert result.matches[0].modifiers == ("negated",)


def test_negation_inside_the_phrase_is_not_a_denial():
    # "don't want to live" is the risk itself, not a denial of it
    assert scan("I don't want to live anymore").severity == "high"
    # "can't stop thinking" does not deny the thought
    assert scan("I can't stop thinking about killing myself").severity == "high"
    # "a reason not to end it" says the urge is there
    assert scan("trying to find a reason not to end it").severity == "high"


def test_someone_else_s_words_are_flagged_lower_and_marked_reported():
    result = scan("my friend said she wanted to die")
    assert result.flag
    assert result.severity == "low"
    assert "reported" in result.matches[0].modifiers


def test_the_writer_is_not_reported_even_when_others_are_named():
    assert scan("My mum thinks I'm fine but I want to kill myself").severity == "high"
    assert scan("My wife would be better off if I wasn't here.").severity == "high"
    assert scan("He says I should kill myself.").severity == "high"


@pytest.mark.parametrize(
    "text",
    [
        "this traffic is killing me",
        "I could murder a coffee",
        "I nearly died laughing",
        "I'm dead tired",
        "we played cards to kill time",
        "that was a killer workout",
        "this cake is to die for",
        "I'm killing myself laughing at this",
        "I wanted to die of embarrassment",
        "I cut myself shaving",
        "Kill yourself in Minecraft to respawn at your bed",
        "Quitting now would be career suicide",
        "Coach made us run suicides",
        "I'm better off without him",
        "We went bungee jumping off a bridge",
        "I'm hopeless at maths",
        "I can't go on the trip this weekend",
    ],
)
def test_idioms_and_everyday_phrases_are_not_flagged(text):
    assert not scan(text).flag


def test_an_idiom_match_is_set_aside_with_its_reason_shown():
    result = scan("I'm killing myself laughing")
    assert not result.flag
    assert [s.reason for s in result.set_aside] == ["idiom:idiom.kill_self_effort"]


def test_talk_about_a_film_or_book_is_set_aside():
    result = scan("The film is about a man who kills himself.")
    assert not result.flag
    assert result.set_aside[0].reason == "media"
    # but the writer's own words about a book still count
    assert scan("The book made me want to kill myself.").severity == "high"


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        ("kms", "high"),
        ("ugh i swear im gonna kms", "high"),
        ("people keep telling me to kys", "medium"),
        ("i wanna unalive myself", "high"),
        ("I feel suicidal", "high"),
        ("thinking about sucide", "high"),
        ("I self harm when it gets bad", "high"),
        ("my selfharm is getting worse", "high"),
        ("started self-harming again", "high"),
        ("gonna od tonight", "high"),
        ("i want to diiiiie", "high"),
        ("I WANT TO KILL MYSELF", "high"),
        ("They’d be better off without me", "high"),
        ("I feel suïcidal", "high"),
        ("i want 2 die", "high"),
        ("thinkin bout suicid", "high"),
    ],
)
def test_spelling_variants_and_text_speak_are_caught(text, severity):
    assert scan(text).severity == severity


def test_spans_point_into_the_original_text():
    text = "Honestly?? I really WANT to díe, ok"
    result = scan(text)
    match = result.matches[0]
    assert match.text == "WANT to díe"
    assert text[match.start : match.end] == match.text


def test_an_if_clause_lowers_severity_but_asking_about_means_does_not():
    safety_plan = scan("If I ever feel suicidal I will call my therapist")
    assert safety_plan.severity == "low"
    assert "hypothetical" in safety_plan.matches[0].modifiers
    means = scan("What would happen if I took all my pills at once?")
    assert means.severity == "high"
    assert "hypothetical" in means.matches[0].modifiers


def test_a_threat_after_an_if_clause_stays_high():
    assert scan("If he leaves me I will kill myself").severity == "high"


def test_resolved_history_is_flagged_low_and_marked_past():
    result = scan("Years ago I was suicidal but I'm well now")
    assert result.severity == "low"
    assert result.matches[0].modifiers == ("past",)


def test_history_that_has_come_back_is_not_past():
    assert scan("I used to cut myself and I've started again").severity == "high"
    assert scan("I was suicidal years ago and it's coming back").severity == "high"


def test_plain_everyday_text_gives_a_clean_result():
    result = scan("We had a lovely walk by the river today.")
    assert result == ScanResult(flag=False, severity=None, matches=(), version=result.version, language="en")


def test_result_is_frozen_and_names_the_rule_set_version():
    result = scan("I want to die")
    assert result.version == default_patterns().version
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.flag = False  # type: ignore[misc]


def test_none_and_bytes_are_accepted_and_other_types_are_refused():
    assert not scan(None).flag  # type: ignore[arg-type]
    assert scan(b"I want to die \xff").flag  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        scan(42)  # type: ignore[arg-type]


def test_second_opinion_can_add_a_flag_to_clean_text():
    def checker(text, result):
        return Opinion(flag=True, severity="medium", reason="Unusual phrasing about leaving.")

    result = scan_with_second_opinion("I have sorted everything out now, it is time.", checker)
    assert result.flag
    assert result.severity == "medium"
    assert result.matches[-1].rule_id == "second_opinion"


def test_second_opinion_cannot_remove_or_lower_a_flag():
    def says_fine(text, result):
        return Opinion(flag=False)

    def says_low(text, result):
        return Opinion(flag=True, severity="low", reason="maybe")

    assert scan_with_second_opinion("I want to die", says_fine).severity == "high"
    assert scan_with_second_opinion("I want to die", says_low).severity == "high"


def test_a_failing_second_opinion_leaves_the_pattern_result_and_says_so():
    def broken(text, result):
        raise TimeoutError("model did not answer")

    result = scan_with_second_opinion("I want to die", broken)
    assert result.severity == "high"
    assert "second opinion failed" in result.notes[0]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_scans_without_error_and_reports_consistent_spans(text):
    result = scan(text)
    assert result.flag == bool(result.matches)
    for m in result.matches:
        assert 0 <= m.start <= m.end <= len(text)
        assert text[m.start : m.end] == m.text
    if result.matches:
        assert result.severity == max((m.severity for m in result.matches), key=SEVERITY_RANK.get)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_nothing_written_before_a_new_line_can_hide_a_plain_statement(prefix):
    result = scan(prefix + "\nI want to kill myself.")
    assert result.severity == "high"


@contextmanager
def hang_guard(seconds: int):
    """Fail instead of hanging forever (Unix only); this is a safety net, not a speed test."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def on_alarm(signum, frame):
        raise AssertionError(f"scan did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    "text",
    [
        "a" * 100_000,
        "not " * 25_000,
        "if i " * 20_000,
        "\u200b" * 100_000,
        "😭" * 50_000,
        "d" + "i" * 60_000 + "e" * 40_000,
        "want to " * 12_500,
    ],
)
def test_100_kb_of_adversarial_text_finishes(text):
    with hang_guard(120):
        assert scan(text).flag is False


def test_100_kb_of_repeated_risk_finds_every_sentence():
    count = 6_000
    text = "I want to die. " * count
    with hang_guard(120):
        result = scan(text)
    assert len(text) > 80_000
    assert len(result.matches) == count
    assert all(text[m.start : m.end] == "want to die" for m in result.matches)
