"""Risk rules as data, and a pure evaluator that turns answers, text and reviews into signals.

Public API:

* ``load_shipped() -> RuleSet`` and ``load_rules(extra=None) -> RuleSet`` (shipped rules merged
  with a site's rules and policies, given as YAML text, a mapping or a list of dicts).
* ``evaluate_answers(rules, instrument_code, answers) -> list[Signal]``
* ``evaluate_text(rules, text, source) -> list[Signal]``
* ``evaluate_review(rules, concern_level) -> list[Signal]``
"""

from ..riskdetect.yamlsource import DataError
from .evaluate import evaluate_answers, evaluate_review, evaluate_text
from .loader import load_rules, load_shipped
from .model import (
    NOTIFY_TARGETS,
    OPERATORS,
    SEVERITIES,
    EscalationPolicy,
    EscalationStep,
    Evidence,
    FreeTextRule,
    InstrumentItemRule,
    RiskReviewRule,
    Rule,
    RuleSet,
    Signal,
)

__all__ = [
    "DataError",
    "EscalationPolicy",
    "EscalationStep",
    "Evidence",
    "FreeTextRule",
    "InstrumentItemRule",
    "NOTIFY_TARGETS",
    "OPERATORS",
    "RiskReviewRule",
    "Rule",
    "RuleSet",
    "SEVERITIES",
    "Signal",
    "evaluate_answers",
    "evaluate_review",
    "evaluate_text",
    "load_rules",
    "load_shipped",
]
