"""Train the risk model (model.py) from the labelled corpora and write its JSON file.

    python -m openipt.safety.riskdetect.train_model            # write modeldata/risk_model.en.json
    python -m openipt.safety.riskdetect.train_model --check    # say whether the shipped file is what training writes
    python -m openipt.safety.riskdetect.train_model --report   # also print held-out figures

Training data is every labelled English corpus in tests/safety/corpus listed in TRAINING_FILES. Two
files are never read here, and training refuses them by name: kinds_blind9.tsv, the blind file
(written by someone else while model 1.9.0 was built, measured once by the lead), and kinds_blind8.tsv,
the blind file before it (measured once, with model 1.8.0), now the check set used to choose between
model variants. Any other file whose name says "blind" is refused too, unless RELEASED_BLIND_FILES
lists it: a blind file measured once and then released to training (kinds_blind7.tsv with model 1.9.0,
kinds_blind6.tsv with 1.8.0, kinds_blind5.tsv with 1.7.0,
kinds_blind3.tsv with 1.6.0, kinds_blind4.tsv with 1.5.0, kinds_blind2.tsv earlier). The older files (dev, heldout, heldout2) label rows ``flag``/``none`` and
are all about suicide and self-harm, so ``flag`` becomes ``suicide_self_harm``. A malformed row (the
wrong number of columns, an unknown kind, no id) is skipped, and ``--check`` and a training run
name it (malformed_rows).

The method is one-vs-rest logistic regression on stemmed words and word pairs, trained by
stochastic gradient descent in a fixed, seeded order, so a fresh run writes the same file. Each
kind's threshold is set from 5-fold cross-validation (the voices of one hand-written sentence kept
in one fold, see folds): the out-of-fold scores of the false friends (``none`` rows) decide how low
a threshold can go before false alarms pass the budget. One more output, ``any``, is trained on
every risk sentence against the false friends: it catches risk phrased in a way no single kind's
weights have seen, and the kind with the highest score is named.

writer_out_scores leaves one writer out instead (each corpus file is roughly one writer, scored by
a model trained on the other files): model_report uses it for the figure nearest to "a new writer's
text". Setting the thresholds from those scores, and letter groups inside words, were measured for
model 1.5.0 and not kept (docs/clinical-safety/risk-detector.md, "Model 1.5.0").
"""

from __future__ import annotations

import json
import math
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .kinds import SHIPPED_KINDS
from .model import ANY, MODEL_FILE, features, model_from_dict

OUTPUTS = (*SHIPPED_KINDS, ANY)
KNOWN_KINDS = frozenset((*SHIPPED_KINDS, "none"))

CORPUS_DIR = Path(__file__).resolve().parents[3] / "tests" / "safety" / "corpus"
TRAINING_FILES = (
    "dev.tsv", "heldout.tsv", "heldout2.tsv", "kinds_dev.tsv", "kinds_blind.tsv", "kinds_dev2.tsv", "kinds_train3.tsv",
    "kinds_train4.tsv", "kinds_train5.tsv", "kinds_check5.tsv", "kinds_blind2.tsv", "kinds_train6.tsv",
    "kinds_train7.tsv", "kinds_blind4.tsv", "kinds_blind3.tsv", "kinds_train8.tsv", "kinds_blind5.tsv",
    "kinds_train9a.tsv", "kinds_train9b.tsv", "kinds_blind6.tsv", "kinds_train10.tsv",
    "kinds_blind7.tsv", "kinds_train11.tsv",
)
BLIND_FILE = "kinds_blind9.tsv"  # the blind file: never trained on, never read here (risk-detector.md)
CHECK_FILE = "kinds_blind8.tsv"  # the blind file before it, now the check set for choosing a model: never trained on
# Blind files that were measured once and then released to training; any other "blind" name is refused.
RELEASED_BLIND_FILES = ("kinds_blind.tsv", "kinds_blind2.tsv", "kinds_blind3.tsv", "kinds_blind4.tsv",
                        "kinds_blind5.tsv", "kinds_blind6.tsv", "kinds_blind7.tsv")
VERSION = "1.9.0"
EPOCHS = 12
RATE = 0.2
DECAY = 0.01  # L2 shrinkage per epoch
POSITIVE_WEIGHT = 2.0
MIN_COUNT = 2  # a word or pair seen in fewer training sentences is ignored
FALSE_ALARM_BUDGET = 0.08  # out-of-fold share of false friends the model alone may flag (1.8.0; see the docs)
# Suicide and self-harm, the kind most often met and the gravest to miss, may flag more of the budget's false
# friends than each other kind (1.8.0: twice; 1.9.0: one and a half times; see the docs).
KIND_SHARES: dict[str, float] = {"suicide_self_harm": 1.5}
FOLDS = 5


@dataclass(frozen=True)
class Example:
    id: str
    kind: str  # a kind of risk, or "none"
    text: str
    source: str


