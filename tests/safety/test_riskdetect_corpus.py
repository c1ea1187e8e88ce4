"""Recall and precision of the detector on a labelled corpus, with held-out sets kept apart.

Run with -s to see the table:
    .venv/bin/python -m pytest -p no:django tests/safety/test_riskdetect_corpus.py -q -s

Files under tests/safety/corpus/ (tab-separated: id, expect, min_severity, category, text):
- dev.tsv       the set the patterns were written and tuned against;
- heldout.tsv   written before any pattern existed; first run blind, later used for fixes;
- heldout2.tsv  written after the first held-out run, before the fixes it prompted; first run
                blind, later used for fixes.
The blind figures are recorded in docs/clinical-safety/risk-detector.md. The floors asserted
here for the held-out sets guard against regressions; they are not evidence of generalisation.
"""

from dataclasses import dataclass
from pathlib import Path

import pytest

from openipt.safety.riskdetect import SEVERITY_RANK, scan

CORPUS = Path(__file__).with_name("corpus")
SETS = ("dev", "heldout", "heldout2")


@dataclass(frozen=True)
class Row:
    id: str
    expect_flag: bool
    min_severity: str | None
    category: str
    text: str


@dataclass(frozen=True)
class Figures:
    name: str
    rows: int
    positives: int
    true_pos: int
    false_pos: int
    false_neg: int
    severity_ok: int

    @property
    def recall(self) -> float:
        return self.true_pos / self.positives if self.positives else 1.0

    @property
    def precision(self) -> float:
        flagged = self.true_pos + self.false_pos
        return self.true_pos / flagged if flagged else 1.0

    @property
    def severity_recall(self) -> float:
        return self.severity_ok / self.positives if self.positives else 1.0


def read_set(name: str) -> list[Row]:
    rows = []
    for line in (CORPUS / f"{name}.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("id\t") or not line.strip():
            continue
        row_id, expect, severity, category, text = line.split("\t")
        rows.append(Row(row_id, expect == "flag", None if severity == "-" else severity, category, text))
    return rows


def measure(name: str, rows: list[Row]) -> Figures:
    tp = fp = fn = sev_ok = 0
    for row in rows:
        result = scan(row.text)
        if row.expect_flag and result.flag:
            tp += 1
            if SEVERITY_RANK[result.severity] >= SEVERITY_RANK[row.min_severity]:
                sev_ok += 1
        elif row.expect_flag:
            fn += 1
        elif result.flag:
            fp += 1
    positives = sum(r.expect_flag for r in rows)
    return Figures(name, len(rows), positives, tp, fp, fn, sev_ok)


def report(figures: list[Figures]) -> str:
    lines = ["", "set        rows  flag-expected  recall  precision  severity-ok  misses  false-flags"]
    for f in figures:
        lines.append(
            f"{f.name:<10} {f.rows:>4}  {f.positives:>13}  {f.recall:>6.3f}  {f.precision:>9.3f}  "
            f"{f.severity_recall:>11.3f}  {f.false_neg:>6}  {f.false_pos:>11}"
        )
    return "\n".join(lines)


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[Row]]:
    return {name: read_set(name) for name in SETS}


@pytest.fixture(scope="module")
def figures(corpus) -> dict[str, Figures]:
    result = {name: measure(name, rows) for name, rows in corpus.items()}
    held = corpus["heldout"] + corpus["heldout2"]
    result["held-out"] = measure("held-out", held)
    result["all"] = measure("all", [row for rows in corpus.values() for row in rows])
    print(report(list(result.values())))
    return result


def test_corpus_is_large_enough_and_at_least_half_risk(corpus):
    rows = [row for rows in corpus.values() for row in rows]
    risk = [r for r in rows if r.expect_flag and r.min_severity in ("medium", "high")]
    held = len(corpus["heldout"]) + len(corpus["heldout2"])
    assert len(rows) >= 400
    assert len(risk) * 2 >= len(rows)
    assert held * 4 >= len(rows)


def test_corpus_labels_are_well_formed(corpus):
    ids = [row.id for rows in corpus.values() for row in rows]
    assert len(ids) == len(set(ids))
    for rows in corpus.values():
        for row in rows:
            if row.expect_flag:
                assert row.min_severity in SEVERITY_RANK, row.id
            else:
                assert row.min_severity is None, row.id


def test_recall_on_the_tuning_set_is_at_least_095_and_precision_at_least_085(figures):
    assert figures["dev"].recall >= 0.95
    assert figures["dev"].precision >= 0.85


def test_recall_on_the_whole_corpus_is_at_least_095(figures):
    assert figures["all"].recall >= 0.95
    assert figures["all"].precision >= 0.85


def test_held_out_sets_do_not_regress(figures):
    # These sets were blind only on their first run (see the module docstring).
    assert figures["heldout"].recall >= 0.90
    assert figures["heldout2"].recall >= 0.90
    assert figures["held-out"].precision >= 0.85
