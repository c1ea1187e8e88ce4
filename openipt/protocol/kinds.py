"""The schema of each kind of protocol content file.

A YAML content file says which kind it holds (`kind: formats`) and lists its items. This
module describes every kind with the plain-Python schema from `schema.py`, plus the checks
that span several keys of one item (a minimum above a maximum, a contract too short for its
own phases).
"""

from __future__ import annotations

import re

from openipt.core.content import LocDict

from .schema import (
    ID,
    Bool,
    Checker,
    Enum,
    Field,
    IdList,
    Int,
    ListOf,
    Record,
    Ref,
    Str,
    TextList,
    text,
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
SCREENING_TOPICS = ("psychosis", "bipolar", "substance", "cognitive", "intellectual_disability", "safeguarding",
                    "medication")
PACK_TYPES = ("base", "translation", "adaptation")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def _ids(kind: str) -> ListOf:
    return ListOf(Ref(kind=kind), unique=True)


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


_MIN_MAX = Record(fields=(Field("min", Int(1)), Field("max", Int(1))), describe="range")

FORMAT = Record(
    describe="format",
    extra_check=_check_format,
    fields=(
        ID,
        text("name"),
        text("summary"),
        Field("delivery", Enum(values=DELIVERIES)),
        Field(
            "sessions",
            Record(
                describe="session count",
                fields=(
                    Field("default", Int(1)),
                    Field("min", Int(1)),
                    Field("max", Int(1), nullable=True),
                ),
            ),
        ),
        Field(
            "frequency",
            Record(
                describe="frequency",
                fields=(
                    Field("default", Enum(values=FREQUENCIES)),
                    Field("allowed", ListOf(Enum(values=FREQUENCIES), min_items=1, unique=True)),
                ),
            ),
        ),
        Field("session_minutes", _MIN_MAX),
        Field(
            "initial_sessions",
            Record(describe="initial sessions", fields=(Field("default", Int(1)), Field("max", Int(1)))),
        ),
        Field("termination_sessions", Int(1)),
        Field("sick_role", Enum(values=("full", "limited"))),
        Field(
            "joint_sessions",
            IdList(
                Record(
                    describe="joint session",
                    fields=(
                        ID,
                        Field("who", Enum(values=("parent", "partner", "caregiver"))),
                        Field("phase", Ref(kind="phase")),
                        Field("optional", Bool()),
                        text("purpose"),
                    ),
                )
            ),
            required=False,
        ),
        Field("emphasis_areas", _ids("area"), required=False),
        Field(
            "group",
            Record(
                describe="group settings",
                fields=(
                    Field("pre_group_sessions", _MIN_MAX),
                    Field(
                        "size",
                        Record(
                            describe="group size",
                            fields=(Field("min", Int(2)), Field("default", Int(2)), Field("max", Int(2))),
                        ),
                    ),
                    Field("mid_group_session", Enum(values=("none", "optional", "required"))),
                ),
            ),
            required=False,
        ),
        text("exclusions", required=False, spec=TextList()),
        text("notes", required=False, spec=TextList()),
        text("checks", required=False, spec=TextList()),
        Field("start_checks", ListOf(Str(), unique=True), required=False),
        Field("screening_topics", ListOf(Enum(values=SCREENING_TOPICS), unique=True), required=False),
    ),
)

PHASE = Record(
    describe="phase",
    fields=(
        Field("id", Enum(values=PHASES)),
        text("name"),
        Field("order", Int(1)),
        text("summary"),
        Field(
            "tasks",
            IdList(Record(describe="task", fields=(ID, text("title"), text("description"))), min_items=1),
        ),
    ),
)

_ITEM_TEXT = Record(describe="entry", fields=(ID, text("text")))

AREA = Record(
    describe="problem area",
    fields=(
        ID,
        text("name"),
        text("group_name"),
        text("summary"),
        text("applies_when"),
        text("goals", spec=TextList(min_items=1)),
        Field("strategies", IdList(_ITEM_TEXT, min_items=1)),
        Field(
            "stages",
            IdList(
                Record(
                    describe="stage",
                    fields=(
                        ID,
                        text("name"),
                        text("summary"),
                        text("goal"),
                        Field("strategies", IdList(_ITEM_TEXT, min_items=1)),
                        text("questions", required=False, spec=TextList()),
                    ),
                )
            ),
            required=False,
        ),
        Field("suggested_goals", IdList(_ITEM_TEXT, min_items=1)),
        text("questions", spec=TextList(min_items=1)),
        Field("topic", Ref(kind="topic"), required=False),
        Field("use_last", Bool(), required=False),
        text("caution", required=False),
    ),
)

TECHNIQUE = Record(
    describe="technique",
    fields=(
        ID,
        text("name"),
        text("description"),
        text("example", required=False),
        Field("topic", Ref(kind="topic"), required=False),
    ),
)


def _step(minutes_required: bool) -> Record:
    return Record(
        describe="step",
        fields=(
            ID,
            text("title"),
            text("guidance", spec=Str(placeholders=True)),
            Field("techniques", _ids("technique"), required=False),
            Field("topic", Ref(kind="topic"), required=False),
            Field("when", Enum(values=WHEN), required=False),
            Field("replaces", Ref(kind="plan_step"), required=False),
            Field("minutes", Int(1, 180), required=minutes_required),
        ),
    )


PLAN = Record(
    describe="plan",
    fields=(
        ID,
        Field("phase", Enum(values=SESSION_TYPES)),
        text("title", required=False),
        Field("formats", _ids("format"), required=False),
        Field("except_formats", _ids("format"), required=False),
        Field("area", Ref(kind="area"), required=False),
        Field("stage", Str(), required=False),
        Field("order", Int(0, 999)),
        Field("steps", IdList(_step(minutes_required=False), min_items=1)),
    ),
)

GROUP_GUIDE = Record(
    describe="group guide",
    fields=(
        ID,
        Field("phase", Ref(kind="phase")),
        text("title"),
        text("summary"),
        Field("steps", IdList(_step(minutes_required=True), min_items=1)),
    ),
)

FIDELITY = Record(
    describe="fidelity checklist",
    fields=(
        ID,
        Field("phase", Ref(kind="phase")),
        text("title"),
        Field("formats", _ids("format"), required=False),
        Field(
            "items",
            IdList(
                Record(
                    describe="checklist item",
                    fields=(ID, text("text"), Field("formats", _ids("format"), required=False)),
                ),
                min_items=1,
            ),
        ),
    ),
)

TOPIC = Record(
    describe="topic",
    fields=(
        ID,
        text("title"),
        text("summary", required=False),
        Field("audience", Enum(values=AUDIENCES)),
        Field("areas", _ids("area"), required=False),
        Field("phases", _ids("phase"), required=False),
        Field("formats", _ids("format"), required=False),
    ),
)

PACK = Record(
    describe="pack",
    extra_check=_check_language,
    fields=(
        Field("kind", Enum(values=("pack",))),
        ID,
        Field("type", Enum(values=PACK_TYPES)),
        Field("language", Str()),
        text("name"),
        text("description", required=False),
        Field("version", Str(), required=False),
    ),
)

# File kind (the `kind:` of a YAML file) -> (item kind used in references, item schema).
FILE_KINDS: dict[str, tuple[str, Record]] = {
    "formats": ("format", FORMAT),
    "phases": ("phase", PHASE),
    "problem_areas": ("area", AREA),
    "techniques": ("technique", TECHNIQUE),
    "plans": ("plan", PLAN),
    "group_guides": ("group_guide", GROUP_GUIDE),
    "fidelity_checklists": ("fidelity", FIDELITY),
}
ITEM_SCHEMAS: dict[str, Record] = {kind: record for kind, record in FILE_KINDS.values()}
ITEM_SCHEMAS["topic"] = TOPIC
