"""Scales and axis ticks: map scores, session numbers and dates onto drawing coordinates.

Kept apart from the charts so the trajectory and the timeline share one idea of "where is this date"
and so the tick choice (every session, whole months, whole years) is tested once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import SupportsFloat

from ._base import as_date, fmt_score


@dataclass(frozen=True)
class Linear:
    """Map the domain [d0, d1] linearly onto the range [r0, r1], clamping to the range."""

    d0: float
    d1: float
    r0: float
    r1: float

    def __call__(self, value: float) -> float:
        """Return the drawing coordinate for ``value``."""
        span = self.d1 - self.d0
        t = 0.5 if span == 0 else (value - self.d0) / span
        t = min(1.0, max(0.0, t))
        return self.r0 + t * (self.r1 - self.r0)


def nice_step(limit: float, most: int = 6) -> float:
    """Return a 1-2-5 step giving at most ``most`` intervals from 0 to ``limit``."""
    if limit <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(limit / most))
    for mult in (1, 2, 5, 10, 20):
        step = mult * magnitude
        if limit / step <= most:
            return step
    return 20 * magnitude


def y_ticks(y_max: float) -> list[tuple[float, str]]:
    """Return (value, label) ticks from 0 to ``y_max`` on a 1-2-5 step."""
    step = nice_step(y_max)
    ticks = []
    i = 0
    while math.isfinite(i * step) and i * step <= y_max * (1 + 1e-9):
        v = round(i * step, 10)
        ticks.append((v, fmt_score(v)))
        i += 1
    return ticks


def nice_ceiling(value: float) -> float:
    """Round ``value`` up to a tidy axis top (at least 1)."""
    if value <= 1:
        return 1.0
    step = nice_step(value, 5)
    top = float(math.ceil(value / step - 1e-9)) * step
    return top if math.isfinite(top) else value


def _number(value: object) -> float:
    """Return a session number as a float; anything float() cannot read is a TypeError, as float() says."""
    if isinstance(value, SupportsFloat | str):
        return float(value)
    raise TypeError(f"an x position must be a session number or a date, not {value!r}")


class XAxis:
    """The x axis of a chart: session numbers or dates, with their ticks and labels."""

    def __init__(
        self,
        values: Iterable[object],
        *,
        r0: float,
        r1: float,
        text: Mapping[str, str],
        fixed: tuple[date, date] | None = None,
    ) -> None:
        vals = list(values)
        self.text = text
        self.is_date = fixed is not None or any(isinstance(v, date) for v in vals)
        if self.is_date and any(not isinstance(v, date) for v in vals):
            raise ValueError("x positions mix dates and session numbers; use one kind per chart")
        if self.is_date:
            ords = [as_date(v).toordinal() for v in vals if isinstance(v, date)]  # all are dates (checked above)
            if fixed is not None:
                ords += [fixed[0].toordinal(), fixed[1].toordinal()]
            lo, hi = (min(ords), max(ords)) if ords else (date.today().toordinal(),) * 2
            pad = max(1.0, (hi - lo) * 0.03) if fixed is None else 0.0
            if hi - lo < 14:
                pad = max(pad, (14 - (hi - lo)) / 2)
            self.lo, self.hi = lo - pad, hi + pad
        else:
            nums = [_number(v) for v in vals]
            low, high = (min(nums), max(nums)) if nums else (1.0, 1.0)
            low = min(low, 1.0) if low >= 0 else low
            self.lo, self.hi = low - 0.5, high + 0.5
        self.scale = Linear(self.lo, self.hi, r0, r1)
        self.r0, self.r1 = r0, r1

    def pos(self, value: object) -> float:
        """Return the drawing x for a session number or a date."""
        return self.scale(self.num(value))

    def num(self, value: object) -> float:
        """Return the numeric domain value (date ordinal or session number)."""
        if self.is_date:
            if not isinstance(value, date):
                raise ValueError("x positions mix dates and session numbers; use one kind per chart")
            return float(as_date(value).toordinal())
        if isinstance(value, date):
            raise ValueError("x positions mix dates and session numbers; use one kind per chart")
        return _number(value)

    def half_unit(self) -> float:
        """Return half a session (0.5) for session axes and 0 for date axes."""
        return 0.0 if self.is_date else 0.5

    def ticks(self) -> list[tuple[float, str]]:
        """Return (x coordinate, label) ticks that fit the axis width."""
        width = abs(self.r1 - self.r0)
        if not self.is_date:
            first, last = math.ceil(self.lo + 0.5 - 1e-9), math.floor(self.hi - 0.5 + 1e-9)
            count = max(1, last - first + 1)
            most = max(2, int(width // 22))
            step = 1
            for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10**4, 10**5, 10**6):
                step = s
                if count / s <= most:
                    break
            start = first if step == 1 else math.ceil(first / step) * step
            out: list[tuple[float, str]] = []
            v = start
            while v <= last and len(out) < 200:
                out.append((self.scale(v), str(v)))
                v += step
            if not out and first <= last:
                out.append((self.scale(first), str(first)))
            return out
        return date_ticks(int(math.ceil(self.lo)), int(math.floor(self.hi)), width, self.scale, self.text)


def _add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    if d.year + m // 12 > 9999:
        return date.max
    return date(d.year + m // 12, m % 12 + 1, 1)


def date_ticks(
    lo: int, hi: int, width: float, scale: Linear, text: Mapping[str, str]
) -> list[tuple[float, str]]:
    """Return ticks on whole days, weeks, months or years between two date ordinals."""
    months = text["months"].split()
    if len(months) != 12:
        months = [f"{i:02d}" for i in range(1, 13)]
    top = date.max.toordinal()
    lo_d = date.fromordinal(min(max(1, lo), top))
    hi_d = date.fromordinal(min(max(1, hi), top))
    days = hi - lo
    most = max(2, int(width // 58))
    out: list[tuple[float, str]] = []
    if days <= most * 7:
        step = 1 if days <= most else 7
        d = lo_d
        if step == 7:
            d = lo_d + timedelta(days=(7 - lo_d.weekday()) % 7)  # Mondays
        while d <= hi_d:
            out.append((scale(d.toordinal()), f"{d.day} {months[d.month - 1]}"))
            if d > date.max - timedelta(days=step):
                break
            d += timedelta(days=step)
        return out
    span_months = (hi_d.year - lo_d.year) * 12 + hi_d.month - lo_d.month + 1
    if span_months <= most * 6:
        step = next(s for s in (1, 2, 3, 6) if span_months / s <= most)
        d = date(lo_d.year, lo_d.month, 1)
        if d < lo_d:
            d = _add_months(d, 1)
        while (d.month - 1) % step:
            d = _add_months(d, 1)
        previous_year = None
        while d <= hi_d:
            label = months[d.month - 1]
            if d.year != previous_year:
                label = f"{label} {d.year}"
                previous_year = d.year
            out.append((scale(d.toordinal()), label))
            if d == date.max:
                break
            d = _add_months(d, step)
        return out
    years = hi_d.year - lo_d.year + 1
    step = next((s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if years / s <= most), 1000)
    y = lo_d.year + 1 if date(lo_d.year, 1, 1) < lo_d else lo_d.year
    y = math.ceil(y / step) * step
    while y <= hi_d.year and y <= 9999:
        out.append((scale(date(y, 1, 1).toordinal()), str(y)))
        y += step
    return out
