"""The scripted rehearsal partner: practising well visibly works, and any turn can be replayed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openipt.practice.analyser import analyse
from openipt.practice.rehearsal import (
    AUTOMATED_LABEL,
    PAUSE_TEXT,
    Personalisation,
    Turn,
    load_scenarios,
    next_reply,
    opening,
    reaction_for,
    replay,
)

SCENARIOS = load_scenarios()
HOUSEWORK = SCENARIOS["housework"]
DAN = Personalisation.from_person(name="Daniel", alias="Dan", relationship="husband",
                                  situation="the laundry and the dishes")

BLAME = "You never help with anything!"
REQUEST = "I feel exhausted when the dishes pile up. Could you wash up on weeknights?"
ACKNOWLEDGE = "Thanks, I know you're tired too."
QUESTION = "What would feel fair to you?"


def test_opening_is_the_scenario_first_line_labelled_as_automated():
    reply = next_reply(HOUSEWORK, DAN, [])
    assert reply.text == "Hi. Long day. What's up? You look like you want to say something."
    assert reply.speaker == "Dan"
    assert reply.feedback is None and reply.ended is False
    assert reply.automated is True and reply.label == AUTOMATED_LABEL and reply.source == "script"


def test_personalisation_fills_name_relationship_and_situation():
    scenario = SCENARIOS["housework"]
    from openipt.practice.rehearsal import fill
    assert fill(scenario.title, scenario, DAN) == "Asking Dan to share the housework"
    assert "your husband" in fill(scenario.description, scenario, DAN)
    assert "(the laundry and the dishes)" in fill(scenario.description, scenario, DAN)
    # without personal details the scenario's own defaults are used
    assert fill(scenario.title, scenario, None) == "Asking Sam to share the housework"


def test_personal_text_cannot_inject_placeholders_or_control_characters():
    from openipt.practice.rehearsal import fill
    sneaky = Personalisation(name="{situation}\x00Bob", relationship="x" * 500)
    text = fill("{name} / {relationship}", HOUSEWORK, sneaky)
    assert text.startswith("(situation)Bob / ")
    assert "\x00" not in text and len(text) < 80


def test_blame_makes_the_partner_defensive_and_gets_feedback():
    reply = next_reply(HOUSEWORK, DAN, [BLAME])
    assert reply.reaction == "defensive" and reply.mood == "defensive"
    assert reply.feedback is not None and {"blame_you_statement", "always_never"} <= reply.feedback.patterns


def test_stonewalling_makes_the_partner_go_cold():
    reply = next_reply(HOUSEWORK, DAN, ["Forget it."])
    assert reply.reaction == "cold" and reply.mood == "cold"


def test_i_statement_with_request_softens_the_partner():
    reply = next_reply(HOUSEWORK, DAN, [REQUEST])
    assert reply.reaction == "softer" and reply.mood == "softer"


def test_acknowledging_or_asking_engages_the_partner():
    assert next_reply(HOUSEWORK, DAN, [ACKNOWLEDGE]).reaction == "engaged"
    assert next_reply(HOUSEWORK, DAN, [QUESTION]).reaction == "engaged"


def test_three_good_turns_reach_a_calm_ending():
    reply = next_reply(HOUSEWORK, DAN, [REQUEST, ACKNOWLEDGE, QUESTION])
    assert reply.ended is True and reply.mood == "calm"
    assert "Weeknight dishes are mine" in reply.text


def test_a_slip_undoes_progress_and_good_turns_recover_it():
    convo = [REQUEST, ACKNOWLEDGE, BLAME]
    assert next_reply(HOUSEWORK, DAN, convo).mood == "defensive"
    assert next_reply(HOUSEWORK, DAN, convo + [REQUEST, ACKNOWLEDGE, QUESTION]).ended is True


def test_every_client_message_gets_feedback():
    exchanges = replay(HOUSEWORK, DAN, [BLAME, "", "ok", REQUEST, "日本語"])
    assert len(exchanges) == 5
    for exchange in exchanges:
        assert exchange.feedback.feedback
        assert exchange.reply.feedback is exchange.feedback


def test_truncating_the_transcript_replays_an_earlier_turn_exactly():
    # given a finished conversation
    full = [BLAME, REQUEST, ACKNOWLEDGE, QUESTION]
    played = replay(HOUSEWORK, DAN, full)
    # when it is cut after the first message and a different second message is tried
    again = next_reply(HOUSEWORK, DAN, full[:1])
    what_if = next_reply(HOUSEWORK, DAN, full[:1] + ["Whatever."])
    # then the first turn is identical and the new branch reacts to the new words
    assert again == played[0].reply
    assert what_if.mood == "cold"


def test_partner_turns_in_the_transcript_are_ignored_for_the_script():
    with_partner = [Turn("partner", "anything at all"), Turn("client", REQUEST), Turn("partner", "x"),
                    Turn("client", ACKNOWLEDGE)]
    assert next_reply(HOUSEWORK, DAN, with_partner) == next_reply(HOUSEWORK, DAN, [REQUEST, ACKNOWLEDGE])


def test_repeated_visits_vary_the_line():
    first = next_reply(HOUSEWORK, DAN, [BLAME])
    second = next_reply(HOUSEWORK, DAN, [BLAME, BLAME])
    assert first.node == second.node == "bristle"
    assert first.text != second.text


def test_switched_roles_model_helpful_lines_and_stay_calm():
    # given the client plays Dan and the partner plays the client
    first = opening(HOUSEWORK, DAN, "switched")
    assert "laundry and the dishes" in first.text
    assert first.model_feedback is not None and first.model_feedback.helpful >= 1
    assert first.model_feedback.hurtful == 0
    # when the client (as Dan) is hostile, the model line is a calming one and does not move on
    hostile = next_reply(HOUSEWORK, DAN, ["Oh great, more nagging."], "switched")
    assert hostile.node.startswith("switch:calm") and hostile.model_feedback.hurtful == 0
    # when the client answers calmly, the partner moves through its lines to an ending
    calm = ["Okay, go on.", "I guess so.", "Sure.", "Okay."]
    nodes = [e.reply.node for e in replay(HOUSEWORK, DAN, calm, "switched")]
    assert nodes == ["switch:1", "switch:2", "switch:3", "switch:end"]
    assert replay(HOUSEWORK, DAN, calm, "switched")[-1].reply.ended is True


def test_unknown_role_is_refused():
    with pytest.raises(ValueError):
        replay(HOUSEWORK, DAN, ["hi"], "therapist")  # type: ignore[arg-type]


def test_reaction_mapping_follows_the_analyser():
    assert reaction_for(analyse("You're an idiot")) == "defensive"
    assert reaction_for(analyse("Whatever.")) == "cold"
    assert reaction_for(analyse("I understand, that makes sense.")) == "engaged"
    assert reaction_for(analyse("I'm worried. Could we talk on Sunday?")) == "softer"
    assert reaction_for(analyse("Could we talk on Sunday?")) == "neutral"
    # hurtful wins over helpful in the same message
    assert reaction_for(analyse("I understand, but you never help.")) == "defensive"


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_every_scenario_can_be_finished_by_practising_well(scenario_id):
    scenario = SCENARIOS[scenario_id]
    good = ["I understand this is hard for you.", "What would help you most?", "Thanks, that makes sense."]
    reply = next_reply(scenario, None, good)
    assert reply.ended is True, scenario_id
    assert reply.mood in ("calm", "warm")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(SCENARIOS)),
       st.lists(st.sampled_from([BLAME, REQUEST, ACKNOWLEDGE, QUESTION, "Whatever.", "ok", "", "😊"]),
                max_size=12),
       st.sampled_from(["client", "switched"]))
def test_any_conversation_is_deterministic_and_well_formed(scenario_id, messages, role):
    scenario = SCENARIOS[scenario_id]
    first = replay(scenario, DAN, messages, role)
    second = replay(scenario, DAN, messages, role)
    assert first == second
    assert len(first) == len(messages)
    for exchange in first:
        assert exchange.reply.text and "{" not in exchange.reply.text
        assert exchange.reply.automated is True


@pytest.mark.parametrize("role", ["client", "switched"])
def test_a_message_that_may_be_about_harm_pauses_the_practice(role):
    # given a conversation where the client writes something that may be about harm
    convo = [REQUEST, "I want to end my life", ACKNOWLEDGE]
    exchanges = replay(HOUSEWORK, DAN, convo, role)
    # then the practice pauses at that message and stays paused
    assert [e.reply.paused for e in exchanges] == [False, True, True]
    assert exchanges[1].reply.text == PAUSE_TEXT and exchanges[1].reply.ended is True
    assert exchanges[1].feedback.held is True
    # and cutting the transcript before that message resumes normal practice
    assert next_reply(HOUSEWORK, DAN, convo[:1], role).paused is False


def test_the_risk_screen_passed_in_also_pauses():
    reply = next_reply(HOUSEWORK, DAN, [REQUEST], screen=lambda text: "exhausted" in text)
    assert reply.paused is True
