"""The CSV reader behind bulk import reads files as spreadsheets really save them (pure: no database)."""

from __future__ import annotations

from datetime import date

import pytest

from openipt.clients import csvimport
from openipt.clients.csvimport import FileProblem, parse_date, read_table
from tests.support.imports import csv_bytes


def cells(table, key):
    return [row.cells.get(key, "") for row in table.rows]


def test_utf8_with_a_byte_order_mark_reads_the_first_column_name():
    data = csv_bytes([["Given name", "Family name"], ["Zoë", "Ødegård"]], bom=True)
    table = read_table(data, "clients")
    assert table.encoding == "UTF-8"
    assert cells(table, "given_name") == ["Zoë"] and cells(table, "family_name") == ["Ødegård"]


def test_windows_1252_is_read_when_the_file_is_not_utf8():
    data = csv_bytes(
        [["Given name", "Family name", "Address"], ["José", "Müller", "5 Rue d’Été"]], encoding="cp1252"
    )
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    table = read_table(data, "clients")
    assert table.encoding == "Windows-1252"
    assert cells(table, "given_name") == ["José"] and cells(table, "address") == ["5 Rue d’Été"]


def test_semicolons_are_found_from_the_header_and_commas_in_cells_stay():
    data = csv_bytes([["Given name", "Address"], ["Ann", "1 High St, Leeds"]], delimiter=";")
    table = read_table(data, "clients")
    assert table.delimiter == ";"
    assert cells(table, "address") == ["1 High St, Leeds"]


def test_excel_sep_line_names_the_separator():
    table = read_table(b"sep=;\r\nE-mail;Role\r\nsam@example.test;Therapist\r\n", "staff")
    assert table.delimiter == ";" and cells(table, "role") == ["Therapist"]
    assert table.rows[0].number == 2


@pytest.mark.parametrize(
    "header, key",
    [
        ("FIRST NAME", "given_name"),
        ("forename", "given_name"),
        ("Surname", "family_name"),
        ("last_name", "family_name"),
        ("DOB", "date_of_birth"),
        ("D.O.B.", "date_of_birth"),
        ("Date-of-Birth", "date_of_birth"),
        ("Gender", "sex"),
        ("Email Address", "email"),
        ("e_mail", "email"),
        ("Mobile", "phone"),
        ("MRN", "record_number"),
        ("Therapist", "staff"),
        ("Language", "preferred_language"),
    ],
)
def test_column_names_match_without_case_or_punctuation_and_with_common_other_names(header, key):
    table = read_table(
        csv_bytes(
            [
                ["Given name" if key != "given_name" else header, header if key != "given_name" else "Notes"],
                ["Ann", "x"],
            ]
        ),
        "clients",
    )
    assert key in table.headers and table.headers[key] == header


def test_blank_rows_are_skipped_spaces_trimmed_and_row_numbers_are_the_spreadsheets():
    data = b"\r\nGiven name,Family name\r\n  Ann  ,  Lee \r\n,\r\n\r\nBo,Chan\r\n"
    table = read_table(data, "clients")
    assert cells(table, "given_name") == ["Ann", "Bo"] and cells(table, "family_name") == ["Lee", "Chan"]
    assert [row.number for row in table.rows] == [3, 6]


def test_a_cell_with_a_line_break_inside_quotes_stays_one_cell():
    table = read_table(
        csv_bytes([["Given name", "Address"], ["Ann", "1 High St\nLeeds"], ["Bo", ""]]), "clients"
    )
    assert cells(table, "address") == ["1 High St\nLeeds", ""]


def test_columns_nobody_reads_are_listed_so_the_preview_can_say_so():
    table = read_table(csv_bytes([["Given name", "Notes", "Favourite colour"], ["Ann", "x", "y"]]), "clients")
    assert table.ignored == ["Notes", "Favourite colour"]


def test_a_row_with_more_cells_than_column_names_is_a_problem_on_that_row():
    table = read_table(b"Given name,Family name\r\nAnn,Lee,extra\r\nBo,Chan\r\n", "clients")
    assert [(p.row, p.column) for p in table.problems] == [(2, "")]


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "The file is empty"),
        (b"\r\n ,, \r\n", "The file is empty"),
        (b"Family name,Phone\r\nLee,1\r\n", "no Given name column"),
        (b"Given name\r\n", "no rows below them"),
        (b"Given name,First name\r\nAnn,Ann\r\n", "Two columns mean Given name"),
        ("Given name\r\nAnn\r\n".encode("utf-16"), "UTF-16"),
        (b"Given name\x00\r\nAnn\r\n", "does not look like a CSV file"),
        (b"\x81\x8d\x8f\x90\x9d", "could not be read"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "does not look like a CSV file"),
    ],
)
def test_files_that_cannot_be_used_are_refused_with_a_plain_reason(data, words):
    with pytest.raises(FileProblem) as refused:
        read_table(data, "clients")
    assert words in str(refused.value)


def test_the_row_limit_and_the_size_limit_are_clear():
    rows = [["Given name"]] + [[f"Person {n}"] for n in range(csvimport.MAX_ROWS)]
    assert len(read_table(csv_bytes(rows), "clients").rows) == csvimport.MAX_ROWS
    with pytest.raises(FileProblem, match=f"more than {csvimport.MAX_ROWS} rows"):
        read_table(csv_bytes(rows + [["One too many"]]), "clients")
    with pytest.raises(FileProblem, match="larger than 1 MB"):
        read_table(b"Given name\r\n" + b"a" * csvimport.MAX_BYTES, "clients")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2001-03-14", date(2001, 3, 14)),
        ("14/03/2001", date(2001, 3, 14)),
        ("4/3/2001", date(2001, 3, 4)),
        ("14.03.2001", date(2001, 3, 14)),
        ("14-03-2001", date(2001, 3, 14)),
        ("2001/03/14", date(2001, 3, 14)),
        ("2001-03-14 00:00:00", date(2001, 3, 14)),
        ("", None),
        ("  ", None),
    ],
)
def test_dates_are_read_as_iso_or_day_month_year(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text, words",
    [
        ("03/14/2001", "does not exist"),
        ("31/02/2001", "does not exist"),
        ("14/03/01", "four digits"),
        ("March 14 2001", "day/month/year"),
        ("2001-3", "day/month/year"),
    ],
)
def test_dates_that_cannot_be_read_say_how_to_write_them(text, words):
    with pytest.raises(ValueError, match=words):
        parse_date(text)


def test_duplicates_in_the_file_name_the_first_row():
    table = read_table(
        csv_bytes(
            [["E-mail", "Role"], ["a@x.test", "therapist"], ["b@x.test", "therapist"], ["A@X.test", "admin"]]
        ),
        "staff",
    )
    found = csvimport.duplicates_in_file(
        table.rows, "email", lambda r: r.cells["email"].lower(), "same as row %(row)s"
    )
    assert [(p.row, p.params["row"]) for p in found] == [(4, 2)]


def test_the_template_header_is_read_back_as_every_column():
    for kind, columns in csvimport.COLUMNS.items():
        header = csvimport.template_header(kind).encode()
        data = header + b",".join(b"x" for _ in columns) + b"\r\n"
        assert set(read_table(data, kind).headers) == {c.key for c in columns}
