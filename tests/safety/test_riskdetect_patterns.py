"""Pattern files are checked on load, and every mistake names the file, the line and the field."""

import pytest

from openipt.safety.riskdetect import (
    DataError,
    available_languages,
    load_language,
    parse_pattern_text,
    scan,
)

MINIMAL = """\
schema: openipt-riskdetect/1
language: lg
version: "0.1.0"
families:
  suicidal_thoughts: thoughts of suicide
modifier_caps: {negated: low, reported: low, hypothetical: low, past: low}
lexicon:
  expansions: {njagala: njagala}
  apostrophe_s_is: [it]
context:
  max_gap: 3
  transparent: [nze]
  negation_cues: [si]
  negation_blockers: [lwaki]
  hypothetical_cues: [bwe]
  subject_window: 5
  first_person: [nze]
  third_person: [ye]
  third_person_nouns: [mukwano]
  noun_reach: 2
  clause_breaks: [naye]
  past_cues: ['emyaka egiyise']
  past_cancel: ['nate']
  media_cues: [firimu]
  topic_context_cues: [omusawo]
persons:
  self:
    first: [nze]
    third: [ye]
idioms: []
rules:
  - id: suicidal.want_to_die
    family: suicidal_thoughts
    severity: high
    explanation: Says they want to die.
    pattern: 'njagala okufa'
"""


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if fragment in line)


def broken(old: str, new: str) -> str:
    assert old in MINIMAL
    return MINIMAL.replace(old, new)


def test_the_shipped_english_file_loads_and_is_listed():
    patterns = load_language("en")
    assert patterns.language == "en"
    assert len(patterns.rules) > 50
    assert "en" in available_languages()


def test_an_unknown_language_is_refused_clearly():
    with pytest.raises(LookupError, match="no risk pattern file"):
        load_language("xx")


def test_a_site_can_add_a_language_as_a_data_file():
    # given a minimal pattern file for another language
    patterns = parse_pattern_text(MINIMAL, source="lg.yaml")
    # when text in that language is scanned with it
    result = scan("Njagala okufa", patterns)
    # then the site's own rule flags it
    assert result.flag
    assert result.matches[0].rule_id == "suicidal.want_to_die"
    assert result.language == "lg"


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("'njagala okufa'", "'njagala .*'", "rules[suicidal.want_to_die].pattern", "unbounded repeats"),
        ("'njagala okufa'", "'njagala+ okufa'", "rules[suicidal.want_to_die].pattern", "unbounded repeats"),
        (
            "'njagala okufa'",
            "'njagala{2,} okufa'",
            "rules[suicidal.want_to_die].pattern",
            "unbounded repeats",
        ),
        ("'njagala okufa'", "'(?<=x)njagala'", "rules[suicidal.want_to_die].pattern", "look-behinds"),
        ("'njagala okufa'", "'(a)\\1'", "rules[suicidal.want_to_die].pattern", "back-references"),
        ("'njagala okufa'", "'Njagala okufa'", "rules[suicidal.want_to_die].pattern", "lower case"),
        ("'njagala okufa'", '"don\'t okufa"', "rules[suicidal.want_to_die].pattern", "apostrophes"),
        ("'njagala okufa'", "'<nobody> okufa'", "rules[suicidal.want_to_die].pattern", "unknown placeholder"),
        (
            "'njagala okufa'",
            "'(njagala'",
            "rules[suicidal.want_to_die].pattern",
            "not a valid regular expression",
        ),
        ("'njagala okufa'", "'(?:x)?'", "rules[suicidal.want_to_die].pattern", "matches empty text"),
        (
            "    family: suicidal_thoughts\n",
            "    family: self_harm\n",
            "rules[suicidal.want_to_die].family",
            "unknown family",
        ),
        (
            "    severity: high\n",
            "    severity: critical\n",
            "rules[suicidal.want_to_die].severity",
            "must be one of",
        ),
        ("  negation_cues: [si]", "  negation_cues: [no]", "context.negation_cues[0]", "non-empty text"),
    ],
)
def test_mistakes_in_a_rule_name_the_file_line_and_field(old, new, field, message):
    text = broken(old, new)
    with pytest.raises(DataError) as caught:
        parse_pattern_text(text, source="lg.yaml")
    error = caught.value
    assert error.source == "lg.yaml"
    assert error.field == field
    assert message in error.message
    assert error.line == line_of(text, new.strip().splitlines()[0])
    assert str(error).startswith(f"lg.yaml:{error.line}: {field}: ")


def test_a_duplicate_rule_id_is_refused():
    text = MINIMAL + MINIMAL[MINIMAL.index("  - id: suicidal.want_to_die") :]
    with pytest.raises(DataError, match="used twice"):
        parse_pattern_text(text, source="lg.yaml")


def test_a_duplicate_key_is_refused_with_its_line():
    text = broken("language: lg\n", "language: lg\nlanguage: en\n")
    with pytest.raises(DataError) as caught:
        parse_pattern_text(text, source="lg.yaml")
    assert caught.value.line == 3
    assert caught.value.message == "duplicate key 'language' (first given on line 2)"


def test_broken_yaml_is_reported_with_its_line():
    text = broken('version: "0.1.0"\n', "version: [unclosed\n")
    with pytest.raises(DataError) as caught:
        parse_pattern_text(text, source="lg.yaml")
    assert "not valid YAML" in caught.value.message
    assert caught.value.line is not None


def test_a_missing_modifier_cap_is_refused():
    text = broken(
        "modifier_caps: {negated: low, reported: low, hypothetical: low, past: low}",
        "modifier_caps: {negated: low}",
    )
    with pytest.raises(DataError) as caught:
        parse_pattern_text(text, source="lg.yaml")
    assert (caught.value.field, caught.value.message) == ("modifier_caps.reported", "is missing")
    assert caught.value.line == line_of(text, "modifier_caps:")


def test_rules_match_whole_words_only():
    patterns = parse_pattern_text(MINIMAL, source="lg.yaml")
    assert not scan("xnjagala okufa", patterns).flag
    assert not scan("njagala okufax", patterns).flag


def test_a_mistake_in_one_alternative_names_its_own_line():
    text = broken("    pattern: 'njagala okufa'\n", "    pattern:\n      - 'njagala okufa'\n      - 'njagala .*'\n")
    with pytest.raises(DataError) as caught:
        parse_pattern_text(text, source="lg.yaml")
    assert caught.value.field == "rules[suicidal.want_to_die].pattern[1]"
    assert caught.value.line == line_of(text, "'njagala .*'")
    assert "unbounded repeats" in caught.value.message


def test_an_unknown_key_in_a_section_is_refused_where_it_is_written():
    text = broken("  noun_reach: 2\n", "  noun_reach: 2\n  noun_rech: 3\n")
    with pytest.raises(DataError) as caught:
        parse_pattern_text(text, source="lg.yaml")
    assert (caught.value.field, caught.value.message) == ("context.noun_rech", "unknown key")
    assert caught.value.line == line_of(text, "noun_rech")
