"""The shape of a risk-rules file, declared once with the content toolkit's pydantic models.

These models check types, required keys, allowed values and unknown keys. What depends on more
than one entry (a policy a rule names must exist, ids must be new, only OpenIPT's own file may
mark an entry as shipped) is checked by the loader afterwards.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from openipt.core.content import ContentModel, Flag, Text, Whole, Words, matches, one_of, says

from .model import CLIENT_PAGES, NOTIFY_TARGETS, OPERATORS, SEVERITIES

_WORD = r"[a-z][a-z0-9_]*"


Ident = Annotated[Text, matches(_WORD, "needs an id in lower_case_with_underscores")]
Severity = Annotated[Text, one_of(SEVERITIES, f"unknown severity {{value!r}} (use one of {', '.join(SEVERITIES)})")]
LowerWord = Annotated[Text, matches(_WORD, "keys are lower_case words")]


class Step(ContentModel):
    after_minutes: Annotated[Whole, Field(ge=0), says("must be a whole number of minutes, 0 or more")]
    notify: Annotated[Text, one_of(NOTIFY_TARGETS, f"unknown target (use one of {', '.join(NOTIFY_TARGETS)})")]


class Policy(ContentModel):
    id: Ident
    description: Words
    steps: Annotated[tuple[Step, ...], Field(min_length=1)]
    shipped: Flag = False


class _RuleBase(ContentModel):
    id: Ident
    shipped: Flag = False
    policy: Any = None  # checked against the known policies by the loader
    reason: Words


class InstrumentItem(_RuleBase):
    kind: Literal["instrument_item"]
    instrument: Annotated[Text, matches(_WORD, "must be an instrument code such as phq9")]
    item: Annotated[Text, matches(_WORD, "must be an item id such as q9")]
    operator: Annotated[Text, one_of(OPERATORS, f"unknown operator {{value!r}} (use one of {' '.join(OPERATORS)})")]
    threshold: Annotated[Whole, says("must be a whole number (got {value!r})")]
    severity: Severity


class FreeText(_RuleBase):
    kind: Literal["free_text"]
    language: Annotated[Text, matches(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", "must be a language code such as en")] = "en"
    min_severity: Severity = "low"
    severity_map: Annotated[dict[Severity, Severity], Field(min_length=1)]
    policy_by_severity: dict[Severity, Any] = {}
    sources: Annotated[tuple[Annotated[Text, matches(_WORD, "")], ...], Field(min_length=1),
                       says("must be a list of source names such as worksheet")] | None = None


class RiskReview(_RuleBase):
    kind: Literal["risk_review"]
    levels: Annotated[dict[LowerWord, Severity | None], Field(min_length=1)]
    policy_by_severity: dict[Severity, Any] = {}


Rule = Annotated[InstrumentItem | FreeText | RiskReview, Field(discriminator="kind")]


class Kind(ContentModel):
    id: Ident
    shipped: Flag = False
    label: Words
    alert: Words
    clinician_action: Words
    policy_by_severity: Annotated[dict[Severity, Any], says("must name a policy for each of low, medium and high")]
    client_page: Annotated[Text, one_of(CLIENT_PAGES, f"must be one of {', '.join(CLIENT_PAGES)}")] = "crisis"


class RulesFile(ContentModel):
    schema_: Any = Field(None, alias="schema")
    version: Any = None
    policies: tuple[Policy, ...] | None = None
    rules: tuple[Rule, ...] | None = None
    risk_kinds: tuple[Kind, ...] | None = None
