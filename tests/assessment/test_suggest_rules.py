"""The rules file: the shipped one is valid, and a broken one is refused with file, line and key."""

import pytest

from openipt.assessment.suggest import AREAS, DataFileError, load_rules, parse_rules
from openipt.assessment.suggest.rules import DEFAULT_RULES_FILE

SHIPPED = DEFAULT_RULES_FILE.read_text(encoding="utf-8")


def line_of(text, needle, start_at=0):
    """Return the 1-based line of the first line containing needle (after line start_at)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if number > start_at and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def test_shipped_rules_load_and_cover_every_area():
    rules = load_rules()
    assert set(rules.areas) == set(AREAS)
    assert {r.area for r in rules.rules} == set(AREAS)
    # deficits is the only last-resort area, as IPT uses it only when nothing else fits
    assert [a for a, cfg in rules.areas.items() if cfg.last_resort] == ["interpersonal_deficits"]


def test_shipped_rules_state_the_twelve_month_window_before_onset_for_grief():
    rule = next(r for r in load_rules().rules if r.id == "grief.close_death_before_onset")
    assert rule.window == (-12.0, 1.0)
    assert rule.event_kinds == ("death", "pregnancy_loss")


def test_a_wrong_weight_is_reported_with_file_line_and_path():
    # given the shipped file with the first weight turned into text
    line = line_of(SHIPPED, "weight: 5")
    text = SHIPPED.replace("weight: 5\n", "weight: heavy\n", 1)
    # when parsed
    with pytest.raises(DataFileError) as info:
        parse_rules(text, "site-rules.yaml")
    # then the message names the file, the line and the key
    assert str(info.value) == f"site-rules.yaml:{line}: rules[0].weight: must be a number"


def test_an_unknown_placeholder_in_a_sentence_is_refused():
    line = line_of(SHIPPED, 'says: "Death of {who} {when}, {timing} → grief"')
    text = SHIPPED.replace('says: "Death of {who} {when}, {timing} → grief"', 'says: "Death of {whom} → grief"', 1)
    with pytest.raises(DataFileError, match=rf"^r.yaml:{line}: rules\[0\].says: unknown placeholder \{{whom\}}"):
        parse_rules(text, "r.yaml")


def test_an_unknown_rule_kind_is_refused():
    line = line_of(SHIPPED, "kind: person_conflict")
    text = SHIPPED.replace("kind: person_conflict", "kind: vibes", 1)
    with pytest.raises(DataFileError, match=rf"^r.yaml:{line}: rules\[\d+\].kind: unknown kind 'vibes' \(use one of 'event_in_window'"):
        parse_rules(text, "r.yaml")


def test_a_duplicate_key_is_refused_not_silently_overwritten():
    first = line_of(SHIPPED, "ambiguity_margin:")
    text = SHIPPED.replace("ambiguity_margin: 1.5\n", "ambiguity_margin: 1.5\nambiguity_margin: 9\n", 1)
    with pytest.raises(DataFileError, match=rf"^r.yaml:{first + 1}: duplicate key 'ambiguity_margin' \(first given on line {first}\)"):
        parse_rules(text, "r.yaml")


def test_a_duplicate_rule_id_is_refused():
    text = SHIPPED.replace("id: grief.loss_without_named_person", "id: grief.close_death_before_onset", 1)
    with pytest.raises(DataFileError, match=r"rules\[1\].id: duplicate id 'grief.close_death_before_onset'"):
        parse_rules(text, "r.yaml")


def test_a_window_backwards_is_refused():
    text = SHIPPED.replace("window: [-12, 1]", "window: [1, -12]", 1)
    with pytest.raises(DataFileError, match=r"rules\[0\].window: from must not be after to"):
        parse_rules(text, "r.yaml")


def test_bands_must_rise_from_threshold_to_high():
    text = SHIPPED.replace("    medium: 5\n    high: 6\n", "    medium: 5\n    high: 4\n", 1)
    with pytest.raises(DataFileError, match=r"areas.grief.high: must be at least 5"):
        parse_rules(text, "r.yaml")


def test_an_area_without_rules_is_refused():
    # given a file whose only deficits rules have been moved to another area
    text = SHIPPED.replace("area: interpersonal_deficits", "area: role_transition")
    with pytest.raises(DataFileError, match="no rule scores the area 'interpersonal_deficits'"):
        parse_rules(text, "r.yaml")


def test_broken_yaml_is_reported_with_its_line():
    text = "version: 1\nareas: [unclosed\n"
    with pytest.raises(DataFileError, match=r"^r.yaml:\d+: not valid YAML"):
        parse_rules(text, "r.yaml")


def test_an_empty_file_is_refused():
    with pytest.raises(DataFileError, match="r.yaml:1: the file is empty"):
        parse_rules("", "r.yaml")


def test_a_missing_rules_file_names_the_path(tmp_path):
    with pytest.raises(DataFileError, match="cannot read"):
        load_rules(tmp_path / "nope.yaml")


def test_an_intake_rule_on_a_yes_no_question_cannot_use_at_most():
    text = SHIPPED.replace("question: lives_alone\n    equals: true", "question: lives_alone\n    at_most: 1", 1)
    with pytest.raises(DataFileError, match="at_most needs a counting question, not 'lives_alone'"):
        parse_rules(text, "r.yaml")


def test_a_group_of_rules_must_score_one_area():
    text = SHIPPED.replace("  - id: transition.change_before_onset\n    area: role_transition\n",
                           "  - id: transition.change_before_onset\n    area: role_transition\n    group: grief.the_death\n", 1)
    assert text != SHIPPED
    with pytest.raises(DataFileError, match=r"the group 'grief.the_death' already scores 'grief'"):
        parse_rules(text)


def test_an_intake_rule_with_a_test_that_does_not_fit_its_question_names_the_key():
    # given the first yes/no intake rule, tested with at_most as if it counted something
    start = line_of(SHIPPED, "kind: intake_answer")
    equals = line_of(SHIPPED, "equals:", start_at=start)
    text = "\n".join(line.replace("equals: true", "equals: 2") if n == equals else line
                     for n, line in enumerate(SHIPPED.splitlines(), start=1))
    with pytest.raises(DataFileError, match=rf"^r.yaml:{equals}: rules\[\d+\].equals: must be true or false"):
        parse_rules(text, "r.yaml")
