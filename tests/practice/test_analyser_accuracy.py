"""The analyser agrees with the hand-labelled utterances well enough to be useful.

Precision and recall are counted per pattern (is the pattern present in the utterance or
not; spans are not compared) and micro-averaged per family. The figures for every set,
including the `unseen` set that shows how much is missed on new wording, are written by
bench/analyser_accuracy.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from openipt.practice.analyser import analyse, default_patterns
from openipt.practice.analyser.evaluate import TUNED, Counts, Labelled, load_labelled, score

DATA = Path(__file__).parent / "data" / "utterances.yaml"
FAMILIES = {p.id: p.family for p in default_patterns().patterns}


@pytest.fixture(scope="module")
def items() -> list[Labelled]:
    return load_labelled(DATA, FAMILIES)


def _predict(text: str) -> frozenset[str]:
    return analyse(text).patterns


def test_labelled_set_is_large_and_has_an_untouched_share(items):
    # at least 300 utterances, and at least a quarter never used for tuning
    assert len(items) >= 300
    untouched = [i for i in items if i.split not in TUNED]
    assert len(untouched) >= len(items) / 4
    # the held-out set itself was written first and is about a quarter of the original set
    heldout = [i for i in items if i.split == "heldout"]
    original = [i for i in items if i.split in ("heldout", "tuning")]
    assert len(heldout) >= 0.24 * len(original)


def test_every_pattern_has_positive_and_negative_examples(items):
    for pid in FAMILIES:
        positives = sum(1 for i in items if pid in i.patterns)
        assert positives >= 10, pid
    assert sum(1 for i in items if not i.patterns) >= 25


def test_tricky_cases_from_the_brief_are_labelled(items):
    labels = {i.text: i.patterns for i in items}
    assert labels["I feel like you never listen."] == {"blame_you_statement", "always_never"}
    assert labels["You always make me laugh."] == frozenset()
    assert labels["Why do you ALWAYS do this?"] == {"blame_you_statement", "always_never"}


def test_counts_give_hand_worked_rates():
    # 3 right, 1 extra, 2 missed: precision 3/4, recall 3/5
    counts = Counts(tp=3, fp=1, fn=2)
    assert counts.precision == pytest.approx(0.75)
    assert counts.recall == pytest.approx(0.6)
    assert counts.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)


def test_score_counts_presence_per_utterance():
    # given two utterances and a predictor that finds blame everywhere
    data = [Labelled("a", frozenset({"blame_you_statement"}), "tuning"),
            Labelled("b", frozenset({"i_statement"}), "tuning")]
    report = score(data, lambda text: frozenset({"blame_you_statement"}), FAMILIES)
    # then blame has 1 true and 1 false positive; the I-statement is missed once
    assert report.per_pattern["blame_you_statement"] == Counts(1, 1, 0)
    assert report.per_pattern["i_statement"] == Counts(0, 0, 1)
    assert report.per_family["hurtful"] == Counts(1, 1, 0)
    assert report.per_family["helpful"] == Counts(0, 0, 1)


@pytest.mark.parametrize("split", ["all", "heldout"])
def test_each_family_reaches_precision_and_recall_of_0_8(items, split):
    chosen = items if split == "all" else [i for i in items if i.split == split]
    report = score(chosen, _predict, FAMILIES)
    for family, counts in report.per_family.items():
        assert counts.precision >= 0.8, (split, family, counts)
        assert counts.recall >= 0.8, (split, family, counts)


def test_per_pattern_rates_on_all_utterances_are_reported_and_sane(items):
    report = score(items, _predict, FAMILIES)
    assert set(report.per_pattern) == set(FAMILIES)
    for pid, counts in report.per_pattern.items():
        assert counts.tp + counts.fn >= 10, pid
        assert counts.precision >= 0.7, (pid, counts)
        assert counts.recall >= 0.6, (pid, counts)
