"""Analyser patterns, worksheets and rehearsal scenarios load as when the content toolkit took them over."""

from openipt.practice.analyser import load_patterns
from openipt.practice.rehearsal.scenario import load_scenarios
from openipt.practice.worksheetdefs import load_definitions


def test_the_shipped_analyser_patterns_load_with_the_same_ids():
    patterns = load_patterns()
    assert len(patterns.patterns) == 12
    first = patterns.patterns[0]
    assert (first.id, first.family, first.label) == ("i_statement", "helpful", "Speaking for yourself")


def test_the_shipped_worksheets_and_scenarios_load_with_the_same_ids():
    assert sorted(load_definitions()) == ["building_connections", "communication_analysis", "decision_analysis",
                                         "grief", "role_transition"]
    scenarios = load_scenarios()
    assert sorted(scenarios) == ["coffee_colleague", "ending_relationship", "grief_relative", "housework",
                                 "meeting_someone_new", "quiet_parent", "saying_no_friend", "telling_parent_decision"]
    grief = scenarios["grief_relative"]
    assert (grief.area, grief.title, len(grief.nodes)) == ("grief", "Talking with {name} about {situation}", 6)
