"""The case format: what parse_case accepts, and the errors a therapist or integrator sees."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openipt.assessment.suggest import ApproxDate, CaseError, parse_approx_date, parse_case


def minimal(**extra):
    data = {"reference_date": "2026-06-01", "inventory": [], "timeline": []}
    data.update(extra)
    return data


def errors_of(data):
    with pytest.raises(CaseError) as info:
        parse_case(data)
    return list(info.value.errors)


def test_minimal_case_parses_with_empty_intake_answers():
    # given the three required fields only
    # when it is parsed
    case = parse_case(minimal())
    # then the reference date is a real date and every intake answer is unknown
    assert case.reference_date == dt.date(2026, 6, 1)
    assert case.onset is None
    assert set(case.intake.values()) == {None}


def test_approximate_dates_are_accepted_at_three_precisions():
    # given events dated to the year, the month and the day
    data = minimal(timeline=[
        {"date": "2025", "kind": "other"},
        {"date": "2026-03", "kind": "other"},
        {"date": "2026-03-14", "kind": "other"},
    ])
    # when parsed
    case = parse_case(data)
    # then each keeps its precision and reads naturally
    assert [e.date.precision for e in case.timeline] == ["year", "month", "day"]
    assert [e.date.human() for e in case.timeline] == ["2025", "March 2026", "14 March 2026"]


def test_a_bad_event_date_is_reported_with_its_path():
    # given a timeline whose third entry has a non-date
    data = minimal(timeline=[{"date": "2026-01", "kind": "other"}, {"date": "2026-02", "kind": "other"},
                             {"date": "last spring", "kind": "other"}])
    # then the error names timeline[2].date
    errs = errors_of(data)
    assert len(errs) == 1
    assert errs[0].startswith("timeline[2].date: not a date")


@pytest.mark.parametrize("bad", ["2026-13", "2026-02-30", "26-03", "2026/03", "", "1899"])
def test_impossible_or_malformed_dates_are_refused(bad):
    with pytest.raises(ValueError):
        parse_approx_date(bad)


def test_every_problem_is_listed_not_only_the_first():
    # given a case with four independent problems
    data = minimal(
        inventory=[{"name": "Rose", "relationship": "mother", "ring": "centre"}],
        timeline=[{"date": "2026-01", "kind": "funeral", "people": ["Sam"]}],
        colour="blue",
    )
    # then all four are named, each by its path
    errs = errors_of(data)
    assert any(e.startswith("colour: unknown field") for e in errs)
    assert "inventory[0].ring: 'centre' is not one of inner, middle, outer" in errs
    assert any(e.startswith("timeline[0].kind: 'funeral' is not one of") for e in errs)
    assert "timeline[0].people[0]: no person named 'Sam' in the inventory" in errs
    # and the exception's message summarises the count
    with pytest.raises(CaseError, match=r"\(and 3 more problems\)"):
        parse_case(data)


def test_people_in_events_are_matched_by_name_ignoring_case():
    data = minimal(inventory=[{"name": "Rose", "relationship": "mother", "ring": "inner"}],
                   timeline=[{"date": "2026-01", "kind": "death", "people": [" rose "]}])
    case = parse_case(data)
    assert case.timeline[0].people == (0,)


def test_two_people_with_the_same_name_are_refused():
    data = minimal(inventory=[{"name": "Sam", "relationship": "son", "ring": "inner"},
                              {"name": "sam", "relationship": "friend", "ring": "outer"}])
    assert errors_of(data) == ["inventory[1].name: 'sam' is already used by inventory[0]"]


def test_events_and_onset_after_the_reference_date_are_refused():
    data = minimal(onset={"date": "2026-07"}, timeline=[{"date": "2027", "kind": "other"}])
    errs = errors_of(data)
    assert "onset.date: 2026-07 is after reference_date 2026-06-01" in errs
    assert "timeline[0].date: 2027 is after reference_date 2026-06-01" in errs


def test_an_event_in_the_reference_month_is_allowed():
    # "2026-06" may mean a day before 1 June 2026 is over, so it is not in the future
    case = parse_case(minimal(timeline=[{"date": "2026-06", "kind": "other"}]))
    assert case.timeline[0].date == ApproxDate(2026, 6)


def test_reference_date_must_be_a_full_date():
    assert errors_of(minimal(reference_date="2026-06")) == ["reference_date: must be a full date (YYYY-MM-DD)"]


def test_missing_required_fields_are_named():
    errs = errors_of({"inventory": [{"name": "Ann"}]})
    assert "reference_date: missing" in errs
    assert "timeline: missing" in errs
    assert "inventory[0].relationship: missing" in errs
    assert "inventory[0].ring: missing" in errs


def test_intake_answers_are_type_checked():
    errs = errors_of(minimal(intake={"lives_alone": "yes", "close_confidants": True, "favourite_food": 1}))
    assert "intake.lives_alone: must be true, false or null" in errs
    assert "intake.close_confidants: must be a whole number from 0 to 1000, or null" in errs
    assert any(e.startswith("intake.favourite_food: unknown field") for e in errs)


def test_conflict_fields_default_to_unknown():
    data = minimal(inventory=[{"name": "Jo", "relationship": "partner", "ring": "inner",
                               "conflicts": [{"topic": "money"}]}])
    conflict = parse_case(data).inventory[0].conflicts[0]
    assert (conflict.talking, conflict.hope, conflict.ending) == ("unknown", "unknown", "unknown")


def test_a_non_object_case_is_refused_clearly():
    with pytest.raises(CaseError, match="must be a JSON object"):
        parse_case([1, 2, 3])


def test_version_other_than_1_is_refused():
    assert errors_of(minimal(version=2)) == ["version: must be 1"]


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
       st.sampled_from(["year", "month", "day"]))
def test_approximate_date_text_round_trips_and_covers_its_days(day, precision):
    # given any real day written at some precision
    text = {"year": day.strftime("%Y"), "month": day.strftime("%Y-%m"), "day": day.isoformat()}[precision]
    # when parsed
    when = parse_approx_date(text)
    # then it writes back the same text and its range holds the day and its representative day
    assert when.iso() == text
    assert when.first_day() <= day <= when.last_day()
    assert when.first_day() <= when.representative() <= when.last_day()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25,
)


@given(json_values)
def test_any_json_value_gives_a_case_or_a_case_error(value):
    # whatever JSON arrives, the parser answers with a Case or a CaseError, never a crash
    try:
        parse_case(value)
    except CaseError as exc:
        assert exc.errors


@given(st.dictionaries(st.sampled_from(["reference_date", "inventory", "timeline", "onset", "intake"]),
                       json_values, max_size=5))
def test_near_valid_top_levels_give_a_case_or_a_case_error(value):
    try:
        parse_case(value)
    except CaseError as exc:
        assert all(":" in e for e in exc.errors)
