"""Held-out and check-set figures for the word model, measured without the blind set (kinds_blind4.tsv).

    python -m openipt.safety.riskdetect.model_report

1. Author held-out: train (and set thresholds) on every training file except one, then measure
   that file. kinds_dev2.tsv was written separately by another hand; kinds_train3.tsv was written
   for the model and no rule was ever written from it, so it is the fairest "unseen phrasing"
   figure for the rules too; kinds_blind.tsv is also shown. Reported for the rules alone, the
   model alone and rules + model (a flag from either counts). The rules were tuned on kinds_dev2,
   so "rules alone" there is not a held-out figure; the model's is.
2. 5-fold cross-validation over all training rows: out-of-fold model scores against the shipped
   thresholds (the thresholds were set from these same scores, so this is slightly optimistic).
3. The check set, kinds_blind3.tsv (the blind file before kinds_blind4.tsv): rules alone and rules +
   the shipped model. It was used to choose model 1.4.0's settings, so it is not a blind figure.
"""

from __future__ import annotations

from dataclasses import dataclass

from .kinds import SHIPPED_KINDS
from .model import Model, model_from_dict
from .train_model import (
    CHECK_FILE,
    CORPUS_DIR,
    OUTPUTS,
    TRAINING_FILES,
    Example,
    build,
    out_of_fold_scores,
    read_examples,
    training_examples,
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


def held_out_figures(held_out: str = HELD_OUT) -> dict[str, HeldOut]:
    """Return rules alone, model alone and rules + model on a file, the model trained without it."""
    from .detector import scan
    from .second_opinion import scan_text

    model = model_from_dict(build([f for f in TRAINING_FILES if f != held_out]))
    rows = read_examples(CORPUS_DIR / held_out)
    rules = [scan(e.text).flag for e in rows]
    alone = [any(g.flagged for g in model.guess(e.text)) for e in rows]
    both = [scan_text(e.text, model=model).flag for e in rows]
    return {"rules alone": figures(rows, rules), "model alone": figures(rows, alone), "rules + model": figures(rows, both)}


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
    lines += ["5-fold cross-validation over all training rows (model alone, out of fold)", "", head]
    lines.append(cross_validation(shipped_model()).line("model alone"))
    lines += ["", f"Check set {CHECK_FILE} (chose the settings: not blind)", "", head]
    lines += [fig.line(label) for label, fig in check_figures(shipped_model()).items()]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
