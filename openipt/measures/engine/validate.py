"""Check one instrument file's data and build an Instrument from it.

A site may drop its own licensed instrument into a directory as a YAML file. A file whose
scoring rules do not fit its items (bands with gaps, a safety item that does not exist,
a cut-off outside the possible range, ...) would give wrong numbers silently, so it is
refused here with every problem found, each as "file:line: field: message". The file's shape
is declared in ``schema``; this module checks that the scoring rules fit the items.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openipt.core.content import ContentFileError, Document, PathKey, check, dotted

from . import schema
from .errors import InstrumentFileError
from .model import (
    SEXES,
    Band,
    Caseness,
    Instrument,
    Item,
    Licence,
    MissingRule,
    Option,
    ReliableChange,
    Remission,
    Response,
    SafetyItem,
)

_TEXT_FIELDS = ("name", "short_name", "version", "source", "wording_source", "timeframe", "instructions")


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


class _Checker:
    """Collects problems with their line numbers while the instrument is built."""

    def __init__(self, lines: Document):
        self.lines = lines
        self.problems: list[tuple[int | None, str]] = []

    def err(self, loc: PathKey, message: str) -> None:
        self.problems.append((self.lines.line(loc), f"{dotted(loc)}: {message}"))


def build_instrument(data: Any, lines: Document, path: Path) -> Instrument:
    """Check instrument data read from path and return the Instrument, or raise InstrumentFileError."""
    if not isinstance(data, dict):
        raise InstrumentFileError(path, [(lines.line(()), "the file must be a mapping of keys to values")])
    try:
        spec = check(schema.InstrumentFile, data, lines)
    except ContentFileError as exc:
        raise InstrumentFileError(path, [(p.line, f"{p.field}: {p.message}") for p in exc.problems]) from None
    c = _Checker(lines)
    default_options = _options(c, spec.options, ("options",)) if spec.options is not None else None
    items = _items(c, spec.items, default_options)
    scored = [i for i in items if i.scored]
    if items and not scored:
        c.err(("items",), "at least one item must be scored")
    lo, hi = sum(i.min_value for i in scored), sum(i.max_value for i in scored)
    items_ok = bool(scored) and len(items) == len(spec.items)
    for key, given, derived in (("min", spec.scoring.min, lo), ("max", spec.scoring.max, hi)):
        if given is not None and items_ok and given != derived:
            c.err(("scoring", key), f"scoring.{key} is {given} but the scored items give {derived}")
    missing = _missing(c, spec.missing, len(scored))
    bands = _bands(c, spec.bands, lo, hi, items_ok) if spec.bands is not None else ()
    safety = _safety(c, spec.safety_items, items) if spec.safety_items is not None else ()
    caseness = _caseness(c, spec.caseness, lo, hi, items_ok) if spec.caseness is not None else None
    rc = _reliable_change(c, spec.reliable_change, hi - lo) if spec.reliable_change is not None else None
    remission = _remission(c, spec.remission, lo, hi, items_ok) if spec.remission is not None else None
    response = (Response(fall_fraction=spec.response.fall_fraction, source=spec.response.source)
                if spec.response is not None else None)
    if spec.overrides is not None and spec.overrides != spec.code:
        c.err(("overrides",), f"overrides must name this file's own code ({spec.code!r}), not {spec.overrides!r}")
    if c.problems:
        raise InstrumentFileError(path, c.problems)
    return Instrument(
        code=spec.code, kind=spec.kind, licence=Licence(text=spec.licence.text, embeddable=spec.licence.embeddable),
        items=tuple(items), min_total=lo, max_total=hi, missing=missing, language=spec.language or "en",
        direction=spec.direction, bands=bands, safety_items=safety, caseness=caseness, reliable_change=rc,
        remission=remission, response=response, loinc_panel=spec.loinc.panel if spec.loinc else None,
        loinc_total=spec.loinc.total if spec.loinc else None, notes=spec.notes, overrides=spec.overrides,
        path=path, **{key: getattr(spec, key) for key in _TEXT_FIELDS},
    )


def _options(c: _Checker, given: tuple[schema.OptionSpec, ...], loc: PathKey) -> tuple[Option, ...] | None:
    seen: set[int] = set()
    for i, opt in enumerate(given):
        if opt.value in seen:
            c.err(loc + (i, "value"), f"option value {opt.value} is given twice")
            return None
        seen.add(opt.value)
    return tuple(Option(value=opt.value, label=opt.label) for opt in given)


def _items(c: _Checker, given: tuple[schema.ItemSpec, ...], default_options: tuple[Option, ...] | None) -> list[Item]:
    items: list[Item] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(given):
        loc = ("items", i)
        if raw.id in seen:
            c.err(loc + ("id",), f"item id '{raw.id}' is used twice (first as item {seen[raw.id] + 1})")
            continue
        seen[raw.id] = i
        options = _options(c, raw.options, loc + ("options",)) if raw.options is not None else default_options
        if raw.options is None and default_options is None:
            c.err(loc, f"item '{raw.id}' has no options and the file gives no shared 'options'")
        if raw.reverse and not raw.scored:
            c.err(loc + ("reverse",), f"item '{raw.id}' is reverse scored but not scored")
        if options is not None:
            items.append(Item(id=raw.id, text=raw.text, options=options, scored=raw.scored,
                              reverse=raw.reverse, loinc=raw.loinc, note=raw.note))
    return items


def _missing(c: _Checker, given: schema.Missing, n_scored: int) -> MissingRule:
    loc = ("missing",)
    if given.rule == "none_allowed":
        if given.max_missing not in (None, 0):
            c.err(loc + ("max_missing",), "max_missing must be 0 (or left out) when rule is none_allowed")
        return MissingRule(rule="none_allowed", note=given.note)
    k = given.max_missing
    if k is None:
        c.err(loc, "rule 'prorate' needs max_missing (how many scored items may be missing)")
    elif not 1 <= k < n_scored:
        c.err(loc + ("max_missing",), f"max_missing must be between 1 and {n_scored - 1}, not {k}")
    return MissingRule(rule="prorate", max_missing=k or 0, rounding="half_up", note=given.note)


def _bands(c: _Checker, given: tuple[schema.BandSpec, ...], lo: int, hi: int, items_ok: bool) -> tuple[Band, ...]:
    bands: list[tuple[int, Band]] = []
    ids: set[str] = set()
    for i, raw in enumerate(given):
        if raw.id in ids:
            c.err(("bands", i, "id"), f"band id '{raw.id}' is used twice")
        ids.add(raw.id)
        if raw.min > raw.max:
            c.err(("bands", i, "min"), f"band '{raw.id}' has min {raw.min} above max {raw.max}")
            continue
        bands.append((i, Band(id=raw.id, min=raw.min, max=raw.max, label=raw.label, meaning=raw.meaning)))
    if not items_ok or len(bands) != len(given):
        return tuple(b for _, b in bands)
    ordered = sorted(bands, key=lambda ib: ib[1].min)
    expected = lo
    for i, band in ordered:
        loc = ("bands", i, "min")
        if band.min < lo or band.max > hi:
            c.err(loc, f"band '{band.id}' ({band.min}-{band.max}) goes beyond the possible totals {lo}-{hi}")
        elif band.min > expected:
            c.err(loc, f"bands leave a gap: no band covers {expected}-{band.min - 1}")
        elif band.min < expected:
            c.err(loc, f"band '{band.id}' overlaps the band before it (it starts at {band.min}, the one before ends at {expected - 1})")
        expected = max(expected, band.max + 1)
    if expected <= hi and not any(b.max > hi for _, b in ordered):
        c.err(("bands",), f"bands leave a gap: no band covers {expected}-{hi}")
    return tuple(b for _, b in ordered)


def _safety(c: _Checker, given: tuple[schema.SafetySpec, ...], items: list[Item]) -> tuple[SafetyItem, ...]:
    by_id = {i.id: i for i in items}
    out: list[SafetyItem] = []
    for n, raw in enumerate(given):
        loc = ("safety_items", n)
        item = by_id.get(raw.item) if isinstance(raw.item, str) else None
        if item is None:
            c.err(loc + ("item",), f"safety item '{raw.item}' is not an item of this instrument")
            continue
        scores = sorted(item.scores)
        if raw.threshold not in item.scores:
            c.err(loc + ("threshold",), f"threshold {raw.threshold} is not a possible score of item '{raw.item}' ({', '.join(map(str, scores))})")
        elif raw.threshold == scores[0]:
            c.err(loc + ("threshold",), f"threshold {raw.threshold} is the lowest score of item '{raw.item}', so every answer would raise a flag")
        else:
            out.append(SafetyItem(item=raw.item, threshold=raw.threshold, note=raw.note))
    return tuple(out)


def _caseness(c: _Checker, given: schema.CasenessSpec, lo: int, hi: int, items_ok: bool) -> Caseness:
    loc = ("caseness",)
    by_sex = tuple((sex, getattr(given.by_sex, sex)) for sex in SEXES) if given.by_sex is not None else ()
    if given.cutoff is None and given.by_sex is None:
        c.err(loc, "caseness needs a cutoff or a by_sex table")
    for where, v in [(("cutoff",), given.cutoff)] + [(("by_sex", s), v) for s, v in by_sex]:
        if v is not None and items_ok and not (lo < v <= hi):
            c.err(loc + where, f"caseness cut-off {v} is outside the possible totals above {lo} up to {hi}")
    return Caseness(cutoff=given.cutoff, by_sex=by_sex, label=given.label, positive_meaning=given.positive_meaning,
                    negative_meaning=given.negative_meaning, source=given.source, note=given.note)


def _reliable_change(c: _Checker, given: schema.ReliableChangeSpec, span: int) -> ReliableChange | None:
    loc = ("reliable_change",)
    if given.method == "threshold":
        t = given.threshold
        if not (_is_number(t) and 0 < t <= span):
            c.err(loc + ("threshold",), f"reliable-change threshold must be a number above 0 and at most {span}, not {t!r}")
            return None
        return ReliableChange(method="threshold", threshold=float(t), source=given.source)
    if given.sd is None:
        c.err(loc + ("sd",), "must be a number above 0, not None")
    if given.reliability is None:
        c.err(loc + ("reliability",), "must be a number between 0 and 1, not None")
    if given.sd is None or given.reliability is None:
        return None
    return ReliableChange(method="jacobson_truax", sd=given.sd, reliability=given.reliability, source=given.source)


def _remission(c: _Checker, given: schema.Remission, lo: int, hi: int, items_ok: bool) -> Remission | None:
    if items_ok and not (lo < given.below <= hi):
        c.err(("remission", "below"), f"remission.below {given.below} is outside the possible totals {lo}-{hi}")
        return None
    return Remission(below=given.below, source=given.source)
