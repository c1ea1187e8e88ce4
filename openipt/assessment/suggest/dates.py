"""Approximate dates for the timeline.

People rarely remember the exact day a life event happened: "March last year" or "2019" is
often the best a client can give. The timeline therefore stores dates at three precisions
(year, month, day) and the scorer measures distances between their representative days.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Precision = Literal["year", "month", "day"]

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
DAYS_PER_MONTH = 365.2425 / 12


@dataclass(frozen=True, order=True)
class ApproxDate:
    """A date known to the year, the month, or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> Precision:
        """Return how precisely this date is known."""
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    def first_day(self) -> dt.date:
        """Return the earliest real day this date can stand for."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        """Return the latest real day this date can stand for."""
        if self.day is not None:
            return dt.date(self.year, self.month or 1, self.day)
        if self.month is not None:
            nxt = dt.date(self.year + (self.month == 12), self.month % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        return dt.date(self.year, 12, 31)

    def representative(self) -> dt.date:
        """Return the day used for arithmetic: the day itself, mid-month, or 1 July."""
        if self.day is not None:
            return self.first_day()
        if self.month is not None:
            return dt.date(self.year, self.month, 15)
        return dt.date(self.year, 7, 1)

    def iso(self) -> str:
        """Return the date in the form it was written ("2026", "2026-03", "2026-03-14")."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def human(self) -> str:
        """Return the date in plain words ("2026", "March 2026", "14 March 2026")."""
        if self.month is None:
            return str(self.year)
        name = _MONTH_NAMES[self.month - 1]
        if self.day is None:
            return f"{name} {self.year}"
        return f"{self.day} {name} {self.year}"


def parse_approx_date(text: object) -> ApproxDate:
    """Parse "YYYY", "YYYY-MM" or "YYYY-MM-DD"; raise ValueError with a short reason."""
    if not isinstance(text, str):
        raise ValueError("not a date (expected a string like 2026-03-14, 2026-03 or 2026)")
    m = _PATTERN.match(text.strip())
    if not m:
        raise ValueError(f"not a date: {text!r} (use 2026-03-14, 2026-03 or 2026)")
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if year < 1900:
        raise ValueError(f"not a date: {text!r} (year before 1900)")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"not a date: {text!r} (month must be 01-12)")
    if day is not None:
        try:
            dt.date(year, month or 1, day)
        except ValueError:
            raise ValueError(f"not a date: {text!r} (no such day)") from None
    return ApproxDate(year, month, day)


def months_between(earlier: dt.date, later: dt.date) -> float:
    """Return the signed number of average-length months from earlier to later."""
    return (later - earlier).days / DAYS_PER_MONTH


def describe_offset(months: float, onset_known: bool, approximate: bool) -> str:
    """Describe a signed month offset in words ("2 months before symptoms began")."""
    anchor = "symptoms began" if onset_known else "this assessment"
    if abs(months) < 1:
        return "around the time symptoms began" if onset_known else "around the time of this assessment"
    size = abs(months)
    if size < 24:
        n = round(size)
        unit = "month" if n == 1 else "months"
    else:
        n = round(size / 12)
        unit = "years"
    side = "before" if months < 0 else "after"
    about = "about " if approximate else ""
    return f"{about}{n} {unit} {side} {anchor}"
