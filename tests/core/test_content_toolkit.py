"""The content toolkit: every value keeps its file and line, and schema mistakes name file, line and field."""

from typing import Annotated, Literal

import pytest
from pydantic import Field

from openipt.core.content import (
    ContentFileError,
    ContentModel,
    Document,
    LocDict,
    LocList,
    Number,
    Text,
    Whole,
    check,
    filled,
    load_markdown,
    load_yaml,
    one_of,
    parse_yaml,
    says,
)

TEXT = """\
name: Grief
steps:
  - id: one
    weight: 2
  - id: two
    weight: 3
"""


def test_every_mapping_list_and_value_keeps_its_line():
    doc = load_yaml(TEXT, "a.yaml")
    assert isinstance(doc.data, LocDict) and isinstance(doc.data["steps"], LocList)
    assert doc.data == {"name": "Grief", "steps": [{"id": "one", "weight": 2}, {"id": "two", "weight": 3}]}
    assert doc.data.loc_of("steps").line == 2 and doc.data.value_loc_of("steps").line == 3
    assert doc.data["steps"].loc_of(1).line == 5
    assert doc.line(("steps", 1, "weight")) == 6
    assert doc.where(("steps", 1, "colour")) == "a.yaml:5"  # an absent key points at its mapping


def test_a_duplicate_key_a_list_as_key_and_a_merge_key_are_each_reported_with_their_line():
    _doc, problems = parse_yaml("a: 1\nb: 2\na: 3\n[x, y]: x\nbase: &b {c: 1}\nmore:\n  <<: *b\n", "d.yaml")
    assert [str(problem) for problem in problems] == [
        "d.yaml:3: duplicate key 'a' (first given on line 1)",
        "d.yaml:4: a key must be a word or text, not a mapping or list",
        "d.yaml:7: merge keys (<<) are not supported: write the values out",
    ]


def test_a_key_is_the_text_as_written_never_a_yes_no_or_a_number():
    doc = load_yaml("no: know\non: one\n2: to\n'3': three\n", "k.yaml")
    assert doc.data == {"no": "know", "on": "one", "2": "to", "3": "three"}


def test_broken_yaml_names_the_line_and_empty_text_gives_nothing():
    _doc, problems = parse_yaml("a: [1, 2\nb: 3\n", "e.yaml")
    assert len(problems) == 1 and problems[0].line is not None and "not valid YAML" in problems[0].message
    assert load_yaml("", "empty.yaml").data is None


def test_a_number_too_long_to_read_is_a_problem_on_its_line_never_a_crash():
    _doc, problems = parse_yaml("a: 1\nb: " + "9" * 5000 + "\n", "n.yaml")
    assert [(p.line, "cannot be read as a number" in p.message) for p in problems] == [(2, True)]


def test_front_matter_lines_count_from_the_top_of_the_file():
    doc, problems = load_markdown("---\nid: loss\ntitle: Loss\n---\nBody text.\n", "t.md")
    assert problems == [] and doc.body == "Body text.\n"
    assert doc.meta.loc_of("title").line == 3


class Step(ContentModel):
    id: Text = Field(min_length=1)
    weight: Number = Field(ge=0)


class Plan(ContentModel):
    name: Text
    kind: Literal["weekly", "daily"] = "weekly"
    steps: tuple[Step, ...]


def test_a_schema_mistake_names_file_line_field_and_what_is_wrong_in_plain_words():
    doc = load_yaml(TEXT.replace("weight: 3", "weight: three").replace("name: Grief", "kind: monthly"), "p.yaml")
    with pytest.raises(ContentFileError) as caught:
        check(Plan, doc.data, doc)
    assert [str(problem) for problem in caught.value.problems] == [
        "p.yaml:1: name: is missing",
        "p.yaml:1: kind: 'monthly' is not one of 'weekly' or 'daily'",
        "p.yaml:6: steps[1].weight: must be a number",
    ]


def test_an_unknown_key_is_refused_and_a_sound_document_becomes_the_model():
    doc = load_yaml(TEXT, "p.yaml")
    plan = check(Plan, doc.data, doc)
    assert [step.weight for step in plan.steps] == [2.0, 3.0]
    doc = load_yaml(TEXT + "colour: red\n", "p.yaml")
    with pytest.raises(ContentFileError, match=r"^p.yaml:7: colour: unknown key$"):
        check(Plan, doc.data, doc)


class Dose(ContentModel):
    kind: Literal["dose"]
    unit: Annotated[Text, one_of(("mg", "ml"), "unknown unit {value!r} (use mg or ml)")]
    amount: Annotated[Whole, says("must be a whole number (got {value!r})")]


class Note(ContentModel):
    kind: Literal["note"]
    text: Text


class Chart(ContentModel):
    entries: tuple[Annotated[Dose | Note, Field(discriminator="kind")], ...]


def test_a_field_can_say_its_own_message_and_a_tagged_entry_names_its_key_not_pydantics_branch():
    text = "entries:\n  - kind: dose\n    unit: g\n    amount: '5'\n  - kind: song\n"
    doc = load_yaml(text, "c.yaml")
    with pytest.raises(ContentFileError) as caught:
        check(Chart, doc.data, doc)
    assert [str(problem) for problem in caught.value.problems] == [
        "c.yaml:3: entries[0].unit: unknown unit 'g' (use mg or ml)",
        "c.yaml:4: entries[0].amount: must be a whole number (got '5')",
        "c.yaml:5: entries[1].kind: unknown kind 'song' (use one of 'dose', 'note')",
    ]


def test_values_given_in_code_are_checked_the_same_way_without_lines():
    with pytest.raises(ContentFileError, match=r"^site: entries\[0\].amount: must be a whole number \(got True\)$"):
        check(Chart, {"entries": [{"kind": "dose", "unit": "mg", "amount": True}]}, Document("site", None))


class Shelf(ContentModel):
    books: Annotated[tuple[Text, ...], filled("must list at least one book")]


def test_an_empty_list_can_say_its_own_message_while_its_items_keep_theirs():
    doc = load_yaml("books: []\n", "s.yaml")
    with pytest.raises(ContentFileError, match=r"^s.yaml:1: books: must list at least one book$"):
        check(Shelf, doc.data, doc)
    doc = load_yaml("books:\n  - Emma\n  - 7\n", "s.yaml")
    with pytest.raises(ContentFileError, match=r"^s.yaml:3: books\[1\]: must be text$"):
        check(Shelf, doc.data, doc)
