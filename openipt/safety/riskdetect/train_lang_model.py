"""Train the Spanish and Swahili word models (lang_model.py) and write their JSON files.

    python -m openipt.safety.riskdetect.train_lang_model            # write risk_model.es.json and .sw.json
    python -m openipt.safety.riskdetect.train_lang_model es         # one language

Training data per language: its development files (es_dev.tsv ... es_dev6.tsv), its training files
(es_train7.tsv, es_train8.tsv, es_train9.tsv) and the first two blind files (es_blind.tsv, measured once
with models 0.1.0, and es_blind2.tsv, measured once with 0.2.0), released to training afterwards
(RELEASED_BLIND_FILES). The blind files now are es_blind3.tsv and sw_blind3.tsv: they are never read here, and training refuses them by name, as it
refuses any other file whose name says "blind" and is not listed as released.

The method is the English model's (train_model.py): one-vs-rest logistic regression by stochastic
gradient descent in a fixed, seeded order, so a fresh run writes the same file; the thresholds
come from 5-fold cross-validation (the lowest cuts, the same number of false friends allowed for
each output, such that the model alone flags at most the language's FALSE_ALARM_BUDGET of the
out-of-fold false friends). The training itself is train_model.fit, over lang_model.features: a change to it changes
these models too, and their reproduction tests say so.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import cache
from typing import Any

from .lang_model import LANGUAGES, features, language_model_from_dict, model_file
from .train_model import (
    CORPUS_DIR,
    OUTPUTS,
    Example,
    cut_thresholds,
    dumps,
    fit,
    malformed_rows,
    read_examples,
)

# A language's own extra files: sw_train10.tsv holds everyday uses of "siwezi kujizuia" ("I can't stop myself"),
# written after model 0.3.0 flagged "Siwezi kujizuia kula chokoleti." (sw 0.3.1); es_train10.tsv everyday refusals with
# "no puedo" ("I can't"), written after model 0.3.0 flagged "Lo siento, este fin de semana no puedo." (es 0.3.1).
EXTRA_FILES: dict[str, tuple[str, ...]] = {"sw": ("sw_train10.tsv",), "es": ("es_train10.tsv",)}
TRAINING_FILES = {
    language: tuple(
        f"{language}_{name}.tsv"
        for name in ("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "train7", "blind", "train8", "blind2", "train9")
    ) + EXTRA_FILES.get(language, ())
    for language in LANGUAGES
}
BLIND_FILES = ("es_blind3.tsv", "sw_blind3.tsv")  # never trained on; see docs/clinical-safety/risk-detector.md
# Blind files measured once (models 0.1.0 and 0.2.0, 7 December 2026) and then released to training.
RELEASED_BLIND_FILES = ("es_blind.tsv", "sw_blind.tsv", "es_blind2.tsv", "sw_blind2.tsv")
VERSION = {"es": "0.3.1", "sw": "0.3.1"}
# Per language, the model alone may flag this share of the out-of-fold false friends. Chosen leaving one
# writer out (docs/clinical-safety/risk-detector.md, "Models 0.2.0"): the largest budget, in steps of 0.01,
# at which the three writers the patterns were not tuned on (the train7, blind and train8 files, each scored
# by a model trained without it, with both pattern sets and the English model) have their false friends
# flagged at most 0.12 of the time on average: 0.03 under the goal's 0.15, for the spread between writers.
FALSE_ALARM_BUDGET = {"es": 0.08, "sw": 0.08}
FOLDS = 5


def training_examples(language: str, files: Sequence[str] | None = None) -> list[Example]:
    """Return the examples of a language's training files, in file order (never a blind file)."""
    names = TRAINING_FILES[language] if files is None else tuple(files)
    for name in names:
        if name in BLIND_FILES or ("blind" in name.lower() and name not in RELEASED_BLIND_FILES):
            raise ValueError(f"{name} is a blind set and is never used for training")
    return [row for name in names for row in read_examples(CORPUS_DIR / name)]


