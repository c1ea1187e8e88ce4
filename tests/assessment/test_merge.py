"""Merging concurrent edits of an entry and comparing versions (pure functions)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from openipt.assessment.merge import PERSON_FIELDS, changed_fields, lines, three_way, word_diff

BASE = {"name": "Sue", "relationship": "sister", "ring": "middle", "satisfying": "Long walks", "conflicts": ""}


def test_changes_to_different_answers_are_both_kept():
    theirs = {**BASE, "ring": "inner"}
    mine = {**BASE, "satisfying": "Long walks\nShe phones every week"}
    result = three_way(BASE, theirs, mine)
    assert result.conflicts == ()
    assert result.values["ring"] == "inner" and result.values["satisfying"] == "Long walks\nShe phones every week"
    assert result.mine == ("satisfying",) and result.theirs == ("ring",)


def test_the_same_answer_changed_two_ways_is_a_conflict_and_the_saved_one_stays():
    result = three_way(BASE, {**BASE, "conflicts": "The house"}, {**BASE, "conflicts": "Money"})
    assert result.conflicts == ("conflicts",)
    assert result.values["conflicts"] == "The house"


def test_the_same_change_made_twice_is_no_conflict_and_blank_or_line_ending_differences_do_not_count():
    result = three_way(BASE, {**BASE, "conflicts": "Money\n"}, {**BASE, "conflicts": "Money\r\n "})
    assert result.conflicts == () and result.values["conflicts"] == "Money"


def test_without_the_starting_version_every_difference_is_a_conflict():
    result = three_way(None, {**BASE, "ring": "inner"}, {**BASE, "ring": "outer", "name": "Sue"})
    assert result.conflicts == ("ring",)


values = st.sampled_from(["", "a", "b", "c d"])
entries = st.fixed_dictionaries({f: values for f in PERSON_FIELDS})


@given(entries, entries, entries)
def test_a_change_only_one_side_made_is_never_lost(base, theirs, mine):
    result = three_way(base, theirs, mine)
    for field in PERSON_FIELDS:
        if field in result.conflicts:
            assert result.values[field] == theirs[field].strip()
            assert mine[field].strip() not in (base[field].strip(), theirs[field].strip())
        elif mine[field].strip() != base[field].strip():
            assert result.values[field] == mine[field].strip()
        else:
            assert result.values[field] == theirs[field].strip()


def test_changed_fields_lists_only_what_differs_and_everything_filled_for_a_new_entry():
    assert changed_fields(BASE, {**BASE, "ring": "outer"}) == ["ring"]
    assert changed_fields(None, {"name": "Sue", "relationship": "", "ring": "middle"}) == ["name", "ring"]


def test_a_word_diff_marks_removed_and_added_words_in_order():
    pieces = word_diff("We argue about the house", "We talk about the house calmly")
    assert [(p.kind, p.text) for p in pieces] == [
        ("same", "We "), ("removed", "argue"), ("added", "talk"), ("same", " about the house"), ("added", " calmly")]


def test_a_very_long_text_is_compared_line_by_line_without_losing_any_line():
    before = "\n".join(f"line {i}" for i in range(4000))
    after = before.replace("line 1999", "line one thousand nine hundred and ninety-nine")
    pieces = word_diff(before, after, limit=20000)
    removed = "".join(p.text for p in pieces if p.kind == "removed")
    added = "".join(p.text for p in pieces if p.kind == "added")
    assert removed.strip() == "line 1999" and added.strip() == "line one thousand nine hundred and ninety-nine"
    assert "".join(p.text for p in pieces if p.kind != "removed") == after


def test_lines_splits_points_drops_bullets_and_blank_lines_and_caps_the_count():
    assert lines("- Walks\n\n• Phone calls \n* Cooking") == ["Walks", "Phone calls", "Cooking"]
    assert len(lines("\n".join(str(i) for i in range(80)))) == 50
