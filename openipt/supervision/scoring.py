"""Fidelity scoring: pure functions, no Django.

Each checklist item is answered yes, partly, no, or not applicable. The score is the share of
applicable items that were done, as a whole percentage: yes counts 1, partly counts a half, no
counts 0, and not-applicable items are left out. Halves are rounded up (7 of 8 with one partly:
(6 + 0.5) / 7 = 92.86 -> 93).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

YES, PARTLY, NO, NOT_APPLICABLE = "yes", "partly", "no", "na"
ANSWERS = (YES, PARTLY, NO, NOT_APPLICABLE)
HALVES = {YES: 2, PARTLY: 1, NO: 0}


class NothingToScore(ValueError):
    """Every item was left blank or marked not applicable."""


def clean_answers(answers: Mapping[str, object], item_ids: Iterable[str]) -> dict[str, str]:
    """Keep the answers to the given items that are one of ANSWERS; drop blanks and unknown items."""
    wanted = list(item_ids)
    out = {}
    for item_id in wanted:
        value = answers.get(item_id)
        if isinstance(value, str) and value.strip().lower() in ANSWERS:
            out[item_id] = value.strip().lower()
    return out


def score(answers: Mapping[str, str]) -> tuple[int, int]:
    """Return (applicable items, percentage 0-100) for cleaned answers; NothingToScore if none apply."""
    counted = [HALVES[v] for v in answers.values() if v in HALVES]
    if not counted:
        raise NothingToScore("no applicable item was answered")
    applicable = len(counted)
    halves = sum(counted)
    # percent = halves / (2 * applicable) * 100, rounded half up, in whole numbers only.
    numerator = halves * 100
    denominator = 2 * applicable
    return applicable, (2 * numerator + denominator) // (2 * denominator)


def trend_direction(scores: list[int], *, margin: int = 10) -> str:
    """Return "up", "down" or "steady" comparing the mean of the last three scores with the three before."""
    if len(scores) < 2:
        return "steady"
    recent = scores[-3:]
    before = scores[-6:-3] or scores[:1]
    diff = sum(recent) / len(recent) - sum(before) / len(before)
    if diff >= margin:
        return "up"
    if diff <= -margin:
        return "down"
    return "steady"
