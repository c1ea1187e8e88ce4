"""Held-out, leave-one-writer-out and check-set figures for the word model, never reading the blind set.

    python -m openipt.safety.riskdetect.model_report            # everything below (several minutes of CPU)
    python -m openipt.safety.riskdetect.model_report --writers  # only the leave-one-writer-out table

1. Author held-out: the weights trained on every training file except one, then measured on that
   file at the shipped thresholds. kinds_dev2.tsv was written separately by another hand;
   kinds_train3.tsv was written for the model and no rule was ever written from it; kinds_blind.tsv
   is also shown. Reported for the rules alone, the model alone and rules + model (a flag from
   either counts). The rules were tuned on kinds_dev2, so "rules alone" there is not a held-out figure.
2. Leave one writer out (writer_figures): every training file scored by a model trained on the
   other files, at the shipped thresholds; the nearest figure to "a new writer's text" that the
   training data gives (`--writers old_model.json` uses an older model's thresholds, to compare).
3. 5-fold cross-validation over all training rows: out-of-fold model scores against the shipped
   thresholds.
4. The check set, kinds_blind8.tsv (the blind file of model 1.8.0, measured once): rules alone and
   rules + the shipped model. It was used to choose model 1.9.0, so it is not a blind figure.
   (kinds_blind7.tsv was the check set of 1.8.0, kinds_blind6.tsv of 1.7.0, kinds_blind5.tsv of 1.6.0
   and kinds_blind3.tsv of 1.4.0 and 1.5.0; all are training data now.)

The blind file, kinds_blind9.tsv, is never read here.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .kinds import SHIPPED_KINDS
from .model import Model, model_from_dict
from .train_model import (
    CHECK_FILE,
    CORPUS_DIR,
    OUTPUTS,
    TRAINING_FILES,
    Example,
    out_of_fold_scores,
    read_examples,
    train,
    training_examples,
    writer_out_scores,
)

HELD_OUT = "kinds_dev2.tsv"
ALSO_HELD_OUT = ("kinds_train3.tsv", "kinds_blind.tsv")


@dataclass(frozen=True)
class HeldOut:
    """Recall per kind and false-alarm rate, for one way of flagging."""

    recall: dict[str, float]
    false_alarms: float

    def line(self, label: str) -> str:
        cells = " | ".join(f"{self.recall.get(k, 0.0):.3f}" for k in SHIPPED_KINDS)
        return f"| {label} | {cells} | {self.false_alarms:.3f} |"


def figures(examples: list[Example], flagged: list[bool]) -> HeldOut:
    """Return recall per kind and the share of false friends flagged."""
    recall = {}
    for kind in SHIPPED_KINDS:
        hits = [f for e, f in zip(examples, flagged, strict=True) if e.kind == kind]
        recall[kind] = sum(hits) / len(hits) if hits else 0.0
    friends = [f for e, f in zip(examples, flagged, strict=True) if e.kind == "none"]
    return HeldOut(recall, sum(friends) / len(friends) if friends else 0.0)


def held_out_figures(held_out: str = HELD_OUT, thresholds: dict[str, float] | None = None) -> dict[str, HeldOut]:
    """Return rules alone, model alone and rules + model on a file, the model's weights trained without it.

    The thresholds are the shipped model's unless given: they were set from leave-one-writer-out
    scores, where this file's rows were scored by a model that never saw them, among every other
    writer's (one training run here instead of one per writer).
    """
    from .detector import scan
    from .model import shipped_model
    from .second_opinion import scan_text

    trained = train(training_examples([f for f in TRAINING_FILES if f != held_out]))
    cuts = thresholds if thresholds is not None else shipped_model().thresholds
    model = model_from_dict({"version": "-", "kinds": {k: {**v, "threshold": cuts[k]} for k, v in trained.items()}})
    rows = read_examples(CORPUS_DIR / held_out)
    rules = [scan(e.text).flag for e in rows]
    alone = [any(g.flagged for g in model.guess(e.text)) for e in rows]
    both = [scan_text(e.text, model=model).flag for e in rows]
    return {"rules alone": figures(rows, rules), "model alone": figures(rows, alone), "rules + model": figures(rows, both)}


def writer_figures(files: Sequence[str] = TRAINING_FILES, cuts: dict[str, float] | None = None) -> dict[str, HeldOut]:
    """Leave one writer out: model alone and rules + model over every training file, each file scored by a
    model trained on the other files, at the shipped model's thresholds unless `cuts` are given.

    This is the figure nearest to "a new writer's text": no row is scored by weights learned from its
    own file. The thresholds were set with every file in view (5-fold cross-validation), and the rules
    were written from some of these files, so "rules + model" is optimistic where they were.
    """
    from .detector import scan
    from .model import shipped_model

    chosen = cuts if cuts is not None else shipped_model().thresholds
    rows = training_examples(files)
    alone = [any(s[k] >= chosen[k] for k in OUTPUTS) for s in writer_out_scores(rows)]
    both = [a or scan(e.text).flag for e, a in zip(rows, alone, strict=True)]
    return {"model alone": figures(rows, alone), "rules + model": figures(rows, both)}


def cross_validation(model: Model) -> HeldOut:
    """Return out-of-fold model-alone figures over all training rows, against the model's thresholds."""
    rows = training_examples()
    oof = out_of_fold_scores(rows)
    flagged = [any(s[k] >= model.thresholds[k] for k in OUTPUTS) for s in oof]  # "any" names a kind too
    return figures(rows, flagged)


