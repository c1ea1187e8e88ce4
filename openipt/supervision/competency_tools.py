"""The competency tools this site uses (the shipped one and those in `settings.COMPETENCY_TOOL_DIRS`), and the
organisation's sign-off rule as the pure `competency.rule.Rule`."""

from __future__ import annotations

from django.conf import settings

from openipt.supervision.competency import rule as rules
from openipt.supervision.competency.tool import DEFAULT_TOOL, Tool, cached_tools
from openipt.supervision.models import CompetencyRule


def tools() -> dict[str, Tool]:
    """Every tool, read once per process; a mistake in a site's file stops with its file, line and field."""
    return cached_tools(tuple(str(d) for d in getattr(settings, "COMPETENCY_TOOL_DIRS", ())))


def tool(tool_id: str | None = None) -> Tool:
    """One tool by id (the shipped tool when the id is unknown or not given)."""
    found = tools()
    return found.get(tool_id or DEFAULT_TOOL) or found[DEFAULT_TOOL]


def rule_row(organisation_id: int) -> CompetencyRule:
    """The organisation's saved rule, or the unsaved default."""
    return CompetencyRule.objects.filter(organisation_id=organisation_id).first() or CompetencyRule(
        organisation_id=organisation_id
    )


def rule_of(row: CompetencyRule) -> rules.Rule:
    return rules.Rule(min_level=row.min_level, no_harmful=row.no_harmful, required=row.required)
