"""Check one instrument file's data and build an Instrument from it.

A site may drop its own licensed instrument into a directory as a YAML file. A file whose
scoring rules do not fit its items (bands with gaps, a safety item that does not exist,
a cut-off outside the possible range, ...) would give wrong numbers silently, so it is
refused here with every problem found, each with its line number.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from openipt.core.content import Document

from .errors import InstrumentFileError
from .model import (
    DIRECTIONS,
    KINDS,
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

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
ITEM_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
LOINC_RE = re.compile(r"^\d{1,7}-\d$")

TOP_KEYS = {
    "code", "name", "short_name", "version", "kind", "language", "direction", "licence",
    "source", "wording_source", "timeframe", "instructions", "options", "items", "scoring",
    "missing", "bands", "safety_items", "caseness", "reliable_change", "remission",
    "response", "loinc", "notes", "overrides",
}
REQUIRED_TOP = ("code", "name", "short_name", "version", "kind", "licence", "source",
                "wording_source", "timeframe", "instructions", "items", "scoring", "missing")
_MISSING = object()


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_text(v: Any) -> bool:
    return isinstance(v, str) and v.strip() != ""


class _Checker:
    """Collects problems with their line numbers while the instrument is built."""

    def __init__(self, lines: Document):
        self.lines = lines
        self.problems: list[tuple[int | None, str]] = []

    def err(self, loc: tuple, message: str) -> None:
        self.problems.append((self.lines.line(loc), message))

    def mapping(self, value: Any, loc: tuple, allowed: set[str], required: tuple[str, ...] = ()) -> dict | None:
        name = ".".join(str(p) for p in loc) or "the file"
        if not isinstance(value, dict):
            self.err(loc, f"{name} must be a mapping of keys to values")
            return None
        for key in value:
            if key not in allowed:
                self.err(loc + (key,), f"unknown key '{key}' in {name} (allowed: {', '.join(sorted(allowed))})")
        for key in required:
            if key not in value:
                self.err(loc, f"{name} is missing the required key '{key}'")
        return value

    def text(self, m: dict, key: str, loc: tuple, required: bool = True) -> str | None:
        v = m.get(key, _MISSING)
        if v is _MISSING:
            return None  # a missing required key was reported by mapping()
        if v is None and not required:
            return None
        if not _is_text(v):
            self.err(loc + (key,), f"'{key}' must be non-empty text (put numbers-like text in quotes)")
            return None
        return v.strip()

    def integer(self, m: dict, key: str, loc: tuple) -> int | None:
        v = m.get(key, _MISSING)
        if v is _MISSING:
            return None
        if not _is_int(v):
            self.err(loc + (key,), f"'{key}' must be a whole number, not {v!r}")
            return None
        return v

    def boolean(self, m: dict, key: str, loc: tuple, default: bool) -> bool:
        v = m.get(key, default)
        if not isinstance(v, bool):
            self.err(loc + (key,), f"'{key}' must be true or false, not {v!r}")
            return default
        return v


def build_instrument(data: Any, lines: Document, path: Path) -> Instrument:
    """Check instrument data read from path and return the Instrument, or raise InstrumentFileError."""
    c = _Checker(lines)
    top = c.mapping(data, (), TOP_KEYS, REQUIRED_TOP)
    if top is None:
        raise InstrumentFileError(path, c.problems)

    code = top.get("code")
    if not (isinstance(code, str) and CODE_RE.match(code)):
        c.err(("code",), f"code must be lowercase letters, digits and _ starting with a letter, not {code!r}")
        code = None
    fields = {k: c.text(top, k, ()) for k in ("name", "short_name", "version", "source",
                                                "wording_source", "timeframe", "instructions")}
    kind = top.get("kind")
    if kind is not None and kind not in KINDS:
        c.err(("kind",), f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    direction = top.get("direction", "higher_is_worse")
    if direction not in DIRECTIONS:
        c.err(("direction",), f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    language = c.text(top, "language", (), required=False) or "en"

    licence = None
    lic = top.get("licence")
    if lic is not None and c.mapping(lic, ("licence",), {"text", "embeddable"}, ("text", "embeddable")):
        text = c.text(lic, "text", ("licence",))
        emb = lic.get("embeddable")
        if "embeddable" in lic and not isinstance(emb, bool):
            c.err(("licence", "embeddable"), f"'embeddable' must be true or false, not {emb!r}")
        elif text is not None and isinstance(emb, bool):
            licence = Licence(text=text, embeddable=emb)

    default_options = None
    if "options" in top:
        default_options = _options(c, top["options"], ("options",))

    items = _items(c, top.get("items"), default_options)
    scored = [i for i in items if i.scored]
    if items and not scored:
        c.err(("items",), "at least one item must be scored")
    min_total = sum(i.min_value for i in scored) if scored else 0
    max_total = sum(i.max_value for i in scored) if scored else 0
    items_ok = bool(scored) and len(items) == _count(top.get("items"))

    scoring = top.get("scoring")
    if scoring is not None and c.mapping(scoring, ("scoring",), {"method", "min", "max"}, ("method",)):
        if scoring.get("method") != "sum":
            c.err(("scoring", "method"), f"scoring method must be 'sum', not {scoring.get('method')!r}")
        for key, derived in (("min", min_total), ("max", max_total)):
            given = c.integer(scoring, key, ("scoring",))
            if given is not None and items_ok and given != derived:
                c.err(("scoring", key), f"scoring.{key} is {given} but the scored items give {derived}")

    missing = _missing(c, top.get("missing"), len(scored))
    bands = _bands(c, top.get("bands"), min_total, max_total, items_ok) if "bands" in top else ()
    safety = _safety(c, top.get("safety_items"), items) if "safety_items" in top else ()
    caseness = _caseness(c, top.get("caseness"), min_total, max_total, items_ok) if "caseness" in top else None
    rc = _reliable_change(c, top.get("reliable_change"), max_total - min_total) if "reliable_change" in top else None
    remission = response = None
    if "remission" in top and c.mapping(top["remission"], ("remission",), {"below", "source"}, ("below",)):
        below = c.integer(top["remission"], "below", ("remission",))
        if below is not None and items_ok and not (min_total < below <= max_total):
            c.err(("remission", "below"), f"remission.below {below} is outside the possible totals {min_total}-{max_total}")
        elif below is not None:
            remission = Remission(below=below, source=c.text(top["remission"], "source", ("remission",), False))
    if "response" in top and c.mapping(top["response"], ("response",), {"fall_fraction", "source"}, ("fall_fraction",)):
        frac = top["response"].get("fall_fraction")
        if not (_is_number(frac) and 0 < frac <= 1):
            c.err(("response", "fall_fraction"), f"response.fall_fraction must be a number above 0 and at most 1, not {frac!r}")
        else:
            response = Response(fall_fraction=float(frac), source=c.text(top["response"], "source", ("response",), False))
    loinc_panel = loinc_total = None
    if "loinc" in top and c.mapping(top["loinc"], ("loinc",), {"panel", "total"}):
        for key in ("panel", "total"):
            v = top["loinc"].get(key)
            if v is not None and not (isinstance(v, str) and LOINC_RE.match(v)):
                c.err(("loinc", key), f"loinc.{key} must look like 44249-1, not {v!r}")
        loinc_panel, loinc_total = top["loinc"].get("panel"), top["loinc"].get("total")
    notes = top.get("notes", [])
    if not (isinstance(notes, list) and all(_is_text(n) for n in notes)):
        c.err(("notes",), "notes must be a list of text lines")
        notes = []
    overrides = top.get("overrides")
    if overrides is not None and overrides != code:
        c.err(("overrides",), f"overrides must name this file's own code ({code!r}), not {overrides!r}")

    if c.problems:
        raise InstrumentFileError(path, c.problems)
    return Instrument(
        code=code, kind=kind, licence=licence, items=tuple(items), min_total=min_total,
        max_total=max_total, missing=missing, language=language, direction=direction,
        bands=bands, safety_items=safety, caseness=caseness, reliable_change=rc,
        remission=remission, response=response, loinc_panel=loinc_panel,
        loinc_total=loinc_total, notes=tuple(n.strip() for n in notes), overrides=overrides,
        path=path, **fields,
    )


def _count(value: Any) -> int:
    return len(value) if isinstance(value, list) else -1


def _options(c: _Checker, value: Any, loc: tuple) -> tuple[Option, ...] | None:
    if not isinstance(value, list) or len(value) < 2:
        c.err(loc, "options must be a list of at least two {value, label} entries")
        return None
    out: list[Option] = []
    seen: set[int] = set()
    ok = True
    for i, opt in enumerate(value):
        if not c.mapping(opt, loc + (i,), {"value", "label"}, ("value", "label")):
            ok = False
            continue
        v, label = opt.get("value"), opt.get("label")
        if not _is_int(v):
            c.err(loc + (i, "value"), f"option value must be a whole number, not {v!r}")
            ok = False
        elif v in seen:
            c.err(loc + (i, "value"), f"option value {v} is given twice")
            ok = False
        if not _is_text(label if not _is_number(label) else str(label)):
            c.err(loc + (i, "label"), "option label must be non-empty text")
            ok = False
        if ok:
            seen.add(v)
            out.append(Option(value=v, label=str(label).strip()))
    return tuple(out) if ok else None


def _items(c: _Checker, value: Any, default_options: tuple[Option, ...] | None) -> list[Item]:
    if not isinstance(value, list) or not value:
        c.err(("items",), "items must be a non-empty list")
        return []
    items: list[Item] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(value):
        loc = ("items", i)
        if not c.mapping(raw, loc, {"id", "text", "options", "scored", "reverse", "loinc", "note"}, ("id", "text")):
            continue
        item_id = raw.get("id")
        if not (isinstance(item_id, str) and ITEM_ID_RE.match(item_id)):
            c.err(loc + ("id",), f"item id must be lowercase letters, digits and _, not {item_id!r}")
            continue
        if item_id in seen:
            c.err(loc + ("id",), f"item id '{item_id}' is used twice (first as item {seen[item_id] + 1})")
            continue
        seen[item_id] = i
        text = c.text(raw, "text", loc)
        if "options" in raw:
            options = _options(c, raw["options"], loc + ("options",))
        else:
            options = default_options
            if default_options is None:
                c.err(loc, f"item '{item_id}' has no options and the file gives no shared 'options'")
        scored = c.boolean(raw, "scored", loc, True)
        reverse = c.boolean(raw, "reverse", loc, False)
        if reverse and not scored:
            c.err(loc + ("reverse",), f"item '{item_id}' is reverse scored but not scored")
        loinc = raw.get("loinc")
        if loinc is not None and not (isinstance(loinc, str) and LOINC_RE.match(loinc)):
            c.err(loc + ("loinc",), f"loinc must look like 44250-9, not {loinc!r}")
        note = c.text(raw, "note", loc, required=False)
        if text is not None and options is not None:
            items.append(Item(id=item_id, text=text, options=options, scored=scored,
                              reverse=reverse, loinc=loinc, note=note))
    return items


def _missing(c: _Checker, value: Any, n_scored: int) -> MissingRule | None:
    loc = ("missing",)
    if value is None or not c.mapping(value, loc, {"rule", "max_missing", "rounding", "note"}, ("rule",)):
        return None
    rule = value.get("rule")
    note = c.text(value, "note", loc, required=False)
    rounding = value.get("rounding", "half_up")
    if rounding != "half_up":
        c.err(loc + ("rounding",), f"rounding must be 'half_up', not {rounding!r}")
    if rule == "none_allowed":
        if value.get("max_missing", 0) != 0:
            c.err(loc + ("max_missing",), "max_missing must be 0 (or left out) when rule is none_allowed")
        return MissingRule(rule="none_allowed", note=note)
    if rule == "prorate":
        k = c.integer(value, "max_missing", loc)
        if "max_missing" not in value:
            c.err(loc, "rule 'prorate' needs max_missing (how many scored items may be missing)")
        elif k is not None and not (1 <= k < n_scored):
            c.err(loc + ("max_missing",), f"max_missing must be between 1 and {n_scored - 1}, not {k}")
        return MissingRule(rule="prorate", max_missing=k or 0, rounding="half_up", note=note)
    c.err(loc + ("rule",), f"missing rule must be 'none_allowed' or 'prorate', not {rule!r}")
    return None


def _bands(c: _Checker, value: Any, lo: int, hi: int, items_ok: bool) -> tuple[Band, ...]:
    if not isinstance(value, list) or not value:
        c.err(("bands",), "bands must be a non-empty list (or leave the key out)")
        return ()
    bands: list[tuple[int, Band]] = []
    ids: set[str] = set()
    for i, raw in enumerate(value):
        loc = ("bands", i)
        if not c.mapping(raw, loc, {"id", "min", "max", "label", "meaning"}, ("id", "min", "max", "label", "meaning")):
            continue
        bmin, bmax = c.integer(raw, "min", loc), c.integer(raw, "max", loc)
        label, meaning = c.text(raw, "label", loc), c.text(raw, "meaning", loc)
        band_id = raw.get("id")
        if not (isinstance(band_id, str) and ITEM_ID_RE.match(band_id)):
            c.err(loc + ("id",), f"band id must be lowercase letters, digits and _, not {band_id!r}")
            continue
        if band_id in ids:
            c.err(loc + ("id",), f"band id '{band_id}' is used twice")
        ids.add(band_id)
        if bmin is None or bmax is None or label is None or meaning is None:
            continue
        if bmin > bmax:
            c.err(loc + ("min",), f"band '{band_id}' has min {bmin} above max {bmax}")
            continue
        bands.append((i, Band(id=band_id, min=bmin, max=bmax, label=label, meaning=meaning)))
    if not items_ok or len(bands) != len(value):
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


def _safety(c: _Checker, value: Any, items: list[Item]) -> tuple[SafetyItem, ...]:
    if not isinstance(value, list):
        c.err(("safety_items",), "safety_items must be a list")
        return ()
    by_id = {i.id: i for i in items}
    out: list[SafetyItem] = []
    for n, raw in enumerate(value):
        loc = ("safety_items", n)
        if not c.mapping(raw, loc, {"item", "threshold", "note"}, ("item", "threshold")):
            continue
        item_id, threshold = raw.get("item"), c.integer(raw, "threshold", loc)
        item = by_id.get(item_id)
        if item is None:
            c.err(loc + ("item",), f"safety item '{item_id}' is not an item of this instrument")
            continue
        if threshold is None:
            continue
        scores = sorted(item.scores)
        if threshold not in item.scores:
            c.err(loc + ("threshold",), f"threshold {threshold} is not a possible score of item '{item_id}' ({', '.join(map(str, scores))})")
            continue
        if threshold == scores[0]:
            c.err(loc + ("threshold",), f"threshold {threshold} is the lowest score of item '{item_id}', so every answer would raise a flag")
            continue
        out.append(SafetyItem(item=item_id, threshold=threshold, note=c.text(raw, "note", loc, required=False)))
    return tuple(out)


def _caseness(c: _Checker, value: Any, lo: int, hi: int, items_ok: bool) -> Caseness | None:
    loc = ("caseness",)
    keys = {"cutoff", "by_sex", "label", "positive_meaning", "negative_meaning", "source", "note"}
    if not c.mapping(value, loc, keys, ("label", "positive_meaning", "negative_meaning")):
        return None
    cutoff = c.integer(value, "cutoff", loc)
    by_sex: list[tuple[str, int]] = []
    if "by_sex" in value and c.mapping(value["by_sex"], loc + ("by_sex",), set(SEXES), SEXES):
        for sex in SEXES:
            v = value["by_sex"].get(sex)
            if sex in value["by_sex"] and not _is_int(v):
                c.err(loc + ("by_sex", sex), f"cut-off for {sex} must be a whole number, not {v!r}")
            elif sex in value["by_sex"]:
                by_sex.append((sex, v))
    if cutoff is None and not by_sex and "cutoff" not in value and "by_sex" not in value:
        c.err(loc, "caseness needs a cutoff or a by_sex table")
    for where, v in [(("cutoff",), cutoff)] + [(("by_sex", s), v) for s, v in by_sex]:
        if v is not None and items_ok and not (lo < v <= hi):
            c.err(loc + where, f"caseness cut-off {v} is outside the possible totals above {lo} up to {hi}")
    label = c.text(value, "label", loc)
    pos, neg = c.text(value, "positive_meaning", loc), c.text(value, "negative_meaning", loc)
    return Caseness(cutoff=cutoff, by_sex=tuple(by_sex), label=label or "", positive_meaning=pos or "",
                    negative_meaning=neg or "", source=c.text(value, "source", loc, False),
                    note=c.text(value, "note", loc, False))


def _reliable_change(c: _Checker, value: Any, span: int) -> ReliableChange | None:
    loc = ("reliable_change",)
    if not c.mapping(value, loc, {"method", "threshold", "sd", "reliability", "source"}, ("method",)):
        return None
    method, source = value.get("method"), c.text(value, "source", loc, False)
    if method == "threshold":
        t = value.get("threshold")
        if not (_is_number(t) and 0 < t <= span):
            c.err(loc + ("threshold",), f"reliable-change threshold must be a number above 0 and at most {span}, not {t!r}")
            return None
        return ReliableChange(method="threshold", threshold=float(t), source=source)
    if method == "jacobson_truax":
        sd, r = value.get("sd"), value.get("reliability")
        bad = False
        if not (_is_number(sd) and sd > 0):
            c.err(loc + ("sd",), f"sd must be a number above 0, not {sd!r}")
            bad = True
        if not (_is_number(r) and 0 < r < 1):
            c.err(loc + ("reliability",), f"reliability must be a number between 0 and 1, not {r!r}")
            bad = True
        return None if bad else ReliableChange(method="jacobson_truax", sd=float(sd), reliability=float(r), source=source)
    c.err(loc + ("method",), f"reliable_change method must be 'threshold' or 'jacobson_truax', not {method!r}")
    return None
