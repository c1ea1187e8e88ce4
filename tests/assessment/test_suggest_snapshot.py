"""The shipped suggestion rules and formulation templates load as when the content toolkit took them over."""

from openipt.assessment.formulation import load_templates
from openipt.assessment.suggest import load_rules


def test_the_shipped_suggestion_rules_load_with_the_same_ids_weights_and_lines():
    rules = load_rules()
    assert len(rules.rules) == 26
    first = rules.rules[0]
    assert (first.id, first.area, first.kind, first.weight, first.line) == (
        "grief.close_death_before_onset", "grief", "event_in_window", 5.0, 59)
    assert first.event_kinds == ("death", "pregnancy_loss") and first.window == (-12.0, 1.0)
    assert dict(first.ring_factor) == {"inner": 1.0, "middle": 0.8, "outer": 0.3}


def test_the_shipped_formulation_templates_load():
    templates = load_templates("en")
    assert templates.language == "en"
    assert templates.bands and templates.closing
