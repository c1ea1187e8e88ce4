"""A site adds its own risk rules and policies as data; mistakes are refused with the field named."""

import pytest

from openipt.safety.rules import DataError, evaluate_answers, evaluate_text, load_rules

EPDS = """\
rules:
  - id: epds_item10_positive
    kind: instrument_item
    instrument: epds
    item: q10
    operator: ">="
    threshold: 1
    severity: high
    policy: urgent
    reason: EPDS item 10 (thoughts of harming yourself) was answered above "never".
policies:
  - id: urgent
    description: Tell the clinician now and the supervisor after 15 minutes.
    steps:
      - {after_minutes: 0, notify: assigned_staff}
      - {after_minutes: 15, notify: supervisor}
"""


def rule(**changes):
    base = {
        "id": "epds_item10_positive",
        "kind": "instrument_item",
        "instrument": "epds",
        "item": "q10",
        "operator": ">=",
        "threshold": 1,
        "severity": "high",
        "policy": "standard",
        "reason": "EPDS item 10 above never.",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not ...}


@pytest.mark.parametrize(("q10", "signals"), [(0, 0), (1, 1), (2, 1), (3, 1)])
def test_a_site_adds_a_licensed_instrument_rule_as_yaml(q10, signals):
    # given a site holding an EPDS licence adds its item-10 rule and an urgent policy as data
    rules = load_rules(EPDS, source="site-rules.yaml")
    # when an EPDS is answered
    found = evaluate_answers(rules, "epds", {"q10": q10})
    # then item 10 at 1 or more raises a high signal on the site's policy
    assert [(s.rule_id, s.severity, s.policy) for s in found] == [
        ("epds_item10_positive", "high", "urgent")
    ] * signals
    assert rules.policies["urgent"].schedule() == ((0, "assigned_staff"), (15, "supervisor"))


def test_site_rules_are_added_to_the_shipped_ones_not_instead():
    rules = load_rules(EPDS)
    assert len(evaluate_answers(rules, "phq9", {"q9": 1})) == 1
    assert not rules.rule("epds_item10_positive").shipped
    assert rules.rule("phq9_item9_positive").shipped
    assert rules.version.endswith("+site")


def test_site_rules_can_be_given_as_dicts():
    rules = load_rules([rule()])
    assert len(evaluate_answers(rules, "epds", {"q10": 2})) == 1
    rules = load_rules({"rules": [rule()]})
    assert len(evaluate_answers(rules, "epds", {"q10": 2})) == 1


def test_a_site_free_text_rule_can_target_one_source_and_a_minimum_severity():
    rules = load_rules(
        [
            {
                "id": "rehearsal_high_only",
                "kind": "free_text",
                "sources": ["rehearsal"],
                "min_severity": "high",
                "severity_map": {"high": "high", "medium": "medium", "low": "low"},
                "policy": "standard",
                "reason": "Rehearsal messages with high-risk words.",
            }
        ]
    )
    in_rehearsal = evaluate_text(rules, "I want to die", "rehearsal")
    assert sorted(s.rule_id for s in in_rehearsal) == ["free_text_detector", "rehearsal_high_only"]
    assert [s.rule_id for s in evaluate_text(rules, "I want to die", "worksheet")] == ["free_text_detector"]
    assert [s.rule_id for s in evaluate_text(rules, "I would never hurt myself", "rehearsal")] == [
        "free_text_detector"
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"operator": "=>"}, "rules[epds_item10_positive].operator", "unknown operator"),
        ({"threshold": "1"}, "rules[epds_item10_positive].threshold", "whole number"),
        ({"threshold": 1.5}, "rules[epds_item10_positive].threshold", "whole number"),
        ({"threshold": True}, "rules[epds_item10_positive].threshold", "whole number"),
        ({"severity": "critical"}, "rules[epds_item10_positive].severity", "unknown severity"),
        ({"policy": "asap"}, "rules[epds_item10_positive].policy", "unknown escalation policy"),
        ({"kind": "score_total"}, "rules[epds_item10_positive].kind", "unknown kind"),
        ({"colour": "red"}, "rules[epds_item10_positive].colour", "unknown key"),
        ({"reason": ...}, "rules[epds_item10_positive].reason", "is missing"),
        ({"reason": "  "}, "rules[epds_item10_positive].reason", "non-empty text"),
        ({"item": "Q10"}, "rules[epds_item10_positive].item", "item id"),
        ({"shipped": True}, "rules[epds_item10_positive].shipped", "only OpenIPT"),
        ({"id": "phq9_item9_positive"}, "rules[phq9_item9_positive].id", "cannot be replaced"),
    ],
)
def test_mistakes_in_a_site_rule_are_refused_naming_the_field(changes, field, message):
    with pytest.raises(DataError) as caught:
        load_rules([rule(**changes)], source="site rules")
    assert caught.value.field == field
    assert message in caught.value.message
    assert str(caught.value).startswith("site rules")


def test_a_yaml_mistake_names_the_line():
    text = EPDS.replace('operator: ">="', 'operator: "=>"')
    with pytest.raises(DataError) as caught:
        load_rules(text, source="site-rules.yaml")
    assert caught.value.line == 6
    assert str(caught.value).startswith("site-rules.yaml:6: rules[epds_item10_positive].operator:")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("{after_minutes: 0, notify: assigned_staff}", "{after_minutes: 5, notify: assigned_staff}", "use 0"),
        (
            "{after_minutes: 15, notify: supervisor}",
            "{after_minutes: 15, notify: the_board}",
            "unknown target",
        ),
        ("{after_minutes: 15, notify: supervisor}", "{after_minutes: -1, notify: supervisor}", "0 or more"),
        ("  - id: urgent", "  - id: standard", "already exists"),
    ],
)
def test_mistakes_in_a_site_policy_are_refused(old, new, message):
    with pytest.raises(DataError, match=message):
        load_rules(EPDS.replace(old, new), source="site-rules.yaml")


def test_a_free_text_rule_must_map_every_detector_severity():
    with pytest.raises(DataError, match="missing low"):
        load_rules(
            [
                {
                    "id": "partial",
                    "kind": "free_text",
                    "severity_map": {"high": "high", "medium": "medium"},
                    "policy": "standard",
                    "reason": "r",
                }
            ]
        )


def test_a_risk_review_rule_with_an_unknown_severity_is_refused():
    with pytest.raises(DataError) as caught:
        load_rules(
            [
                {
                    "id": "review2",
                    "kind": "risk_review",
                    "levels": {"grave": "extreme"},
                    "policy": "standard",
                    "reason": "r",
                }
            ]
        )
    assert caught.value.field == "rules[review2].levels.grave"


def test_site_data_must_be_a_mapping_or_a_list():
    with pytest.raises(DataError, match="must be a mapping"):
        load_rules("just some words", source="site-rules.yaml")
