"""HAZ-005: the word model's second opinion catches phrasing the patterns miss, and never removes a flag.

Figures on kinds_dev2.tsv come from a model trained without it (author held-out); the floors
below are set a little under what was measured (docs/clinical-safety/risk-detector.md).
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone

from openipt.practice import actions as practice
from openipt.safety.cli import risk_scan_main
from openipt.safety.models import Alert
from openipt.safety.riskdetect import SEVERITY_RANK, scan, scan_text
from openipt.safety.riskdetect.kinds import SHIPPED_KINDS
from openipt.safety.riskdetect.model import MODEL_FILE, model_from_dict, shipped_model
from openipt.safety.riskdetect.model_report import held_out_figures
from openipt.safety.riskdetect.train_model import (
    BLIND_FILE,
    CHECK_FILE,
    CORPUS_DIR,
    RELEASED_BLIND_FILES,
    TRAINING_FILES,
    build,
    dumps,
    folds,
    malformed_rows,
    read_examples,
    train,
    training_examples,
)
from openipt.safety.rules.loader import load_shipped
from tests.support.people import actor

MISSED_BY_RULES = "I haven't eaten anything in four days"  # a self-neglect sentence no pattern matches
ROOT = Path(__file__).resolve().parents[2]


def test_the_model_loads_once_and_gives_the_same_answer_every_time():
    assert shipped_model() is shipped_model()
    first = [g for g in shipped_model().guess(MISSED_BY_RULES)]
    assert first == shipped_model().guess(MISSED_BY_RULES)
    assert sorted(g.kind for g in first) == sorted(SHIPPED_KINDS)


def test_the_same_text_gets_the_same_scan_in_fresh_processes_with_different_hash_seeds():
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-c", "import sys; from openipt.safety.cli import risk_scan_main; "
             "raise SystemExit(risk_scan_main(['scan']))"],
            input=f"{MISSED_BY_RULES}\nmy partner keeps me from my friends\n", capture_output=True, text=True,
            env=env, cwd=ROOT, check=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1 and "model:self_neglect" in outputs.pop()


def test_a_sentence_the_rules_miss_gets_a_medium_model_flag_with_its_kind_words_and_a_plain_reason():
    assert not scan(MISSED_BY_RULES).flag
    result = scan_text(MISSED_BY_RULES)
    [match] = result.matches
    assert (match.rule_id, match.family, match.kind, match.severity) == (
        "model:self_neglect", "second_opinion", "self_neglect", "medium")
    assert "eaten" in match.text.split(", ")
    assert "statistical guess" in match.explanation and "A person should read" in match.explanation


@pytest.mark.parametrize("name", ["dev.tsv", "kinds_dev.tsv", "kinds_dev2.tsv", "kinds_train3.tsv"])
def test_the_model_never_removes_or_lowers_a_rule_flag(name):
    for row in read_examples(CORPUS_DIR / name):
        rules, both = scan(row.text), scan_text(row.text)
        assert both.matches[: len(rules.matches)] == rules.matches, row.id
        if rules.flag:
            assert SEVERITY_RANK[both.severity] >= SEVERITY_RANK[rules.severity], row.id
        for kind, severity in rules.kinds.items():
            assert SEVERITY_RANK[both.kinds[kind]] >= SEVERITY_RANK[severity], row.id
        assert all(m.severity == "medium" for m in both.matches[len(rules.matches):]), row.id


def test_a_negated_rule_reading_is_not_overruled_by_the_model():
    result = scan_text("I would never hurt myself")
    assert result.kinds == {"suicide_self_harm": "low"}


def test_a_log_entry_the_rules_miss_raises_a_self_neglect_alert_through_the_portal(world):
    """End to end: the client's own log entry, saved by the portal action, reaches staff as an alert."""
    entry = practice.add_log_entry(actor(world.m["client"]), {
        "occurred_on": timezone.localdate(), "who": "Nobody", "what_happened": MISSED_BY_RULES,
        "feeling": "", "mood": 2})
    [alert] = Alert.objects.filter(client=entry.client)
    assert (alert.kind, alert.severity, alert.rule_kind, alert.source) == ("self_neglect", "medium", "free_text",
                                                                         "practice.log")
    assert alert.policy_id == load_shipped().kinds["self_neglect"].policy_by_severity["medium"]  # as for a rule flag
    [evidence] = alert.evidence
    assert evidence["detector_rule"] == "model:self_neglect" and "eaten" in evidence["text"]


