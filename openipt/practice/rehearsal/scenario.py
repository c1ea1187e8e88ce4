"""Rehearsal scenarios as data: who the other person is, how they open, and how they react.

A scenario is a small branching script. After each client message the analyser's findings
become one reaction (defensive, cold, softer, engaged or neutral) and the script moves to
the node named for that reaction, so practising well visibly changes how the other person
answers. Scenario files are content, so everything is checked on load and errors name the
file, line and field (the file's shape is declared in ``schema``): unknown problem areas or stages, branches to missing nodes, nodes that can
never be reached or never lead to an ending, unknown placeholders, and "model" lines (used
when the client switches roles) that do not themselves model helpful communication.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from openipt.core.content import PathKey

from ..analyser.yamlsource import DataError, Source, checked, load_file, load_text, problem_at
from .schema import AREAS, MOODS, PLACEHOLDERS, REACTIONS, STAGES, ScenarioSpec

__all__ = ["AREAS", "MOODS", "PLACEHOLDERS", "REACTIONS", "STAGES", "Node", "Scenario", "SwitchScript",
           "load_scenario", "load_scenarios", "parse_scenario_text"]
SCENARIO_DIR = Path(__file__).with_name("scenarios")


@dataclass(frozen=True)
class Node:
    """One point in the script: the other person's mood, what they may say, where to go next."""

    id: str
    mood: str
    say: tuple[str, ...]
    next: Mapping[str, str] = field(default_factory=dict)
    end: bool = False


@dataclass(frozen=True)
class SwitchScript:
    """Lines for "switch roles": the partner plays the client and models helpful lines."""

    brief: str
    lines: tuple[str, ...]
    after_hurtful: tuple[str, ...]
    ending: str


@dataclass(frozen=True)
class Scenario:
    """A checked, ready-to-run rehearsal scenario."""

    id: str
    area: str
    stage: str | None
    title: str
    description: str
    other_name: str
    other_relationship: str
    other_mood: str
    situation: str
    opening: str
    start: Mapping[str, str]
    nodes: Mapping[str, Node]
    switch: SwitchScript
    source: str = ""


Fail = Callable[[PathKey, str], None]


def parse(src: Source) -> Scenario:
    """Check one loaded scenario and build it; raise DataError listing every problem."""
    if not isinstance(src.data, dict):
        raise DataError([f"{src.where(())}: a scenario file must be a mapping"])
    spec = checked(ScenarioSpec, src)
    problems: list[str] = []

    def fail(path: PathKey, message: str) -> None:
        problems.append(problem_at(src, path, message))

    if spec.area == "role_dispute" and spec.stage not in STAGES:
        fail(("stage",) if "stage" in src.data else ("area",),
             f"a role dispute needs a stage: {', '.join(STAGES)} (got {spec.stage!r})")
    elif spec.area != "role_dispute" and spec.stage is not None:
        fail(("stage",), f"only role_dispute scenarios have a stage (got {spec.stage!r})")
    start = _branches(spec.start, ("start",), fail)
    nodes: dict[str, Node] = {}
    for nid, node in spec.nodes.items():
        path = ("nodes", nid)
        if node.end and node.next is not None:
            fail(path + ("next",), "an ending node cannot have 'next'")
        branches = {} if node.end else _branches(node.next, path + ("next",), fail)
        nodes[nid] = Node(nid, node.mood, node.say, branches, node.end)
    _check_targets(fail, spec, nodes)
    _check_graph(fail, start, nodes)
    if problems:
        raise DataError(problems)
    switch = spec.switch
    return Scenario(id=spec.id, area=spec.area, stage=spec.stage, title=spec.title, description=spec.description,
                    other_name=spec.other.name, other_relationship=spec.other.relationship,
                    other_mood=spec.other.mood, situation=spec.situation, opening=spec.opening, start=start,
                    nodes=nodes, switch=SwitchScript(switch.brief, switch.lines, switch.after_hurtful, switch.ending),
                    source=src.file)


def _branches(given: Mapping[str, str] | None, path: PathKey, fail: Fail) -> dict[str, str]:
    """Return the node each reaction leads to; 'otherwise' covers the reactions not named."""
    if given is None:
        fail(path, "is missing (a node needs 'next', or 'end: true')")
        return {}
    missing = [r for r in REACTIONS if r not in given]
    if missing and "otherwise" not in given:
        fail(path, f"no branch for {', '.join(missing)} (add them or 'otherwise')")
    fallback = given.get("otherwise")
    return {r: given.get(r, fallback or "") for r in REACTIONS}


def _check_targets(fail: Fail, spec: ScenarioSpec, nodes: Mapping[str, Node]) -> None:
    """Report each branch, as written, that goes to a node the file does not have."""
    written = [(("start",), spec.start)] + [(("nodes", nid, "next"), n.next or {}) for nid, n in spec.nodes.items()]
    for path, branches in written:
        for reaction, target in branches.items():
            if target not in nodes:
                fail(path + (reaction,), f"goes to unknown node {target!r}")


def _check_graph(fail: Fail, start: Mapping[str, str], nodes: Mapping[str, Node]) -> None:
    """Report unreachable nodes and nodes from which no ending can be reached."""
    if not any(n.end for n in nodes.values()):
        fail(("nodes",), "no ending node (add one with 'end: true')")
        return
    reachable: set[str] = set()
    todo = [t for t in start.values() if t in nodes]
    while todo:
        nid = todo.pop()
        if nid in reachable:
            continue
        reachable.add(nid)
        todo.extend(t for t in nodes[nid].next.values() if t in nodes)
    for nid in nodes:
        if nid not in reachable:
            fail(("nodes", nid), "can never be reached (a dead branch)")
    can_end = {nid for nid, n in nodes.items() if n.end}
    changed = True
    while changed:
        changed = False
        for nid, n in nodes.items():
            if nid not in can_end and any(t in can_end for t in n.next.values()):
                can_end.add(nid)
                changed = True
    for nid in sorted(reachable - can_end):
        fail(("nodes", nid), "never leads to an ending (a dead end)")


def parse_scenario_text(text: str, name: str = "<scenario>") -> Scenario:
    """Load and check one scenario given as YAML text."""
    return parse(load_text(text, name))


def load_scenario(path: str | Path) -> Scenario:
    """Load and check one scenario file."""
    return parse(load_file(path))


def load_scenarios(directory: str | Path = SCENARIO_DIR) -> dict[str, Scenario]:
    """Load every *.yaml scenario in a directory; raise DataError listing all problems."""
    problems: list[str] = []
    out: dict[str, Scenario] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            scenario = load_scenario(path)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        if scenario.id in out:
            problems.append(f"{path}:1: scenario id {scenario.id!r} is also used in {out[scenario.id].source}")
            continue
        out[scenario.id] = scenario
    if problems:
        raise DataError(problems)
    return out
