"""Typed, immutable views of the IPT protocol content.

The loader checks the YAML and Markdown files and then builds these dataclasses, so code that
uses the protocol (course rules, session plans, pages) works with plain attributes and never
with raw YAML. Nothing here imports Django.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SessionRange:
    """How many sessions a format's contract may have; `max` None means open-ended."""

    default: int
    min: int
    max: int | None

    def allows(self, count: int) -> bool:
        """Return True when `count` sessions is within the range."""
        return count >= self.min and (self.max is None or count <= self.max)


@dataclass(frozen=True)
class JointSession:
    """A session where someone else joins (a parent in IPT-A, a partner)."""

    id: str
    who: str
    phase: str
    optional: bool
    purpose: str


@dataclass(frozen=True)
class GroupSettings:
    """Settings that only group formats have."""

    pre_group_min: int
    pre_group_max: int
    size_min: int
    size_default: int
    size_max: int
    mid_group_session: str


@dataclass(frozen=True)
class Format:
    """A way of delivering IPT (individual, group, IPT-A...) with its session rules."""

    id: str
    name: str
    summary: str
    delivery: str
    sessions: SessionRange
    frequency: str
    frequencies: tuple[str, ...]
    minutes_min: int
    minutes_max: int
    initial_sessions: int
    initial_sessions_max: int
    termination_sessions: int
    sick_role: str
    joint_sessions: tuple[JointSession, ...] = ()
    emphasis_areas: tuple[str, ...] = ()
    group: GroupSettings | None = None
    exclusions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    # What must pass before treatment proper begins (ids of checks registered in
    # openipt/courses/start_checks.py), and the initial-phase screening topics.
    start_checks: tuple[str, ...] = ()
    screening_topics: tuple[str, ...] = ()

    @property
    def open_ended(self) -> bool:
        """Return True when the format sets no upper limit on sessions."""
        return self.sessions.max is None

    @property
    def is_group(self) -> bool:
        """Return True for group formats."""
        return self.delivery == "group"


@dataclass(frozen=True)
class Task:
    """One task of a phase."""

    id: str
    title: str
    description: str


@dataclass(frozen=True)
class Phase:
    """A phase of a course: initial, middle or termination."""

    id: str
    name: str
    order: int
    summary: str
    tasks: tuple[Task, ...]


@dataclass(frozen=True)
class Entry:
    """An id'd line of text (a strategy, a suggested goal)."""

    id: str
    text: str


@dataclass(frozen=True)
class Stage:
    """A stage of a role dispute: renegotiation, impasse or dissolution."""

    id: str
    name: str
    summary: str
    goal: str
    strategies: tuple[Entry, ...]
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProblemArea:
    """One of IPT's problem areas with its goals and strategies."""

    id: str
    name: str
    group_name: str
    summary: str
    applies_when: str
    goals: tuple[str, ...]
    strategies: tuple[Entry, ...]
    suggested_goals: tuple[Entry, ...]
    questions: tuple[str, ...]
    stages: tuple[Stage, ...] = ()
    topic: str | None = None
    use_last: bool = False
    caution: str = ""

    def stage(self, stage_id: str) -> Stage | None:
        """Return the stage with this id, or None."""
        return next((s for s in self.stages if s.id == stage_id), None)


@dataclass(frozen=True)
class Technique:
    """An IPT technique with a short description."""

    id: str
    name: str
    description: str
    example: str = ""
    topic: str | None = None


@dataclass(frozen=True)
class Step:
    """One step of a session plan or a group session guide."""

    id: str
    title: str
    guidance: str
    techniques: tuple[str, ...] = ()
    topic: str | None = None
    when: str = "any"
    replaces: str | None = None
    minutes: int | None = None


@dataclass(frozen=True)
class PlanSet:
    """Steps for one phase (or pre-/mid-group session), narrowed by format, area and stage."""

    id: str
    phase: str
    order: int
    steps: tuple[Step, ...]
    title: str = ""
    formats: tuple[str, ...] = ()
    except_formats: tuple[str, ...] = ()
    area: str | None = None
    stage: str | None = None

    def applies_to_format(self, fmt: Format) -> bool:
        """Return True when this set is for `fmt` (unlisted sets are for non-group formats)."""
        if fmt.id in self.except_formats:
            return False
        if self.formats:
            return fmt.id in self.formats
        return not fmt.is_group


@dataclass(frozen=True)
class GroupGuide:
    """A facilitator's guide for group sessions of one phase."""

    id: str
    phase: str
    title: str
    summary: str
    steps: tuple[Step, ...]

    @property
    def minutes(self) -> int:
        """Return the total suggested minutes."""
        return sum(step.minutes or 0 for step in self.steps)


@dataclass(frozen=True)
class ChecklistItem:
    """One fidelity check; `formats` empty means every format."""

    id: str
    text: str
    formats: tuple[str, ...] = ()


@dataclass(frozen=True)
class FidelityChecklist:
    """What a supervisor looks for in sessions of one phase."""

    id: str
    phase: str
    title: str
    items: tuple[ChecklistItem, ...]
    formats: tuple[str, ...] = ()


@dataclass(frozen=True)
class Topic:
    """A psychoeducation text in Markdown with its metadata."""

    id: str
    title: str
    audience: str
    body: str
    language: str
    summary: str = ""
    areas: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()


@dataclass(frozen=True)
class PackInfo:
    """The manifest of a content pack."""

    id: str
    type: str
    language: str
    name: str
    path: str
    description: str = ""
    version: str = ""
