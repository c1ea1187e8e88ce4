"""Tidy CSV export and its data dictionary: columns, escaping, formula guard, full coverage."""

import csv
import datetime as dt
import io

import pytest

from openipt.measures.interop import (
    BASE_COLUMNS,
    DICTIONARY_COLUMNS,
    ExportError,
    ExportSettings,
    PatientRecord,
    dictionary_markdown,
    iter_dictionary_rows,
    iter_tidy_csv,
    safe_cell,
    short_text,
    write_dictionary_csv,
    write_tidy_csv,
)

from .test_interop_support import PATIENT, REG, SETTINGS, SITE_REG, admin, full_answers, phq9_answers

PATIENTS = {42: PATIENT}


def _export(admins, patients=PATIENTS, registry=REG, settings=SETTINGS, **kw):
    out = io.StringIO(newline="")
    n = write_tidy_csv(out, admins, patients, registry, settings, **kw)
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert len(rows) == n
    return out.getvalue(), rows


def test_one_row_per_administration_and_item_with_the_documented_columns():
    # given one PHQ-9 (answers 1 2 0 3 1 0 2 1 0, total 10, moderate) and one PHQ-2 (2 + 1 = 3, positive)
    # with its unscored safety question 9 answered 0
    admins = [admin("phq9", phq9_answers(1, 2, 0, 3, 1, 0, 2, 1, 0), total=10, band="moderate", n=1),
              admin("phq2", {"q1": 2, "q2": 1, "q9": 0}, total=3, band="positive", n=2, session_number=None)]
    # when exported
    text, rows = _export(admins)
    # then there are 10 + 3 rows, under exactly the documented header
    assert text.splitlines()[0].split(",") == list(BASE_COLUMNS)
    assert len(rows) == 13
    assert (rows[12]["item_id"], rows[12]["answer_value"], rows[12]["item_score"]) == ("q9", "0", "")
    q4 = rows[3]
    assert (q4["organisation"], q4["client_record"], q4["course_id"]) == ("northside", "C000042", "7")
    assert q4["administration_id"] == "00000000-0000-4000-8000-000000000001"
    assert (q4["instrument"], q4["item_id"], q4["item_text_short"]) == (
        "phq9", "q4", "Feeling tired or having little energy")
    assert (q4["answer_value"], q4["answer_label"], q4["item_score"]) == ("3", "Nearly every day", "3")
    assert (q4["total"], q4["band"], q4["authored_date"]) == ("10", "moderate", "2025-03-04")
    assert (q4["session_number"], q4["entered_by_role"]) == ("3", "client")
    assert q4["instrument_version"] == REG.get("phq9").version
    difficulty = rows[9]
    assert difficulty["item_id"] == "difficulty"
    assert (difficulty["answer_value"], difficulty["item_score"]) == ("", "")
    assert rows[11]["session_number"] == ""
    assert rows[11]["total"] == "3"


def test_lines_end_with_crlf_as_rfc_4180_asks():
    text, _ = _export([admin("phq2", {"q1": 0, "q2": 0}, total=0, band="negative")])
    assert text.count("\r\n") == 4  # the header, q1, q2 and the safety question q9 and "\n" not in text.replace("\r\n", "")


def test_reverse_scored_item_score_differs_from_the_answer_value_and_wording_is_withheld():
    # example_perinatal q3 is reverse scored: value 0 scores 0 + 3 - 0 = 3
    rec = admin("example_perinatal", full_answers("example_perinatal", SITE_REG), total=None)
    _, rows = _export([rec], registry=SITE_REG)
    q3 = next(r for r in rows if r["item_id"] == "q3")
    assert (q3["answer_value"], q3["item_score"]) == ("0", "3")
    assert q3["item_text_short"] == "" and q3["answer_label"] == ""  # licence: wording not reproduced


def test_commas_quotes_and_newlines_survive_a_round_trip_through_a_csv_reader():
    odd = PatientRecord(id=42, record_number='A,"B"\nC', given_name="Ann, \"Nan\"", family_name="O'Neil\nSmith")
    _, rows = _export([admin("phq2", {"q1": 0, "q2": 0}, total=0, band="negative")], {42: odd},
                      identifiable=True)
    assert rows[0]["client_record"] == 'A,"B"\nC'
    assert rows[0]["given_name"] == 'Ann, "Nan"'
    assert rows[0]["family_name"] == "O'Neil\nSmith"


@pytest.mark.parametrize("dangerous", ["=HYPERLINK(\"http://x\")", "+1+2", "-3", "@SUM(A1)", "\t=1", "\r=1"])
def test_cells_that_a_spreadsheet_would_run_as_formulas_get_a_leading_quote(dangerous):
    rec = admin("phq2", {"q1": 0, "q2": 0}, total=0, band="negative", entered_by_role=dangerous,
                course_id=dangerous)
    patient = PatientRecord(id=42, record_number=dangerous, given_name=dangerous)
    _, rows = _export([rec], {42: patient}, identifiable=True)
    for column in ("client_record", "given_name", "course_id", "entered_by_role"):
        assert rows[0][column] == "'" + dangerous