def read_examples(path: Path) -> list[Example]:
    """Read one corpus file, old (id expect min_severity category text) or new (id kind min_severity text).

    A malformed row is skipped, never guessed at: see malformed_rows."""
    return _read(path)[0]


def malformed_rows(path: Path) -> list[str]:
    """Return the rows read_examples skips in a file, each as "<file> line N: why"."""
    return _read(path)[1]


def _read(path: Path) -> tuple[list[Example], list[str]]:
    rows: list[Example] = []
    skipped: list[str] = []
    header: list[str] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if header is None:
            header = parts
            continue
        where = f"{path.name} line {number}"
        if len(parts) != len(header):
            skipped.append(f"{where}: {len(parts)} columns where the header has {len(header)}")
            continue
        row = dict(zip(header, parts, strict=True))
        if "kind" in row:
            kind = row["kind"].strip()
        else:
            kind = {"flag": "suicide_self_harm", "none": "none"}.get(row.get("expect", "").strip(), "")
        if kind not in KNOWN_KINDS:
            skipped.append(f"{where}: unknown kind {kind or row.get('expect', '')!r}")
            continue
        if not row["id"].strip():  # an empty text is a fair false friend (dev.tsv has one); a row needs an id
            skipped.append(f"{where}: no id")
            continue
        rows.append(Example(row["id"], kind, row["text"], path.name))
    return rows, skipped


def training_examples(files: Sequence[str] = TRAINING_FILES) -> list[Example]:
    """Return the examples of the named corpus files, in file order (never the blind file or the check set)."""
    if BLIND_FILE in files:
        raise ValueError(f"{BLIND_FILE} is the blind set and is never used for training")
    if CHECK_FILE in files:
        raise ValueError(f"{CHECK_FILE} is the check set for choosing a model (the blind set before) and is never "
                         "used for training")
    for name in files:
        if "blind" in name.lower() and name not in RELEASED_BLIND_FILES:
            raise ValueError(f"{name} is a blind set (not released to training) and is never used for training")
    return [row for name in files for row in read_examples(CORPUS_DIR / name)]


@cache
def _sorted_features(text: str) -> tuple[str, ...]:
    """A sentence's features in a fixed order, worked out once per training run (build trains six times)."""
    return tuple(sorted(features(text)))


def train(examples: Sequence[Example], seed: int = 0) -> dict[str, dict[str, Any]]:
    """Return {kind: {"bias", "weights"}} learned from the examples (thresholds not set)."""
    return fit([_sorted_features(e.text) for e in examples], [e.kind for e in examples], f"{seed}")


def fit(feats: Sequence[tuple[str, ...]], kinds: Sequence[str], seed: str) -> dict[str, dict[str, Any]]:
    """One-vs-rest logistic regression by stochastic gradient descent over each sentence's features (a word or
    pair seen in fewer than MIN_COUNT sentences is left out); `seed` fixes the order, so a run is repeatable.
    The English model and the per-language models (train_lang_model) are both trained here."""
    counts: dict[str, int] = {}
    for fs in feats:
        for f in fs:
            counts[f] = counts.get(f, 0) + 1
    vocab = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
    index = {f: i for i, f in enumerate(vocab)}
    rows = [[index[f] for f in fs if f in index] for fs in feats]
    order = list(range(len(feats)))
    result = {}
    for kind in OUTPUTS:
        labels = [1.0 if k == kind or (kind == ANY and k != "none") else 0.0 for k in kinds]
        weights = [0.0] * len(vocab)
        bias = 0.0
        rng = random.Random(f"{seed}:{kind}")
        for epoch in range(EPOCHS):
            rng.shuffle(order)
            rate = RATE / (1 + epoch * 0.3)
            for n in order:
                x = rows[n]
                z = bias + sum(weights[i] for i in x)
                p = 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0
                step = rate * (p - labels[n]) * (POSITIVE_WEIGHT if labels[n] else 1.0)
                bias -= step
                for i in x:
                    weights[i] -= step
            weights = [w * (1 - DECAY) for w in weights]
        kept = {vocab[i]: round(w, 4) for i, w in enumerate(weights) if abs(round(w, 4)) >= 0.01}
        result[kind] = {"bias": round(bias, 4), "weights": kept}
    return result


def scores(trained: dict[str, dict[str, Any]], examples: Sequence[Example]) -> list[dict[str, float]]:
    """Return each example's score per kind under trained weights."""
    model = model_from_dict({"version": "-", "kinds": {k: {**v, "threshold": 1.0} for k, v in trained.items()}})
    return [{k: g.score for k, g in model.outputs(e.text).items()} for e in examples]