@cache
def _sorted_features(text: str, language: str) -> tuple[str, ...]:
    return tuple(sorted(features(text, language)))


def train(examples: Sequence[Example], language: str, seed: int = 0) -> dict[str, dict[str, Any]]:
    """Return {output: {"bias", "weights"}} learned from the examples (thresholds not set), with the English
    model's training (train_model.fit) over this language's features."""
    return fit([_sorted_features(e.text, language) for e in examples], [e.kind for e in examples],
               f"{language}:{seed}")


def scores(
    trained: dict[str, dict[str, Any]], examples: Sequence[Example], language: str
) -> list[dict[str, float]]:
    """Return each example's score per output under trained weights."""
    model = language_model_from_dict(
        {
            "language": language,
            "version": "-",
            "kinds": {k: {**v, "threshold": 1.0} for k, v in trained.items()},
        }
    )
    return [{k: g.score for k, g in model.outputs(e.text).items()} for e in examples]


def fold_numbers(examples: Sequence[Example]) -> list[int]:
    """Return each example's fold: its sentence's position mod FOLDS, a variant ("est70001.2") with its sentence."""
    groups: dict[tuple[str, str], int] = {}
    return [groups.setdefault((e.source, e.id.split(".")[0]), len(groups)) % FOLDS for e in examples]


def out_of_fold_scores(examples: Sequence[Example], language: str) -> list[dict[str, float]]:
    """Score every example with a model trained on the other folds (see fold_numbers)."""
    folds = fold_numbers(examples)
    found: list[dict[str, float] | None] = [None] * len(examples)
    for fold in range(FOLDS):
        train_rows = [e for e, f in zip(examples, folds, strict=True) if f != fold]
        test_at = [i for i, f in enumerate(folds) if f == fold]
        trained = train(train_rows, language)
        for i, s in zip(test_at, scores(trained, [examples[i] for i in test_at], language), strict=True):
            found[i] = s
    return [s for s in found if s is not None]


def thresholds(
    examples: Sequence[Example], oof: Sequence[dict[str, float]], budget: float
) -> dict[str, float]:
    """Per output, the lowest threshold such that the model alone flags at most `budget` of the false friends."""
    return cut_thresholds([s for e, s in zip(examples, oof, strict=True) if e.kind == "none"], budget)


def build(
    language: str, files: Sequence[str] | None = None, budget: float | None = None
) -> dict[str, Any]:
    """Return a language's model file content trained on the named files (its training files by default), with
    the language's false-alarm budget unless one is given."""
    names = TRAINING_FILES[language] if files is None else tuple(files)
    budget = FALSE_ALARM_BUDGET[language] if budget is None else budget
    examples = training_examples(language, names)
    cuts = thresholds(examples, out_of_fold_scores(examples, language), budget)
    trained = train(examples, language)
    return {
        "version": VERSION[language],
        "language": language,
        "trained_on": list(names),
        "method": "one-vs-rest logistic regression on words and word pairs (train_lang_model.py)",
        "false_alarm_budget": budget,
        "kinds": {k: {**trained[k], "threshold": cuts[k]} for k in OUTPUTS},
    }


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    languages = [a for a in argv if not a.startswith("-")] or list(LANGUAGES)
    unknown = [a for a in languages if a not in LANGUAGES]
    if unknown:
        print(f"no word model for {', '.join(unknown)}; choose from {', '.join(LANGUAGES)}", file=sys.stderr)
        return 2
    for language in languages:
        for name in TRAINING_FILES[language]:
            for problem in malformed_rows(CORPUS_DIR / name):
                print(f"skipped a malformed row: {problem}", file=sys.stderr)
        data = build(language)
        path = model_file(language)
        path.parent.mkdir(exist_ok=True)
        path.write_text(dumps(data), encoding="utf-8")
        print(f"wrote {path} ({sum(len(k['weights']) for k in data['kinds'].values())} weights)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
