"""Kinds of risk: which family of detector rules points to which kind of risk.

A family ("partner_violence", "self_harm"...) belongs to one kind of risk. The kind decides what
an alert says, who is told and what the client sees (see openipt/safety/rules/shipped.yaml). A
pattern file lists its kinds under ``kinds:`` as ``kind: [family, ...]``; a family left out
belongs to ``suicide_self_harm``, so an older pattern file keeps working unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from openipt.core.content import PathKey

DEFAULT_KIND = "suicide_self_harm"
SHIPPED_KINDS: tuple[str, ...] = (
    "suicide_self_harm",
    "harm_to_others",
    "being_harmed",
    "child_safeguarding",
    "unable_to_keep_safe",
    "self_neglect",
)


def family_kinds(
    kinds: Mapping[str, Sequence[str]], families: Mapping[str, str], fail: Callable[[str, PathKey], Exception]
) -> dict[str, str]:
    """Return {family: kind} from a file's checked ``kinds`` section; `fail` names the line of a mistake."""
    result = dict.fromkeys(families, DEFAULT_KIND)
    seen: dict[str, str] = {}
    for kind, members in kinds.items():
        for family in members:
            if family not in families:
                raise fail(f"unknown family {family!r}", ("kinds", kind))
            if family in seen:
                raise fail(f"family {family!r} is already in kind {seen[family]!r}", ("kinds", kind))
            seen[family] = kind
            result[family] = kind
    return result
