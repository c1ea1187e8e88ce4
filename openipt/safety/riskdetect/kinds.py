"""Kinds of risk: which family of detector rules points to which kind of risk.

A family ("partner_violence", "self_harm"...) belongs to one kind of risk. The kind decides what
an alert says, who is told and what the client sees (see openipt/safety/rules/shipped.yaml). A
pattern file lists its kinds under ``kinds:`` as ``kind: [family, ...]``; a family left out
belongs to ``suicide_self_harm``, so an older pattern file keeps working unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openipt.core.content import LocDict

DEFAULT_KIND = "suicide_self_harm"
SHIPPED_KINDS: tuple[str, ...] = (
    "suicide_self_harm",
    "harm_to_others",
    "being_harmed",
    "child_safeguarding",
    "unable_to_keep_safe",
    "self_neglect",
)


def family_kinds(builder: Any, doc: Mapping[str, Any], families: Mapping[str, str]) -> dict[str, str]:
    """Return {family: kind} from the document's ``kinds`` section, checked by the builder."""
    from .patternset import _ID

    raw = doc.get("kinds") or LocDict()
    section = builder.mapping(raw, "kinds", doc, "kinds")
    result = dict.fromkeys(families, DEFAULT_KIND)
    seen: dict[str, str] = {}
    for kind in section:
        if not isinstance(kind, str) or not _ID.match(kind):
            raise builder.fail("kind names are lower_case_with_underscores", section, kind, f"kinds.{kind}")
        for family in builder.str_list(section, kind, f"kinds.{kind}"):
            if family not in families:
                raise builder.fail(f"unknown family {family!r}", section, kind, f"kinds.{kind}")
            if family in seen:
                raise builder.fail(f"family {family!r} is already in kind {seen[family]!r}", section, kind, f"kinds.{kind}")
            seen[family] = kind
            result[family] = kind
    return result
