"""The schema of each kind of protocol content file, as pydantic models.

A YAML content file says which kind it holds (`kind: formats`) and lists its items. Each kind
is a `Record` (a content-toolkit model) whose field types come from `schema.py`: they say what a
value must be, and mark the text a translation may change (`TEXT`), the ids of other items
(`RefTo`) and lists that must not repeat a value (`UNIQUE`). The checks that span several keys
of one item (a minimum above a maximum, a contract too short for its own phases) are the
functions in `EXTRA_CHECKS`, run once the item's shape is right.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from openipt.core.content import LocDict

from .schema import (
    TEXT,
    UNIQUE,
    Checker,
    Record,
    RefTo,
    choice,
    flag,
    listed,
    present,
    ref,
    text,
    whole,
    with_placeholders,
)

PHASES = ("initial", "middle", "termination")
SESSION_TYPES = (*PHASES, "pre_group", "mid_group")
FREQUENCIES = ("weekly", "fortnightly", "monthly")
DELIVERIES = ("individual", "conjoint", "group")
WHEN = ("any", "phase_first", "phase_later", "phase_last", "course_last", "before_last")
AUDIENCES = ("client", "staff", "facilitator")
# Initial-phase screening topics a format may list (their questions are in openipt/courses/screening.py).
# `start_checks` names are not fixed here: each is a function registered in
# openipt/courses/start_checks.py, and a name nothing registered keeps a course from starting.
SCREENING_TOPICS = (
    "psychosis",
    "bipolar",
    "substance",
    "cognitive",
    "intellectual_disability",
    "safeguarding",
    "medication",
)
PACK_TYPES = ("base", "translation", "adaptation")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def _check_format(item: LocDict, label: str, checker: Checker) -> None:
    sessions = item["sessions"]
    low, default, high = sessions["min"], sessions["default"], sessions.get("max")
    if low > default or (high is not None and default > high):
        checker.error(item.loc_of("sessions"), f"{label}: sessions must satisfy min <= default <= max")
    initial = item["initial_sessions"]
    if initial["default"] > initial["max"]:
        checker.error(item.loc_of("initial_sessions"), f"{label}: initial_sessions default is above its max")
    shortest = initial["default"] + item["termination_sessions"]
    if low < shortest:
        checker.error(
            item.loc_of("sessions"),
            f"{label}: the shortest contract ({low} sessions) is shorter than the initial phase "
            f"plus termination ({shortest} sessions)",
        )
    frequency = item["frequency"]
    if frequency["default"] not in frequency["allowed"]:
        checker.error(item.loc_of("frequency"), f"{label}: the default frequency is not in the allowed list")
    minutes = item["session_minutes"]
    if minutes["min"] > minutes["max"]:
        checker.error(item.loc_of("session_minutes"), f"{label}: session_minutes min is above max")
    is_group = item["delivery"] == "group"
    if is_group and "group" not in item:
        checker.error(item.loc, f"{label}: a group format needs a 'group' section")
    if not is_group and "group" in item:
        checker.error(item.loc_of("group"), f"{label}: only a group format may have a 'group' section")
    if is_group and "group" in item:
        group = item["group"]
        size = group["size"]
        if not size["min"] <= size["default"] <= size["max"]:
            checker.error(group.loc_of("size"), f"{label}: group size must satisfy min <= default <= max")
        pre = group["pre_group_sessions"]
        if pre["min"] > pre["max"]:
            checker.error(group.loc_of("pre_group_sessions"), f"{label}: pre_group_sessions min is above max")


def _check_language(item: LocDict, label: str, checker: Checker) -> None:
    if not LANGUAGE_RE.match(item["language"]):
        checker.error(
            item.loc_of("language"),
            f"{label}: language must be a code like 'en', 'lg' or 'pt-BR', not {item['language']!r}",
        )


# Field types ----------------------------------------------------------------------------------
# Required fields have no default; optional ones default to None (a key written with no value is
# still refused: the checks refuse null).

Id = Annotated[str, text()]
Prose = Annotated[str, text(), TEXT]
OptProse = Annotated[str | None, text(), TEXT]
OptTextList = Annotated[tuple[Annotated[str, text()], ...] | None, listed(), TEXT]
Positive = Annotated[int, whole(1)]
AtLeastTwo = Annotated[int, whole(2)]
Flag = Annotated[bool, flag()]
OptFlag = Annotated[bool | None, flag()]
PhaseRef = Annotated[str, ref("phase"), RefTo("phase")]
OptTopicRef = Annotated[str | None, ref("topic"), RefTo("topic")]
OptAreaRef = Annotated[str | None, ref("area"), RefTo("area")]
OptStepRef = Annotated[str | None, ref("plan_step"), RefTo("plan_step")]
FormatIds = Annotated[tuple[Annotated[str, ref("format")], ...] | None, listed(), RefTo("format"), UNIQUE]
AreaIds = Annotated[tuple[Annotated[str, ref("area")], ...] | None, listed(), RefTo("area"), UNIQUE]
PhaseIds = Annotated[tuple[Annotated[str, ref("phase")], ...] | None, listed(), RefTo("phase"), UNIQUE]
TechniqueIds = Annotated[
    tuple[Annotated[str, ref("technique")], ...] | None, listed(), RefTo("technique"), UNIQUE
]
Frequency = Annotated[str, choice(FREQUENCIES)]


class Range(Record):
    describe = "range"
    min: Positive
    max: Positive


class SessionCount(Record):
    describe = "session count"
    default: Positive
    min: Positive
    max: Annotated[int | None, whole(1, nullable=True)]


class FrequencyRule(Record):
    describe = "frequency"
    default: Frequency
    allowed: Annotated[tuple[Frequency, ...], listed(1), UNIQUE]


class InitialSessions(Record):
    describe = "initial sessions"
    default: Positive
    max: Positive


class JointSession(Record):
    describe = "joint session"
    id: Id
    who: Annotated[str, choice(("parent", "partner", "caregiver"))]
    phase: PhaseRef
    optional: Flag
    purpose: Prose


class GroupSize(Record):
    describe = "group size"
    min: AtLeastTwo
    default: AtLeastTwo
    max: AtLeastTwo


class GroupSettings(Record):
    describe = "group settings"
    pre_group_sessions: Range
    size: GroupSize
    mid_group_session: Annotated[str, choice(("none", "optional", "required"))]


class FormatItem(Record):
    describe = "format"
    id: Id
    name: Prose
    summary: Prose
    delivery: Annotated[str, choice(DELIVERIES)]
    sessions: SessionCount
    frequency: FrequencyRule
    session_minutes: Range
    initial_sessions: InitialSessions
    termination_sessions: Positive
    sick_role: Annotated[str, choice(("full", "limited"))]
    joint_sessions: Annotated[tuple[JointSession, ...] | None, listed()] = None
    emphasis_areas: AreaIds = None
    group: Annotated[GroupSettings | None, present()] = None
    exclusions: OptTextList = None
    notes: OptTextList = None
    checks: OptTextList = None
    start_checks: Annotated[tuple[Id, ...] | None, listed(), UNIQUE] = None
    screening_topics: Annotated[
        tuple[Annotated[str, choice(SCREENING_TOPICS)], ...] | None, listed(), UNIQUE
    ] = None


class Task(Record):
    describe = "task"
    id: Id
    title: Prose
    description: Prose


class PhaseItem(Record):
    describe = "phase"
    id: Annotated[str, choice(PHASES)]
    name: Prose
    order: Positive
    summary: Prose
    tasks: Annotated[tuple[Task, ...], listed(1)]


class Entry(Record):
    describe = "entry"
    id: Id
    text: Prose


Entries = Annotated[tuple[Entry, ...], listed(1)]


class Stage(Record):
    describe = "stage"
    id: Id
    name: Prose
    summary: Prose
    goal: Prose
    strategies: Entries
    questions: OptTextList = None


class AreaItem(Record):
    describe = "problem area"
    id: Id
    name: Prose
    group_name: Prose
    summary: Prose
    applies_when: Prose
    goals: Annotated[tuple[Annotated[str, text()], ...], listed(1), TEXT]
    strategies: Entries
    stages: Annotated[tuple[Stage, ...] | None, listed()] = None
    suggested_goals: Entries
    questions: Annotated[tuple[Annotated[str, text()], ...], listed(1), TEXT]
    topic: OptTopicRef = None
    use_last: OptFlag = None
    caution: OptProse = None


class TechniqueItem(Record):
    describe = "technique"
    id: Id
    name: Prose
    description: Prose
    example: OptProse = None
    topic: OptTopicRef = None


class Step(Record):
    """A step of a session plan; its minutes are optional."""

    describe = "step"
    id: Id
    title: Prose
    guidance: Annotated[str, with_placeholders(), TEXT]
    techniques: TechniqueIds = None
    topic: OptTopicRef = None
    when: Annotated[str | None, choice(WHEN)] = None
    replaces: OptStepRef = None
    minutes: Annotated[int | None, whole(1, 180)] = None


class TimedStep(Step):
    """A step of a group guide, which must say how many minutes it takes."""

    minutes: Annotated[int, whole(1, 180)]


class PlanItem(Record):
    describe = "plan"
    id: Id
    phase: Annotated[str, choice(SESSION_TYPES)]
    title: OptProse = None
    formats: FormatIds = None
    except_formats: FormatIds = None
    area: OptAreaRef = None
    stage: Annotated[str | None, text()] = None
    order: Annotated[int, whole(0, 999)]
    steps: Annotated[tuple[Step, ...], listed(1)]


class GroupGuideItem(Record):
    describe = "group guide"
    id: Id
    phase: PhaseRef
    title: Prose
    summary: Prose
    steps: Annotated[tuple[TimedStep, ...], listed(1)]


class ChecklistItem(Record):
    describe = "checklist item"
    id: Id
    text: Prose
    formats: FormatIds = None


class FidelityItem(Record):
    describe = "fidelity checklist"
    id: Id
    phase: PhaseRef
    title: Prose
    formats: FormatIds = None
    items: Annotated[tuple[ChecklistItem, ...], listed(1)]


class TopicItem(Record):
    describe = "topic"
    id: Id
    title: Prose
    summary: OptProse = None
    audience: Annotated[str, choice(AUDIENCES)]
    areas: AreaIds = None
    phases: PhaseIds = None
    formats: FormatIds = None


class PackManifest(Record):
    describe = "pack"
    kind: Annotated[str, choice(("pack",))]
    id: Id
    type: Annotated[str, choice(PACK_TYPES)]
    language: Id
    name: Prose
    description: OptProse = None
    version: Annotated[str | None, text()] = None


FORMAT, PHASE, AREA, TECHNIQUE, PLAN = FormatItem, PhaseItem, AreaItem, TechniqueItem, PlanItem
GROUP_GUIDE, FIDELITY, TOPIC, PACK = GroupGuideItem, FidelityItem, TopicItem, PackManifest

# File kind (the `kind:` of a YAML file) -> (item kind used in references, item schema).
FILE_KINDS: dict[str, tuple[str, type[Record]]] = {
    "formats": ("format", FORMAT),
    "phases": ("phase", PHASE),
    "problem_areas": ("area", AREA),
    "techniques": ("technique", TECHNIQUE),
    "plans": ("plan", PLAN),
    "group_guides": ("group_guide", GROUP_GUIDE),
    "fidelity_checklists": ("fidelity", FIDELITY),
}
ITEM_SCHEMAS: dict[str, type[Record]] = {kind: record for kind, record in FILE_KINDS.values()}
ITEM_SCHEMAS["topic"] = TOPIC

# Checks that span several keys of one item, run once the item's shape is right.
EXTRA_CHECKS: dict[type[Record], Callable[[LocDict, str, Checker], None]] = {
    FORMAT: _check_format,
    PACK: _check_language,
}
