"""Rehearsal scenarios as data: who the other person is, how they open, and how they react.

A scenario is a small branching script. After each client message the analyser's findings
become one reaction (defensive, cold, softer, engaged or neutral) and the script moves to
the node named for that reaction, so practising well visibly changes how the other person
answers. Scenario files are content, so everything is checked on load and errors name the
file and line: unknown problem areas or stages, branches to missing nodes, nodes that can
never be reached or never lead to an ending, unknown placeholders, and "model" lines (used
when the client switches roles) that do not themselves model helpful communication.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..analyser import analyse
from ..analyser.yamlsource import DataError, Source, load_file, load_text

AREAS = ("grief", "role_dispute", "role_transition", "interpersonal_deficits")
STAGES = ("renegotiation", "impasse", "dissolution")
REACTIONS = ("defensive", "cold", "softer", "engaged", "neutral")
MOODS = ("neutral", "guarded", "defensive", "cold", "hurt", "sad", "softer", "engaged", "warm", "calm")
PLACEHOLDERS = ("name", "relationship", "situation")
SCENARIO_DIR = Path(__file__).with_name("scenarios")

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
_TOP_KEYS = {"id", "area", "stage", "title", "description", "other", "situation", "opening", "start",
             "nodes", "switch"}
_OTHER_KEYS = {"name", "relationship", "mood"}
_NODE_KEYS = {"mood", "say", "next", "end"}
_SWITCH_KEYS = {"brief", "lines", "after_hurtful", "ending"}


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


class _Checker:
    def __init__(self, src: Source):
        self.src = src
        self.problems: list[str] = []

    def fail(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(f"{self.src.where(path)}: {message}")

    def keys(self, raw: Mapping, allowed: set[str], path: tuple[Any, ...], what: str) -> None:
        for key in raw:
            if key not in allowed:
                self.fail(path + (key,), f"unknown {what} key {key!r} (allowed: {', '.join(sorted(allowed))})")

    def text(self, value: Any, path: tuple[Any, ...], what: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"{what} must be non-empty text")
            return ""
        for name in _PLACEHOLDER_RE.findall(value):
            if name not in PLACEHOLDERS:
                self.fail(path, f"unknown placeholder {{{name}}} (allowed: {', '.join(PLACEHOLDERS)})")
        if value.count("{") != value.count("}"):
            self.fail(path, "unbalanced { or } in text")
        return " ".join(value.split())

    def lines(self, value: Any, path: tuple[Any, ...], what: str) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            self.fail(path, f"{what} must be a line or a non-empty list of lines")
            return ()
        return tuple(self.text(v, path + (i,), what) for i, v in enumerate(value))

    def branches(self, value: Any, path: tuple[Any, ...]) -> dict[str, str]:
        if not isinstance(value, dict):
            self.fail(path, f"branches must map reactions ({', '.join(REACTIONS)}, otherwise) to node ids")
            return {}
        out: dict[str, str] = {}
        for key, target in value.items():
            if key not in REACTIONS and key != "otherwise":
                self.fail(path + (key,), f"unknown reaction {key!r} (allowed: {', '.join(REACTIONS)}, otherwise)")
            elif not isinstance(target, str):
                self.fail(path + (key,), "a branch must name a node id")
            else:
                out[key] = target
        missing = [r for r in REACTIONS if r not in out]
        if missing and "otherwise" not in out:
            self.fail(path, f"no branch for {', '.join(missing)} (add them or 'otherwise')")
        fallback = out.pop("otherwise", None)
        return {r: out.get(r, fallback or "") for r in REACTIONS}


def _check_model_line(checker: _Checker, text: str, path: tuple[Any, ...]) -> None:
    """A modelled line must show helpful communication: something helpful, nothing hurtful."""
    result = analyse(text.replace("{", "").replace("}", ""))
    if result.hurtful or not result.helpful:
        found = ", ".join(sorted(result.patterns)) or "nothing"
        checker.fail(path, f"model line must be helpful with nothing hurtful (the analyser found: {found})")


def parse(src: Source) -> Scenario:
    """Check one loaded scenario and build it; raise DataError listing every problem."""
    c = _Checker(src)
    raw = src.data
    if not isinstance(raw, dict):
        raise DataError([f"{src.where(())}: a scenario file must be a mapping"])
    c.keys(raw, _TOP_KEYS, (), "scenario")
    sid = raw.get("id")
    if not isinstance(sid, str) or not _ID_RE.match(sid):
        c.fail(("id",), f"id {sid!r} must be lower-case letters, digits and _")
    area = raw.get("area")
    if area not in AREAS:
        c.fail(("area",), f"unknown problem area {area!r} (allowed: {', '.join(AREAS)})")
    stage = raw.get("stage")
    if area not in AREAS:
        pass  # already reported; a stage cannot be judged without a known area
    elif area == "role_dispute" and stage not in STAGES:
        c.fail(("stage",) if "stage" in raw else ("area",),
               f"a role dispute needs a stage: {', '.join(STAGES)} (got {stage!r})")
    elif area != "role_dispute" and stage is not None:
        c.fail(("stage",), f"only role_dispute scenarios have a stage (got {stage!r})")
    title = c.text(raw.get("title"), ("title",), "title")
    description = c.text(raw.get("description"), ("description",), "description")
    other = raw.get("other")
    if not isinstance(other, dict):
        c.fail(("other",), "'other' must give the other person's name, relationship and mood")
        other = {}
    c.keys(other, _OTHER_KEYS, ("other",), "other")
    other_name = c.text(other.get("name"), ("other", "name"), "other.name")
    other_rel = c.text(other.get("relationship"), ("other", "relationship"), "other.relationship")
    other_mood = c.text(other.get("mood"), ("other", "mood"), "other.mood")
    situation = c.text(raw.get("situation"), ("situation",), "situation")
    if "opening" not in raw:
        c.fail((), "missing 'opening' (the other person's first line)")
    opening = c.text(raw.get("opening"), ("opening",), "opening") if "opening" in raw else ""
    start = c.branches(raw.get("start"), ("start",))
    nodes: dict[str, Node] = {}
    raw_nodes = raw.get("nodes")
    if not isinstance(raw_nodes, dict) or not raw_nodes:
        c.fail(("nodes",), "'nodes' must map node ids to nodes")
        raw_nodes = {}
    for nid, node in raw_nodes.items():
        path = ("nodes", nid)
        if not isinstance(nid, str) or not _ID_RE.match(nid):
            c.fail(path, f"node id {nid!r} must be lower-case letters, digits and _")
            continue
        if not isinstance(node, dict):
            c.fail(path, "a node must be a mapping with 'mood', 'say' and 'next' (or 'end: true')")
            continue
        c.keys(node, _NODE_KEYS, path, "node")
        mood = node.get("mood")
        if mood not in MOODS:
            c.fail(path + ("mood",), f"unknown mood {mood!r} (allowed: {', '.join(MOODS)})")
        say = c.lines(node.get("say"), path + ("say",), "say")
        end = node.get("end", False)
        if not isinstance(end, bool):
            c.fail(path + ("end",), "'end' must be true or false")
            end = False
        if end and "next" in node:
            c.fail(path + ("next",), "an ending node cannot have 'next'")
        branches = {} if end else c.branches(node.get("next"), path + ("next",))
        nodes[nid] = Node(nid, str(mood), say, branches, end)
    _check_graph(c, start, nodes)
    switch = _parse_switch(c, raw.get("switch"))
    if c.problems:
        raise DataError(c.problems)
    return Scenario(id=sid, area=area, stage=stage, title=title, description=description,
                    other_name=other_name, other_relationship=other_rel, other_mood=other_mood,
                    situation=situation, opening=opening, start=start, nodes=nodes, switch=switch,
                    source=src.file)


def _check_graph(c: _Checker, start: Mapping[str, str], nodes: Mapping[str, Node]) -> None:
    """Report dead branches, unreachable nodes and nodes from which no ending can be reached."""
    for reaction, target in start.items():
        if target and target not in nodes:
            c.fail(("start", reaction), f"branch {reaction!r} goes to unknown node {target!r}")
    for node in nodes.values():
        for reaction, target in node.next.items():
            if target and target not in nodes:
                c.fail(("nodes", node.id, "next", reaction), f"branch {reaction!r} goes to unknown node {target!r}")
    if not any(n.end for n in nodes.values()):
        c.fail(("nodes",), "no ending node (add one with 'end: true')")
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
            c.fail(("nodes", nid), f"node {nid!r} can never be reached (a dead branch)")
    can_end = {nid for nid, n in nodes.items() if n.end}
    changed = True
    while changed:
        changed = False
        for nid, n in nodes.items():
            if nid not in can_end and any(t in can_end for t in n.next.values()):
                can_end.add(nid)
                changed = True
    for nid in sorted(reachable - can_end):
        c.fail(("nodes", nid), f"node {nid!r} never leads to an ending (a dead end)")


def _parse_switch(c: _Checker, raw: Any) -> SwitchScript:
    if not isinstance(raw, dict):
        c.fail(("switch",), "'switch' must give 'brief', 'lines', 'after_hurtful' and 'ending'")
        return SwitchScript("", (), (), "")
    c.keys(raw, _SWITCH_KEYS, ("switch",), "switch")
    brief = c.text(raw.get("brief"), ("switch", "brief"), "switch.brief")
    lines = c.lines(raw.get("lines"), ("switch", "lines"), "switch.lines")
    after = c.lines(raw.get("after_hurtful"), ("switch", "after_hurtful"), "switch.after_hurtful")
    ending = c.text(raw.get("ending"), ("switch", "ending"), "switch.ending")
    for key, items in (("lines", lines), ("after_hurtful", after)):
        for i, line in enumerate(items):
            if line:
                _check_model_line(c, line, ("switch", key, i))
    return SwitchScript(brief, lines, after, ending)


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
