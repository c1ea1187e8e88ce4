"""The shape of each protocol content item once it has passed its schema check (`kinds`).

The loader reads YAML into plain mappings and checks each against its record in `kinds`; these
TypedDicts say what such a checked mapping holds, so that the builders in `build` read typed
values. A key a record leaves optional may be missing or null (NotRequired, `| None`).
"""

from __future__ import annotations

from typing import NotRequired, TypedDict


class RangeDoc(TypedDict):
    min: int
    max: int


class SessionCountDoc(TypedDict):
    default: int
    min: int
    max: NotRequired[int | None]


class FrequencyDoc(TypedDict):
    default: str
    allowed: list[str]


class InitialSessionsDoc(TypedDict):
    default: int
    max: int


class JointSessionDoc(TypedDict):
    id: str
    who: str
    phase: str
    optional: bool
    purpose: str


class GroupSizeDoc(TypedDict):
    min: int
    default: int
    max: int


class GroupDoc(TypedDict):
    pre_group_sessions: RangeDoc
    size: GroupSizeDoc
    mid_group_session: str


class FormatDoc(TypedDict):
    id: str
    name: str
    summary: str
    delivery: str
    sessions: SessionCountDoc
    frequency: FrequencyDoc
    session_minutes: RangeDoc
    initial_sessions: InitialSessionsDoc
    termination_sessions: int
    sick_role: str
    joint_sessions: NotRequired[list[JointSessionDoc] | None]
    emphasis_areas: NotRequired[list[str] | None]
    group: NotRequired[GroupDoc | None]
    exclusions: NotRequired[list[str] | None]
    notes: NotRequired[list[str] | None]
    checks: NotRequired[list[str] | None]
    start_checks: NotRequired[list[str] | None]
    screening_topics: NotRequired[list[str] | None]


class TaskDoc(TypedDict):
    id: str
    title: str
    description: str


class PhaseDoc(TypedDict):
    id: str
    name: str
    order: int
    summary: str
    tasks: list[TaskDoc]


class EntryDoc(TypedDict):
    id: str
    text: str


class StageDoc(TypedDict):
    id: str
    name: str
    summary: str
    goal: str
    strategies: list[EntryDoc]
    questions: NotRequired[list[str] | None]


class AreaDoc(TypedDict):
    id: str
    name: str
    group_name: str
    summary: str
    applies_when: str
    goals: list[str]
    strategies: list[EntryDoc]
    stages: NotRequired[list[StageDoc] | None]
    suggested_goals: list[EntryDoc]
    questions: list[str]
    topic: NotRequired[str | None]
    use_last: NotRequired[bool | None]
    caution: NotRequired[str | None]


class TechniqueDoc(TypedDict):
    id: str
    name: str
    description: str
    example: NotRequired[str | None]
    topic: NotRequired[str | None]


class StepDoc(TypedDict):
    id: str
    title: str
    guidance: str
    techniques: NotRequired[list[str] | None]
    topic: NotRequired[str | None]
    when: NotRequired[str | None]
    replaces: NotRequired[str | None]
    minutes: NotRequired[int | None]


class PlanDoc(TypedDict):
    id: str
    phase: str
    title: NotRequired[str | None]
    formats: NotRequired[list[str] | None]
    except_formats: NotRequired[list[str] | None]
    area: NotRequired[str | None]
    stage: NotRequired[str | None]
    order: int
    steps: list[StepDoc]


class GroupGuideDoc(TypedDict):
    id: str
    phase: str
    title: str
    summary: str
    steps: list[StepDoc]


class ChecklistItemDoc(TypedDict):
    id: str
    text: str
    formats: NotRequired[list[str] | None]


class FidelityDoc(TypedDict):
    id: str
    phase: str
    title: str
    formats: NotRequired[list[str] | None]
    items: list[ChecklistItemDoc]


class TopicDoc(TypedDict):
    id: str
    title: str
    summary: NotRequired[str | None]
    audience: str
    areas: NotRequired[list[str] | None]
    phases: NotRequired[list[str] | None]
    formats: NotRequired[list[str] | None]
