"""The shape of a rehearsal scenario file, declared once with the content toolkit's pydantic models.

These models check keys, types, allowed values, placeholders in text and that the lines used when
the client switches roles model helpful communication. What links nodes together (branches to
missing nodes, nodes never reached, loops with no ending, a stage only for role disputes) is
checked by ``scenario`` afterwards.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

from openipt.core.content import ContentModel, Flag, Text, filled, matches, one_of, says

from ..analyser import analyse

AREAS = ("grief", "role_dispute", "role_transition", "interpersonal_deficits")
STAGES = ("renegotiation", "impasse", "dissolution")
REACTIONS = ("defensive", "cold", "softer", "engaged", "neutral")
MOODS = ("neutral", "guarded", "defensive", "cold", "hurt", "sad", "softer", "engaged", "warm", "calm")
PLACEHOLDERS = ("name", "relationship", "situation")

_ID = r"[a-z][a-z0-9_]*"
_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")


def _scenario_text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("content", "must be non-empty text")
    for name in _PLACEHOLDER_RE.findall(value):
        if name not in PLACEHOLDERS:
            raise PydanticCustomError(
                "content", f"unknown placeholder {{{name}}} (allowed: {', '.join(PLACEHOLDERS)})")
    if value.count("{") != value.count("}"):
        raise PydanticCustomError("content", "unbalanced { or } in text")
    return " ".join(value.split())


def _helpful(text: str) -> str:
    """A modelled line must show helpful communication: something helpful, nothing hurtful."""
    result = analyse(text.replace("{", "").replace("}", ""))
    if result.hurtful or not result.helpful:
        found = ", ".join(sorted(result.patterns)) or "nothing"
        raise PydanticCustomError(
            "content", f"model line must be helpful with nothing hurtful (the analyser found: {found})")
    return text


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


ScenarioText = Annotated[Text, says("must be non-empty text"), AfterValidator(_scenario_text)]
ModelLine = Annotated[ScenarioText, AfterValidator(_helpful)]
Lines = Annotated[tuple[ScenarioText, ...], BeforeValidator(_as_list), filled("must be a line or a non-empty list of lines")]
ModelLines = Annotated[tuple[ModelLine, ...], BeforeValidator(_as_list), filled("must be a line or a non-empty list of lines")]
Branches = dict[
    Annotated[Text, one_of((*REACTIONS, "otherwise"),
                           f"unknown reaction {{value!r}} (allowed: {', '.join(REACTIONS)}, otherwise)")],
    Annotated[Text, says("a branch must name a node id")],
]
NodeId = Annotated[Text, matches(_ID, "node id {value!r} must be lower-case letters, digits and _")]


class Other(ContentModel):
    name: ScenarioText
    relationship: ScenarioText
    mood: ScenarioText


class NodeSpec(ContentModel):
    mood: Annotated[Text, one_of(MOODS, f"unknown mood {{value!r}} (allowed: {', '.join(MOODS)})")]
    say: Lines
    next: Branches | None = None
    end: Flag = False


class Switch(ContentModel):
    brief: ScenarioText
    lines: ModelLines
    after_hurtful: ModelLines
    ending: ScenarioText


class ScenarioSpec(ContentModel):
    id: Annotated[Text, matches(_ID, "id {value!r} must be lower-case letters, digits and _")]
    area: Annotated[Text, one_of(AREAS, f"unknown problem area {{value!r}} (allowed: {', '.join(AREAS)})")]
    stage: Any = None  # judged against the area by ``scenario``
    title: ScenarioText
    description: ScenarioText
    other: Other
    situation: ScenarioText
    opening: ScenarioText
    start: Branches
    nodes: Annotated[dict[NodeId, NodeSpec], filled("must map node ids to nodes")]
    switch: Switch
