"""HAZ-030, HAZ-046: the Spanish and Swahili word models add flags the patterns miss and never remove one.

The models (lang_model.py, trained by train_lang_model.py) read text whose pattern language is es or
sw. Their figures on a new writer's text are in docs/clinical-safety/risk-detector.md ("Spanish and
Swahili"); they are unvalidated, and the blind files are never trained on.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from openipt.clients.models import Client
from openipt.core.i18n.extract import from_python
from openipt.practice import actions as practice
from openipt.safety.models import Alert
from openipt.safety.riskdetect import SEVERITY_RANK, lang_model, scan, scan_languages, scan_text
from openipt.safety.riskdetect.detector import default_patterns
from openipt.safety.riskdetect.kinds import SHIPPED_KINDS
from openipt.safety.riskdetect.lang_model import LANGUAGES, model_file, shipped_language_model
from openipt.safety.riskdetect.train_lang_model import (
    BLIND_FILES,
    RELEASED_BLIND_FILES,
    TRAINING_FILES,
    build,
    dumps,
    train,
    training_examples,
)
from openipt.safety.riskdetect.train_model import CORPUS_DIR, read_examples
from tests.support.people import actor

ROOT = Path(__file__).resolve().parents[2]
# Written for this test, in no corpus: sentences the Spanish and Swahili patterns (and the English ones) miss.
MISSED = {
    "es": ("Mi padrastro le deja moretones a mi hermanito cuando mi mamá no está.", "child_safeguarding"),
    "sw": ("Nimeacha kula siku tano na sinywi dawa ya sukari tena.", "self_neglect"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_model_loads_once_with_every_kind(language):
    model = shipped_language_model(language)
    assert model is not None and model is shipped_language_model(language)
    assert model.language == language
    assert sorted(g.kind for g in model.guess("hola")) == sorted(SHIPPED_KINDS)
    assert shipped_language_model("en") is None and shipped_language_model("lg") is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_sentence_the_patterns_miss_gets_a_medium_flag_of_its_kind_naming_the_language(language):
    text, kind = MISSED[language]
    assert not scan(text).flag and not scan(text, default_patterns(language)).flag
    result = scan_languages(text, language)
    # Only model flags, all medium; the one for the sentence's kind is there (0.2.0 also guesses a second kind
    # for the Spanish sentence, harm to others: a second alert for a person to read, never a lost one).
    assert {(m.family, m.severity, m.language) for m in result.matches} == {("second_opinion", "medium", language)}
    [match] = [m for m in result.matches if m.kind == kind]
    assert (match.rule_id, match.family, match.kind, match.severity, match.language) == (
        f"model.{language}:{kind}",
        "second_opinion",
        kind,
        "medium",
        language,
    )
    assert "statistical guess" in match.explanation and "A person should read" in match.explanation
    assert {"es": "Spanish", "sw": "Swahili"}[language] in match.explanation


def test_the_reason_shown_to_staff_is_marked_for_translation():
    found = {
        f.msgid for f in from_python(Path(lang_model.__file__).read_text(encoding="utf-8"), "lang_model.py")
    }
    assert {lang_model.REASON, "Spanish", "Swahili"} <= found


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_model_never_removes_or_lowers_a_pattern_flag(language):
    patterns = default_patterns(language)
    for name in TRAINING_FILES[language]:
        for row in read_examples(CORPUS_DIR / name):
            rules, both = scan(row.text, patterns), scan_text(row.text, patterns)
            assert both.matches[: len(rules.matches)] == rules.matches, row.id
            for kind, severity in rules.kinds.items():
                assert SEVERITY_RANK[both.kinds[kind]] >= SEVERITY_RANK[severity], row.id
            assert all(m.severity == "medium" for m in both.matches[len(rules.matches) :]), row.id


@pytest.mark.parametrize("text", ["Zamani nilijikata mikono.", "Anataka kujiua kwa vidonge."])
def test_a_past_or_reported_reading_of_the_patterns_is_not_overruled_by_the_model(text):
    """The model alone flags these; the patterns read them as past or about someone else, and that stands."""
    assert any(g.flagged for g in shipped_language_model("sw").guess(text))
    result = scan_text(text, default_patterns("sw"))
    assert result.kinds == {"suicide_self_harm": "low"}
    assert not any(m.rule_id.startswith("model.") for m in result.matches)


def test_the_same_text_gets_the_same_scan_in_fresh_processes_with_different_hash_seeds():
    outputs = set()
    lines = "\n".join(text for text, _kind in MISSED.values()) + "\n"
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        found = []
        for language in LANGUAGES:
            path = ROOT / "openipt" / "safety" / "riskdetect" / "patterns" / f"{language}.yaml"
            done = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import sys; from openipt.safety.cli import risk_scan_main; "
                    f"raise SystemExit(risk_scan_main(['scan', '--patterns', {str(path)!r}]))",
                ],
                input=lines,
                capture_output=True,
                text=True,
                env=env,
                cwd=ROOT,
                check=True,
            )
            found.append(done.stdout)
        outputs.add("".join(found))
    [output] = outputs
    assert "model.es:child_safeguarding" in output and "model.sw:self_neglect" in output


# Two small files per language run every step of training (5 folds, thresholds, the final fit) in a
# second or two; their files are pinned, so a change to the features, the fit or the thresholds shows.
SMALL_RUN_SHA256 = {
    "es": "9b5c97bf8843ab15a1d10fd55cea3c38e4d2ae2c81febaa7b14b3cc6fad7d481",
    "sw": "08de6f65620f5d3a8bcb057e4aa9221ae967c2c739bb71393afbd6cbb9edc570",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_small_training_run_writes_the_same_pinned_file_every_time(language):
    data = build(language, [f"{language}_dev.tsv", f"{language}_dev2.tsv"])
    assert hashlib.sha256(dumps(data).encode()).hexdigest() == SMALL_RUN_SHA256[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_shipped_weights_are_what_training_on_the_listed_files_writes(language):
    """Thresholds need five more runs: checked by the small run above, and in full with OPENIPT_FULL_RETRAIN=1."""
    shipped = json.loads(model_file(language).read_text(encoding="utf-8"))
    assert shipped["trained_on"] == list(TRAINING_FILES[language])
    assert not set(shipped["trained_on"]) & set(BLIND_FILES)
    fresh = train(training_examples(language), language)
    for kind, trained in fresh.items():
        assert (shipped["kinds"][kind]["bias"], shipped["kinds"][kind]["weights"]) == (trained["bias"], trained["weights"])


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("OPENIPT_FULL_RETRAIN"), reason="a full retrain takes a minute; "
                    "OPENIPT_FULL_RETRAIN=1 runs it (the small run and the weights check run always)")
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_shipped_model_file_matches_a_fresh_training_run(language):
    assert dumps(build(language)) == model_file(language).read_text(encoding="utf-8")


@pytest.mark.parametrize("blind", ["es_blind3.tsv", "sw_blind3.tsv", "es_blind4.tsv", "sw_Blind3.tsv"])
def test_training_refuses_the_blind_files_whether_or_not_they_are_present(blind):
    """The third blind files were written by someone else while models 0.3.0 were built, to be measured once: never
    trained on. Any other file named "blind" is refused too, unless it was measured once and then released to training."""
    assert BLIND_FILES == ("es_blind3.tsv", "sw_blind3.tsv")
    with pytest.raises(ValueError, match="blind"):
        training_examples(blind[:2], [f"{blind[:2]}_dev.tsv", blind])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_blind_files_measured_once_are_released_to_training(language):
    """es_blind.tsv and sw_blind.tsv were measured once with models 0.1.0 and are training data since 0.2.0;
    es_blind2.tsv and sw_blind2.tsv were measured once with 0.2.0 and are training data since 0.3.0."""
    released = [f"{language}_blind.tsv", f"{language}_blind2.tsv"]
    assert set(released) <= set(RELEASED_BLIND_FILES) and set(released) <= set(TRAINING_FILES[language])
    assert {r.source for r in training_examples(language, released)} == set(released)
    assert not set(TRAINING_FILES[language]) & set(BLIND_FILES)


def test_a_spanish_log_entry_the_patterns_miss_raises_a_medium_alert_of_its_kind(world):
    """End to end: a Spanish-speaking client's own log entry, saved by the portal action, reaches staff."""
    Client.objects.filter(pk=world.clients["self"].pk).update(preferred_language="es")
    text, kind = MISSED["es"]
    entry = practice.add_log_entry(
        actor(world.m["client"]),
        {
            "occurred_on": timezone.localdate(),
            "who": "Nadie",
            "what_happened": text,
            "feeling": "",
            "mood": 2,
        },
    )
    [alert] = Alert.objects.filter(client=entry.client)
    assert (alert.kind, alert.severity, alert.rule_kind) == (kind, "medium", "free_text")
    [evidence] = alert.evidence
    assert evidence["detector_rule"] == f"model.es:{kind}" and "padrastro" in evidence["text"]
    assert "[es]" in alert.reason
