"""The monthly reports: the indicators as CSV rows, and as a DHIS2 dataValueSet.

Pure Python (no Django). Both take a `Result` from `indicators.compute`, so they report exactly what
the dashboard shows. A mapping from indicator ids to DHIS2 codes is written by an admin as text, one
indicator a line:

    enrolled = IPT_ENROLLED
    completed = IPT_COMPLETED : AGE_ALL

(the data element code, then optionally a category option combo code after a colon). `parse_mapping`
refuses a mapping that is incomplete or malformed, naming the line or the missing indicator. The optional
indicators (the facilitators' competency) may be mapped or not: one not mapped is simply not sent, so a mapping
written before they existed keeps working.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from openipt.programmes.indicators import BY_ID, INDICATORS, Result

# DHIS2 codes are at most 50 characters; we allow the characters DHIS2 instances use in practice.
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,49}$")
PERIOD = re.compile(r"^\d{6}$")
REPORTED = tuple(i.id for i in INDICATORS if not i.optional)  # a complete mapping names every one of these
OPTIONAL = tuple(i.id for i in INDICATORS if i.optional)  # sent when mapped


class MappingError(ValueError):
    """A DHIS2 mapping that cannot be used; the message names the line or the indicator."""


@dataclass(frozen=True)
class Target:
    data_element: str
    category_option_combo: str = ""


@dataclass(frozen=True)
class Mapping:
    org_unit: str
    data_set: str
    targets: dict[str, Target]


def parse_mapping(text: str, *, org_unit: str, data_set: str = "", complete: bool = True) -> Mapping:
    """Read the admin's mapping; with `complete`, every indicator that is not optional must be mapped."""
    problems: list[str] = []
    if not org_unit.strip():
        problems.append("The organisation unit code is missing.")
    elif not CODE.match(org_unit.strip()):
        problems.append(f"The organisation unit code {org_unit.strip()!r} is not a DHIS2 code.")
    if data_set.strip() and not CODE.match(data_set.strip()):
        problems.append(f"The data set code {data_set.strip()!r} is not a DHIS2 code.")
    targets: dict[str, Target] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            problems.append(f"Line {number}: write the indicator, then =, then the data element code.")
            continue
        left, right = (part.strip() for part in line.split("=", 1))
        if left not in BY_ID:
            problems.append(f"Line {number}: there is no indicator {left!r}.")
            continue
        if left in targets:
            problems.append(f"Line {number}: {left!r} is mapped twice.")
            continue
        element, _, combo = (part.strip() for part in right.partition(":"))
        if not CODE.match(element):
            problems.append(f"Line {number}: {element!r} is not a DHIS2 data element code.")
            continue
        if combo and not CODE.match(combo):
            problems.append(f"Line {number}: {combo!r} is not a DHIS2 category option combo code.")
            continue
        targets[left] = Target(element, combo)
    if complete:
        missing = [i for i in REPORTED if i not in targets]
        if missing:
            problems.append("These indicators have no data element code: " + ", ".join(missing) + ".")
    if problems:
        raise MappingError(" ".join(problems))
    return Mapping(org_unit.strip(), data_set.strip(), targets)


def dhis2_period(month: date) -> str:
    """DHIS2's monthly period: YYYYMM."""
    return f"{month.year:04d}{month.month:02d}"


def data_value_set(result: Result, mapping: Mapping, month: date) -> dict[str, object]:
    """A DHIS2 dataValueSet (codes as identifiers) for one month. Suppressed and empty values are left out:
    DHIS2 takes numbers only, and a small cell must not leave the organisation."""
    values: list[dict[str, str]] = []
    for indicator_id, target in mapping.targets.items():
        shown = result.values[indicator_id]
        if shown.suppressed or shown.value is None:
            continue
        number = shown.value
        entry = {"dataElement": target.data_element, "value": _number(number, shown.indicator.kind)}
        if target.category_option_combo:
            entry["categoryOptionCombo"] = target.category_option_combo
        values.append(entry)
    out: dict[str, object] = {
        "period": dhis2_period(month),
        "orgUnit": mapping.org_unit,
        "dataValues": values,
    }
    if mapping.data_set:
        out = {"dataSet": mapping.data_set, **out}
    return out


def _number(value: float, kind: str) -> str:
    return str(int(value)) if kind == "count" else f"{value:.1f}"


def check_data_value_set(doc: object) -> list[str]:
    """What is wrong with a dataValueSet's shape (empty when it is right)."""
    if not isinstance(doc, dict):
        return ["the document is not an object"]
    problems = []
    allowed = {"dataSet", "period", "orgUnit", "dataValues", "completeDate", "attributeOptionCombo"}
    problems += [f"unknown field {k!r}" for k in doc if k not in allowed]
    if "dataSet" in doc and not (isinstance(doc["dataSet"], str) and doc["dataSet"]):
        problems.append("dataSet must be a non-empty string")
    if not (
        isinstance(doc.get("period"), str)
        and PERIOD.match(doc["period"])
        and 1 <= int(doc["period"][4:]) <= 12
    ):
        problems.append("period must be a month written YYYYMM")
    if not (isinstance(doc.get("orgUnit"), str) and doc["orgUnit"]):
        problems.append("orgUnit must be a non-empty string")
    rows = doc.get("dataValues")
    if not isinstance(rows, list):
        return [*problems, "dataValues must be a list"]
    for n, row in enumerate(rows):
        if not isinstance(row, dict):
            problems.append(f"dataValues[{n}] is not an object")
            continue
        if not (isinstance(row.get("dataElement"), str) and row["dataElement"]):
            problems.append(f"dataValues[{n}].dataElement is missing")
        if not (isinstance(row.get("value"), str) and re.fullmatch(r"-?\d+(\.\d+)?", row["value"])):
            problems.append(f"dataValues[{n}].value must be a number written as a string")
        extra = set(row) - {"dataElement", "value", "categoryOptionCombo", "attributeOptionCombo", "comment"}
        problems += [f"dataValues[{n}] has an unknown field {k!r}" for k in sorted(extra)]
    return problems


CSV_HEADERS = (
    "period",
    "indicator",
    "name",
    "value",
    "denominator",
    "percent",
    "ci95_low",
    "ci95_high",
    "note",
)


def csv_text(result: Result, month: date) -> str:
    """The indicators for one month as CSV, one indicator a row; small cells read "<5"."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    period = f"{month.year:04d}-{month.month:02d}"
    for v in result.values.values():
        p = v.proportion
        note = (
            "small number hidden"
            if v.suppressed
            else ("denominator hidden" if v.denominator_suppressed else "")
        )
        denominator = (
            ""
            if v.denominator is None
            else (f"<{v.threshold}" if v.denominator_suppressed else str(v.denominator))
        )
        writer.writerow(
            [
                period,
                v.indicator.id,
                v.indicator.name,
                v.shown(),
                denominator,
                "" if p is None else f"{100 * p:.1f}",
                "" if p is None or v.low is None else f"{100 * v.low:.1f}",
                "" if p is None or v.high is None else f"{100 * v.high:.1f}",
                note,
            ]
        )
    return buffer.getvalue()
