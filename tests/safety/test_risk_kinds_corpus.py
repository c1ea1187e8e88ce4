"""Kinds of risk on the labelled corpus: development floors asserted, blind figures only reported.

    .venv/bin/python -m pytest -p no:django tests/safety/test_risk_kinds_corpus.py -q -s
    .venv/bin/python -m openipt.cli risk evaluate tests/safety/corpus/kinds_blind8.tsv   (the check-set figures in the docs)

kinds_dev.tsv is what the 2.0.0 rules for the new kinds were written and tuned against;
kinds_dev2.tsv was written fresh before rule set 2.1.0, which was then tuned against it.
kinds_blind.tsv was written and committed first; it was blind for 2.0.0, but its misses were read
for 2.1.0, so it is no longer blind. It is never edited (its checksum is pinned here so an edit
shows up). kinds_blind2.tsv was written on 2026-12-06 by someone who had not seen the rules, the
development files or the detector's output, and committed before rule set 2.1.0 and the word
model. It was measured five times, so it is no longer blind and is now training data for the word
model. kinds_blind3.tsv, written on 2026-12-07 by a third writer who had seen none of the rules, the
model, the other files or the detector's output, was the blind file for model 1.3.0; since model 1.4.0
it was the check set used to choose between model variants, so it is no longer blind; since model 1.6.0
it is training data. Its checksum is pinned.
kinds_blind4.tsv, written on 2026-12-07 by a fifth writer who had seen none of the rules, the model, the
other files or the detector's output, was the blind file for model 1.4.0: it was measured once, with
1.4.0 after that model was final, and is training data since model 1.5.0 (its checksum stays pinned, so an
edit shows up). kinds_blind5.tsv, written on 2026-12-07 by a sixth writer who had seen none of the rules, the model, the
other files or the detector's output, was the blind file for model 1.5.0: measured once by the lead (its
figures are in docs/clinical-safety/risk-detector.md). Since model 1.6.0 it is the check set used to choose
between model variants (training refuses it; its figures are printed, never asserted) and its checksum is
pinned. kinds_blind6.tsv, written on 2026-12-07 by a seventh writer who had seen none of the rules, the
models, the other files or the detector's output, was the blind file for model 1.6.0: measured once by the lead
(figures in docs/clinical-safety/risk-detector.md). Since model 1.7.0 it is the check set (training refuses it;
figures printed, never asserted), and kinds_blind5.tsv is training data; since model 1.8.0 kinds_blind6.tsv is
training data. kinds_blind7.tsv, written on 2026-12-07 by an eighth writer given only the kinds' definitions and the
file format, was the blind file for model 1.7.0 (measured once by the lead) and is the check set since model 1.8.0.
kinds_blind8.tsv, written on 2026-12-07 by a ninth writer given only the kinds' definitions and the file format, was the
blind file for model 1.8.0 (committed before that model was chosen, measured once by the lead) and is the check set
since model 1.9.0, when kinds_blind7.tsv became training data. kinds_blind9.tsv, by a tenth writer given the same, is
the blind file for model 1.9.0: committed before that model was chosen; no test reads its rows, training refuses it
by name and its checksum is pinned.
"""

import hashlib
import io

import pytest

from openipt.safety.cli import risk_scan_main
from openipt.safety.riskdetect import scan
from openipt.safety.riskeval import CORPUS_DIR, evaluate, read_corpus

KINDS = ("suicide_self_harm", "harm_to_others", "being_harmed", "child_safeguarding", "unable_to_keep_safe", "self_neglect")
BLIND_SHA256 = "88fc7d3ea3bf633f4ab3aa14c1f13b422268e0bf1b4b18163dc07ca8cf20c4b4"
BLIND2_SHA256 = "3b7c2736de456928917b9a988b5ff25158a5aae0b5988666820daa5c66dd6ca4"
BLIND3_SHA256 = "fb7685360777c9974612a5d7ffde2ea0a39a8f8e9585fc7414a8c3327622b87e"
BLIND4_SHA256 = "8cfa106dd9820efab8ec6926ab85c8938492eefb21314ba9045dd4b7c93442ec"
BLIND5_SHA256 = "c6cd643ad2c655bfcb43ccda56807f47ae15e233b40154500fd50f30bd06edc3"
BLIND6_SHA256 = "2af2379e0991e6e2dc6e5230e810818ae1f1c8a2244f16015a5010380ccc1aa2"
BLIND7_SHA256 = "0ce90b9414d2d502f049a1767edb42ab2f52f2cf7978e997c28cff38b17aecfb"
BLIND8_SHA256 = "8c27a399d73f38f831dae2fc2965862010593fead9c153ea04b9da03bf6fad6b"
BLIND9_SHA256 = "c9062bb185414ad80b521768b45aec5ff352f88026d3ed6053b3c0ad6461ee44"


