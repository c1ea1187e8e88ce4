"""Turn checked content (LocDict mappings) into the typed dataclasses of `model`.

Only called after the schema checks passed, so each builder reads its item as the TypedDict of
`checked` that says what the matching record in `kinds` has checked, and indexes required keys directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from .checked import (
    AreaDoc,
    EntryDoc,
    FidelityDoc,
    FormatDoc,
    GroupGuideDoc,
    PhaseDoc,
    PlanDoc,
    StepDoc,
    TechniqueDoc,
    TopicDoc,
)
from .model import (
    ChecklistItem,
    Entry,
    FidelityChecklist,
    Format,
    GroupGuide,
    GroupSettings,
    JointSession,
    Phase,
    PlanSet,
    ProblemArea,
    SessionRange,
    Stage,
    Step,
    Task,
    Technique,
    Topic,
)

# An item as the loader holds it (a LocDict) once it passed its schema check.
Checked = Mapping[str, Any]


def _t(value: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(value or ())


def _entries(items: Iterable[EntryDoc] | None) -> tuple[Entry, ...]:
    return tuple(Entry(i["id"], i["text"]) for i in items or ())


def build_format(item: Checked) -> Format:
    """Build a Format."""
    d = cast(FormatDoc, item)  # checked against its record in `kinds`
    group = d.get("group")
    return Format(
        id=d["id"],
        name=d["name"],
        summary=d["summary"],
        delivery=d["delivery"],
        sessions=SessionRange(d["sessions"]["default"], d["sessions"]["min"], d["sessions"].get("max")),
        frequency=d["frequency"]["default"],
        frequencies=_t(d["frequency"]["allowed"]),
        minutes_min=d["session_minutes"]["min"],
        minutes_max=d["session_minutes"]["max"],
        initial_sessions=d["initial_sessions"]["default"],
        initial_sessions_max=d["initial_sessions"]["max"],
        termination_sessions=d["termination_sessions"],
        sick_role=d["sick_role"],
        joint_sessions=tuple(
            JointSession(j["id"], j["who"], j["phase"], j["optional"], j["purpose"])
            for j in d.get("joint_sessions") or ()
        ),
        emphasis_areas=_t(d.get("emphasis_areas")),
        group=None
        if not group
        else GroupSettings(
            pre_group_min=group["pre_group_sessions"]["min"],
            pre_group_max=group["pre_group_sessions"]["max"],
            size_min=group["size"]["min"],
            size_default=group["size"]["default"],
            size_max=group["size"]["max"],
            mid_group_session=group["mid_group_session"],
        ),
        exclusions=_t(d.get("exclusions")),
        notes=_t(d.get("notes")),
        checks=_t(d.get("checks")),
        start_checks=_t(d.get("start_checks")),
        screening_topics=_t(d.get("screening_topics")),
    )


def build_phase(item: Checked) -> Phase:
    """Build a Phase."""
    d = cast(PhaseDoc, item)  # checked against its record in `kinds`
    tasks = tuple(Task(t["id"], t["title"], t["description"]) for t in d["tasks"])
    return Phase(d["id"], d["name"], d["order"], d["summary"], tasks)


def build_area(item: Checked) -> ProblemArea:
    """Build a ProblemArea."""
    d = cast(AreaDoc, item)  # checked against its record in `kinds`
    stages = tuple(
        Stage(
            id=s["id"],
            name=s["name"],
            summary=s["summary"],
            goal=s["goal"],
            strategies=_entries(s["strategies"]),
            questions=_t(s.get("questions")),
        )
        for s in d.get("stages") or ()
    )
    return ProblemArea(
        id=d["id"],
        name=d["name"],
        group_name=d["group_name"],
        summary=d["summary"],
        applies_when=d["applies_when"],
        goals=_t(d["goals"]),
        strategies=_entries(d["strategies"]),
        suggested_goals=_entries(d["suggested_goals"]),
        questions=_t(d["questions"]),
        stages=stages,
        topic=d.get("topic"),
        use_last=bool(d.get("use_last", False)),
        caution=d.get("caution") or "",
    )


def build_technique(item: Checked) -> Technique:
    """Build a Technique."""
    d = cast(TechniqueDoc, item)  # checked against its record in `kinds`
    return Technique(d["id"], d["name"], d["description"], d.get("example") or "", d.get("topic"))


def build_step(d: StepDoc) -> Step:
    """Build a Step."""
    return Step(
        id=d["id"],
        title=d["title"],
        guidance=d["guidance"],
        techniques=_t(d.get("techniques")),
        topic=d.get("topic"),
        when=d.get("when") or "any",
        replaces=d.get("replaces"),
        minutes=d.get("minutes"),
    )


def build_plan(item: Checked) -> PlanSet:
    """Build a PlanSet."""
    d = cast(PlanDoc, item)  # checked against its record in `kinds`
    return PlanSet(
        id=d["id"],
        phase=d["phase"],
        order=d["order"],
        steps=tuple(build_step(s) for s in d["steps"]),
        title=d.get("title") or "",
        formats=_t(d.get("formats")),
        except_formats=_t(d.get("except_formats")),
        area=d.get("area"),
        stage=d.get("stage"),
    )


def build_group_guide(item: Checked) -> GroupGuide:
    """Build a GroupGuide."""
    d = cast(GroupGuideDoc, item)  # checked against its record in `kinds`
    return GroupGuide(d["id"], d["phase"], d["title"], d["summary"], tuple(build_step(s) for s in d["steps"]))


def build_fidelity(item: Checked) -> FidelityChecklist:
    """Build a FidelityChecklist."""
    d = cast(FidelityDoc, item)  # checked against its record in `kinds`
    items = tuple(ChecklistItem(i["id"], i["text"], _t(i.get("formats"))) for i in d["items"])
    return FidelityChecklist(d["id"], d["phase"], d["title"], items, _t(d.get("formats")))


def build_topic(front_matter: Checked, body: str, language: str) -> Topic:
    """Build a Topic."""
    meta = cast(TopicDoc, front_matter)  # checked against kinds.TopicItem
    return Topic(
        id=meta["id"],
        title=meta["title"],
        audience=meta["audience"],
        body=body,
        language=language,
        summary=meta.get("summary") or "",
        areas=_t(meta.get("areas")),
        phases=_t(meta.get("phases")),
        formats=_t(meta.get("formats")),
    )

