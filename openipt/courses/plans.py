"""Build the plan for one session of a course from the protocol content.

A therapist (or a group facilitator) opens a session and sees the steps for this format, phase,
problem area and stage, in order, with what was left over from the last session. The result
depends only on its inputs, so the same session always gets the same plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from openipt.protocol.model import Format, PlanSet, Step
from openipt.protocol.protocol import Protocol

from .lifecycle import PHASES, phase_bounds

GROUP_INDIVIDUAL_KINDS = ("pre_group", "mid_group")
CLOSING_ORDER = 90  # plan sets at this order or above close the session and come last


class PlanError(ValueError):
    """Raised when a plan is asked for with inputs that do not fit the protocol."""


@dataclass(frozen=True)
class LastSession:
    """What the previous session planned, what was done, and what the client said they would try."""

    number: int
    phase: str
    planned_step_ids: tuple[str, ...] = ()
    done_step_ids: tuple[str, ...] = ()
    client_will_try: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlannedStep:
    """One step of a session plan, ready to show."""

    id: str
    title: str
    guidance: str
    techniques: tuple[str, ...] = ()
    topic: str | None = None
    minutes: int | None = None
    area: str | None = None
    secondary: bool = False
    source: str = ""
    carried_over: bool = False


@dataclass(frozen=True)
class CarriedItem:
    """Something from the last session to pick up: a step not done, or a thing the client would try."""

    kind: str
    text: str
    step_id: str | None = None


@dataclass(frozen=True)
class SessionPlan:
    """The ordered steps for one session plus what carries over from the last one."""

    format_id: str
    phase: str
    session_number: int
    total_sessions: int
    steps: tuple[PlannedStep, ...]
    carried_over: tuple[CarriedItem, ...] = ()
    area: str | None = None
    stage: str | None = None
    secondary_area: str | None = None

    @property
    def step_ids(self) -> tuple[str, ...]:
        """Return the step ids in order."""
        return tuple(s.id for s in self.steps)

    @property
    def minutes(self) -> int:
        """Return the suggested minutes of steps that have them."""
        return sum(s.minutes or 0 for s in self.steps)


def _format(protocol: Protocol, format_id: str, lang: str | None) -> Format:
    try:
        return protocol.format(format_id, lang)
    except KeyError:
        raise PlanError(f"unknown format '{format_id}'") from None


def _check_area(protocol: Protocol, area: str | None, stage: str | None, secondary: str | None) -> None:
    known = {a.id for a in protocol.areas()}
    if area is not None and area not in known:
        raise PlanError(f"unknown problem area '{area}'")
    if secondary is not None:
        if secondary not in known:
            raise PlanError(f"unknown problem area '{secondary}'")
        if area is None:
            raise PlanError("a secondary area needs a main area")
        if secondary == area:
            raise PlanError("the secondary area must differ from the main area")
    if stage is not None:
        if area is None:
            raise PlanError("a stage needs a problem area")
        if protocol.area(area).stage(stage) is None:
            raise PlanError(f"area '{area}' has no stage '{stage}'")


def _flags(fmt: Format, phase: str, number: int, total: int, last: LastSession | None) -> set[str]:
    bounds = phase_bounds(fmt, total)
    numbers = bounds.sessions(phase) if phase in PHASES else range(number, number + 1)
    first_of_phase = numbers.start if numbers else number
    last_of_phase = numbers.stop - 1 if numbers else number
    if last is not None and phase in PHASES:
        is_first = last.phase != phase
    else:
        is_first = number <= first_of_phase
    flags = {"any", "phase_first" if is_first else "phase_later"}
    if number >= last_of_phase:
        flags.add("phase_last")
    flags.add("course_last" if number == total else "before_last")
    return flags


def _collect(
    sets: Sequence[tuple[PlanSet, bool]], flags: set[str], values: dict[str, int]
) -> list[PlannedStep]:
    def position(pair: tuple[PlanSet, bool]) -> tuple[int, int, str]:
        plan, secondary = pair
        bucket = 2 if plan.order >= CLOSING_ORDER else (1 if secondary else 0)
        return (bucket, plan.order, plan.id)

    ordered = sorted(sets, key=position)
    chosen: list[tuple[Step, PlanSet, bool]] = [
        (step, plan, secondary) for plan, secondary in ordered for step in plan.steps if step.when in flags
    ]
    present = {step.id for step, _, _ in chosen}
    replacing = {step.replaces: (step, plan, sec) for step, plan, sec in chosen if step.replaces in present}
    result: list[PlannedStep] = []
    seen: set[str] = set()
    for step, plan, secondary in chosen:
        if step.replaces in replacing and replacing[step.replaces][0] is step:
            continue  # placed where the step it replaces was
        if step.id in replacing:
            step, plan, secondary = replacing[step.id]
        if step.id in seen:
            continue
        seen.add(step.id)
        result.append(
            PlannedStep(
                id=step.id,
                title=step.title,
                guidance=step.guidance.format_map(values),
                techniques=step.techniques,
                topic=step.topic,
                minutes=step.minutes,
                area=plan.area,
                secondary=secondary,
                source=plan.id,
            )
        )
    return result


def _carry(
    protocol: Protocol, steps: list[PlannedStep], last: LastSession | None, lang: str | None
) -> tuple[tuple[PlannedStep, ...], tuple[CarriedItem, ...]]:
    if last is None:
        return tuple(steps), ()
    done = set(last.done_step_ids)
    today = {s.id for s in steps}
    missed: list[str] = []
    for step_id in last.planned_step_ids:
        if step_id not in done and step_id not in missed:
            missed.append(step_id)
    marked = tuple(
        PlannedStep(**{**s.__dict__, "carried_over": True}) if s.id in missed else s for s in steps
    )
    carried: list[CarriedItem] = []
    for step_id in missed:
        if step_id in today:
            continue
        try:
            title = protocol.plan_step(step_id, lang).title
        except KeyError:
            title = f"A step no longer in the protocol ({step_id})"
        carried.append(CarriedItem("step", title, step_id))
    for text in last.client_will_try:
        if text.strip():
            carried.append(CarriedItem("to_try", text.strip()))
    return marked, tuple(carried)


def build_session_plan(
    protocol: Protocol,
    format_id: str,
    phase: str,
    session_number: int,
    total_sessions: int,
    area: str | None = None,
    stage: str | None = None,
    secondary_area: str | None = None,
    last_session: LastSession | None = None,
    lang: str | None = None,
) -> SessionPlan:
    """Return the ordered steps for one session (group formats get the facilitator guide)."""
    fmt = _format(protocol, format_id, lang)
    if phase not in PHASES:
        raise PlanError(f"unknown phase '{phase}' (use {', '.join(PHASES)})")
    if isinstance(total_sessions, bool) or not isinstance(total_sessions, int) or total_sessions < 1:
        raise PlanError("the contract needs at least one session")
    if (
        isinstance(session_number, bool)
        or not isinstance(session_number, int)
        or not 1 <= session_number <= total_sessions
    ):
        raise PlanError(f"session {session_number} is outside a contract of {total_sessions} sessions")
    _check_area(protocol, area, stage, secondary_area)
    flags = _flags(fmt, phase, session_number, total_sessions, last_session)
    values = {
        "session_number": session_number,
        "total_sessions": total_sessions,
        "remaining_sessions": total_sessions - session_number,
    }
    sets: list[tuple[PlanSet, bool]] = [
        (p, False) for p in protocol.plan_sets_for(format_id, phase, area, stage, lang)
    ]
    if secondary_area is not None:
        sets += [
            (p, True)
            for p in protocol.plan_sets_for(format_id, phase, secondary_area, None, lang)
            if p.area == secondary_area
        ]
    steps: list[PlannedStep] = []
    if fmt.is_group:
        try:
            guide = protocol.group_guide(phase, lang)
        except KeyError:
            raise PlanError(f"no group guide for the {phase} phase") from None
        guide_set = PlanSet(id=guide.id, phase=phase, order=-1, steps=guide.steps, formats=(fmt.id,))
        sets.insert(0, (guide_set, False))
    steps = _collect(sets, flags, values)
    marked, carried = _carry(protocol, steps, last_session, lang)
    return SessionPlan(
        format_id=format_id,
        phase=phase,
        session_number=session_number,
        total_sessions=total_sessions,
        steps=marked,
        carried_over=carried,
        area=area,
        stage=stage,
        secondary_area=secondary_area,
    )


def build_group_individual_plan(
    protocol: Protocol,
    kind: str,
    format_id: str = "group",
    area: str | None = None,
    last_session: LastSession | None = None,
    lang: str | None = None,
) -> SessionPlan:
    """Return the steps for an individual session before (pre_group) or during (mid_group) a group."""
    fmt = _format(protocol, format_id, lang)
    if not fmt.is_group:
        raise PlanError(f"'{format_id}' is not a group format")
    if kind not in GROUP_INDIVIDUAL_KINDS:
        raise PlanError(f"unknown individual session '{kind}' (use pre_group or mid_group)")
    if kind == "mid_group" and fmt.group is not None and fmt.group.mid_group_session == "none":
        raise PlanError(f"{fmt.name} has no mid-group individual session")
    _check_area(protocol, area, None, None)
    sets = [(p, False) for p in protocol.plan_sets_for(format_id, kind, area, None, lang)]
    values = {"session_number": 1, "total_sessions": 1, "remaining_sessions": 0}
    steps = _collect(sets, {"any", "phase_first", "phase_last"}, values)
    marked, carried = _carry(protocol, steps, last_session, lang)
    return SessionPlan(format_id, kind, 1, 1, marked, carried, area=area)
