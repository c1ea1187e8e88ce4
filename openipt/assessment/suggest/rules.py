"""The suggestion rules as data: load rules.yaml and check it before any case is scored.

Weights, time windows and thresholds are clinical judgements that a site may want to change
without touching code. They live in ``rules.yaml`` next to this module; this module turns that
file into frozen dataclasses and refuses a file that is malformed, naming the file, the line and
the key at fault. The file's shape is declared in ``schema``; this module checks what links values.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from types import MappingProxyType
from typing import Any

from openipt.core.content import Document, PathKey, Problem, dotted

from .case import ENDING, HOPE, INTAKE_QUESTIONS, TALKING
from .schema import AREAS, STAGES, RulesFile, StageSpec
from .yamlsource import DataFileError, checked, load_yaml

__all__ = ["AREAS", "STAGES", "AreaConfig", "Rule", "Rules", "StageRules", "load_rules", "parse_rules"]
DEFAULT_RULES_FILE = FsPath(__file__).with_name("rules.yaml")
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


def _fail(document: Document, path: PathKey, message: str) -> DataFileError:
    return DataFileError(str(Problem(document.file, document.line(path) or 1, message, dotted(path))))


def _rule(spec: Any, document: Document, path: PathKey) -> Rule:
    """Return a checked rule entry as a Rule; what depends on two of its fields is checked here."""
    given = spec.model_dump(exclude_unset=True)
    given.pop("group", None)
    if getattr(spec, "focus", None) == "person" and spec.ring_factor is None:
        raise _fail(document, path, "focus: person needs ring_factor")
    if spec.kind == "intake_answer":
        _intake_test(spec, document, path)
    for key in ("event_kinds", "match", "rings"):
        if key in given:
            given[key] = tuple(given[key])
    if "ring_factor" in given:
        given["ring_factor"] = MappingProxyType(given["ring_factor"])
    return Rule(**given, group=spec.group or "", line=document.lines.get(path, 1))


def _intake_test(spec: Any, document: Document, path: PathKey) -> None:
    tests = [k for k in ("equals", "at_most", "at_least") if k in spec.model_fields_set]
    if len(tests) != 1:
        raise _fail(document, path, "intake_answer needs exactly one of equals, at_most, at_least")
    kind = INTAKE_QUESTIONS[spec.question][0]
    if "equals" in tests and (kind != "bool" or not isinstance(spec.equals, bool)):
        raise _fail(document, path + ("equals",), "must be true or false, for a yes/no question")
    if "equals" not in tests and kind != "count":
        raise _fail(document, path, f"{tests[0]} needs a counting question, not {spec.question!r}")


def _stage_rules(spec: StageSpec, document: Document) -> StageRules:
    signals = []
    for i, sig in enumerate(spec.signals):
        options = STAGE_FIELDS[sig.field]
        for j, value in enumerate(sig.values):
            if value not in options:
                raise _fail(document, ("dispute_stage", "signals", i, "values", j),
                            f"{value!r} is not one of {', '.join(options)}")
        signals.append(StageSignal(stage=sig.stage, field=sig.field, values=sig.values, weight=sig.weight,
                                   says=sig.says))
    cues = [StageCue(stage=cue.stage, words=tuple(w.lower() for w in cue.words), weight=cue.weight, says=cue.says)
            for cue in spec.cues]
    return StageRules(default=spec.default, default_says=spec.default_says, tie_order=spec.tie_order,
                      signals=tuple(signals), cues=tuple(cues))


def _areas(spec: RulesFile, document: Document) -> dict[str, AreaConfig]:
    areas = {}
    for area_id in AREAS:
        a = getattr(spec.areas, area_id)
        for key, value, minimum in (("medium", a.medium, a.threshold), ("high", a.high, a.medium)):
            if value < minimum:
                raise _fail(document, ("areas", area_id, key), f"must be at least {minimum:g}")
        areas[area_id] = AreaConfig(area_id, a.name, a.threshold, a.medium, a.high, a.needs_focus, a.last_resort)
    if all(a.last_resort for a in areas.values()):
        raise _fail(document, ("areas",), "at least one area must not be last_resort")
    return areas


def _rules(spec: RulesFile, document: Document) -> tuple[Rule, ...]:
    rules = []
    seen: dict[str, int] = {}
    groups: dict[str, str] = {}
    for i, entry in enumerate(spec.rules):
        rule = _rule(entry, document, ("rules", i))
        if rule.group and rule.group in seen:
            raise _fail(document, ("rules", i, "group"), f"{rule.group!r} is already a rule id")
        if rule.group and groups.setdefault(rule.group, rule.area) != rule.area:
            raise _fail(document, ("rules", i, "group"), f"the group {rule.group!r} already scores {groups[rule.group]!r}")
        if rule.id in seen:
            raise _fail(document, ("rules", i, "id"), f"duplicate id {rule.id!r} (first at rules[{seen[rule.id]}])")
        seen[rule.id] = i
        rules.append(rule)
    for area_id in AREAS:
        if not any(r.area == area_id for r in rules):
            raise _fail(document, ("rules",), f"no rule scores the area {area_id!r}")
    return tuple(rules)


def parse_rules(text: str, source: str = "rules.yaml") -> Rules:
    """Check rule-file text and return Rules; raise DataFileError naming file, line and key."""
    document = load_yaml(text, source)
    spec = checked(RulesFile, document)
    areas = _areas(spec, document)
    rules = _rules(spec, document)
    return Rules(
        source=source,
        areas=MappingProxyType(areas),
        mood_effect_factor=MappingProxyType(spec.mood_effect_factor),
        date_precision_factor=MappingProxyType(spec.date_precision_factor),
        ambiguity_margin=spec.ambiguity_margin,
        secondary_min_ratio=spec.secondary_min_ratio,
        rules=rules,
        stage=_stage_rules(spec.dispute_stage, document),
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