@pytest.fixture(scope="module")
def held_out():
    return held_out_figures()  # one training run without kinds_dev2.tsv, at the shipped thresholds


def test_author_held_out_recall_and_false_alarms_meet_their_floors(held_out):
    """Trained without kinds_dev2.tsv, measured on it (the floors sit just under the measurement)."""
    alone, both = held_out["model alone"], held_out["rules + model"]
    for kind in SHIPPED_KINDS:
        assert alone.recall[kind] >= 0.70, (kind, alone.recall[kind])
        assert both.recall[kind] >= held_out["rules alone"].recall[kind]
    # Models 1.3.0 to 1.5.0 let the model alone flag up to 8 in 100 false friends out of fold (1.2.0: 9). On
    # kinds_dev2.tsv 1.4.0 measured 0.109, 17 of 156, with thresholds also set without the file; since 1.5.0
    # this test trains once and uses the shipped thresholds: 0.115, 18 of 156, for 1.4.0 and 1.5.0 alike
    # (docs/clinical-safety/risk-detector.md, "Model 1.5.0"). Model 1.8.0 let the model alone flag 8 in 100 and
    # suicide and self-harm twice the other kinds' share: 0.122, 19 of 156; 1.9.0 (one and a half times, two more
    # files): 0.115, 18 of 156 ("Model 1.9.0"). 19 would fail.
    assert both.false_alarms <= 0.12


def test_scanning_is_fast_enough_for_every_save():
    rows = [r.text for r in read_examples(CORPUS_DIR / "kinds_dev.tsv")]
    scan_text(rows[0])
    start = time.perf_counter()
    for text in rows:
        shipped_model().guess(text)
    per_sentence = (time.perf_counter() - start) / len(rows)
    assert per_sentence < 0.002, f"{per_sentence * 1e6:.0f} microseconds per sentence"
    big = ("I went to the shops and then I came home to make tea for everyone. " * 1500)[:100_000]
    start = time.perf_counter()
    scan_text(big)
    assert time.perf_counter() - start < 5.0


# A few small files, three writers: enough to run every step of training (each writer held out, the
# thresholds set from their scores, the final fit) in a few seconds. Its file is pinned below, so a
# change to the features, the fit or the thresholds shows up here without training the whole model.
SMALL_RUN = ("kinds_dev.tsv", "kinds_dev2.tsv", "kinds_train3.tsv")
SMALL_RUN_SHA256 = "7a3f5d6c42e1e41ac950f6a01754c41a1210d41c966a59a88f7fa8d9459403db"


def test_a_small_training_run_writes_the_same_pinned_file_every_time():
    data = build(SMALL_RUN)
    assert data["version"] == shipped_model().version and data["trained_on"] == list(SMALL_RUN)
    assert hashlib.sha256(dumps(data).encode()).hexdigest() == SMALL_RUN_SHA256
    small = model_from_dict(data)
    assert any(g.flagged for g in small.guess("I want to end my life, I have the pills ready"))
    assert not any(g.flagged for g in small.guess("We had pasta for tea and watched a film"))


@pytest.fixture(scope="session")
def trained_on_every_file():
    """One training run on every training file (the shipped model's weights), shared by the tests that need it."""
    return train(training_examples())


