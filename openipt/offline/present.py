"""Plain words for a change from a tablet that was not applied: what the tablet sent, what the server holds."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from openipt.groups.models import Presence


def _presence(value: object) -> str:
    return str(Presence(value).label) if value in Presence.values else str(value or "")


def describe(kind: str, values: dict[str, Any]) -> str:
    """One line for a person: "Came", the text of the notes, the steps ticked, a check's answers or total."""
    if not isinstance(values, dict) or not values:
        return ""
    if kind == "mark":
        return _presence(values.get("presence"))
    if kind == "will_try":
        return str(values.get("will_try", values.get("text", "")) or "")
    if kind == "notes":
        return str(values.get("text", "") or "")
    if kind == "steps":
        done = values.get("done")
        return ", ".join(str(s) for s in done) if isinstance(done, list) and done else _("No steps ticked")
    if kind == "check":
        if "total" in values:
            return _("%(name)s, score %(total)s") % {"name": "PHQ-9" if values.get("instrument") == "phq9" else "PHQ-2",
                                                     "total": values.get("total")}
        given = values.get("answers")
        answers = given if isinstance(given, dict) else {}
        return ", ".join(f"{k}: {v}" for k, v in sorted(answers.items()))
    if kind == "report":  # every part of the report, so the tablet's text is never out of sight
        labels = (("went_well", _("Went well")), ("was_hard", _("Was hard")), ("concerns", _("Concerns")),
                  ("help_wanted", _("Help wanted")))
        return "\n".join(f"{label}: {values[f]}" for f, label in labels if isinstance(values.get(f), str) and values[f])
    return ""


def rows(conflicts: list) -> list[dict[str, Any]]:
    """The Conflicts page's rows: each conflict with the tablet's and the server's version in words."""
    out = []
    for c in conflicts:
        data = c.yours.get("data") if isinstance(c.yours, dict) else None
        out.append({"conflict": c, "mine": describe(c.kind, data if isinstance(data, dict) else {}),
                    "theirs": describe(c.kind, c.theirs if isinstance(c.theirs, dict) else {})})
    return out