def folds(examples: Sequence[Example]) -> list[int]:
    """Return each example's fold: sentences in turn, the voices of one sentence together.

    Rows whose ids differ only in a final letter (kinds_train7.tsv: "t7012a", "t7012b") are one
    hand-written sentence in several voices; they share a fold, so cross-validation never scores a
    sentence with a model that learned another voice of it.
    """
    groups: dict[str, int] = {}
    return [groups.setdefault(e.source + ":" + e.id.rstrip("abcdefghijklmnopqrstuvwxyz"), len(groups)) % FOLDS
            for e in examples]


def out_of_fold_scores(examples: Sequence[Example]) -> list[dict[str, float]]:
    """Score every example with a model trained on the other folds (see folds)."""
    found: list[dict[str, float] | None] = [None] * len(examples)
    fold_of = folds(examples)
    for fold in range(FOLDS):
        train_rows = [e for e, f in zip(examples, fold_of, strict=True) if f != fold]
        test_at = [i for i, f in enumerate(fold_of) if f == fold]
        for i, s in zip(test_at, scores(train(train_rows), [examples[i] for i in test_at]), strict=True):
            found[i] = s
    return [s for s in found if s is not None]


def thresholds(
    examples: Sequence[Example], oof: Sequence[dict[str, float]], budget: float = FALSE_ALARM_BUDGET,
    shares: dict[str, float] | None = None,
) -> dict[str, float]:
    """Per kind, the lowest threshold such that the model flags at most the budget of false friends.

    Every kind may flag the same number of false friends, times its share in `shares` (1 when not named); that
    number is the largest for which the false friends flagged by any kind stay within `budget` (scores from models
    that never saw them).
    """
    friends = [s for e, s in zip(examples, oof, strict=True) if e.kind == "none"]
    return cut_thresholds(friends, budget, KIND_SHARES if shares is None else shares)


def cut_thresholds(friends: Sequence[dict[str, float]], budget: float,
                   shares: dict[str, float] | None = None) -> dict[str, float]:
    """The thresholds of `thresholds`, from the false friends' scores alone (shared with train_lang_model, which
    gives every kind the same share)."""
    shares = shares or {}
    ranked = {k: sorted((s[k] for s in friends), reverse=True) for k in OUTPUTS}
    last = len(friends) - 1
    best = {k: round(ranked[k][0] + 1e-4, 4) for k in OUTPUTS}
    for allowed in range(1, len(friends)):
        cuts = {k: round(ranked[k][min(last, int(allowed * shares.get(k, 1.0)))] + 1e-4, 4) for k in OUTPUTS}
        alarms = sum(any(s[k] >= cuts[k] for k in OUTPUTS) for s in friends)
        if alarms > budget * len(friends):
            break
        best = cuts
    return best


def writer_out_scores(examples: Sequence[Example]) -> list[dict[str, float]]:
    """Score every example with a model trained on the other files only (leave one writer out).

    Each corpus file is roughly one writer, so this is the nearest the training data comes to "a
    new writer's text": a file's rows are scored by a model that never saw that writer's phrasing.
    """
    found: list[dict[str, float] | None] = [None] * len(examples)
    for source in dict.fromkeys(e.source for e in examples):
        train_rows = [e for e in examples if e.source != source]
        test_at = [i for i, e in enumerate(examples) if e.source == source]
        for i, s in zip(test_at, scores(train(train_rows), [examples[i] for i in test_at]), strict=True):
            found[i] = s
    return [s for s in found if s is not None]


def build(files: Sequence[str] = TRAINING_FILES, budget: float = FALSE_ALARM_BUDGET) -> dict[str, Any]:
    """Return the model file's content trained on the named files (thresholds from 5-fold cross-validation)."""
    examples = training_examples(files)
    cuts = thresholds(examples, out_of_fold_scores(examples), budget)
    trained = train(examples)
    return {
        "version": VERSION,
        "trained_on": list(files),
        "method": "one-vs-rest logistic regression on stemmed words and word pairs (train_model.py)",
        "kinds": {k: {**trained[k], "threshold": cuts[k]} for k in OUTPUTS},
    }


def dumps(data: dict[str, Any]) -> str:
    """Return the model as stable JSON text (sorted keys, one weight per line)."""
    return json.dumps(data, sort_keys=True, indent=1, ensure_ascii=True) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    for name in TRAINING_FILES:
        for problem in malformed_rows(CORPUS_DIR / name):
            print(f"skipped a malformed row: {problem}", file=sys.stderr)
    data = build()
    if "--check" in argv:  # the shipped file must be exactly what training writes
        same = MODEL_FILE.exists() and MODEL_FILE.read_text(encoding="utf-8") == dumps(data)
        print(f"{MODEL_FILE} {'matches' if same else 'DIFFERS FROM'} a fresh training run")
        return 0 if same else 1
    MODEL_FILE.parent.mkdir(exist_ok=True)
    MODEL_FILE.write_text(dumps(data), encoding="utf-8")
    print(f"wrote {MODEL_FILE} ({sum(len(k['weights']) for k in data['kinds'].values())} weights)")
    if "--report" in argv:
        from .model_report import report

        print(report())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
