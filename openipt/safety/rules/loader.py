"""Load the shipped risk rules, add a site's own, and check every field before use.

A site holding a licence for an instrument OpenIPT cannot ship (the EPDS, say) must be able to
add "EPDS item 10 at or above 1 is high risk" as data, without changing code. A mistake in such
data must stop the load with a message naming the field (and the line, for YAML), never be
half-applied. Shipped rules cannot be replaced or removed by a site's data.

The shape of the data is declared in `schema` (pydantic, through the content toolkit); this
module checks what links entries together and builds the frozen rules of `model`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from openipt.core.content import ContentFileError, Document, Problem, check, parse_yaml

from ..riskdetect.yamlsource import DataError
from . import schema
from .kinds import parse_kinds
from .model import (
    SEVERITIES,
    EscalationPolicy,
    EscalationStep,
    FreeTextRule,
    InstrumentItemRule,
    RiskReviewRule,
    Rule,
    RuleSet,
)

SCHEMA = "openipt-risk-rules/1"
SHIPPED_PATH = Path(__file__).with_name("shipped.yaml")


@lru_cache(maxsize=1)
def load_shipped() -> RuleSet:
    """Return the rules and policies shipped with OpenIPT."""
    text = SHIPPED_PATH.read_text(encoding="utf-8")
    return _parse_document(_read_yaml(text, str(SHIPPED_PATH)), allow_shipped=True, base=None)


def load_rules(
    extra: str | Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    *,
    source: str = "organisation rules",
) -> RuleSet:
    """Return the shipped rules merged with a site's extra rules and policies.

    `extra` is YAML text, a mapping with "rules" and/or "policies", or a list of rule dicts.
    Raise DataError naming the source, the field and (for YAML) the line on any mistake.
    """
    shipped = load_shipped()
    if extra is None:
        return shipped
    document = _read_yaml(extra, source) if isinstance(extra, str) else Document(source, extra)
    if document.data is None:
        return shipped
    if isinstance(document.data, Sequence) and not isinstance(document.data, str | bytes):
        document = Document(source, {"rules": list(document.data)}, {})
    return _parse_document(document, allow_shipped=False, base=shipped)


def _read_yaml(text: str, source: str) -> Document:
    document, problems = parse_yaml(text, source)
    if problems:
        raise DataError(problems[0].message, source=source, line=problems[0].line)
    return document


def _parse_document(document: Document, *, allow_shipped: bool, base: RuleSet | None) -> RuleSet:
    checker = _Checker(document)
    if not isinstance(document.data, Mapping):
        raise checker.fail("must be a mapping with rules and/or policies, or a list of rules", "document")
    try:
        spec = check(schema.RulesFile, document.data, document)
    except ContentFileError as exc:
        raise checker.error(exc.problems[0]) from None
    if allow_shipped:
        if spec.schema_ != SCHEMA:
            raise checker.fail(f"must be {SCHEMA!r}", "schema", ("schema",))
        if not isinstance(spec.version, str) or not spec.version.strip():
            raise checker.fail('must be text such as "1.0.0"', "version", ("version",))
        version = spec.version
    else:
        version = base.version if base is not None else ""
    policies = checker.policies(spec.policies or (), allow_shipped, base)
    rules = checker.rules(spec.rules or (), allow_shipped, policies, base)
    kinds = parse_kinds(checker, spec.risk_kinds or (), allow_shipped, policies, base.kinds if base else {})
    if not allow_shipped and (spec.policies or spec.rules or spec.risk_kinds):
        version = f"{version}+site"
    return RuleSet(version=version.strip(), rules=tuple(rules), policies=policies, kinds=kinds)


class _Checker:
    """Checks what links entries together; every mistake names the field, and the line for YAML."""

    def __init__(self, document: Document) -> None:
        self.document = document

    def fail(self, message: str, field: str, path: tuple[Any, ...] = ()) -> DataError:
        line = self.document.line(path) if path else None
        return DataError(message, source=self.document.file, line=line, field=field)

    def error(self, problem: Problem) -> DataError:
        """Return a schema problem as a DataError that names entries by their id."""
        field = problem.field
        for section in ("policies", "rules", "risk_kinds"):
            entries = self.document.data.get(section)
            if isinstance(entries, list) and field.startswith(f"{section}["):
                index = int(field[len(section) + 1 : field.index("]")])
                ident = entries[index].get("id") if isinstance(entries[index], Mapping) else None
                if isinstance(ident, str) and ident:
                    field = f"{section}[{ident}]{field[field.index(']') + 1 :]}"
        return DataError(problem.message, source=self.document.file, line=problem.line, field=field)

    def shipped(self, shipped: bool, allow_shipped: bool, where: str, path: tuple[Any, ...]) -> bool:
        if shipped and not allow_shipped:
            raise self.fail("only OpenIPT's own rules file may mark an entry as shipped", f"{where}.shipped",
                            path + ("shipped",))
        return shipped

    def policy_ref(self, value: Any, policies: Mapping[str, EscalationPolicy], field: str,
                   path: tuple[Any, ...]) -> str:
        if not isinstance(value, str) or value not in policies:
            raise self.fail(f"unknown escalation policy {value!r} (known: {', '.join(sorted(policies))})", field, path)
        return value

    def policies_by_severity(self, mapping: Mapping[str, Any], policies: Mapping[str, EscalationPolicy],
                             where: str, path: tuple[Any, ...]) -> dict[str, str]:
        return {severity: self.policy_ref(policy, policies, f"{where}.policy_by_severity.{severity}",
                                          path + ("policy_by_severity", severity))
                for severity, policy in mapping.items()}

    def policies(self, specs: Sequence[schema.Policy], allow_shipped: bool,
                 base: RuleSet | None) -> dict[str, EscalationPolicy]:
        result: dict[str, EscalationPolicy] = dict(base.policies) if base is not None else {}
        seen: set[str] = set()
        for index, spec in enumerate(specs):
            where, path = f"policies[{spec.id}]", ("policies", index)
            if spec.id in seen:
                raise self.fail("this id is used twice", f"{where}.id", path + ("id",))
            seen.add(spec.id)
            if spec.steps[0].after_minutes != 0:
                raise self.fail("the first step happens when the alert is raised: use 0",
                                f"{where}.steps[0].after_minutes", path + ("steps", 0, "after_minutes"))
            policy = EscalationPolicy(
                id=spec.id,
                description=spec.description,
                steps=tuple(EscalationStep(step.after_minutes, step.notify) for step in spec.steps),
                shipped=self.shipped(spec.shipped, allow_shipped, where, path),
            )
            if policy.id in result:
                raise self.fail("a policy with this id already exists", f"{where}.id")
            result[policy.id] = policy
        return result

    def rules(self, specs: Sequence[Any], allow_shipped: bool, policies: Mapping[str, EscalationPolicy],
              base: RuleSet | None) -> list[Rule]:
        result: list[Rule] = list(base.rules) if base is not None else []
        seen = {rule.id for rule in result}
        for index, spec in enumerate(specs):
            rule = self.rule(spec, allow_shipped, policies, f"rules[{spec.id}]", ("rules", index))
            if rule.id in seen:
                raise self.fail("a rule with this id already exists (shipped rules cannot be replaced)",
                                f"rules[{rule.id}].id")
            seen.add(rule.id)
            result.append(rule)
        return result

    def rule(self, spec: Any, allow_shipped: bool, policies: Mapping[str, EscalationPolicy], where: str,
             path: tuple[Any, ...]) -> Rule:
        shipped = self.shipped(spec.shipped, allow_shipped, where, path)
        policy = self.policy_ref(spec.policy, policies, f"{where}.policy", path + ("policy",))
        common = {"id": spec.id, "policy": policy, "reason": spec.reason, "shipped": shipped}
        if isinstance(spec, schema.InstrumentItem):
            return InstrumentItemRule(instrument=spec.instrument, item=spec.item, operator=spec.operator,
                                      threshold=spec.threshold, severity=spec.severity, **common)
        by_severity = self.policies_by_severity(spec.policy_by_severity, policies, where, path)
        if isinstance(spec, schema.RiskReview):
            return RiskReviewRule(levels=dict(spec.levels), policy_by_severity=by_severity, **common)
        missing = [severity for severity in SEVERITIES if severity not in spec.severity_map]
        if missing:
            raise self.fail(f"must map every detector severity (missing {', '.join(missing)})",
                            f"{where}.severity_map", path + ("severity_map",))
        return FreeTextRule(language=spec.language, min_severity=spec.min_severity,
                            severity_map=dict(spec.severity_map), policy_by_severity=by_severity,
                            sources=frozenset(spec.sources) if spec.sources is not None else None, **common)
