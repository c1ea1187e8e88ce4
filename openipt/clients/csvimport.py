"""Read a spreadsheet saved as CSV into rows of named cells: pure Python, no Django, no database.

Real spreadsheets arrive in many shapes, so the reader is forgiving where it can be and clear where it
cannot: UTF-8 with or without a byte-order mark, else Windows-1252 (Excel's "CSV" on Windows); comma,
semicolon or tab between cells (the header line decides, or an Excel `sep=;` first line); column names
matched without regard to case, spaces, dashes or underscores, with common other names ("Surname",
"DOB"); blank rows skipped; spaces around each cell trimmed. Dates are read as year-month-day (ISO) or
day/month/year; month/day/year is never assumed.

What is wrong comes back as `FileProblem` (the whole file cannot be used) or `CellProblem` (one row and
column). Their messages are English sentences with %(name)s figures, which the caller translates
(`openipt/clients/import_actions.py`), so this module stays free of Django.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

MAX_BYTES = 1_000_000  # about 5,000 rows of client details: far more than MAX_ROWS needs
# A preview tries every row through the actions: about 10 s for 500 rows on a busy two-core server.
MAX_ROWS = 500
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass(frozen=True)
class Column:
    """One column the import understands: its key, the header written in the template, and other names for it."""

    key: str
    header: str
    required: bool = False
    synonyms: tuple[str, ...] = ()


CLIENT_COLUMNS = (
    Column(
        "given_name",
        "Given name",
        True,
        ("first name", "firstname", "forename", "forenames", "given", "first"),
    ),
    Column("family_name", "Family name", False, ("last name", "lastname", "surname", "family", "last")),
    Column("preferred_name", "Preferred name", False, ("known as", "nickname", "called")),
    Column(
        "record_number",
        "Record number",
        False,
        ("record", "record no", "record id", "client id", "mrn", "id", "reference", "ref"),
    ),
    Column(
        "date_of_birth",
        "Date of birth",
        False,
        ("dob", "D.O.B.", "birth date", "birthdate", "born", "birthday"),
    ),
    Column("sex", "Sex", False, ("gender",)),
    Column("preferred_language", "Preferred language", False, ("language", "lang")),
    Column("email", "E-mail", False, ("email address", "e-mail address", "mail")),
    Column("phone", "Phone", False, ("phone number", "telephone", "tel", "mobile", "mobile number", "cell")),
    Column("address", "Address", False, ("home address", "postal address")),
    Column(
        "staff",
        "Assigned staff",
        False,
        ("therapist", "facilitator", "assigned to", "key worker", "clinician", "staff"),
    ),
)

STAFF_COLUMNS = (
    Column("email", "E-mail", True, ("email address", "e-mail address", "mail")),
    Column("role", "Role", True, ("job", "position", "job title")),
    Column("supervisor", "Supervisor", False, ("supervised by", "supervisor email", "supervisor e-mail")),
)

COLUMNS = {"clients": CLIENT_COLUMNS, "staff": STAFF_COLUMNS}

# What people write in a Sex or Role column, read as the value OpenIPT stores.
SEX_WORDS = {
    "": "",
    "f": "female",
    "female": "female",
    "woman": "female",
    "w": "female",
    "m": "male",
    "male": "male",
    "man": "male",
    "other": "other",
    "o": "other",
    "x": "other",
    "non binary": "other",
    "nonbinary": "other",
    "not recorded": "",
    "unknown": "",
    "prefer not to say": "",
}
ROLE_WORDS = {
    "admin": "admin",
    "administrator": "admin",
    "supervisor": "supervisor",
    "clinical supervisor": "supervisor",
    "therapist": "therapist",
    "counsellor": "therapist",
    "counselor": "therapist",
    "clinician": "therapist",
    "facilitator": "facilitator",
    "group facilitator": "facilitator",
    "lay facilitator": "facilitator",
}


class FileProblem(Exception):
    """The file as a whole cannot be read; nothing in it is used."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


@dataclass(frozen=True)
class CellProblem:
    """Something wrong in one row; `column` is a column key, or "" for the whole row."""

    row: int
    column: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    """One data row: its row number as a spreadsheet shows it (counting from the top, blank rows too) and its cells."""

    number: int
    cells: dict[str, str]


@dataclass
class Table:
    """What was read from a file, and how."""

    rows: list[Row]
    encoding: str
    delimiter: str
    headers: dict[str, str]  # column key -> the header as written in the file
    ignored: list[str]  # headers in the file that match no column
    problems: list[CellProblem] = field(default_factory=list)


def normalise_header(text: str) -> str:
    """Lower case, with underscores, dashes, dots and runs of spaces made one space: "E-Mail_Address" -> "e mail address"."""
    return " ".join(re.sub(r"[\s_\-./:()]+", " ", text.strip().lower()).split())


def _names(column: Column) -> set[str]:
    return {
        normalise_header(column.key),
        normalise_header(column.header),
        *(normalise_header(s) for s in column.synonyms),
    }


