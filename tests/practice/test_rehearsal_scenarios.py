"""Shipped scenarios cover every problem area and dispute stage; broken ones are refused with lines."""

from __future__ import annotations

import pytest

from openipt.practice.analyser import DataError, analyse
from openipt.practice.rehearsal import AREAS, STAGES, load_scenario, load_scenarios, parse_scenario_text

MINIMAL = """\
id: tiny
area: role_dispute
stage: renegotiation
title: Talking with {name}
description: Practise with your {relationship} about {situation}.
other:
  name: Kim
  relationship: friend
  mood: a bit tense
situation: the noise
opening: "Hi. What's up?"
start: {defensive: upset, cold: upset, otherwise: fine}
nodes:
  upset:
    mood: defensive
    say: "That's not fair."
    next: {otherwise: fine}
  fine:
    mood: calm
    end: true
    say: ["Okay, let's sort it out."]
switch:
  brief: You play {name}.
  lines: ["I feel stressed about the noise. Could you turn it down after ten?"]
  after_hurtful: ["I understand you're annoyed."]
  ending: Thanks.
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(DataError) as caught:
        parse_scenario_text(text, "tiny.yaml")
    return list(caught.value.problems)


def test_shipped_scenarios_cover_every_area_and_dispute_stage():
    scenarios = load_scenarios()
    assert len(scenarios) >= 7
    assert {s.area for s in scenarios.values()} == set(AREAS)
    assert {s.stage for s in scenarios.values() if s.area == "role_dispute"} == set(STAGES)
    assert {"housework", "quiet_parent", "ending_relationship", "telling_parent_decision", "saying_no_friend",
            "grief_relative", "meeting_someone_new", "coffee_colleague"} <= set(scenarios)


def test_shipped_model_lines_are_helpful_by_the_analyser():
    for scenario in load_scenarios().values():
        for line in scenario.switch.lines + scenario.switch.after_hurtful:
            result = analyse(line.replace("{", "").replace("}", ""))
            assert result.helpful >= 1 and result.hurtful == 0, (scenario.id, line)


def test_minimal_scenario_loads():
    scenario = parse_scenario_text(MINIMAL, "tiny.yaml")
    assert scenario.start["neutral"] == "fine" and scenario.start["cold"] == "upset"
    assert scenario.nodes["fine"].end is True


def test_unknown_area_names_the_line():
    assert _problems(MINIMAL.replace("area: role_dispute", "area: romance")) == [
        "tiny.yaml:2: area: unknown problem area 'romance' (allowed: grief, role_dispute, role_transition, "
        "interpersonal_deficits)"]


def test_unknown_or_missing_stage_is_refused():
    assert _problems(MINIMAL.replace("stage: renegotiation", "stage: war")) == [
        "tiny.yaml:3: stage: a role dispute needs a stage: renegotiation, impasse, dissolution (got 'war')"]
    text = MINIMAL.replace("area: role_dispute", "area: grief")
    assert _problems(text) == ["tiny.yaml:3: stage: only role_dispute scenarios have a stage (got 'renegotiation')"]


def test_missing_opening_is_refused():
    problems = _problems(MINIMAL.replace('opening: "Hi. What\'s up?"\n', ""))
    assert problems == ["tiny.yaml:1: opening: is missing"]


def test_branch_to_a_missing_node_is_a_dead_branch():
    problems = _problems(MINIMAL.replace("next: {otherwise: fine}", "next: {otherwise: fien}"))
    assert "tiny.yaml:17: nodes.upset.next.otherwise: goes to unknown node 'fien'" in problems


def test_node_that_can_never_be_reached_is_reported():
    text = MINIMAL.replace("  fine:\n", "  lonely:\n    mood: sad\n    say: Hello?\n    next: {otherwise: fine}\n  fine:\n")
    assert _problems(text) == ["tiny.yaml:18: nodes.lonely: can never be reached (a dead branch)"]


def test_loop_without_a_way_out_is_a_dead_end():
    text = MINIMAL.replace("start: {defensive: upset, cold: upset, otherwise: fine}",
                           "start: {defensive: upset, cold: upset, otherwise: upset}").replace(
        "next: {otherwise: fine}", "next: {otherwise: upset}")
    problems = _problems(text)
    assert "tiny.yaml:18: nodes.fine: can never be reached (a dead branch)" in problems
    assert "tiny.yaml:14: nodes.upset: never leads to an ending (a dead end)" in problems


def test_missing_reaction_without_otherwise_is_refused():
    problems = _problems(MINIMAL.replace("next: {otherwise: fine}", "next: {softer: fine}"))
    assert problems == ["tiny.yaml:17: nodes.upset.next: no branch for defensive, cold, engaged, neutral (add them or 'otherwise')"]


def test_unknown_placeholder_mood_and_key_are_reported():
    text = (MINIMAL.replace("Talking with {name}", "Talking with {nmae}")
            .replace("mood: defensive", "mood: furious")
            .replace("situation: the noise", "situation: the noise\ncolour: blue"))
    problems = _problems(text)
    assert "tiny.yaml:4: title: unknown placeholder {nmae} (allowed: name, relationship, situation)" in problems
    assert any(p.startswith("tiny.yaml:16: nodes.upset.mood: unknown mood 'furious'") for p in problems)
    assert "tiny.yaml:11: colour: unknown key" in problems


def test_model_line_that_blames_is_refused():
    text = MINIMAL.replace('after_hurtful: ["I understand you\'re annoyed."]',
                           'after_hurtful: ["You never listen, you always do this."]')
    problems = _problems(text)
    assert problems == ["tiny.yaml:25: switch.after_hurtful[0]: model line must be helpful with nothing hurtful "
                        "(the analyser found: always_never, blame_you_statement)"]


def test_scenario_file_errors_name_the_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(MINIMAL.replace("area: role_dispute", "area: nope"), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_scenario(path)
    assert caught.value.problems[0].startswith(f"{path}:2: area: unknown problem area 'nope'")


def test_duplicate_ids_across_files_are_refused(tmp_path):
    (tmp_path / "a.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_scenarios(tmp_path)
    assert "scenario id 'tiny' is also used in" in caught.value.problems[0]


def test_a_node_without_next_or_an_ending_with_next_is_refused_at_its_line():
    assert _problems(MINIMAL.replace("    next: {otherwise: fine}\n", "")) == [
        "tiny.yaml:14: nodes.upset.next: is missing (a node needs 'next', or 'end: true')",
        "tiny.yaml:14: nodes.upset: never leads to an ending (a dead end)"]
    text = MINIMAL.replace("    end: true\n", "    end: true\n    next: {otherwise: upset}\n")
    assert _problems(text) == ["tiny.yaml:21: nodes.fine.next: an ending node cannot have 'next'"]


def test_the_shipped_scenarios_read_as_sentences_with_their_default_people():
    from openipt.practice.rehearsal.engine import fill

    shipped = load_scenarios()
    parent = shipped["telling_parent_decision"]
    assert "Dad, your dad" not in fill(parent.description, parent)
    assert "tell Dad, who worries" in " ".join(fill(parent.description, parent).split())
    ending = shipped["ending_relationship"]
    text = " ".join(fill(ending.description, ending).split())
    assert "because you are not happy together any more." in text and "because of us" not in text
