"""The suggestion rules as data: load rules.yaml and check it before any case is scored.

Weights, time windows and thresholds are clinical judgements that a site may want to change
without touching code. They live in ``rules.yaml`` next to this module; this module turns that
file into frozen dataclasses and refuses a file that is malformed, naming the file, the line and
the key at fault.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from types import MappingProxyType
from typing import Any

from .case import ENDING, EVENT_KINDS, HOPE, INTAKE_QUESTIONS, MATCH, MOOD_EFFECTS, RINGS, TALKING
from .yamlsource import DataFileError, Path, Schema, load_yaml

AREAS = ("grief", "role_dispute", "role_transition", "interpersonal_deficits")
STAGES = ("renegotiation", "impasse", "dissolution")
DEFAULT_RULES_FILE = FsPath(__file__).with_name("rules.yaml")

_COMMON = {"id", "area", "kind", "weight", "says"}
#: kind -> (required params, optional params, placeholders its "says" template may use)
RULE_KINDS: dict[str, tuple[set[str], set[str], set[str]]] = {
    "event_in_window": ({"event_kinds", "window", "focus"}, {"ring_factor"}, {"who", "what", "when", "timing"}),
    "loss_reminder": ({"window", "ring_factor"}, set(), {"who", "what", "when", "timing", "loss_when"}),
    "person_conflict": ({"ring_factor"}, set(), {"who", "topic", "effect"}),
    "dispute_after_death": ({"window", "ring_factor"}, set(), {"who", "what", "gap", "dead", "loss_when"}),
    "expectations_mismatch": ({"match", "ring_factor"}, set(),
                              {"who", "client_expects", "other_expects", "match"}),
    "intake_answer": ({"question"}, {"equals", "at_most", "at_least"}, {"question", "answer"}),
    "ring_count": ({"rings", "at_most"}, set(), {"count", "rings"}),
    "inventory_size": ({"at_most"}, set(), {"count"}),
    "unsatisfying_share": ({"min_people", "min_share"}, set(), {"count", "total"}),
}
RING_KEYS = RINGS + ("unlinked",)
STAGE_FIELDS = {"talking": TALKING, "hope": HOPE, "ending": ENDING}


@dataclass(frozen=True)
class AreaConfig:
    """Thresholds and flags for one problem area."""

    id: str
    name: str
    threshold: float
    medium: float
    high: float
    needs_focus: bool
    last_resort: bool


@dataclass(frozen=True)
class Rule:
    """One scoring rule: which entries it looks for, what it adds to which area, and what it says."""

    id: str
    area: str
    kind: str
    weight: float
    says: str
    line: int
    group: str = ""  # rules in one group count once per focus (the strongest), e.g. a conflict and its event
    event_kinds: tuple[str, ...] = ()
    window: tuple[float | None, float | None] = (None, None)
    focus: str = "none"
    ring_factor: Mapping[str, float] = field(default_factory=dict)
    match: tuple[str, ...] = ()
    question: str = ""
    equals: bool | None = None
    at_most: float | None = None
    at_least: float | None = None
    rings: tuple[str, ...] = ()
    min_people: int = 0
    min_share: float = 0.0


@dataclass(frozen=True)
class StageSignal:
    """A structured sign of a dispute's stage, read from a conflict's fields."""

    stage: str
    field: str
    values: tuple[str, ...]
    weight: float
    says: str


@dataclass(frozen=True)
class StageCue:
    """Words in the notes about a person that hint at a dispute's stage."""

    stage: str
    words: tuple[str, ...]
    weight: float
    says: str


@dataclass(frozen=True)
class StageRules:
    """How the stage of a role dispute is judged."""

    default: str
    default_says: str
    tie_order: tuple[str, ...]
    signals: tuple[StageSignal, ...]
    cues: tuple[StageCue, ...]


@dataclass(frozen=True)
class Rules:
    """The whole checked rule set."""

    source: str
    areas: Mapping[str, AreaConfig]
    mood_effect_factor: Mapping[str, float]
    date_precision_factor: Mapping[str, float]
    ambiguity_margin: float
    secondary_min_ratio: float
    rules: tuple[Rule, ...]
    stage: StageRules


def _factors(s: Schema, value: Any, path: Path, keys: tuple[str, ...], all_required: bool) -> Mapping[str, float]:
    raw = s.mapping(value, path, required=keys if all_required else (), optional=keys)
    if not raw:
        raise s.fail(path, "must not be empty")
    return MappingProxyType({k: s.number(v, path + (k,), 0, 10) for k, v in raw.items()})