def decode(data: bytes) -> tuple[str, str]:
    """Return the file's text and the name of the encoding it was read in."""
    if len(data) > MAX_BYTES:
        raise FileProblem(
            "The file is larger than %(limit)s. Split it into smaller files of up to %(rows)s rows each.",
            limit="1 MB",
            rows=MAX_ROWS,
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem('The file is saved as UTF-16. Save it again as "CSV UTF-8" and upload that file.')
    if b"\x00" in data:
        raise FileProblem(
            "This does not look like a CSV file. Save your spreadsheet as CSV and upload that file."
        )
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise FileProblem(
            'The file\'s letters could not be read. Save it again as "CSV UTF-8" and upload that file.'
        ) from None


def _delimiter(header_line: str) -> str:
    """The separator used most in the header line, outside quotes (a comma when there is none)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_table(data: bytes | str, kind: str) -> Table:
    """Read a CSV file of `kind` ("clients" or "staff") into rows keyed by column; raise FileProblem if it cannot be used."""
    columns = COLUMNS[kind]
    if isinstance(data, bytes):
        text, encoding = decode(data)
    else:
        if len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES:
            decode(b"x" * (MAX_BYTES + 1))  # the same size message
        text, encoding = data.lstrip("\ufeff"), "UTF-8"
        if "\x00" in text:
            raise FileProblem(
                "This does not look like a CSV file. Save your spreadsheet as CSV and upload that file."
            )
    text, delimiter = _excel_separator_line(text)
    delimiter = delimiter or _delimiter(_first_line(text))
    try:
        records = list(_records(text, delimiter))
    except csv.Error as exc:
        raise FileProblem(
            "The file could not be read as CSV (%(reason)s). Save your spreadsheet as CSV and try again.",
            reason=str(exc),
        ) from None
    if not records:
        raise FileProblem(
            "The file is empty. Put the column names in the first row and one person in each row below."
        )
    _header_number, header = records[0]
    headers, positions, ignored = _map_headers(header, columns)
    missing = [c.header for c in columns if c.required and c.key not in positions]
    if missing:
        raise FileProblem(
            "The first row must name the columns. This file has no %(missing)s column. "
            "Download the template to see the column names.",
            missing=" or ".join(missing),
        )
    rows: list[Row] = []
    problems: list[CellProblem] = []
    for number, values in records[1:]:
        cleaned = [v.strip() for v in values]
        if not any(cleaned):
            continue
        if len(rows) >= MAX_ROWS:
            raise FileProblem(
                "The file has more than %(rows)s rows. Split it into files of up to %(rows)s rows each.",
                rows=MAX_ROWS,
            )
        cells = {key: (cleaned[i] if i < len(cleaned) else "") for key, i in positions.items()}
        extra = [v for v in cleaned[len(header) :] if v]
        if extra:
            problems.append(
                CellProblem(
                    number,
                    "",
                    "This row has more cells than the first row has column names. "
                    "Check for a stray separator in one of its cells.",
                )
            )
        rows.append(Row(number, cells))
    if not rows:
        raise FileProblem("The file has column names but no rows below them.")
    return Table(rows, encoding, delimiter, headers, ignored, problems)


def _first_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "")


def _excel_separator_line(text: str) -> tuple[str, str]:
    """Take off Excel's optional first line naming the separator ("sep=;"); return the rest and that separator."""
    stripped = text.lstrip("\r\n")
    first, _newline, rest = stripped.partition("\n")
    found = re.fullmatch(r'"?sep=([,;\t|])"?[,;]*', first.strip(), flags=re.IGNORECASE)
    return (rest, found.group(1)) if found else (text, "")


def _records(text: str, delimiter: str) -> Iterable[tuple[int, list[str]]]:
    """Yield (record number counting blank lines, cells) for each record after the leading blank lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    started = False
    for number, record in enumerate(reader, start=1):
        if not started:
            if not any(cell.strip() for cell in record):
                continue
            started = True
        yield number, record


def _match(header: str, column: Column) -> bool:
    return normalise_header(header) in _names(column)


def _map_headers(
    header: list[str], columns: tuple[Column, ...]
) -> tuple[dict[str, str], dict[str, int], list[str]]:
    headers: dict[str, str] = {}
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, name in enumerate(header):
        column = next((c for c in columns if _match(name, c)), None)
        if column is None:
            if name.strip():
                ignored.append(name.strip())
            continue
        if column.key in positions:
            raise FileProblem(
                'Two columns mean %(column)s ("%(first)s" and "%(second)s"). Keep one of them.',
                column=column.header,
                first=headers[column.key],
                second=name.strip(),
            )
        headers[column.key] = name.strip()
        positions[column.key] = index
    return headers, positions, ignored


def parse_date(text: str) -> date | None:
    """Read "2001-03-14", "14/03/2001", "14.03.2001" or "14-03-2001" (day first); None for an empty cell.

    Raises ValueError with a sentence for the person when the cell is not such a date.
    """
    text = text.strip()
    if not text:
        return None
    text = re.sub(r"[T ]00:00(:00)?$", "", text)  # a spreadsheet's date written with midnight
    iso = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
    dmy = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})", text)
    if iso:
        year, month, day = (int(p) for p in iso.groups())
    elif dmy:
        if len(dmy.group(3)) != 4:
            raise ValueError("Write the year with four digits, for example 14/03/2001.")
        day, month, year = (int(p) for p in dmy.groups())
    else:
        raise ValueError("Write the date as day/month/year (14/03/2001) or year-month-day (2001-03-14).")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError("This date does not exist. Dates are read as day/month/year.") from None


def word_value(text: str, words: dict[str, str]) -> str | None:
    """The stored value for what someone wrote ("F", "Woman" -> "female"), or None when the word is not known."""
    return words.get(normalise_header(text))


def duplicates_in_file(
    rows: list[Row], column: str, key: Callable[[Row], str | None], message: str
) -> list[CellProblem]:
    """A problem on every row whose key (when not None or empty) was already used by an earlier row."""
    first_seen: dict[str, int] = {}
    problems = []
    for row in rows:
        value = key(row)
        if not value:
            continue
        if value in first_seen:
            problems.append(CellProblem(row.number, column, message, {"row": first_seen[value]}))
        else:
            first_seen[value] = row.number
    return problems


def template_header(kind: str, delimiter: str = ",") -> str:
    """The first line of the template file for `kind`."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerow([c.header for c in COLUMNS[kind]])
    return out.getvalue()
