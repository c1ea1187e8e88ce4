"""How far two raters of the same observation agree, item by item.

Exact agreement (the same level), agreement within one level, and Cohen's weighted kappa with linear weights
over the four levels (Cohen 1968): kappa = (po - pe) / (1 - pe), where po is the weighted share of agreement
observed and pe the share expected from each rater's own spread of levels. Kappa is left out (None) when fewer
than MIN_ITEMS_FOR_KAPPA items were rated by both, or when it cannot be computed (both raters gave every item
the same one level); with a handful of items a single disagreement moves every figure a long way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .tool import LEVELS

MIN_ITEMS_FOR_KAPPA = 10


@dataclass(frozen=True)
class Agreement:
    items: int  # rated by both
    exact: int
    within_one: int
    kappa: float | None

    @property
    def exact_percent(self) -> int | None:
        return round(100 * self.exact / self.items) if self.items else None

    @property
    def within_one_percent(self) -> int | None:
        return round(100 * self.within_one / self.items) if self.items else None

    @property
    def step_percent(self) -> int | None:
        """How many percentage points one item changes the figures by (said beside them)."""
        return round(100 / self.items) if self.items else None


def weighted_kappa(pairs: list[tuple[int, int]]) -> float | None:
    """Cohen's linearly weighted kappa of level pairs on the 1-4 scale; None when it is not defined."""
    if not pairs:
        return None
    k = len(LEVELS)
    total = len(pairs)

    def weight(a: int, b: int) -> float:
        return 1 - abs(a - b) / (k - 1)

    observed = sum(weight(a, b) for a, b in pairs) / total
    first = {level: sum(1 for a, _ in pairs if a == level) / total for level in LEVELS}
    second = {level: sum(1 for _, b in pairs if b == level) / total for level in LEVELS}
    expected = sum(weight(i, j) * first[i] * second[j] for i in LEVELS for j in LEVELS)
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


def agreement(first: Mapping[str, int], second: Mapping[str, int]) -> Agreement:
    """Compare two raters' levels over the items both rated."""
    pairs = [(first[i], second[i]) for i in first if i in second]
    exact = sum(1 for a, b in pairs if a == b)
    within = sum(1 for a, b in pairs if abs(a - b) <= 1)
    kappa = weighted_kappa(pairs) if len(pairs) >= MIN_ITEMS_FOR_KAPPA else None
    return Agreement(len(pairs), exact, within, kappa)
