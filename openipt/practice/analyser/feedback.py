"""Turn a list of findings into a few kind sentences a client can act on.

The order follows how people take in feedback: first what already helps, then at most two
things to change, most important first (the order of patterns in the pattern file), so a
message with many problems does not come back as a wall of criticism.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
#: for a message in a language with no pattern file: the caller knows the language, the analyser has no words for it
NOT_AVAILABLE = ("Tips on how a message may come across are not available in this language yet. "
                 "You can still practise saying it out loud, and talk it over with your therapist.")


@dataclass(frozen=True)
class Messages:
    """The fixed sentences of the overall feedback, in the language of one pattern file.

    The English ones are the defaults; a pattern file in another language gives its own under
    `messages:` (all of them, checked by the loader's schema).
    """

    empty: str = EMPTY
    not_read: str = NOT_ENGLISH
    nothing_found: str = NOTHING_FOUND
    request_tip: str = REQUEST_TIP
    feeling_tip: str = FEELING_TIP
    held: str = HELD
    more: str = MORE
    part_read: str = PART_ENGLISH
    truncated: str = TRUNCATED
    what_works: str = "What works:"
    change_one: str = "Something to change:"
    change_many: str = "Things to change:"


ENGLISH = Messages()


def compose(findings: Sequence[Finding], patterns: PatternSet, *, empty: bool = False,
            english: bool = True, mixed: bool = False, truncated: bool = False) -> str:
    """Write the overall feedback: praise first, then at most two things to change.

    `english` False means the text had no words in the pattern file's script (the name is kept
    from when the analyser read English only); the words come from the pattern file's messages.
    """
    words = patterns.messages
    if empty:
        return words.empty
    if not english:
        return words.not_read
    found = {f.pattern for f in findings}
    ordered = [p for p in patterns.patterns if p.id in found]
    helpful = [p for p in ordered if p.family == "helpful"]
    hurtful = [p for p in ordered if p.family == "hurtful"]
    parts: list[str] = []
    if helpful:
        parts.append(words.what_works + " " + " ".join(p.feedback for p in helpful[:MAX_PRAISE]))
    if hurtful:
        label = words.change_one if len(hurtful) == 1 else words.change_many
        parts.append(label + " " + " ".join(p.feedback for p in hurtful[:MAX_CHANGES]))
        if len(hurtful) > MAX_CHANGES:
            parts.append(words.more)
    if not helpful and not hurtful:
        parts.append(words.nothing_found)
    elif not hurtful:
        if "specific_request" in patterns.by_id and "specific_request" not in found:
            parts.append(words.request_tip)
        elif "naming_feeling" in patterns.by_id and not found & {"naming_feeling", "acknowledging_other",
                                                                  "inviting_question"}:
            parts.append(words.feeling_tip)
    if mixed:
        parts.append(words.part_read)
    if truncated:
        parts.append(words.truncated)
    return "\n".join(parts)
