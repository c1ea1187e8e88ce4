"""Merging and comparing versions of an inventory entry (pure: no Django).

When the client (in the portal) and the therapist edit the same entry at the same time, the
later save is merged field by field against the version its author started from: a field only
one of them changed takes that change, so neither change is lost. Only a field both changed
differently is a conflict; the later author then sees both texts.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

PERSON_FIELDS = (
    "name", "relationship", "ring", "age_band", "contact", "support_received", "support_given",
    "satisfying", "unsatisfying", "expects_of_other", "expected_by_other", "expectations_match",
    "conflicts", "conflict_talking", "conflict_hope", "conflict_ending", "conflict_mood_effect", "recent_changes",
    "changes_wanted",
)
TEXT_FIELDS = (
    "satisfying", "unsatisfying", "expects_of_other", "expected_by_other", "conflicts", "recent_changes",
    "changes_wanted",
)


def normalise(value: object) -> str:
    """Return a stored value as comparable text (line endings unified, outer blanks removed)."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


@dataclass(frozen=True)
class MergeResult:
    """The merged values, the fields both sides changed differently, and which side each change came from."""

    values: dict[str, str]
    conflicts: tuple[str, ...]
    mine: tuple[str, ...]  # fields taken from the later save
    theirs: tuple[str, ...]  # fields kept from the save in between


def three_way(base: Mapping[str, object] | None, theirs: Mapping[str, object], mine: Mapping[str, object],
              fields: Sequence[str] = PERSON_FIELDS) -> MergeResult:
    """Merge `mine` (started from `base`) into `theirs` (saved since); without a base every difference conflicts."""
    values: dict[str, str] = {}
    conflicts, from_mine, from_theirs = [], [], []
    for field in fields:
        t, m = normalise(theirs.get(field)), normalise(mine.get(field))
        b = normalise(base.get(field)) if base is not None else None
        if m == t:
            values[field] = t
        elif b is not None and m == b:
            values[field] = t
            from_theirs.append(field)
        elif b is not None and t == b:
            values[field] = m
            from_mine.append(field)
        else:
            values[field] = t
            conflicts.append(field)
    return MergeResult(values, tuple(conflicts), tuple(from_mine), tuple(from_theirs))


def changed_fields(before: Mapping[str, object] | None, after: Mapping[str, object],
                   fields: Sequence[str] = PERSON_FIELDS) -> list[str]:
    """Return the fields whose values differ between two versions (all non-empty ones when there is no before)."""
    if before is None:
        return [f for f in fields if normalise(after.get(f))]
    return [f for f in fields if normalise(before.get(f)) != normalise(after.get(f))]


_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    """A run of text in a word diff: kind is 'same', 'removed' or 'added'."""

    kind: str
    text: str


def word_diff(before: str, after: str, limit: int = 20000) -> list[Piece]:
    """Return the words removed and added between two texts, in reading order.

    Very long texts are compared as whole lines to keep the work bounded.
    """
    a, b = normalise(before), normalise(after)
    if len(a) + len(b) > limit:
        left, right = a.splitlines(keepends=True), b.splitlines(keepends=True)
    else:
        left, right = _TOKEN.findall(a), _TOKEN.findall(b)
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            _add(pieces, "same", "".join(left[i1:i2]))
            continue
        if op in ("delete", "replace"):
            _add(pieces, "removed", "".join(left[i1:i2]))
        if op in ("insert", "replace"):
            _add(pieces, "added", "".join(right[j1:j2]))
    return pieces


def _add(pieces: list[Piece], kind: str, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1].kind == kind:
        pieces[-1] = Piece(kind, pieces[-1].text + text)
    else:
        pieces.append(Piece(kind, text))


def lines(text: object, limit: int = 50, length: int = 2000) -> list[str]:
    """Split a text field into its non-empty lines (one point per line), cut to the given sizes."""
    out = []
    for line in normalise(text).split("\n"):
        line = line.strip().lstrip("-•*").strip()
        if line:
            out.append(line[:length])
        if len(out) >= limit:
            break
    return out