def test_the_shipped_weights_are_what_training_on_the_listed_files_writes(trained_on_every_file):
    """The thresholds come from one training run per writer, checked by the small run above and in full by
    `python -m openipt.safety.riskdetect.train_model --check` (about 15 runs; OPENIPT_FULL_RETRAIN=1 runs it here)."""
    shipped = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert shipped["trained_on"] == list(TRAINING_FILES)
    assert BLIND_FILE not in TRAINING_FILES and CHECK_FILE not in TRAINING_FILES
    assert {"kinds_blind5.tsv", "kinds_train9a.tsv", "kinds_train9b.tsv"} <= set(TRAINING_FILES)
    for kind, fresh in trained_on_every_file.items():
        assert (shipped["kinds"][kind]["bias"], shipped["kinds"][kind]["weights"]) == (fresh["bias"], fresh["weights"])
        assert 0 < shipped["kinds"][kind]["threshold"] < 1


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("OPENIPT_FULL_RETRAIN"), reason="a full retrain takes minutes; "
                    "OPENIPT_FULL_RETRAIN=1 runs it (the small run and the weights check run always)")
def test_the_shipped_model_file_matches_a_fresh_training_run():
    assert dumps(build()) == MODEL_FILE.read_text(encoding="utf-8")


def test_training_refuses_the_blind_set_by_name_whether_or_not_it_is_present():
    """kinds_blind9.tsv was written by someone else while model 1.9.0 was built, to be measured once: never trained on."""
    assert BLIND_FILE == "kinds_blind9.tsv"
    assert not (CORPUS_DIR / BLIND_FILE).exists() or BLIND_FILE not in TRAINING_FILES
    with pytest.raises(ValueError, match="kinds_blind9.tsv is the blind set"):
        training_examples(["kinds_dev.tsv", "kinds_blind9.tsv"])


def test_training_refuses_the_check_set_used_to_choose_the_model():
    """kinds_blind8.tsv, the blind file of model 1.8.0 (measured once), is the check set that chose 1.9.0."""
    assert CHECK_FILE == "kinds_blind8.tsv"
    with pytest.raises(ValueError, match="check set"):
        training_examples(["kinds_dev.tsv", "kinds_blind8.tsv"])


@pytest.mark.parametrize("name", ["kinds_blind10.tsv", "Kinds_Blind9.tsv", "my_blind_notes.tsv"])
def test_training_refuses_any_blind_file_not_released_to_training(name):
    """A file named "blind" is refused unless it was measured once and listed as released, whether it exists or not."""
    with pytest.raises(ValueError, match="blind set"):
        training_examples(["kinds_dev.tsv", name])


def test_the_blind_files_released_to_training_are_read():
    assert RELEASED_BLIND_FILES == ("kinds_blind.tsv", "kinds_blind2.tsv", "kinds_blind3.tsv", "kinds_blind4.tsv",
                                    "kinds_blind5.tsv", "kinds_blind6.tsv", "kinds_blind7.tsv")
    assert {r.source for r in training_examples(["kinds_blind6.tsv", "kinds_blind7.tsv"])} == {
        "kinds_blind6.tsv", "kinds_blind7.tsv"}


def test_a_malformed_row_is_skipped_and_named_never_guessed_at(tmp_path):
    """A training file written by hand may hold a broken row: it is left out of training, and said so."""
    path = tmp_path / "kinds_train99.tsv"
    path.write_text(
        "# a header comment\n"
        "id\tkind\tmin_severity\ttext\n"
        "x1\tself_neglect\tmedium\tI have stopped eating on purpose\n"
        "x2\tself_neglect\tmedium\ttoo\tmany\tcolumns\n"
        "x3\tself neglect\tmedium\tan unknown kind\n"
        "\tnone\tnone\tno id\n"
        "x5\tnone\n"
        "x6\tnone\tnone\tWe had pasta for tea\n", encoding="utf-8")
    assert [(r.id, r.kind) for r in read_examples(path)] == [("x1", "self_neglect"), ("x6", "none")]
    assert [r.text for r in read_examples(CORPUS_DIR / "dev.tsv") if r.id == "d448"] == [""]  # empty text: a row
    problems = malformed_rows(path)
    assert [p.split(":")[0] for p in problems] == [f"kinds_train99.tsv line {n}" for n in (4, 5, 6, 7)]
    assert "unknown kind 'self neglect'" in problems[1]
    assert all(malformed_rows(CORPUS_DIR / name) == [] for name in TRAINING_FILES if name != "kinds_train8.tsv")