def _choices(s: Schema, value: Any, path: Path, options: tuple[str, ...]) -> tuple[str, ...]:
    items = s.seq(value, path, min_len=1)
    return tuple(s.choice(v, path + (i,), options) for i, v in enumerate(items))


def _rule(s: Schema, raw: Any, path: Path, area_ids: tuple[str, ...]) -> Rule:
    base = s.mapping(raw, path, open_keys=True)
    kind = s.choice(base.get("kind"), path + ("kind",), tuple(RULE_KINDS))
    required, optional, placeholders = RULE_KINDS[kind]
    s.mapping(raw, path, required=_COMMON | required, optional=optional | {"group"})
    out: dict[str, Any] = {
        "group": s.text(raw["group"], path + ("group",)) if "group" in raw else "",
        "id": s.text(raw["id"], path + ("id",)),
        "area": s.choice(raw["area"], path + ("area",), area_ids),
        "kind": kind,
        "weight": s.number(raw["weight"], path + ("weight",), 0.01, 100),
        "says": s.template(raw["says"], path + ("says",), placeholders),
        "line": s.lines.get(path, 1),
    }
    if "event_kinds" in raw:
        out["event_kinds"] = _choices(s, raw["event_kinds"], path + ("event_kinds",), EVENT_KINDS)
    if "window" in raw:
        w = s.seq(raw["window"], path + ("window",))
        if len(w) != 2:
            raise s.fail(path + ("window",), "must be [from, to] in months (null for open)")
        lo = None if w[0] is None else s.number(w[0], path + ("window", 0), -1200, 1200)
        hi = None if w[1] is None else s.number(w[1], path + ("window", 1), -1200, 1200)
        if lo is not None and hi is not None and lo > hi:
            raise s.fail(path + ("window",), "from must not be after to")
        out["window"] = (lo, hi)
    if "focus" in raw:
        out["focus"] = s.choice(raw["focus"], path + ("focus",), ("person", "event", "none"))
        if out["focus"] == "person" and "ring_factor" not in raw:
            raise s.fail(path, "focus: person needs ring_factor")
    if "ring_factor" in raw:
        out["ring_factor"] = _factors(s, raw["ring_factor"], path + ("ring_factor",), RING_KEYS, False)
    if "match" in raw:
        out["match"] = _choices(s, raw["match"], path + ("match",), MATCH)
    if "question" in raw:
        out["question"] = s.choice(raw["question"], path + ("question",), tuple(INTAKE_QUESTIONS))
        tests = [k for k in ("equals", "at_most", "at_least") if k in raw]
        if len(tests) != 1:
            raise s.fail(path, "intake_answer needs exactly one of equals, at_most, at_least")
        qkind = INTAKE_QUESTIONS[out["question"]][0]
        if "equals" in raw:
            if qkind != "bool" or not isinstance(raw["equals"], bool):
                raise s.fail(path + ("equals",), "must be true or false, for a yes/no question")
            out["equals"] = raw["equals"]
        elif qkind != "count":
            raise s.fail(path, f"{tests[0]} needs a counting question, not {out['question']!r}")
    for key in ("at_most", "at_least"):
        if key in raw:
            out[key] = s.number(raw[key], path + (key,), 0)
    if "rings" in raw:
        out["rings"] = _choices(s, raw["rings"], path + ("rings",), RINGS)
    if "min_people" in raw:
        out["min_people"] = s.integer(raw["min_people"], path + ("min_people",), 1)
    if "min_share" in raw:
        out["min_share"] = s.number(raw["min_share"], path + ("min_share",), 0, 1)
    return Rule(**out)


def _stage_rules(s: Schema, raw: Any, path: Path) -> StageRules:
    s.mapping(raw, path, required={"default", "default_says", "tie_order", "signals", "cues"})
    tie = _choices(s, raw["tie_order"], path + ("tie_order",), STAGES)
    if sorted(tie) != sorted(STAGES):
        raise s.fail(path + ("tie_order",), f"must list each of {', '.join(STAGES)} once")
    signals = []
    for i, sig in enumerate(s.seq(raw["signals"], path + ("signals",), 1)):
        p = path + ("signals", i)
        s.mapping(sig, p, required={"stage", "field", "values", "weight", "says"})
        fld = s.choice(sig["field"], p + ("field",), tuple(STAGE_FIELDS))
        signals.append(StageSignal(
            stage=s.choice(sig["stage"], p + ("stage",), STAGES), field=fld,
            values=_choices(s, sig["values"], p + ("values",), STAGE_FIELDS[fld]),
            weight=s.number(sig["weight"], p + ("weight",), 0.01, 100),
            says=s.template(sig["says"], p + ("says",), {"who", "topic", "value"})))
    cues = []
    for i, cue in enumerate(s.seq(raw["cues"], path + ("cues",))):
        p = path + ("cues", i)
        s.mapping(cue, p, required={"stage", "words", "weight", "says"})
        words = s.seq(cue["words"], p + ("words",), 1)
        cues.append(StageCue(
            stage=s.choice(cue["stage"], p + ("stage",), STAGES),
            words=tuple(s.text(w, p + ("words", j)).lower() for j, w in enumerate(words)),
            weight=s.number(cue["weight"], p + ("weight",), 0.01, 100),
            says=s.template(cue["says"], p + ("says",), {"who", "word", "where"})))
    return StageRules(default=s.choice(raw["default"], path + ("default",), STAGES),
                      default_says=s.template(raw["default_says"], path + ("default_says",), {"who"}),
                      tie_order=tie, signals=tuple(signals), cues=tuple(cues))


