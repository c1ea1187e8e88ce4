"""Worksheets are data: the shipped ones load; broken files are refused with the file and line."""

from __future__ import annotations

import pytest

from openipt.practice.analyser.yamlsource import DataError
from openipt.practice.worksheetdefs import clean_data, definitions, load_definitions, parse_text

GOOD = """
id: sample
title: A sample
short: Sample
intro: Some guidance.
fields:
  - {id: said, type: long, label: What I said, analyse: true}
  - {id: feel, type: scale, label: How I feel}
"""


def test_the_five_worksheets_of_the_issue_are_shipped_with_guidance():
    defs = definitions()
    assert list(defs) == ["communication_analysis", "decision_analysis", "grief", "role_transition",
                          "building_connections"]
    for defn in defs.values():
        assert defn.intro and all(f.label for f in defn.fields)
    comm = defs["communication_analysis"]
    assert [f.id for f in comm.analysed] == ["what_i_said", "could_say"]
    assert {"options", "pros_cons", "choice", "first_step", "review"} <= {f.id for f in defs["decision_analysis"].fields}


def test_a_good_definition_parses():
    defn = parse_text(GOOD, "sample.yaml")
    assert defn.field("said").analyse and defn.field("feel").type == "scale"


@pytest.mark.parametrize("broken, message", [
    (GOOD.replace("type: scale", "type: slider"), "sample.yaml:8: fields[1].type: 'slider' must be one of text, long, scale"),
    (GOOD.replace("id: feel", "id: said"), "used twice"),
    (GOOD.replace("id: feel", "id: version"), "reserved"),
    (GOOD.replace("title: A sample\n", ""), "title: is missing"),
    (GOOD.replace("title: A sample", "title: ' '"), "sample.yaml:3: title: must be non-empty text"),
    (GOOD + "colour: red\n", "sample.yaml:9: colour: unknown key"),
    (GOOD.replace("label: How I feel}", "label: How I feel, analyse: true}"), "only on text"),
])
def test_a_broken_definition_is_refused_naming_the_problem(broken, message):
    with pytest.raises(DataError) as exc:
        parse_text(broken, "sample.yaml")
    assert message in str(exc.value)


def test_a_folder_whose_file_name_differs_from_the_id_is_refused(tmp_path):
    (tmp_path / "other.yaml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(DataError, match="the file name must be the id"):
        load_definitions(tmp_path)


def test_submitted_values_keep_what_was_typed_and_report_problems():
    defn = parse_text(GOOD, "sample.yaml")
    values, problems = clean_data(defn, {"said": "x" * 6000, "feel": "11", "unknown": "dropped"})
    assert values["said"] == "x" * 6000 and problems == {"said": "long", "feel": "scale"}
    assert "unknown" not in values
    values, problems = clean_data(defn, {"said": "I feel\r\nsad", "feel": " 7 "})
    assert values == {"said": "I feel\nsad", "feel": "7"} and problems == {}