def test_safe_cell_leaves_numbers_and_harmless_text_alone():
    assert safe_cell(-3) == -3
    assert safe_cell("C-3") == "C-3"
    assert safe_cell("") == ""


def test_pseudonymised_by_default_with_names_and_birth_date_only_when_asked():
    rec = admin("phq2", {"q1": 0, "q2": 0}, total=0, band="negative")
    text, rows = _export([rec])
    assert "Okello" not in text and "1988" not in text
    assert "given_name" not in rows[0]
    text, rows = _export([rec], identifiable=True)
    header = text.splitlines()[0].split(",")
    assert header[:5] == ["organisation", "client_record", "given_name", "family_name", "birth_date"]
    assert (rows[0]["given_name"], rows[0]["family_name"], rows[0]["birth_date"]) == ("Ada", "Okello", "1988-07-14")


def test_authored_date_follows_the_export_timezone_when_one_is_given():
    # 00:30 at +01:00 on 4 March is 23:30 UTC on 3 March
    early = dt.datetime(2025, 3, 4, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    rec = admin("phq2", {"q1": 0, "q2": 0}, total=0, band="negative", authored=early)
    assert _export([rec])[1][0]["authored_date"] == "2025-03-04"
    utc = ExportSettings(organisation="northside", timezone=dt.UTC)
    assert _export([rec], settings=utc)[1][0]["authored_date"] == "2025-03-03"


def test_streaming_lines_come_one_at_a_time_header_first():
    produced = []

    def rows():
        for n in range(1, 4):
            produced.append(n)
            yield admin("phq2", {"q1": 1, "q2": 1}, total=2, band="negative", n=n)

    lines = iter_tidy_csv(rows(), PATIENTS, REG, SETTINGS)
    assert next(lines).startswith("organisation,client_record,")
    assert produced == []
    first = next(lines)
    assert produced == [1] and first.endswith("\r\n") and ",phq2," in first
    assert len(list(lines)) == 2 + 3 * 2  # the rest of administration 1, then 2 and 3 (q1, q2, safety q9)


def test_an_administration_for_a_client_outside_the_export_is_refused():
    rec = admin("phq2", {"q1": 0, "q2": 0}, total=0, band="negative", client_id=7, n=5)
    with pytest.raises(ExportError, match="administration 5: client 7 is not in the export"):
        _export([rec])


def test_a_bad_answer_is_refused_with_the_item():
    rec = admin("phq2", {"q1": 0, "q2": 5}, n=6)
    with pytest.raises(ExportError, match=r"answers.q2: 5 is not an option"):
        _export([rec])


def test_short_text_cuts_long_wording_at_a_word_boundary():
    long = REG.get("hamd17").item("q11").text
    cut = short_text(long)
    assert len(cut) <= 60 and cut.endswith("…")
    assert long.startswith(cut[:-1])
    assert short_text("Trouble relaxing") == "Trouble relaxing"


# --- data dictionary


def test_dictionary_covers_every_column_item_and_option_of_every_shipped_instrument():
    rows = list(iter_dictionary_rows(REG))
    assert all(len(r) == len(DICTIONARY_COLUMNS) for r in rows)
    assert {r[3] for r in rows if r[0] == "column"} == set(BASE_COLUMNS)
    items = {(r[1], r[2]) for r in rows if r[0] == "item"}
    options = {(r[1], r[2], r[4]) for r in rows if r[0] == "option"}
    for inst in REG:
        for item in inst.items:
            assert (inst.code, item.id) in items
            for opt in item.options:
                assert (inst.code, item.id, str(opt.value)) in options
        for band in inst.bands:
            assert ["band", inst.code, "", band.id, f"{band.min}-{band.max}", band.label, ""] in rows


def test_dictionary_options_give_label_and_score():
    rows = list(iter_dictionary_rows(REG))
    assert ["option", "phq9", "q9", "q9", "3", "Nearly every day", "scores 3"] in rows
    assert ["option", "phq9", "difficulty", "difficulty", "0", "Not difficult at all", "not scored"] in rows
    reverse = list(iter_dictionary_rows(SITE_REG))
    assert ["option", "example_perinatal", "q3", "q3", "0", "(withheld)", "scores 3"] in reverse


def test_identifiable_dictionary_describes_the_extra_columns():
    names = [r[3] for r in iter_dictionary_rows(REG, identifiable=True) if r[0] == "column"]
    assert names[2:5] == ["given_name", "family_name", "birth_date"]


def test_dictionary_csv_and_markdown_mention_every_item():
    out = io.StringIO(newline="")
    n = write_dictionary_csv(out, REG)
    parsed = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert parsed[0] == list(DICTIONARY_COLUMNS) and len(parsed) == n + 1
    md = dictionary_markdown(REG)
    for inst in REG:
        assert f"## `{inst.code}`" in md
        for item in inst.items:
            assert f"| `{item.id}` | {' '.join(item.text.split())} |" in md
    for column in BASE_COLUMNS:
        assert f"| `{column}` |" in md
