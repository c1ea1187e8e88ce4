"""Word models for the pattern languages other than English (Spanish ``es`` and Swahili ``sw``).

The same method as the English model (model.py): the detector's canonical text for the language
(its own pattern file's lexicon expands text-speak, accents are already folded: "daño" -> "dano"),
cut into words, each word trimmed in a way that suits the language, plus every pair of
neighbouring words; per kind of risk a one-vs-rest logistic regression, and one more output,
``any``, trained on every risk sentence. No English stemming rules are applied here:

* Spanish: a clitic pronoun joined to an infinitive or gerund is cut off ("matarme" -> "matar",
  "haciendome" -> "haciendo"), and a plural "s" after a vowel ("pastillas" -> "pastilla").
* Swahili: words are kept whole (prefixes carry person and tense, so "nitajiua" stays), and a
  long word also gives its last four letters as one more feature ("~jiua"), so "nitajiua",
  "alijiua" and "kujiua" share something.

Its flags are medium at most, name the kind and the words that weighed most, and say that a
person should read the text (second_opinion.scan_text asks it for text read with es or sw
patterns). Pure Python, no network; the weights are versioned JSON files beside model.py's,
written by train_lang_model.py. Unvalidated: no native speaker has reviewed the training text.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from .detector import ScanResult
from .model import _WORD, Model, model_from_dict
from .second_opinion import Opinion, SecondOpinion, model_guesses

LANGUAGES = ("es", "sw")
MODEL_DIR = Path(__file__).with_name("modeldata")
# Small words that say little alone: kept only inside word pairs ("me pega", "no puedo").
FUNCTION_WORDS = {
    "es": frozenset(
        "a al de del el la los las lo le les un una unos unas y o e u que en con por para es son era fue ser "
        "estar esta estoy me te se mi mis tu tus su sus yo ya no si mas muy pero como eso esto este esa ese "
        "hay ha he han".split()
    ),
    "sw": frozenset(
        "na ya wa za la cha vya kwa katika ni si kama lakini au pia hii huu hiyo hicho ile yule huyu mimi wewe "
        "yeye sisi nyinyi wao tu sana basi ndio hapana kwamba ili je bado tena".split()
    ),
}
_ES_CLITIC = re.compile(
    r"(?:ar|er|ir|ando|iendo)(me|te|se|lo|la|le|los|las|les|nos|mela|melas|melo|selo|sela)$"
)


def model_file(language: str) -> Path:
    """Return the path of a language's model file (modeldata/risk_model.<language>.json)."""
    return MODEL_DIR / f"risk_model.{language}.json"


def trim(word: str, language: str) -> str:
    """Return the form of a word the model counts (see the module docstring)."""
    if language == "es":
        found = _ES_CLITIC.search(word)
        if found and len(word) - len(found.group(1)) >= 4:
            return word[: -len(found.group(1))]
        if len(word) >= 5 and word.endswith("s") and word[-2] in "aeiou":
            return word[:-1]
    return word


def features(text: str, language: str) -> dict[str, str]:
    """Return {trimmed word, word pair or ending: the canonical words it was read from} for a text."""
    from .detector import default_patterns

    found: dict[str, str] = {}
    if not isinstance(text, str):
        return found
    small = FUNCTION_WORDS.get(language, frozenset())
    for view in default_patterns(language).normaliser.views(text):
        for line in view.text.split("\n"):
            words = _WORD.findall(line)
            forms = [trim(w, language) for w in words]
            for i, f in enumerate(forms):
                if f not in small:
                    found.setdefault(f, words[i])
                if language == "sw" and len(f) >= 6:
                    found.setdefault(f"~{f[-4:]}", words[i])
                if i:
                    found.setdefault(f"{forms[i - 1]} {f}", f"{words[i - 1]} {words[i]}")
    return found


LanguageModel = Model  # one class for every language's word model (model.py); kept as a name for readers


def language_model_from_dict(data: dict[str, Any]) -> Model:
    """Build a language's Model from the JSON layout train_lang_model.py writes (its features: `features`)."""
    return model_from_dict(data, read=partial(features, language=str(data["language"])))


@lru_cache(maxsize=4)
def shipped_language_model(language: str) -> Model | None:
    """Return the shipped model for a language, read once; None when no model ships for it."""
    path = model_file(language)
    if language not in LANGUAGES or not path.exists():
        return None
    return language_model_from_dict(json.loads(path.read_text(encoding="utf-8")))


def gettext_noop(text: str) -> str:
    """Mark `text` for translation (the extractor reads this name); it is translated where it is shown."""
    return text


LANGUAGE_NAMES = {"es": gettext_noop("Spanish"), "sw": gettext_noop("Swahili")}
REASON = gettext_noop(
    "A statistical guess, not a rule: in %(language)s text, words like %(words)s often appear in sentences "
    "about %(kind)s. A person should read the text and decide."
)


def language_opinion(language: str, model: Model | None = None) -> SecondOpinion | None:
    """Return the second opinion of a language's word model, or None when no model ships for it.

    The same one-way rules as the English model (second_opinion.model_guesses): a medium flag per
    kind the patterns left unflagged; a kind the patterns flagged at medium or above, or flagged
    low because they read the words as negated, reported, hypothetical or past, is left as it is.
    """
    chosen = model if model is not None else shipped_language_model(language)
    if chosen is None:
        return None

    def opinion(text: str, result: ScanResult) -> tuple[Opinion, ...]:
        return tuple(
            Opinion(
                flag=True,
                severity="medium",
                kind=guess.kind,
                rule_id=f"model.{chosen.language}:{guess.kind}",
                language=chosen.language,
                evidence=", ".join(guess.evidence),
                reason=REASON
                % {
                    "language": LANGUAGE_NAMES.get(chosen.language, chosen.language),
                    "words": ", ".join(repr(w) for w in guess.evidence),
                    "kind": guess.kind.replace("_", " "),
                },
            )
            for guess in model_guesses(chosen, text, result)
        )

    return opinion
