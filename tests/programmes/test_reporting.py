"""The monthly CSV and DHIS2 reports, and the DHIS2 mapping an admin writes (pure: no database)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from openipt.programmes import indicators as ind
from openipt.programmes.reporting import (
    REPORTED,
    MappingError,
    check_data_value_set,
    csv_text,
    data_value_set,
    dhis2_period,
    parse_mapping,
)
from tests.programmes.test_indicators import example

FULL = "\n".join(f"{i} = IPT_{i.upper()}" for i in REPORTED)


def test_a_complete_mapping_is_read_with_its_optional_category_option_combos():
    mapping = parse_mapping(
        FULL.replace("IPT_ENROLLED", "IPT_ENROLLED : AGE_ALL") + "\n# a comment\n\n",
        org_unit="OU_KAMPALA",
        data_set="IPT_MONTHLY",
    )
    assert mapping.targets["enrolled"].data_element == "IPT_ENROLLED"
    assert mapping.targets["enrolled"].category_option_combo == "AGE_ALL"
    assert mapping.org_unit == "OU_KAMPALA" and mapping.data_set == "IPT_MONTHLY"


@pytest.mark.parametrize(
    "text, org_unit, named",
    [
        (
            FULL.replace("enrolled = IPT_ENROLLED\n", ""),
            "OU",
            "enrolled",
        ),  # incomplete: the missing one is named
        (FULL + "\nenroled = IPT_X", "OU", "'enroled'"),  # an indicator that does not exist
        (FULL.replace("IPT_COMPLETED", "IPT COMPLETED"), "OU", "'IPT COMPLETED'"),  # a space is not in a code
        (FULL.replace("IPT_REMISSION", "IPT_REMISSION : bad combo!"), "OU", "'bad combo!'"),
        (FULL + "\nscreened = IPT_AGAIN", "OU", "mapped twice"),
        (FULL + "\njust words", "OU", "Line 18"),
        (FULL, "", "organisation unit code is missing"),
        (FULL, "X" * 51, "not a DHIS2 code"),
    ],
)
def test_a_mapping_that_cannot_be_used_is_refused_naming_what_is_wrong(text, org_unit, named):
    with pytest.raises(MappingError) as error:
        parse_mapping(text, org_unit=org_unit)
    assert named in str(error.value)


def test_a_partial_mapping_may_be_saved_but_not_reported():
    assert parse_mapping("enrolled = IPT_ENROLLED", org_unit="OU", complete=False).targets.keys() == {
        "enrolled"
    }
    with pytest.raises(MappingError):
        parse_mapping("enrolled = IPT_ENROLLED", org_unit="OU")


def test_the_dhis2_report_has_the_data_value_set_shape_and_leaves_hidden_values_out():
    result = ind.compute(example(), threshold=5)
    doc = data_value_set(
        result, parse_mapping(FULL, org_unit="OU_KAMPALA", data_set="IPT_MONTHLY"), date(2026, 11, 1)
    )
    assert check_data_value_set(doc) == []
    assert doc["period"] == "202611" and doc["orgUnit"] == "OU_KAMPALA" and doc["dataSet"] == "IPT_MONTHLY"
    values = {v["dataElement"]: v["value"] for v in doc["dataValues"]}
    assert values["IPT_ENROLLED"] == "10"
    assert values["IPT_ACK_MINUTES"] == "25.0"
    assert "IPT_ELIGIBLE" not in values  # hidden (12 - 10 = 2 could be worked out)
    assert "IPT_ALERTS_BREACHED" not in values  # 2 is small


def test_the_data_set_is_optional():
    doc = data_value_set(ind.compute(example()), parse_mapping(FULL, org_unit="OU"), date(2027, 1, 1))
    assert "dataSet" not in doc and doc["period"] == "202701"
    assert check_data_value_set(doc) == []


@pytest.mark.parametrize(
    "doc, problem",
    [
        ({"period": "2026-11", "orgUnit": "OU", "dataValues": []}, "period"),
        ({"period": "202613", "orgUnit": "OU", "dataValues": []}, "period"),
        ({"period": "202611", "dataValues": []}, "orgUnit"),
        ({"period": "202611", "orgUnit": "OU"}, "dataValues must be a list"),
        ({"period": "202611", "orgUnit": "OU", "dataValues": [{"value": "3"}]}, "dataElement"),
        ({"period": "202611", "orgUnit": "OU", "dataValues": [{"dataElement": "X", "value": "<5"}]}, "value"),
        ({"period": "202611", "orgUnit": "OU", "dataSet": "", "dataValues": []}, "dataSet"),
        ([], "not an object"),
    ],
)
def test_the_shape_check_catches_each_kind_of_mistake(doc, problem):
    assert any(problem in p for p in check_data_value_set(doc))


def test_dhis2_monthly_period_is_year_and_month():
    assert dhis2_period(date(2026, 3, 31)) == "202603"


def test_the_csv_has_one_row_per_indicator_with_hidden_counts_marked():
    rows = list(csv.DictReader(io.StringIO(csv_text(ind.compute(example(), threshold=5), date(2026, 11, 1)))))
    assert [r["indicator"] for r in rows] == [i.id for i in ind.INDICATORS]
    by_id = {r["indicator"]: r for r in rows}
    assert by_id["eligible"]["value"] == "<5" and by_id["eligible"]["percent"] == ""
    assert by_id["eligible"]["note"] == "small number hidden"
    improved = by_id["reliable_improvement"]
    assert (improved["value"], improved["denominator"], improved["percent"]) == ("5", "10", "50.0")
    assert (improved["ci95_low"], improved["ci95_high"]) == ("23.7", "76.3")
    assert by_id["response"]["denominator"] == "<5" and by_id["response"]["note"] == "denominator hidden"
    assert {r["period"] for r in rows} == {"2026-11"}
