"""Load the shipped risk rules, add a site's own, and check every field before use.

A site holding a licence for an instrument OpenIPT cannot ship (the EPDS, say) must be able to
add "EPDS item 10 at or above 1 is high risk" as data, without changing code. A mistake in such
data must stop the load with a message naming the field (and the line, for YAML), never be
half-applied. Shipped rules cannot be replaced or removed by a site's data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..riskdetect.yamlsource import DataError, line_of, load_yaml
from .kinds import parse_kinds
from .model import (
    NOTIFY_TARGETS,
    OPERATORS,
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

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_COMMON = {"id", "kind", "shipped", "policy", "reason"}
_KIND_KEYS = {
    "instrument_item": _COMMON | {"instrument", "item", "operator", "threshold", "severity"},
    "free_text": _COMMON | {"language", "min_severity", "severity_map", "policy_by_severity", "sources"},
    "risk_review": _COMMON | {"levels", "policy_by_severity"},
}


@lru_cache(maxsize=1)
def load_shipped() -> RuleSet:
    """Return the rules and policies shipped with OpenIPT."""
    text = SHIPPED_PATH.read_text(encoding="utf-8")
    return _parse_document(
        load_yaml(text, str(SHIPPED_PATH)), str(SHIPPED_PATH), allow_shipped=True, base=None
    )


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
    if isinstance(extra, str):
        data = load_yaml(extra, source)
        if data is None:
            return shipped
    else:
        data = extra
    if isinstance(data, Sequence) and not isinstance(data, str | bytes):
        data = {"rules": list(data)}
    return _parse_document(data, source, allow_shipped=False, base=shipped)


def _parse_document(data: Any, source: str, *, allow_shipped: bool, base: RuleSet | None) -> RuleSet:
    checker = _Checker(source)
    if not isinstance(data, Mapping):
        raise checker.fail(
            "must be a mapping with rules and/or policies, or a list of rules", None, None, "document"
        )
    known = {"schema", "version", "policies", "rules", "risk_kinds"}
    for key in data:
        if key not in known:
            raise checker.fail(f"unknown key (allowed: {', '.join(sorted(known))})", data, key, str(key))
    if allow_shipped:
        if data.get("schema") != SCHEMA:
            raise checker.fail(f"must be {SCHEMA!r}", data, "schema", "schema")
        version = data.get("version")
        if not isinstance(version, str) or not version.strip():
            raise checker.fail('must be text such as "1.0.0"', data, "version", "version")
    else:
        version = base.version if base is not None else ""
    policies: dict[str, EscalationPolicy] = dict(base.policies) if base is not None else {}
    for policy in checker.policies(data, allow_shipped):
        if policy.id in policies:
            raise checker.fail(
                "a policy with this id already exists", None, None, f"policies[{policy.id}].id"
            )
        policies[policy.id] = policy
    rules: list[Rule] = list(base.rules) if base is not None else []
    seen = {rule.id for rule in rules}
    for rule in checker.rules(data, allow_shipped, policies):
        if rule.id in seen:
            raise checker.fail(
                "a rule with this id already exists (shipped rules cannot be replaced)",
                None,
                None,
                f"rules[{rule.id}].id",
            )
        seen.add(rule.id)
        rules.append(rule)
    kinds = parse_kinds(checker, data, allow_shipped, policies, base.kinds if base is not None else {})
    if not allow_shipped and (data.get("policies") or data.get("rules") or data.get("risk_kinds")):
        version = f"{version}+site"
    return RuleSet(version=version.strip(), rules=tuple(rules), policies=policies, kinds=kinds)


class _Checker:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, message: str, container: Any, key: Any, field: str) -> DataError:
        return DataError(
            message,
            source=self.source,
            line=line_of(container, key) if container is not None else None,
            field=field,
        )

    def entries(self, data: Mapping[str, Any], key: str) -> list[tuple[int, Mapping[str, Any], Any]]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail("must be a list", data, key, key)
        result = []
        for i, entry in enumerate(value):
            if not isinstance(entry, Mapping):
                raise self.fail("each entry must be a mapping", value, i, f"{key}[{i}]")
            result.append((i, entry, value))
        return result

    def ident(self, entry: Mapping[str, Any], section: str, index: int) -> str:
        value = entry.get("id")
        if not isinstance(value, str) or not _ID.match(value):
            raise self.fail(
                "needs an id in lower_case_with_underscores", entry, "id", f"{section}[{index}].id"
            )
        return value

    def text(self, entry: Mapping[str, Any], key: str, where: str) -> str:
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail("must be non-empty text", entry, key, f"{where}.{key}")
        return " ".join(value.split())

    def severity(self, entry: Mapping[str, Any], key: str, where: str, value: Any = None) -> str:
        value = entry.get(key) if value is None else value
        if value not in SEVERITIES:
            raise self.fail(
                f"unknown severity {value!r} (use one of {', '.join(SEVERITIES)})",
                entry,
                key,
                f"{where}.{key}",
            )
        return value

    def flag(self, entry: Mapping[str, Any], allow_shipped: bool, where: str) -> bool:
        value = entry.get("shipped", False)
        if not isinstance(value, bool):
            raise self.fail("must be true or false", entry, "shipped", f"{where}.shipped")
        if value and not allow_shipped:
            raise self.fail(
                "only OpenIPT's own rules file may mark an entry as shipped",
                entry,
                "shipped",
                f"{where}.shipped",
            )
        return value

    # -- policies ---------------------------------------------------------------------------------
    def policies(self, data: Mapping[str, Any], allow_shipped: bool) -> list[EscalationPolicy]:
        result = []
        seen: set[str] = set()
        for i, entry, _ in self.entries(data, "policies"):
            policy_id = self.ident(entry, "policies", i)
            where = f"policies[{policy_id}]"
            if policy_id in seen:
                raise self.fail("this id is used twice", entry, "id", f"{where}.id")
            seen.add(policy_id)
            for key in entry:
                if key not in {"id", "description", "steps", "shipped"}:
                    raise self.fail("unknown key", entry, key, f"{where}.{key}")
            steps_raw = entry.get("steps")
            if not isinstance(steps_raw, list) or not steps_raw:
                raise self.fail("must list at least one step", entry, "steps", f"{where}.steps")
            steps = []
            for k, step in enumerate(steps_raw):
                step_where = f"{where}.steps[{k}]"
                if not isinstance(step, Mapping) or set(step) != {"after_minutes", "notify"}:
                    raise self.fail(
                        "each step needs exactly after_minutes and notify", steps_raw, k, step_where
                    )
                minutes = step["after_minutes"]
                if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 0:
                    raise self.fail(
                        "must be a whole number of minutes, 0 or more",
                        step,
                        "after_minutes",
                        f"{step_where}.after_minutes",
                    )
                if k == 0 and minutes != 0:
                    raise self.fail(
                        "the first step happens when the alert is raised: use 0",
                        step,
                        "after_minutes",
                        f"{step_where}.after_minutes",
                    )
                if step["notify"] not in NOTIFY_TARGETS:
                    raise self.fail(
                        f"unknown target (use one of {', '.join(NOTIFY_TARGETS)})",
                        step,
                        "notify",
                        f"{step_where}.notify",
                    )
                steps.append(EscalationStep(after_minutes=minutes, notify=step["notify"]))
            result.append(
                EscalationPolicy(
                    id=policy_id,
                    description=self.text(entry, "description", where),
                    steps=tuple(steps),
                    shipped=self.flag(entry, allow_shipped, where),
                )
            )
        return result

    # -- rules ------------------------------------------------------------------------------------
    def rules(
        self, data: Mapping[str, Any], allow_shipped: bool, policies: Mapping[str, EscalationPolicy]
    ) -> list[Rule]:
        result: list[Rule] = []
        for i, entry, _ in self.entries(data, "rules"):
            rule_id = self.ident(entry, "rules", i)
            where = f"rules[{rule_id}]"
            kind = entry.get("kind")
            if kind not in _KIND_KEYS:
                raise self.fail(
                    f"unknown kind {kind!r} (use one of {', '.join(_KIND_KEYS)})",
                    entry,
                    "kind",
                    f"{where}.kind",
                )
            for key in entry:
                if key not in _KIND_KEYS[kind]:
                    raise self.fail(f"not a field of a {kind} rule", entry, key, f"{where}.{key}")
            shipped = self.flag(entry, allow_shipped, where)
            policy = self.policy_ref(entry, "policy", where, policies, entry.get("policy"))
            reason = self.text(entry, "reason", where)
            if kind == "instrument_item":
                result.append(self.instrument_item(entry, rule_id, where, policy, reason, shipped))
            elif kind == "free_text":
                result.append(self.free_text(entry, rule_id, where, policy, reason, shipped, policies))
            else:
                result.append(self.risk_review(entry, rule_id, where, policy, reason, shipped, policies))
        return result

    def policy_ref(
        self,
        entry: Mapping[str, Any],
        key: str,
        where: str,
        policies: Mapping[str, EscalationPolicy],
        value: Any,
    ) -> str:
        if not isinstance(value, str) or value not in policies:
            raise self.fail(
                f"unknown escalation policy {value!r} (known: {', '.join(sorted(policies))})",
                entry,
                key,
                f"{where}.{key}",
            )
        return value

    def instrument_item(
        self, entry: Mapping[str, Any], rule_id: str, where: str, policy: str, reason: str, shipped: bool
    ) -> InstrumentItemRule:
        instrument = entry.get("instrument")
        if not isinstance(instrument, str) or not _CODE.match(instrument):
            raise self.fail(
                "must be an instrument code such as phq9", entry, "instrument", f"{where}.instrument"
            )
        item = entry.get("item")
        if not isinstance(item, str) or not _CODE.match(item):
            raise self.fail("must be an item id such as q9", entry, "item", f"{where}.item")
        operator = entry.get("operator")
        if operator not in OPERATORS:
            raise self.fail(
                f"unknown operator {operator!r} (use one of {' '.join(OPERATORS)})",
                entry,
                "operator",
                f"{where}.operator",
            )
        threshold = entry.get("threshold")
        if not isinstance(threshold, int) or isinstance(threshold, bool):
            raise self.fail(
                f"must be a whole number (got {threshold!r})", entry, "threshold", f"{where}.threshold"
            )
        return InstrumentItemRule(
            id=rule_id,
            instrument=instrument,
            item=item,
            operator=operator,
            threshold=threshold,
            severity=self.severity(entry, "severity", where),
            policy=policy,
            reason=reason,
            shipped=shipped,
        )

    def severity_mapping(
        self, entry: Mapping[str, Any], key: str, where: str, *, allow_none: bool, keys_are_severities: bool
    ) -> dict[str, str | None]:
        value = entry.get(key)
        if not isinstance(value, Mapping) or not value:
            raise self.fail("must be a mapping", entry, key, f"{where}.{key}")
        result: dict[str, str | None] = {}
        for name, target in value.items():
            field = f"{where}.{key}.{name}"
            if keys_are_severities and name not in SEVERITIES:
                raise self.fail(
                    f"unknown severity {name!r} (use one of {', '.join(SEVERITIES)})", value, name, field
                )
            if not isinstance(name, str) or not _ID.match(name):
                raise self.fail("keys are lower_case words", value, name, field)
            if target is None and allow_none:
                result[name] = None
                continue
            if target not in SEVERITIES:
                raise self.fail(
                    f"unknown severity {target!r} (use one of {', '.join(SEVERITIES)})", value, name, field
                )
            result[name] = target
        return result

    def policies_by_severity(
        self, entry: Mapping[str, Any], where: str, policies: Mapping[str, EscalationPolicy]
    ) -> dict[str, str]:
        value = entry.get("policy_by_severity")
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise self.fail(
                "must be a mapping from severity to policy id",
                entry,
                "policy_by_severity",
                f"{where}.policy_by_severity",
            )
        result = {}
        for severity, policy in value.items():
            field = f"{where}.policy_by_severity.{severity}"
            if severity not in SEVERITIES:
                raise self.fail(
                    f"unknown severity {severity!r} (use one of {', '.join(SEVERITIES)})",
                    value,
                    severity,
                    field,
                )
            result[severity] = self.policy_ref(value, severity, field, policies, policy)
        return result

    def free_text(
        self,
        entry: Mapping[str, Any],
        rule_id: str,
        where: str,
        policy: str,
        reason: str,
        shipped: bool,
        policies: Mapping[str, EscalationPolicy],
    ) -> FreeTextRule:
        language = entry.get("language", "en")
        if not isinstance(language, str) or not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", language):
            raise self.fail("must be a language code such as en", entry, "language", f"{where}.language")
        mapping = self.severity_mapping(
            entry, "severity_map", where, allow_none=False, keys_are_severities=True
        )
        missing = [s for s in SEVERITIES if s not in mapping]
        if missing:
            raise self.fail(
                f"must map every detector severity (missing {', '.join(missing)})",
                entry,
                "severity_map",
                f"{where}.severity_map",
            )
        sources = entry.get("sources")
        if sources is not None:
            if (
                not isinstance(sources, list)
                or not sources
                or not all(isinstance(s, str) and _CODE.match(s) for s in sources)
            ):
                raise self.fail(
                    "must be a list of source names such as worksheet", entry, "sources", f"{where}.sources"
                )
            sources = frozenset(sources)
        return FreeTextRule(
            id=rule_id,
            language=language,
            min_severity=self.severity(entry, "min_severity", where, entry.get("min_severity", "low")),
            severity_map={k: v for k, v in mapping.items() if v is not None},
            policy=policy,
            policy_by_severity=self.policies_by_severity(entry, where, policies),
            sources=sources,
            reason=reason,
            shipped=shipped,
        )

    def risk_review(
        self,
        entry: Mapping[str, Any],
        rule_id: str,
        where: str,
        policy: str,
        reason: str,
        shipped: bool,
        policies: Mapping[str, EscalationPolicy],
    ) -> RiskReviewRule:
        levels = self.severity_mapping(entry, "levels", where, allow_none=True, keys_are_severities=False)
        return RiskReviewRule(
            id=rule_id,
            levels=levels,
            policy=policy,
            policy_by_severity=self.policies_by_severity(entry, where, policies),
            reason=reason,
            shipped=shipped,
        )