def check_figures(model: Model) -> dict[str, HeldOut]:
    """Return rules alone and rules + model on the check set (never trained on; used to choose, so not blind)."""
    from .detector import scan
    from .second_opinion import scan_text

    rows = read_examples(CORPUS_DIR / CHECK_FILE)
    return {"rules alone": figures(rows, [scan(e.text).flag for e in rows]),
            "rules + model": figures(rows, [scan_text(e.text, model=model).flag for e in rows])}


def report() -> str:
    """Return both sets of figures as Markdown tables."""
    from .model import shipped_model

    head = "| | " + " | ".join(SHIPPED_KINDS) + " | false alarms |\n|---" * 1 + "|---" * (len(SHIPPED_KINDS) + 1) + "|"
    lines = []
    for name in (HELD_OUT, *ALSO_HELD_OUT):
        lines += [f"Author held-out: trained without {name}, measured on it", "", head]
        lines += [fig.line(label) for label, fig in held_out_figures(name).items()]
        lines.append("")
    lines += ["Leave one writer out (each file scored by a model trained on the others)", "", head]
    lines += [fig.line(label) for label, fig in writer_figures().items()]
    lines += ["", "5-fold cross-validation over all training rows (model alone, out of fold)", "", head]
    lines.append(cross_validation(shipped_model()).line("model alone"))
    lines += ["", f"Check set {CHECK_FILE} (chose the settings: not blind)", "", head]
    lines += [fig.line(label) for label, fig in check_figures(shipped_model()).items()]
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    """`--writers [MODEL.json]`: only the leave-one-writer-out table (one training run per file), at the
    thresholds of the shipped model or of the named model file (an older version, to compare)."""
    if "--writers" in argv:
        rest = argv[argv.index("--writers") + 1 :]
        cuts = None
        if rest:
            kinds = json.loads(Path(rest[0]).read_text(encoding="utf-8"))["kinds"]
            cuts = {k: float(kinds[k]["threshold"]) for k in OUTPUTS}
        head = "| | " + " | ".join(SHIPPED_KINDS) + " | false alarms |\n" + "|---" * (len(SHIPPED_KINDS) + 2) + "|"
        print(f"Leave one writer out over {len(TRAINING_FILES)} files\n\n{head}")
        print("\n".join(fig.line(label) for label, fig in writer_figures(cuts=cuts).items()))
        return 0
    print(report())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
