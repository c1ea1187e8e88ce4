"""Score one administration of an instrument.

Pure functions over a loaded Instrument and a dict of answers. Safety flags are worked
out from the answers themselves, so they are raised even when too many items are missing
for a total: a risk signal is never lost because the rest of the form was left blank.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from .errors import AnswerTypeError, AnswerValueError, ScoringError, UnknownItemError
from .model import SEXES, Instrument


@dataclass(frozen=True)
class BandResult:
    """The band a total falls in, with its client-facing meaning."""

    id: str
    label: str
    meaning: str


@dataclass(frozen=True)
class SafetyFlag:
    """A safety item scored at or above its threshold."""

    item: str
    value: int
    score: int
    threshold: int
    note: str | None = None


@dataclass(frozen=True)
class ScreenResult:
    """Caseness / positive screen, with the cut-off used and why."""

    positive: bool | None
    cutoff: int
    basis: str  # "all", "female", "male", or "sex_unknown"
    label: str
    meaning: str
    note: str | None = None


@dataclass(frozen=True)
class ScoreResult:
    """Everything one administration's answers say, after the instrument's rules."""

    instrument: str
    total: int | None
    prorated: bool
    answered: int
    missing_items: tuple[str, ...]
    band: BandResult | None
    flags: tuple[SafetyFlag, ...]
    screen: ScreenResult | None
    item_scores: Mapping[str, int | None] = field(default_factory=dict)
    unscored_answers: Mapping[str, int | None] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain JSON-ready data."""
        return {
            "instrument": self.instrument,
            "total": self.total,
            "prorated": self.prorated,
            "answered": self.answered,
            "missing_items": list(self.missing_items),
            "band": None if self.band is None else vars(self.band).copy(),
            "flags": [vars(f).copy() for f in self.flags],
            "screen": None if self.screen is None else vars(self.screen).copy(),
            "item_scores": dict(self.item_scores),
            "unscored_answers": dict(self.unscored_answers),
            "notes": list(self.notes),
        }


def _items(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


def _round_half_up(x: Fraction) -> int:
    return math.floor(x + Fraction(1, 2))


def check_answers(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, int | None]:
    """Return answers for every item (None when missing), or raise a ScoringError naming the item."""
    if not isinstance(answers, Mapping):
        raise AnswerTypeError(f"{instrument.code}: answers must be a mapping of item id to value")
    ids = {item.id for item in instrument.items}
    for key in answers:
        if key not in ids:
            raise UnknownItemError(
                f"{instrument.code} has no item {key!r} (items: {', '.join(i.id for i in instrument.items)})",
                item=str(key))
    out: dict[str, int | None] = {}
    for item in instrument.items:
        value = answers.get(item.id)
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, int):
                raise AnswerTypeError(
                    f"{instrument.code} item {item.id}: answer must be a whole number or empty, not {value!r}",
                    item=item.id)
            if value not in item.values:
                allowed = ", ".join(str(v) for v in sorted(item.values))
                raise AnswerValueError(
                    f"{instrument.code} item {item.id}: {value} is not one of the answer values {allowed}",
                    item=item.id)
        out[item.id] = value
    return out


def _normalise_sex(sex: str | None) -> str | None:
    if sex is None:
        return None
    if not isinstance(sex, str):
        raise ScoringError(f"sex must be text or None, not {sex!r}")
    s = sex.strip().lower()
    return s if s in SEXES else None


def score(instrument: Instrument, answers: Mapping[str, int | None], sex: str | None = None) -> ScoreResult:
    """Score one administration; raise a ScoringError subclass for an unknown item or bad value."""
    values = check_answers(instrument, answers)
    notes: list[str] = []
    item_scores: dict[str, int | None] = {}
    unscored: dict[str, int | None] = {}
    for item in instrument.items:
        v = values[item.id]
        if item.scored:
            item_scores[item.id] = None if v is None else item.score(v)
        else:
            unscored[item.id] = v
    missing = tuple(k for k, v in item_scores.items() if v is None)
    answered = len(item_scores) - len(missing)

    total: int | None
    prorated = False
    rule = instrument.missing
    if not missing:
        total = sum(v for v in item_scores.values() if v is not None)
    elif rule.rule == "prorate" and len(missing) <= rule.max_missing and answered > 0:
        raw = sum(v for v in item_scores.values() if v is not None)
        total = _round_half_up(Fraction(raw * len(item_scores), answered))
        prorated = True
        notes.append(f"{_items(len(missing))} missing; total prorated from {answered} answered items "
                     f"(mean x {len(item_scores)}, rounded half up).")
    else:
        total = None
        allowed = rule.max_missing if rule.rule == "prorate" else 0
        notes.append(f"{_items(len(missing))} missing; no total (at most {allowed} may be missing).")

    flags = []
    for s in instrument.safety_items:
        v = values[s.item]
        if v is not None:
            item_score = instrument.item(s.item).score(v)
            if item_score >= s.threshold:
                flags.append(SafetyFlag(item=s.item, value=v, score=item_score, threshold=s.threshold, note=s.note))

    band = None
    if total is not None:
        b = instrument.band_for(total)
        if b is not None:
            band = BandResult(id=b.id, label=b.label, meaning=b.meaning)

    screen = None
    c = instrument.caseness
    if c is not None:
        norm = _normalise_sex(sex)
        cutoff, basis = c.cutoff_for(norm)
        note = None
        if basis == "sex_unknown":
            note = (f"Sex not recorded as female or male: the lower cut-off ({cutoff}) was used, "
                    "so the screen errs towards positive.")
        if total is None:
            screen = ScreenResult(positive=None, cutoff=cutoff, basis=basis, label=c.label,
                                  meaning="No total, so no screen result.", note=note)
        else:
            pos = total >= cutoff
            screen = ScreenResult(positive=pos, cutoff=cutoff, basis=basis, label=c.label,
                                  meaning=c.positive_meaning if pos else c.negative_meaning, note=note)

    return ScoreResult(
        instrument=instrument.code, total=total, prorated=prorated, answered=answered,
        missing_items=missing, band=band, flags=tuple(flags), screen=screen,
        item_scores=MappingProxyType(item_scores), unscored_answers=MappingProxyType(unscored),
        notes=tuple(notes),
    )