def parse_rules(text: str, source: str = "rules.yaml") -> Rules:
    """Check rule-file text and return Rules; raise DataFileError naming file, line and key."""
    data, lines = load_yaml(text, source)
    s = Schema(source, lines)
    top = s.mapping(data, (), required={"version", "areas", "mood_effect_factor", "date_precision_factor",
                                        "ambiguity_margin", "secondary_min_ratio", "rules", "dispute_stage"})
    if top["version"] != 1:
        raise s.fail(("version",), "must be 1")
    areas_raw = s.mapping(top["areas"], ("areas",), required=AREAS)
    areas = {}
    for area_id in AREAS:
        p = ("areas", area_id)
        a = s.mapping(areas_raw[area_id], p, required={"name", "threshold", "medium", "high"},
                      optional={"needs_focus", "last_resort"})
        threshold = s.number(a["threshold"], p + ("threshold",), 0.01)
        medium = s.number(a["medium"], p + ("medium",), threshold)
        high = s.number(a["high"], p + ("high",), medium)
        flags = {}
        for flag in ("needs_focus", "last_resort"):
            if not isinstance(a.get(flag, False), bool):
                raise s.fail(p + (flag,), "must be true or false")
            flags[flag] = a.get(flag, False)
        areas[area_id] = AreaConfig(area_id, s.text(a["name"], p + ("name",)), threshold, medium, high, **flags)
    if all(a.last_resort for a in areas.values()):
        raise s.fail(("areas",), "at least one area must not be last_resort")
    rules = []
    seen: dict[str, int] = {}
    groups: dict[str, str] = {}
    for i, raw in enumerate(s.seq(top["rules"], ("rules",), 1)):
        rule = _rule(s, raw, ("rules", i), AREAS)
        if rule.group and rule.group in seen:
            raise s.fail(("rules", i, "group"), f"{rule.group!r} is already a rule id")
        if rule.group and groups.setdefault(rule.group, rule.area) != rule.area:
            raise s.fail(("rules", i, "group"), f"the group {rule.group!r} already scores {groups[rule.group]!r}")
        if rule.id in seen:
            raise s.fail(("rules", i, "id"), f"duplicate id {rule.id!r} (first at rules[{seen[rule.id]}])")
        seen[rule.id] = i
        rules.append(rule)
    for area_id in AREAS:
        if not any(r.area == area_id for r in rules):
            raise s.fail(("rules",), f"no rule scores the area {area_id!r}")
    return Rules(
        source=source,
        areas=MappingProxyType(areas),
        mood_effect_factor=_factors(s, top["mood_effect_factor"], ("mood_effect_factor",), MOOD_EFFECTS, True),
        date_precision_factor=_factors(s, top["date_precision_factor"], ("date_precision_factor",),
                                       ("year", "month", "day"), True),
        ambiguity_margin=s.number(top["ambiguity_margin"], ("ambiguity_margin",), 0),
        secondary_min_ratio=s.number(top["secondary_min_ratio"], ("secondary_min_ratio",), 0, 1),
        rules=tuple(rules),
        stage=_stage_rules(s, top["dispute_stage"], ("dispute_stage",)),
    )


def load_rules(path: str | FsPath | None = None) -> Rules:
    """Load and check a rules file (the shipped rules.yaml when path is None)."""
    if path is None:
        return _default_rules()
    return _read(FsPath(path))


@functools.cache
def _default_rules() -> Rules:
    return _read(DEFAULT_RULES_FILE)


def _read(path: FsPath) -> Rules:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path}: cannot read ({exc.__class__.__name__}: {exc})") from None
    return parse_rules(text, str(path))
