"""The shape of an instrument once loaded and checked.

Instruments live as YAML data files; these frozen dataclasses are what the rest of
OpenIPT works with after `validate.build_instrument` has checked a file. Nothing here
reads files or knows about Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

KINDS = ("self_report", "clinician")
DIRECTIONS = ("higher_is_worse", "higher_is_better")
SEXES = ("female", "male")


@dataclass(frozen=True)
class Option:
    """One answer choice: the stored value and the published label."""

    value: int
    label: str


@dataclass(frozen=True)
class Item:
    """One question with its answer options and scoring flags."""

    id: str
    text: str
    options: tuple[Option, ...]
    scored: bool = True
    reverse: bool = False
    loinc: str | None = None
    note: str | None = None

    @cached_property  # worked out once: a batch checks thousands of answers against it
    def values(self) -> frozenset[int]:
        """Return the allowed answer values."""
        return frozenset(o.value for o in self.options)

    @cached_property  # worked out once: a batch checks thousands of answers against it
    def min_value(self) -> int:
        """Return the lowest answer value."""
        return min(o.value for o in self.options)

    @cached_property  # worked out once: a batch checks thousands of answers against it
    def max_value(self) -> int:
        """Return the highest answer value."""
        return max(o.value for o in self.options)

    def score(self, value: int) -> int:
        """Return the item score for an answer value, reversing it when the item says so."""
        return self.min_value + self.max_value - value if self.reverse else value

    @cached_property  # worked out once: a batch checks thousands of answers against it
    def scores(self) -> frozenset[int]:
        """Return every score this item can give."""
        return frozenset(self.score(v) for v in self.values)


@dataclass(frozen=True)
class Licence:
    """Licence text and whether OpenIPT may show the instrument to users."""

    text: str
    embeddable: bool


@dataclass(frozen=True)
class MissingRule:
    """What to do when some scored items are unanswered."""

    rule: str  # "none_allowed" | "prorate"
    max_missing: int = 0
    rounding: str = "half_up"
    note: str | None = None


@dataclass(frozen=True)
class Band:
    """A severity band over totals, with a plain-language meaning for clients."""

    id: str
    min: int
    max: int
    label: str
    meaning: str

    def contains(self, total: int) -> bool:
        """Return True when the total falls in this band."""
        return self.min <= total <= self.max


@dataclass(frozen=True)
class SafetyItem:
    """An item whose score at or above the threshold must raise a safety flag."""

    item: str
    threshold: int
    note: str | None = None


@dataclass(frozen=True)
class Caseness:
    """The cut-off at or above which a total counts as a case (positive screen)."""

    cutoff: int | None
    by_sex: tuple[tuple[str, int], ...] = ()
    label: str = ""
    positive_meaning: str = ""
    negative_meaning: str = ""
    source: str | None = None
    note: str | None = None

    def cutoff_for(self, sex: str | None) -> tuple[int, str]:
        """Return (cut-off, basis) for a sex; the lower sex cut-off when sex is not known."""
        if not self.by_sex:
            assert self.cutoff is not None
            return self.cutoff, "all"
        table = dict(self.by_sex)
        if sex in table:
            return table[sex], sex
        return min(table.values()), "sex_unknown"


@dataclass(frozen=True)
class ReliableChange:
    """A published reliable-change threshold, or SD and reliability for Jacobson-Truax."""

    method: str  # "threshold" | "jacobson_truax"
    threshold: float | None = None
    sd: float | None = None
    reliability: float | None = None
    source: str | None = None

    @property
    def s_diff(self) -> float | None:
        """Return the standard error of a difference, SD * sqrt(2) * sqrt(1 - r)."""
        if self.method != "jacobson_truax":
            return None
        if self.sd is None or self.reliability is None:
            raise ValueError("a Jacobson-Truax reliable-change rule needs sd and reliability")
        return self.sd * math.sqrt(2) * math.sqrt(1 - self.reliability)

    @property
    def size(self) -> float:
        """Return the smallest change (in points) that counts as reliable."""
        if self.method == "threshold":
            if self.threshold is None:
                raise ValueError("a threshold reliable-change rule needs a threshold")
            return float(self.threshold)
        s_diff = self.s_diff
        if s_diff is None:
            raise ValueError(f"unknown reliable-change method {self.method!r}")
        return 1.96 * s_diff


@dataclass(frozen=True)
class Remission:
    """Remission means a total below this number."""

    below: int
    source: str | None = None


@dataclass(frozen=True)
class Response:
    """Response means a fall of at least this fraction of the baseline total."""

    fall_fraction: float
    source: str | None = None


@dataclass(frozen=True)
class Instrument:
    """A loaded, checked instrument: items, scoring rules and where it came from."""

    code: str
    name: str
    short_name: str
    version: str
    kind: str
    licence: Licence
    source: str
    wording_source: str
    timeframe: str
    instructions: str
    items: tuple[Item, ...]
    min_total: int
    max_total: int
    missing: MissingRule
    language: str = "en"
    direction: str = "higher_is_worse"
    bands: tuple[Band, ...] = ()
    safety_items: tuple[SafetyItem, ...] = ()
    caseness: Caseness | None = None
    reliable_change: ReliableChange | None = None
    remission: Remission | None = None
    response: Response | None = None
    loinc_panel: str | None = None
    loinc_total: str | None = None
    notes: tuple[str, ...] = ()
    overrides: str | None = None
    path: Path | None = field(default=None, compare=False)

    @property
    def scored_items(self) -> tuple[Item, ...]:
        """Return the items that count towards the total, in published order."""
        return tuple(i for i in self.items if i.scored)

    def item(self, item_id: str) -> Item:
        """Return the item with this id, or raise KeyError."""
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    def band_for(self, total: int) -> Band | None:
        """Return the band that holds this total, or None when the instrument has no bands."""
        for band in self.bands:
            if band.contains(total):
                return band
        return None

    @property
    def higher_is_worse(self) -> bool:
        """Return True when a higher total means more symptoms."""
        return self.direction == "higher_is_worse"
