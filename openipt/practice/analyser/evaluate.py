"""Score the analyser against a labelled set: per-pattern and per-family precision and recall.

Used by the tests (which hold the analyser to a minimum) and by bench/analyser_accuracy.py
(which writes the figures to bench/results/). A prediction counts when the pattern is found
anywhere in the utterance; spans are not compared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .loader import FAMILIES
from .yamlsource import DataError, load_file

# "tuning": used to develop the patterns. "heldout": written before any pattern, never tuned
# on. "fresh": written after the first tuning round; scored once, then tuned on. "unseen":
# written after all tuning, never tuned on. "fresh" and "unseen" are optional in a file.
SPLITS = ("heldout", "tuning", "fresh", "unseen")
TUNED = ("tuning", "fresh")


@dataclass(frozen=True)
class Labelled:
    """One labelled utterance and the set (split) it belongs to; see SPLITS."""

    text: str
    patterns: frozenset[str]
    split: str
    line: int | None = None


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives, with the rates they give."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Return tp / (tp + fp), or 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Return tp / (tp + fn), or 1.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Return the harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "support": self.tp + self.fn,
                "precision": round(self.precision, 3), "recall": round(self.recall, 3),
                "f1": round(self.f1, 3)}


@dataclass(frozen=True)
class Report:
    """Per-pattern counts, per-family micro-averaged counts and the utterances with errors."""

    size: int
    per_pattern: Mapping[str, Counts]
    per_family: Mapping[str, Counts]
    errors: tuple[tuple[Labelled, frozenset[str]], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {"utterances": self.size,
                "families": {k: v.to_dict() for k, v in self.per_family.items()},
                "patterns": {k: v.to_dict() for k, v in self.per_pattern.items()}}


def load_labelled(path: str | Path, known: Iterable[str]) -> list[Labelled]:
    """Load a labelled file (lists per split, see SPLITS); raise DataError on bad items."""
    src = load_file(path)
    known = set(known)
    problems: list[str] = []
    items: list[Labelled] = []
    seen: set[str] = set()
    if not isinstance(src.data, dict):
        raise DataError([f"{src.where(())}: expected 'heldout' and 'tuning' lists"])
    for split in SPLITS:
        rows = src.data.get(split, [] if split in ("fresh", "unseen") else None)
        if not isinstance(rows, list):
            problems.append(f"{src.where((split,))}: {split!r} must be a list")
            continue
        for i, row in enumerate(rows):
            at = (split, i)
            if not isinstance(row, dict) or not isinstance(row.get("text"), str) \
                    or not isinstance(row.get("patterns"), list):
                problems.append(f"{src.where(at)}: each item needs 'text' and a 'patterns' list")
                continue
            unknown = [p for p in row["patterns"] if p not in known]
            if unknown:
                problems.append(f"{src.where(at)}: unknown pattern(s) {unknown}")
            if row["text"] in seen:
                problems.append(f"{src.where(at)}: duplicate text {row['text']!r}")
            seen.add(row["text"])
            items.append(Labelled(row["text"], frozenset(row["patterns"]), split, src.line(at)))
    if problems:
        raise DataError(problems)
    return items


def score(items: Sequence[Labelled], predict: Callable[[str], frozenset[str]],
          families: Mapping[str, str]) -> Report:
    """Compare predicted pattern sets with the labels; `families` maps pattern id to family."""
    per_pattern = {pid: Counts() for pid in families}
    errors: list[tuple[Labelled, frozenset[str]]] = []
    for item in items:
        predicted = frozenset(predict(item.text))
        for pid in families:
            want, got = pid in item.patterns, pid in predicted
            per_pattern[pid] = per_pattern[pid] + Counts(int(want and got), int(got and not want),
                                                         int(want and not got))
        if predicted != item.patterns:
            errors.append((item, predicted))
    per_family = {fam: sum((c for pid, c in per_pattern.items() if families[pid] == fam), Counts())
                  for fam in FAMILIES}
    return Report(len(items), per_pattern, per_family, tuple(errors))
