"""The built content of one language: typed items in file order, plus cross-reference checks.

A Catalog is what a Protocol holds per language. `cross_check` runs on the merged structural
content and reports references to things that do not exist and gaps in coverage (a format with
no plan for a phase, an area with no middle-phase steps) with the file and line concerned.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from openipt.core.content import Loc, LocDict

from .kinds import PHASES
from .model import FidelityChecklist, Format, GroupGuide, Phase, PlanSet, ProblemArea, Step, Technique, Topic
from .pieces import Piece
from .schema import Checker, Reference


@dataclass
class Catalog:
    """Every item of one language view, keyed by id, in the order the files list them."""

    language: str
    formats: dict[str, Format] = field(default_factory=dict)
    phases: dict[str, Phase] = field(default_factory=dict)
    areas: dict[str, ProblemArea] = field(default_factory=dict)
    techniques: dict[str, Technique] = field(default_factory=dict)
    plans: dict[str, PlanSet] = field(default_factory=dict)
    group_guides: dict[str, GroupGuide] = field(default_factory=dict)
    fidelity: dict[str, FidelityChecklist] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    steps: dict[str, Step] = field(default_factory=dict)
    # For a translation: each English piece with what the language's packs give for it (see `pieces`).
    pieces: dict[str, Piece] = field(default_factory=dict, repr=False)

    def index_steps(self) -> None:
        """Fill `steps` from plan sets and group guides."""
        self.steps = {}
        for plan in self.plans.values():
            for step in plan.steps:
                self.steps.setdefault(step.id, step)
        for guide in self.group_guides.values():
            for step in guide.steps:
                self.steps.setdefault(step.id, step)


def _where(items: Mapping[str, LocDict], ident: str) -> Loc:
    item = items.get(ident)
    return item.loc if item is not None else Loc("<content>", 0)


def check_references(catalog: Catalog, references: list[Reference], checker: Checker) -> None:
    """Report every reference to an id that does not exist."""
    known: dict[str, Mapping[str, object]] = {
        "format": catalog.formats,
        "phase": catalog.phases,
        "area": catalog.areas,
        "technique": catalog.techniques,
        "topic": catalog.topics,
        "plan_step": catalog.steps,
    }
    for ref in references:
        if ref.value not in known.get(ref.kind, {}):
            checker.error(ref.loc, f"{ref.owner} names unknown {ref.kind.replace('_', ' ')} '{ref.value}'")


def cross_check(catalog: Catalog, raw: Mapping[str, Mapping[str, LocDict]], checker: Checker) -> None:
    """Report broken links between items and gaps in what the protocol covers."""
    plans_raw = raw.get("plan", {})
    guides_raw = raw.get("group_guide", {})
    formats_raw = raw.get("format", {})
    # Step ids are unique across every plan set and group guide.
    seen: dict[str, Loc] = {}
    for kind_raw in (plans_raw, guides_raw):
        for item in kind_raw.values():
            for index, step in enumerate(item.get("steps") or ()):
                ident = step.get("id")
                loc = step.loc_of("id") if isinstance(step, LocDict) else item["steps"].loc_of(index)
                if ident in seen and seen[ident] != loc:
                    other = seen[ident]
                    checker.error(loc, f"step id '{ident}' is used twice (also at {other.file}:{other.line})")
                else:
                    seen.setdefault(ident, loc)
    for plan in catalog.plans.values():
        item = plans_raw[plan.id]
        if plan.stage is not None:
            area = catalog.areas.get(plan.area) if plan.area else None
            if plan.area is None:
                checker.error(item.loc_of("stage"), f"plan '{plan.id}' names a stage but no area")
            elif area is not None and area.stage(plan.stage) is None:
                checker.error(
                    item.loc_of("stage"),
                    f"plan '{plan.id}' names stage '{plan.stage}', which area '{plan.area}' does not have",
                )
        own = {s.id for s in plan.steps}
        for index, step in enumerate(plan.steps):
            if step.replaces in own:
                checker.error(
                    item["steps"][index].loc_of("replaces"),
                    f"step '{step.id}' replaces '{step.replaces}' from its own plan; remove one instead",
                )
    for phase in PHASES:
        if phase not in catalog.phases:
            checker.error(Loc("<content>", 0), f"the protocol has no '{phase}' phase")
    for fmt in catalog.formats.values():
        _check_format_coverage(catalog, fmt, _where(formats_raw, fmt.id), checker)


def _plans_for(catalog: Catalog, fmt: Format, phase: str, area: str | None) -> list[PlanSet]:
    return [
        p for p in catalog.plans.values() if p.phase == phase and p.area == area and p.applies_to_format(fmt)
    ]


def _check_format_coverage(catalog: Catalog, fmt: Format, loc: Loc, checker: Checker) -> None:
    if fmt.is_group:
        for phase in PHASES:
            if not any(g.phase == phase for g in catalog.group_guides.values()):
                checker.error(
                    loc, f"format '{fmt.id}' is a group format but no group guide covers the {phase} phase"
                )
        kinds = ["pre_group"] + (["mid_group"] if fmt.group and fmt.group.mid_group_session != "none" else [])
        for kind in kinds:
            if not _plans_for(catalog, fmt, kind, None):
                checker.error(
                    loc,
                    f"format '{fmt.id}' has no plan steps for its {kind.replace('_', '-')} individual session",
                )
    else:
        for phase in PHASES:
            if not _plans_for(catalog, fmt, phase, None):
                checker.error(loc, f"format '{fmt.id}' has no session-plan steps for the {phase} phase")
        for area in catalog.areas:
            if not _plans_for(catalog, fmt, "middle", area):
                checker.error(loc, f"format '{fmt.id}' has no middle-phase steps for area '{area}'")
    for phase in PHASES:
        if not any(
            c.phase == phase and (not c.formats or fmt.id in c.formats) for c in catalog.fidelity.values()
        ):
            checker.error(loc, f"format '{fmt.id}' has no fidelity checklist for the {phase} phase")