def test_the_fifth_writers_file_is_what_its_script_writes_and_is_big_enough():
    """kinds_train7.tsv is hand-written sentences in several voices, written out by make_kinds_train7.py."""
    spec = importlib.util.spec_from_file_location("make_kinds_train7", CORPUS_DIR / "make_kinds_train7.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    path = CORPUS_DIR / "kinds_train7.tsv"
    assert [(r.id, r.kind, r.text) for r in read_examples(path)] == [(i, k, t) for i, k, _, t in script.rows()]
    rows = read_examples(path)
    for kind in SHIPPED_KINDS:
        assert sum(r.kind == kind for r in rows) >= 300, kind
    assert sum(r.kind == "none" for r in rows) >= 1500


def test_cross_validation_keeps_the_voices_of_one_sentence_in_one_fold():
    """Otherwise a sentence is scored by a model that learned it in another voice, and thresholds come out too low."""
    rows = training_examples()
    fold_of = dict(zip(((r.source, r.id) for r in rows), folds(rows), strict=True))
    voices: dict[str, set[int]] = {}
    for r in rows:
        if r.source == "kinds_train7.tsv":
            voices.setdefault(r.id[:-1], set()).add(fold_of[(r.source, r.id)])
    assert len(voices) > 700 and all(len(f) == 1 for f in voices.values())
    assert len({f for (source, _), f in fold_of.items() if source == "kinds_train7.tsv"}) == 5
    older = [r for r in rows if r.source != "kinds_train7.tsv"]
    assert folds(older) == [i % 5 for i in range(len(older))]  # one sentence, one row: in turn, as before


def test_evaluate_reports_rules_alone_and_rules_plus_model_unless_asked_for_rules_only():
    path = str(CORPUS_DIR / "kinds_train3.tsv")
    out = io.StringIO()
    assert risk_scan_main(["evaluate", path], stdout=out, stderr=io.StringIO()) == 0
    assert "(rules alone)" in out.getvalue() and "(rules + model)" in out.getvalue()
    out = io.StringIO()
    assert risk_scan_main(["evaluate", path, "--rules-only"], stdout=out, stderr=io.StringIO()) == 0
    assert "(rules alone)" in out.getvalue() and "(rules + model)" not in out.getvalue()


# The shipped model files, pinned: their weights are checked against training on every run (above), their thresholds only
# by a full retrain (OPENIPT_FULL_RETRAIN=1 or `train_model --check`), so a file changed by hand or by a partial retrain
# fails here until its new checksum is written beside a passing full check.
SHIPPED_SHA256 = {
    "risk_model.en.json": "b34a6108e0bee1ba789067b7f3fb06a610bc2e1cf10e842a4e808714966eb72d",
    "risk_model.es.json": "805c29af3d74f2e047b0abc0edec4499900dfeb61af6eeeb6b272ffb623f5626",
    "risk_model.sw.json": "6e1853f3ca616cd547977cab511c15350cd3deb6c2ed5997b79cd77f5794dea6",
}


def test_the_shipped_model_files_are_the_ones_a_full_retrain_was_checked_against():
    from openipt.safety.riskdetect.model import MODEL_FILE

    folder = MODEL_FILE.parent
    assert {f.name for f in folder.glob("risk_model.*.json")} == set(SHIPPED_SHA256)
    for name, digest in SHIPPED_SHA256.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
