"""Spanish and Swahili corpora: development floors asserted, blind figures only printed.

    .venv/bin/python -m pytest -p no:django tests/safety/test_risk_language_corpus.py -q -s
    .venv/bin/python -m openipt.cli risk evaluate tests/safety/corpus/es_dev.tsv tests/safety/corpus/sw_dev.tsv

es_dev.tsv and sw_dev.tsv were written by the developer who wrote the Spanish and Swahili patterns,
and the patterns were tuned on them: their figures say the patterns do what their author meant, not
how they do on text nobody tuned against. es_dev2.tsv and sw_dev2.tsv were written next, in other
phrasings, measured once before any change (their headers keep those first-pass figures, far below
0.9) and then tuned on too; es_dev3 to es_dev6 and sw_dev3 to sw_dev6 the same again, one version later each. es_blind.tsv and sw_blind.tsv were written by someone
else who had not seen the patterns; their figures are printed here and never asserted (asserting
them would invite tuning against them). They were measured once with word models 0.1.0 and are
training data of models 0.2.0, so their "rules + model" figures here are no longer held out. es_blind2.tsv
and sw_blind2.tsv were measured once with models 0.2.0 and are training data of 0.3.0. The blind files of
models 0.3.0 (es_blind3.tsv, sw_blind3.tsv), measured once, are read by no test. Everything here is UNVALIDATED: no
native speaker has reviewed the patterns or the corpora.
"""

import hashlib
import io

import pytest

from openipt.safety.cli import risk_scan_main
from openipt.safety.riskeval import CORPUS_DIR, corpus_language, evaluate, read_corpus

KINDS = ("suicide_self_harm", "harm_to_others", "being_harmed", "child_safeguarding", "unable_to_keep_safe", "self_neglect")
LANGUAGES = ("es", "sw")


DEV_FILES = ("es_dev", "sw_dev", "es_dev2", "sw_dev2", "es_dev3", "sw_dev3", "es_dev4", "sw_dev4", "es_dev5", "sw_dev5", "es_dev6", "sw_dev6")


@pytest.fixture(scope="module", params=DEV_FILES)
def dev(request):
    path = CORPUS_DIR / f"{request.param}.tsv"
    return request.param, read_corpus(path), evaluate(read_corpus(path), language=corpus_language(path))


def test_each_development_file_names_its_language_and_is_big_enough(dev):
    name, rows, _figures = dev
    language = name[:2]
    assert corpus_language(CORPUS_DIR / f"{name}.tsv") == language
    for kind in KINDS:
        assert sum(r.kind == kind for r in rows) >= (30 if name.endswith("_dev") else 12), (name, kind)
    assert sum(r.kind == "none" for r in rows) >= (150 if name.endswith("_dev") else 60), name
    assert {r.kind for r in rows} <= {*KINDS, "none"}
    assert all(r.min_severity in ("low", "medium", "high") for r in rows if r.kind != "none")
    assert len({r.id for r in rows}) == len(rows)


@pytest.mark.parametrize("kind", KINDS)
def test_development_recall_per_kind_is_at_least_ninety_percent(dev, kind):
    language, _rows, figures = dev
    found = figures.kinds[kind]
    assert found.share(found.flagged) >= 0.9, f"{language} {kind} missed {found.missed}"
    assert found.share(found.as_kind) >= 0.9, (language, kind)


def test_development_false_alarms_stay_under_the_goal(dev):
    language, _rows, figures = dev
    assert figures.false_alarm_rate <= 0.05, (language, figures.alarm_ids)


def test_the_evaluate_command_reads_the_language_from_the_file_or_the_option(tmp_path):
    out = io.StringIO()
    assert risk_scan_main(["evaluate", str(CORPUS_DIR / "es_dev.tsv"), "--rules-only"], stdout=out, stderr=io.StringIO()) == 0
    assert "language es" in out.getvalue() and "false alarms" in out.getvalue()
    plain = tmp_path / "plain.tsv"
    plain.write_text("id\tkind\tmin_severity\ttext\nx1\tsuicide_self_harm\thigh\tNataka kufa.\n", encoding="utf-8")
    out = io.StringIO()
    assert risk_scan_main(["evaluate", str(plain), "--language", "sw", "--rules-only"], stdout=out, stderr=io.StringIO()) == 0
    assert "language sw" in out.getvalue() and "1.000 (1/1)" in out.getvalue()
    out = io.StringIO()
    assert risk_scan_main(["evaluate", str(plain), "--rules-only"], stdout=out, stderr=io.StringIO()) == 0
    assert "0.000 (0/1)" in out.getvalue()  # read as English, the Swahili sentence is missed


def test_the_evaluate_command_refuses_a_language_without_patterns():
    err = io.StringIO()
    assert risk_scan_main(["evaluate", str(CORPUS_DIR / "es_dev.tsv"), "--language", "lg"], stdout=io.StringIO(), stderr=err) == 2
    assert "no risk patterns for language 'lg'" in err.getvalue()
    err = io.StringIO()
    assert risk_scan_main(["evaluate", "--language"], stdout=io.StringIO(), stderr=err) == 2
    assert "usage" in err.getvalue()


# The blind files measured once by the lead (figures in docs/clinical-safety/risk-detector.md): es_blind2 and
# sw_blind2 for models 0.2.0 (training data since 0.3.0), es_blind3 and sw_blind3 for models 0.3.0 (no test reads
# their rows; training refuses them by name). An edit to any of them shows here.
BLIND_SHA256 = {
    "es_blind2.tsv": "f77fad02232a10cf3d23a367f9a58e1971a0156290197ea3e5d99f30a7ad3154",
    "sw_blind2.tsv": "38735192e925c8a02b88a848c713e355099efcbb20980471bca5ca841bf1cf8f",
    "es_blind3.tsv": "816139e5a5cbdbeede4808463a9ee5430724cbdd74087b813d10fdddb4165475",
    "sw_blind3.tsv": "1539037b749de7111fda72a1ef464834ba4c699f0c3172281b70e0ab3e5f2343",
}


@pytest.mark.parametrize("name", sorted(BLIND_SHA256))
def test_the_blind_files_measured_once_are_unchanged(name):
    assert hashlib.sha256((CORPUS_DIR / name).read_bytes()).hexdigest() == BLIND_SHA256[name]


@pytest.mark.parametrize("language", LANGUAGES)
def test_blind_figures_are_printed_when_the_file_is_there_and_never_asserted(language):
    path = CORPUS_DIR / f"{language}_blind.tsv"
    if not path.exists():
        pytest.skip(f"{path.name} is not in this checkout")
    out = io.StringIO()
    assert risk_scan_main(["evaluate", str(path), "--language", language], stdout=out, stderr=io.StringIO()) == 0
    print(out.getvalue())
