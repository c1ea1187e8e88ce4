"""Train the Spanish and Swahili word models (lang_model.py) and write their JSON files.

    python -m openipt.safety.riskdetect.train_lang_model            # write risk_model.es.json and .sw.json
    python -m openipt.safety.riskdetect.train_lang_model es         # one language

Training data per language: its development files (es_dev.tsv ... es_dev6.tsv) and its training
file (es_train7.tsv), read with train_model.read_examples. The blind files (es_blind.tsv,
sw_blind.tsv) are never read here: training refuses them by name.

The method is the English model's (train_model.py): one-vs-rest logistic regression by stochastic
gradient descent in a fixed, seeded order, so a fresh run writes the same file; the thresholds
come from 5-fold cross-validation (the lowest cuts, the same number of false friends allowed for
each output, such that the model alone flags at most FALSE_ALARM_BUDGET of the out-of-fold false
friends). The training itself is train_model.fit, over lang_model.features: a change to it changes
these models too, and their reproduction tests say so.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import cache
from typing import Any

from .lang_model import LANGUAGES, features, language_model_from_dict, model_file
from .train_model import CORPUS_DIR, OUTPUTS, Example, cut_thresholds, dumps, fit, read_examples

TRAINING_FILES = {
    language: tuple(
        f"{language}_{name}.tsv" for name in ("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "train7")
    )
    for language in LANGUAGES
}
BLIND_FILES = ("es_blind.tsv", "sw_blind.tsv")  # never trained on; see docs/clinical-safety/risk-detector.md
VERSION = "0.1.0"
# The model alone may flag this share of the out-of-fold false friends. Chosen by cross-validation
# (docs/clinical-safety/risk-detector.md): the largest budget, in steps of 0.01, at which the patterns
# (English and the language's) and both word models together flagged at most 0.10 of the out-of-fold
# false friends of es_train7.tsv and sw_train7.tsv (0.07: 0.097 and 0.095; 0.08: 0.106 and 0.103).
FALSE_ALARM_BUDGET = 0.07
FOLDS = 5


def training_examples(language: str, files: Sequence[str] | None = None) -> list[Example]:
    """Return the examples of a language's training files, in file order (never a blind file)."""
    names = TRAINING_FILES[language] if files is None else tuple(files)
    for name in names:
        if name in BLIND_FILES or "blind" in name:
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
    examples: Sequence[Example], oof: Sequence[dict[str, float]], budget: float = FALSE_ALARM_BUDGET
) -> dict[str, float]:
    """Per output, the lowest threshold such that the model alone flags at most `budget` of the false friends."""
    return cut_thresholds([s for e, s in zip(examples, oof, strict=True) if e.kind == "none"], budget)


def build(
    language: str, files: Sequence[str] | None = None, budget: float = FALSE_ALARM_BUDGET
) -> dict[str, Any]:
    """Return a language's model file content trained on the named files (its training files by default)."""
    names = TRAINING_FILES[language] if files is None else tuple(files)
    examples = training_examples(language, names)
    cuts = thresholds(examples, out_of_fold_scores(examples, language), budget)
    trained = train(examples, language)
    return {
        "version": VERSION,
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
        data = build(language)
        path = model_file(language)
        path.parent.mkdir(exist_ok=True)
        path.write_text(dumps(data), encoding="utf-8")
        print(f"wrote {path} ({sum(len(k['weights']) for k in data['kinds'].values())} weights)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
