"""Risk patterns and risk rules load as when the content toolkit took them over.

The pattern file gains entries over time, so the pattern count may only grow; the entries named
here must stay exactly as they are.
"""

from openipt.safety.riskdetect import load_language
from openipt.safety.rules import load_shipped


def test_the_shipped_risk_patterns_load_with_the_same_entries():
    patterns = load_language("en")
    assert patterns.version == "2.1.0" and len(patterns.rules) >= 130
    by_id = {rule.id: rule for rule in patterns.rules}
    want = by_id["suicidal.want_to_die"]
    assert (want.family, want.severity) == ("suicidal_thoughts", "high")
    assert {"suicidal_thoughts", "self_harm", "partner_violence", "child_abuse"} <= set(patterns.families)


def test_the_shipped_risk_rules_load_with_the_same_rules_and_policies():
    rules = load_shipped()
    assert [rule.id for rule in rules.rules] == ["phq9_item9_positive", "hamd17_item3_positive",
                                                 "free_text_detector", "risk_review_concern"]
    first = rules.rules[0]
    assert (first.instrument, first.item, first.operator, first.threshold, first.severity) == (
        "phq9", "q9", ">", 0, "high")
    assert sorted(rules.policies) == ["prompt", "review", "safeguarding", "standard"]
    assert [(step.after_minutes, step.notify) for step in rules.policies["standard"].steps] == [
        (0, "assigned_staff"), (30, "supervisor"), (30, "admins")]
