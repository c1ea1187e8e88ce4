"""The pieces of evidence a suggestion carries, kept separate so other modules can use them.

Each piece names the rule that found it, the entries it rests on (inventory people by index and
name, timeline events by index, intake questions by id) and one plain sentence a therapist can
check against the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonRef:
    """An inventory entry named by its position and its name."""

    index: int
    name: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"index": self.index, "name": self.name}


@dataclass(frozen=True)
class Evidence:
    """One rule's finding: the points it adds to an area and the entries behind them."""

    rule: str
    area: str
    points: float
    sentence: str
    people: tuple[PersonRef, ...] = ()
    events: tuple[int, ...] = ()
    intake: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"rule": self.rule, "area": self.area, "points": self.points, "sentence": self.sentence,
                "people": [p.to_dict() for p in self.people], "events": list(self.events),
                "intake": list(self.intake)}


@dataclass(frozen=True)
class Focus:
    """What a suggestion centres on: an inventory person or a timeline event."""

    kind: str  # "person" or "event"
    index: int
    label: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"kind": self.kind, "index": self.index, "label": self.label}