@pytest.fixture(scope="module")
def dev():
    return evaluate(read_corpus(CORPUS_DIR / "kinds_dev.tsv"))


def test_the_corpus_is_big_enough_and_the_blind_third_is_unchanged():
    rows = read_corpus(CORPUS_DIR / "kinds_dev.tsv") + read_corpus(CORPUS_DIR / "kinds_blind.tsv")
    risk = [r for r in rows if r.kind != "none"]
    assert len(risk) >= 400 and len(rows) - len(risk) >= 400
    for kind in KINDS:
        assert sum(r.kind == kind for r in risk) >= 60, kind
    assert hashlib.sha256((CORPUS_DIR / "kinds_blind.tsv").read_bytes()).hexdigest() == BLIND_SHA256
    assert hashlib.sha256((CORPUS_DIR / "kinds_blind2.tsv").read_bytes()).hexdigest() == BLIND2_SHA256
    assert hashlib.sha256((CORPUS_DIR / "kinds_blind3.tsv").read_bytes()).hexdigest() == BLIND3_SHA256
    assert hashlib.sha256((CORPUS_DIR / "kinds_blind4.tsv").read_bytes()).hexdigest() == BLIND4_SHA256
    assert hashlib.sha256((CORPUS_DIR / "kinds_blind5.tsv").read_bytes()).hexdigest() == BLIND5_SHA256
    assert hashlib.sha256((CORPUS_DIR / "kinds_blind6.tsv").read_bytes()).hexdigest() == BLIND6_SHA256
    assert hashlib.sha256((CORPUS_DIR / "kinds_blind7.tsv").read_bytes()).hexdigest() == BLIND7_SHA256
    assert hashlib.sha256((CORPUS_DIR / "kinds_blind8.tsv").read_bytes()).hexdigest() == BLIND8_SHA256
    assert hashlib.sha256((CORPUS_DIR / "kinds_blind9.tsv").read_bytes()).hexdigest() == BLIND9_SHA256


@pytest.mark.parametrize("kind", KINDS)
def test_development_recall_per_kind_does_not_regress(dev, kind):
    """Floors at what rule sets 2.0.0 and 2.1.0 reached on the development set (every sentence flagged)."""
    figures = dev.kinds[kind]
    assert figures.flagged == figures.rows, f"{kind} missed {figures.missed}"
    assert figures.share(figures.as_kind) >= 0.97, kind


def test_development_false_alarms_do_not_regress(dev):
    assert dev.false_alarms <= 1, dev.alarm_ids


@pytest.fixture(scope="module")
def dev2():
    return evaluate(read_corpus(CORPUS_DIR / "kinds_dev2.tsv"))


@pytest.mark.parametrize("kind", KINDS)
def test_second_development_file_recall_per_kind_stays_at_the_goal(dev2, kind):
    """kinds_dev2.tsv was written fresh before rule set 2.1.0 (which was then tuned on it)."""
    figures = dev2.kinds[kind]
    assert figures.rows >= 40
    assert figures.share(figures.flagged) >= 0.95, f"{kind} missed {figures.missed}"
    assert figures.share(figures.at_severity) >= 0.95, kind


def test_second_development_file_false_alarms_stay_low(dev2):
    assert dev2.false_friends >= 150
    assert dev2.false_alarm_rate <= 0.05, dev2.alarm_ids


