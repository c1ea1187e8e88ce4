"""A broken pattern file is refused on load with the file and line of each mistake."""

from __future__ import annotations

import textwrap

import pytest

from openipt.practice.analyser import DataError, analyse, load_patterns, parse_patterns_text

GOOD = """\
version: 1
words:
  feeling: [sad, hurt]
patterns:
  - id: naming_feeling
    family: helpful
    label: Naming a feeling
    feedback: You named a feeling.
    suggestion: Saying the feeling helps.
    rules:
      - "i am|feel @feeling"
  - id: stonewalling
    family: hurtful
    label: Shutting down
    feedback: Try to stay in the talk.
    suggestion: Say when you can talk again.
    rules:
      - match: whatever
        before: "^"
        after: "$"
"""


def _problems(text: str, name: str = "custom.yaml") -> list[str]:
    with pytest.raises(DataError) as caught:
        parse_patterns_text(textwrap.dedent(text), name)
    return list(caught.value.problems)


def test_a_valid_custom_file_drives_the_analyser():
    # given a small pattern file of our own
    pset = parse_patterns_text(GOOD, "custom.yaml")
    # when it is used to analyse text
    result = analyse("Whatever. I am sad.", pset)
    # then its patterns, not the shipped ones, are found
    assert result.patterns == {"stonewalling", "naming_feeling"}
    # and "whatever" in the middle of a clause is not shutting down
    assert analyse("whatever you decide", pset).patterns == frozenset()


def test_unknown_family_names_the_line():
    problems = _problems(GOOD.replace("family: hurtful", "family: harmful"))
    assert problems == ["custom.yaml:13: patterns[1].family: 'harmful' must be one of helpful, hurtful"]


def test_unknown_word_list_and_contraction_are_reported_with_lines():
    text = GOOD.replace('"i am|feel @feeling"', '"i am @feelings"').replace("match: whatever", "match: \"i'm done\"")
    problems = _problems(text)
    assert any(p.startswith("custom.yaml:11: patterns[0].rules[0].match: phrase 'i am @feelings': unknown word list '@feelings'")
               for p in problems)
    assert any(p.startswith("custom.yaml:18: patterns[1].rules[0].match: phrase \"i'm done\"") and "contractions" in p for p in problems)


def test_duplicate_ids_unknown_keys_and_references_are_all_reported():
    text = GOOD.replace("id: stonewalling", "id: naming_feeling").replace(
        "    label: Shutting down", "    lable: Shutting down\n    suppressed_by: [sarcasm]")
    # the shape of each entry is checked first, and every mistake in it is reported
    assert _problems(text) == ["custom.yaml:12: patterns[1].label: is missing",
                               "custom.yaml:14: patterns[1].lable: unknown key"]
    # then what links entries together: an id used twice and an unknown reference, each at its line
    problems = _problems(text.replace("lable", "label"))
    assert problems == ["custom.yaml:12: patterns[1].id: pattern id 'naming_feeling' is used twice",
                        "custom.yaml:15: patterns[1].suppressed_by[0]: unknown pattern 'sarcasm' in 'suppressed_by'"]


def test_unknown_rule_key_and_suppression_reference():
    text = GOOD.replace("        after: \"$\"", "        afterwards: \"$\"").replace(
        "    family: hurtful", "    family: hurtful\n    suppressed_by: [sarcasm]")
    assert _problems(text) == ["custom.yaml:21: patterns[1].rules[0].afterwards: unknown key"]
    problems = _problems(text.replace("afterwards", "after"))
    assert problems == ["custom.yaml:14: patterns[1].suppressed_by[0]: unknown pattern 'sarcasm' in 'suppressed_by'"]


def test_context_before_a_match_must_have_a_fixed_length():
    problems = _problems(GOOD.replace('before: "^"', 'before: "oh ...2 well"'))
    assert problems == ["custom.yaml:19: patterns[1].rules[0].before[0]: phrase 'oh ...2 well': phrases in 'before' and 'not_before' "
                        "cannot have gaps or optional words"]


@pytest.mark.parametrize("phrase, reason", [
    ("...2 you", "cannot start or end with a gap"),
    ("you ...9 me", "gap '...9' must be between"),
    ("so? very?", "needs at least one step that is not optional"),
    ("You", "not a plain lower-case word"),
    ("a? b? c? d? e? f? g? h? i? j? k", "too many ways to match"),
])
def test_phrases_that_could_be_slow_or_wrong_are_refused(phrase, reason):
    problems = _problems(GOOD.replace('"i am|feel @feeling"', f'"{phrase}"'))
    assert len(problems) == 1 and problems[0].startswith("custom.yaml:11:") and reason in problems[0]


def test_yaml_syntax_error_and_duplicate_key_name_the_line():
    assert _problems("version: 1\npatterns: [\n") [0].startswith("custom.yaml:3: not valid YAML")
    problems = _problems(GOOD.replace("    label: Naming a feeling", "    label: A\n    label: B"))
    assert problems == ["custom.yaml:8: duplicate key 'label' (first given on line 7)"]


def test_yes_without_quotes_is_caught_as_not_a_phrase():
    # YAML reads a bare yes as true; the loader must not silently accept it
    problems = _problems(GOOD.replace('before: "^"', "before: [yes]"))
    assert problems == ["custom.yaml:19: patterns[1].rules[0].before[0]: phrase True: a phrase must be non-empty text"]


def test_missing_file_is_a_data_error_naming_it(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(DataError) as caught:
        load_patterns(missing)
    assert str(missing) in str(caught.value)


def test_file_errors_name_the_real_path(tmp_path):
    path = tmp_path / "patterns.yaml"
    path.write_text(GOOD.replace("version: 1", "version: 2"), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_patterns(path)
    assert caught.value.problems == (f"{path}:1: version: must be 1",)
