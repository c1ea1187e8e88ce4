"""A small word-based classifier that gives the risk patterns a statistical second opinion.

The patterns only catch phrasing someone wrote a rule for. This model reads the same canonical
text (see normalise.py), cuts each word to a rough stem ("hurting" -> "hurt"), and looks at single
words (leaving out small function words such as "would") and pairs of neighbouring words. For each kind of risk it adds up the learned weight of every word and
pair present (a one-vs-rest logistic regression) and flags the kind when the score passes that
kind's threshold.

It is a guess learned from about five thousand example sentences, not a clinical judgement, so
its flags are medium at most and say plainly that a person should check them. The weights live
in a versioned JSON file shipped beside this module (written by train_model.py), loaded once.
Pure Python, no network: the same text always gives the same answer.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL_FILE = Path(__file__).with_name("modeldata") / "risk_model.en.json"
_WORD = re.compile(r"[a-z0-9]+")
ANY = "any"  # the output trained on every kind of risk against the false friends
_MAX_CHARS = 20000  # a longer text is read in pieces of this size (see Model.outputs)
# Small words that say little on their own: kept only inside word pairs ("hurt me", "i cannot").
_FUNCTION_WORDS = frozenset(
    "i me my you your he she it we they a an the and or but to of in on at for with is am are was were be been "
    "do does did have has had would could should will can what when that this so just not no".split()
)


def stem(word: str) -> str:
    """Return a rough stem: strip -ing, -ed, -s, keeping at least three letters."""
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def features(text: str) -> dict[str, str]:
    """Return {stemmed word or word pair: the canonical words it was read from} for a text."""
    from .detector import default_patterns

    found: dict[str, str] = {}
    if not isinstance(text, str):
        return found
    for view in default_patterns("en").normaliser.views(text):
        for line in view.text.split("\n"):
            words = _WORD.findall(line)
            stems = [stem(w) for w in words]
            for i, s in enumerate(stems):
                if s not in _FUNCTION_WORDS:
                    found.setdefault(s, words[i])
                if i:
                    found.setdefault(f"{stems[i - 1]} {s}", f"{words[i - 1]} {words[i]}")
    return found


@dataclass(frozen=True)
class KindGuess:
    """The model's view of one kind of risk in one text."""

    kind: str
    score: float
    flagged: bool
    evidence: tuple[str, ...]  # the words that weighed most, as the canonical text has them


FeatureReader = Callable[[str], dict[str, str]]


@dataclass(frozen=True)
class Model:
    """Weights and thresholds per kind of risk, as read from a shipped file.

    The English model and the Spanish and Swahili ones (lang_model.py) are all this class: they
    differ only in how a text is cut into features (`read`), never in how the features are scored.
    """

    version: str
    bias: dict[str, float]
    weights: dict[str, dict[str, float]]
    thresholds: dict[str, float]
    language: str = "en"
    read: FeatureReader = field(default=features, compare=False, repr=False)

    def outputs(self, text: str, top: int = 3) -> dict[str, KindGuess]:
        """Return every output's guess (each kind, and ``any``), judged on its own threshold."""
        feats: dict[str, str] = {}
        text = text if isinstance(text, str) else ""
        for start in range(0, max(len(text), 1), _MAX_CHARS):
            feats = {**self.read(text[start : start + _MAX_CHARS]), **feats}
        ordered = sorted(feats)
        guesses = {kind: self._guess(kind, ordered, top) for kind in self.weights}
        return {k: replace(g, evidence=tuple(feats[f] for f in g.evidence)) for k, g in guesses.items()}

    def guess(self, text: str, top: int = 3) -> list[KindGuess]:
        """Return one guess per kind; when only ``any`` passes, the highest-scoring kind is flagged."""
        guesses = self.outputs(text, top)
        risk = guesses.pop(ANY, None)
        kinds = list(guesses.values())
        if risk is not None and risk.flagged and kinds and not any(g.flagged for g in kinds):
            best = max(kinds, key=lambda g: g.score)
            kinds[kinds.index(best)] = KindGuess(best.kind, best.score, True, best.evidence or risk.evidence)
        return kinds

    def _guess(self, kind: str, ordered: list[str], top: int) -> KindGuess:
        weights = self.weights[kind]
        present = [(weights[f], f) for f in ordered if f in weights]
        score = _sigmoid(self.bias[kind] + sum(w for w, _ in present))
        best = sorted((p for p in present if p[0] > 0), key=lambda p: (-p[0], p[1]))[:top]
        return KindGuess(kind, score, score >= self.thresholds[kind], tuple(f for _, f in best))


def _sigmoid(x: float) -> float:
    if x < -60:
        return 0.0
    return 1.0 / (1.0 + math.exp(-x))


def model_from_dict(data: dict[str, Any], read: FeatureReader | None = None) -> Model:
    """Build a Model from the JSON layout train_model.py (and train_lang_model.py) writes.

    `read` cuts a text into features; by default the English model's (features).
    """
    kinds = data["kinds"]
    return Model(
        version=str(data["version"]),
        bias={k: float(kinds[k]["bias"]) for k in kinds},
        weights={k: {f: float(w) for f, w in kinds[k]["weights"].items()} for k in kinds},
        thresholds={k: float(kinds[k]["threshold"]) for k in kinds},
        language=str(data.get("language", "en")),
        read=read if read is not None else features,
    )


@lru_cache(maxsize=1)
def shipped_model() -> Model:
    """Return the shipped model, read from its file once."""
    return model_from_dict(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
