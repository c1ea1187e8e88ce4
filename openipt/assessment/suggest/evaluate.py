"""Measure how often the scorer agrees with hand-written case vignettes.

A rule set is only as good as its agreement with what a clinician would choose. Vignettes are
JSON files holding a case and the intended answer; this module scores each one and reports
top-1 agreement on the primary area, top-2 agreement (the intended area is the first or the
second suggestion), agreement on the dispute stage, and how often "no suggestion" was given when
(and only when) it should be, separately for the blind (held-out) vignettes and the development
(tuning) ones.

Run: ``openipt suggest-area --evaluate tests/assessment/vignettes`` (add ``--glob 'h1[2-9]*'`` for a
subset), or ``python -m openipt.assessment.suggest.evaluate tests/assessment/vignettes [GLOB]``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .case import parse_case
from .rules import AREAS, STAGES, Rules
from .scorer import suggest

_VIGNETTE_KEYS = {"id", "held_out", "title", "story", "expected", "case"}


@dataclass(frozen=True)
class Vignette:
    """A written case with the answer its author intended."""

    id: str
    held_out: bool
    title: str
    primary: str  # an area id or "none"
    acceptable_secondary: tuple[str, ...]
    stage: str | None
    case: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """What the scorer said about one vignette, next to what was intended."""

    vignette: Vignette
    primary: str
    secondary: str | None
    stage: str | None

    @property
    def top2(self) -> bool:
        """Return whether the intended area (or none) is the first or the second suggestion."""
        return self.top1 or (self.secondary is not None and self.secondary == self.vignette.primary)

    @property
    def top1(self) -> bool:
        """Return whether the primary area (or none) matches."""
        return self.primary == self.vignette.primary

    @property
    def stage_ok(self) -> bool | None:
        """Return stage agreement for an intended dispute, None when no stage was intended."""
        if self.vignette.stage is None:
            return None
        return self.primary == "role_dispute" and self.stage == self.vignette.stage

    @property
    def secondary_ok(self) -> bool | None:
        """Return whether an offered secondary area was acceptable, None when none was offered."""
        if self.secondary is None:
            return None
        return self.secondary in self.vignette.acceptable_secondary


def load_vignette(path: Path) -> Vignette:
    """Read one vignette file; raise ValueError naming the file on any problem."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: cannot read ({exc})") from None
    if not isinstance(raw, dict) or set(raw) != _VIGNETTE_KEYS:
        raise ValueError(f"{path}: a vignette needs exactly the keys {sorted(_VIGNETTE_KEYS)}")
    exp = raw["expected"]
    if not isinstance(exp, dict) or set(exp) != {"primary", "acceptable_secondary", "stage"}:
        raise ValueError(f"{path}: expected needs primary, acceptable_secondary and stage")
    if exp["primary"] not in AREAS + ("none",):
        raise ValueError(f"{path}: expected.primary {exp['primary']!r} is not an area or none")
    if not all(a in AREAS for a in exp["acceptable_secondary"]):
        raise ValueError(f"{path}: expected.acceptable_secondary holds an unknown area")
    if (exp["primary"] == "role_dispute") != (exp["stage"] in STAGES):
        raise ValueError(f"{path}: a stage is required for a dispute and only for a dispute")
    if not isinstance(raw["held_out"], bool):
        raise ValueError(f"{path}: held_out must be true or false")
    return Vignette(raw["id"], raw["held_out"], raw["title"], exp["primary"],
                    tuple(exp["acceptable_secondary"]), exp["stage"], raw["case"])


def load_vignettes(directory: Path, pattern: str = "*") -> list[Vignette]:
    """Read the *.json vignettes whose names match pattern (several may be joined with commas), by name."""
    paths = {p for part in pattern.split(",") if part.strip()
             for p in Path(directory).glob(part.strip().removesuffix(".json") + ".json")}
    return [load_vignette(p) for p in sorted(paths)]


def run(vignettes: Iterable[Vignette], rules: Rules | None = None) -> list[Outcome]:
    """Score every vignette's case and pair the result with the intended answer."""
    outcomes = []
    for v in vignettes:
        result = suggest(parse_case(v.case), rules)
        first = result[0]
        second = result[1].area if len(result) > 1 else None
        stage = first.stage.stage if first.stage else None
        outcomes.append(Outcome(v, first.area or "none", second, stage))
    return outcomes


def _rate(hits: int, total: int) -> str:
    return f"{hits}/{total} = {hits / total:.2f}" if total else "n/a (0 cases)"


def agreement(outcomes: Sequence[Outcome]) -> dict[str, tuple[int, int]]:
    """Return (hits, total) for each agreement figure."""
    disputes = [o for o in outcomes if o.vignette.stage is not None]
    nones = [o for o in outcomes if o.vignette.primary == "none"]
    areas = [o for o in outcomes if o.vignette.primary != "none"]
    secondaries = [o for o in outcomes if o.secondary is not None]
    return {
        "top1": (sum(o.top1 for o in outcomes), len(outcomes)),
        "top2": (sum(o.top2 for o in outcomes), len(outcomes)),
        "stage": (sum(bool(o.stage_ok) for o in disputes), len(disputes)),
        "none_correctly_none": (sum(o.primary == "none" for o in nones), len(nones)),
        "area_wrongly_none": (sum(o.primary == "none" for o in areas), len(areas)),
        "secondary_acceptable": (sum(bool(o.secondary_ok) for o in secondaries), len(secondaries)),
    }


def report(outcomes: Sequence[Outcome]) -> str:
    """Return a plain-text agreement report: all vignettes, blind (held-out) set, development set, misses."""
    lines = []
    for label, subset in (("all", outcomes), ("blind", [o for o in outcomes if o.vignette.held_out]),
                          ("development", [o for o in outcomes if not o.vignette.held_out])):
        figures = agreement(subset)
        lines.append(f"[{label}] n={len(subset)}  " + "  ".join(f"{k}: {_rate(*v)}" for k, v in figures.items()))
    misses = [o for o in outcomes if not o.top1 or o.stage_ok is False or o.secondary_ok is False]
    for o in misses:
        v = o.vignette
        lines.append(f"  miss {v.id}{' (blind)' if v.held_out else ''}: expected {v.primary}"
                     f"{'/' + v.stage if v.stage else ''}, got {o.primary}{'/' + o.stage if o.stage else ''}"
                     f"{' + ' + o.secondary if o.secondary else ''}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the agreement report for a directory of vignettes."""
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else Path("tests/assessment/vignettes")
    print(report(run(load_vignettes(directory, args[1] if len(args) > 1 else "*"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
