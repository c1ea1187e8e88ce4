"""Turn a list of findings into a few kind sentences a client can act on.

The order follows how people take in feedback: first what already helps, then at most two
things to change, most important first (the order of patterns in the pattern file), so a
message with many problems does not come back as a wall of criticism.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - imports for type checkers only
    from .engine import Finding
    from .loader import PatternSet

MAX_PRAISE = 3
MAX_CHANGES = 2

EMPTY = "There is nothing to look at yet. Write what you would say to them, and you will get some tips."
NOT_ENGLISH = ("This tool can only read English for now, so it has no tips for this message. "
               "You can still practise saying it out loud.")
NOTHING_FOUND = ("Nothing here clearly helps or hurts. A good way to start is to say how you feel "
                 "and ask for one clear thing, like: \"I feel … when … . Could you …?\"")
REQUEST_TIP = "To go further, ask for one clear thing, like: \"Could you … on …?\""
FEELING_TIP = "To go further, say how this feels for you, like: \"I feel worried when …\""
HELD = ("No tips on this message. What you wrote sounds serious and important. Please tell your "
        "therapist, or someone you trust, today. If you are in danger now, call your local emergency number.")
MORE = "There is more to look at, but start with these."
PART_ENGLISH = "Only the English words were checked."
TRUNCATED = "This message is very long, so only the first part was checked."


def compose(findings: Sequence[Finding], patterns: PatternSet, *, empty: bool = False,
            english: bool = True, mixed: bool = False, truncated: bool = False) -> str:
    """Write the overall feedback: praise first, then at most two things to change."""
    if empty:
        return EMPTY
    if not english:
        return NOT_ENGLISH
    found = {f.pattern for f in findings}
    ordered = [p for p in patterns.patterns if p.id in found]
    helpful = [p for p in ordered if p.family == "helpful"]
    hurtful = [p for p in ordered if p.family == "hurtful"]
    parts: list[str] = []
    if helpful:
        parts.append("What works: " + " ".join(p.feedback for p in helpful[:MAX_PRAISE]))
    if hurtful:
        label = "Something to change: " if len(hurtful) == 1 else "Things to change: "
        parts.append(label + " ".join(p.feedback for p in hurtful[:MAX_CHANGES]))
        if len(hurtful) > MAX_CHANGES:
            parts.append(MORE)
    if not helpful and not hurtful:
        parts.append(NOTHING_FOUND)
    elif not hurtful:
        if "specific_request" in patterns.by_id and "specific_request" not in found:
            parts.append(REQUEST_TIP)
        elif "naming_feeling" in patterns.by_id and not found & {"naming_feeling", "acknowledging_other",
                                                                  "inviting_question"}:
            parts.append(FEELING_TIP)
    if mixed:
        parts.append(PART_ENGLISH)
    if truncated:
        parts.append(TRUNCATED)
    return "\n".join(parts)
