"""Suggest an IPT problem area from the interpersonal inventory, the timeline and the intake.

Public API:

- ``parse_case(data) -> Case``: check a case in its JSON form (raises ``CaseError``).
- ``suggest(case, rules=None) -> list[Suggestion]``: ranked suggestions with evidence.
- ``load_rules(path=None) -> Rules``: load and check a rules file (raises ``DataFileError``).

The format and the rules are documented in docs/assessment/suggest-area.md.
"""

from .case import Case, CaseError, Conflict, Event, Expectations, Onset, Person, parse_case
from .dates import ApproxDate, parse_approx_date
from .evidence import Evidence, Focus, PersonRef
from .rules import AREAS, STAGES, Rules, load_rules, parse_rules
from .scorer import StageSuggestion, Suggestion, suggest, suggest_stage
from .yamlsource import DataFileError

__all__ = [
    "AREAS", "STAGES", "ApproxDate", "Case", "CaseError", "Conflict", "DataFileError", "Event", "Evidence",
    "Expectations", "Focus", "Onset", "Person", "PersonRef", "Rules", "StageSuggestion", "Suggestion",
    "load_rules", "parse_approx_date", "parse_case", "parse_rules", "suggest", "suggest_stage",
]