def test_check_set_figures_are_reported_not_asserted(capsys):
    """Print the check set's table for the record (kinds_blind8.tsv since model 1.9.0, `openipt risk evaluate` with
    no file)."""
    out = io.StringIO()
    assert risk_scan_main(["evaluate"], stdout=out, stderr=io.StringIO()) == 0
    assert "kinds_blind8.tsv" in out.getvalue() and "false alarms" in out.getvalue()
    print(out.getvalue())


@pytest.mark.parametrize(("text", "kind", "severity"), [
    ("Dying is the only way out of this.", "suicide_self_harm", "high"),
    ("I can't keep myself safe tonight.", "unable_to_keep_safe", "high"),
    ("I keep having thoughts of smothering my baby.", "harm_to_others", "medium"),
    ("My boyfriend threatened to kill me.", "being_harmed", "medium"),
    ("He won't let me see my family.", "being_harmed", "medium"),
    ("My partner hits my son.", "child_safeguarding", "medium"),
    ("I've stopped taking my insulin on purpose.", "self_neglect", "medium"),
    ("I've been putting my affairs in order.", "self_neglect", "high"),
    ("I can't see any way out except ending it.", "suicide_self_harm", "high"),
    ("I don't think I'll be able to stay safe until my next appointment.", "unable_to_keep_safe", "high"),
    ("Can someone hide the tablets from me.", "unable_to_keep_safe", "high"),
    ("My son's dad hits him when he has him at weekends.", "child_safeguarding", "medium"),
    ("My ex leaves our 4 year old alone in the flat while he goes to the pub.", "child_safeguarding", "medium"),
    ("I keep thinking about poisoning my husband's tea.", "harm_to_others", "medium"),
    ("He's threatened to share my photos if I leave.", "being_harmed", "medium"),
    ("I've stopped my kidney medication and I'm not restarting it.", "self_neglect", "medium"),
])
def test_each_kind_is_recognised_with_its_severity(text, kind, severity):
    result = scan(text)
    assert result.kinds.get(kind) == severity, result.to_dict()


def test_a_text_with_two_kinds_keeps_both():
    result = scan("He hit me again and I can't keep myself safe.")
    assert set(result.kinds) == {"being_harmed", "unable_to_keep_safe"}


@pytest.mark.parametrize("text", [
    "I dropped the baby off at nursery at eight.",
    "My husband grabbed me for a dance in the kitchen.",
    "The doctor told me to stop taking the antibiotics once the rash cleared.",
    "I'm not safe to drive after these eye drops.",
    "We made our wills after the wedding.",
    "I was attacked by a seagull on the beach.",
    "I'm worried I'll hurt her feelings if I say no.",
    "The baby's dad threw him a birthday party.",
    "The kids were left with a babysitter all night and loved it.",
    "I got my tax affairs in order with the accountant before the deadline.",
    "I don't trust myself to cook a roast for twelve people.",
    "There's no way out of this contract without paying a fee.",
    "I'm saying my goodbyes to the old house before we move.",
    "I'm fasting for Ramadan so I don't eat until sunset.",
    "I wish I'd never woken up so early on a Saturday.",
    "My boss threatened to sack me if I leave early again.",
    "My son keeps getting hurt playing football.",
    "I don't think I'll be safe on that ladder.",
    "I updated my will after the divorce, like my solicitor suggested.",
    "I won't take my tablets with grapefruit anymore, the pharmacist said not to.",
])
def test_everyday_words_are_not_flagged(text):
    assert not scan(text).flag


def test_evaluate_refuses_a_malformed_corpus_with_a_clear_message(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("id\tkind\tmin_severity\ttext\nx1\tbeing_harmed\n", encoding="utf-8")
    err = io.StringIO()
    assert risk_scan_main(["evaluate", str(bad)], stdout=io.StringIO(), stderr=err) == 2
    assert "bad.tsv:2" in err.getvalue()


def test_openipt_risk_scan_names_the_kind_of_each_match():
    import json

    out = io.StringIO()
    assert risk_scan_main(["scan"], stdin=io.StringIO("He won't let me see my friends.\n"), stdout=out, stderr=io.StringIO()) == 0
    record = json.loads(out.getvalue())
    assert record["kinds"] == {"being_harmed": "medium"} and record["matches"][0]["kind"] == "being_harmed"
