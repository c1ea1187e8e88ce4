"""Spreadsheets for the bulk-import tests: CSV bytes as Excel and other programs save them, and the page steps."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile


def csv_bytes(
    rows: list[list[str]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    bom: bool = False,
    newline: str = "\r\n",
) -> bytes:
    """The rows as a CSV file: cells quoted when they hold the separator, a quote or a line break."""

    def cell(value: str) -> str:
        if any(ch in value for ch in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    text = newline.join(delimiter.join(cell(v) for v in row) for row in rows) + newline
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def upload(data: bytes, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def preview(browser, kind: str, data: bytes, name: str = "people.csv"):
    """Upload a file on the Import page; the response is the preview (or the form with the file's problem)."""
    return browser.post("/clients/import/", {"kind": kind, "file": upload(data, name)})


def token_in(response) -> str:
    """The confirmation token a preview page carries (empty when the page offers no import)."""
    found = re.search(r'name="token" value="([^"]*)"', response.content.decode())
    return found.group(1) if found else ""


def confirm(browser, token: str, key: str = "import-1"):
    return browser.post("/clients/import/confirm/", {"token": token, "submission_key": key})
