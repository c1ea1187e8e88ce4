"""Split a message into sentences of normalised word tokens that remember where they came from.

Patterns are written over plain lower-case words ("i am", "do not"), so English contractions
are expanded ("I'm" gives "i" + "am", "don't" gives "do" + "not"); in other languages
accents are folded away ("qué" gives "que", "señal" gives "senal"), because people often
type without them, and apostrophes are dropped ("ng'ombe" gives "ngombe"). Every token keeps
the span of the word it came from in the original text, so a finding can point at exactly
what the person wrote. One pass with a simple regular expression: time grows in step with
the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

COMMA = ","

# A word is a run of letters or digits, with inner apostrophes ("don't", "o'clock").
# Clause marks become a comma token; sentence marks end a sentence.
_TOKEN_RE = re.compile(r"[^\W_]+(?:['’‘`][^\W_]+)*|[.!?;…\n]|[,:—–()\"“”]")
_SENTENCE_END = frozenset(".!?;…\n")

_NOT_FORMS = {"can't": ("can", "not"), "won't": ("will", "not"), "shan't": ("shall", "not"),
              "ain't": ("is", "not")}
_SUFFIXES = {"'re": "are", "'m": "am", "'ve": "have", "'ll": "will", "'d": "would"}
_S_IS = frozenset({"it", "that", "what", "there", "here", "who", "how", "where", "he", "she",
                   "this", "everything", "nothing", "everyone", "nobody", "something", "when", "why"})
# Common forms typed without the apostrophe. Words that are also real words
# ("well", "were", "its", "ill", "wont", "lets", "id") are left alone.
_BARE = {
    "dont": ("do", "not"), "doesnt": ("does", "not"), "didnt": ("did", "not"),
    "cant": ("can", "not"), "couldnt": ("could", "not"), "wouldnt": ("would", "not"),
    "shouldnt": ("should", "not"), "isnt": ("is", "not"), "arent": ("are", "not"),
    "wasnt": ("was", "not"), "werent": ("were", "not"), "havent": ("have", "not"),
    "hasnt": ("has", "not"), "im": ("i", "am"), "youre": ("you", "are"), "ive": ("i", "have"),
    "youve": ("you", "have"), "thats": ("that", "is"), "whats": ("what", "is"),
    "theyre": ("they", "are"), "youll": ("you", "will"), "itll": ("it", "will"),
    # texting shorthand
    "u": ("you",), "ya": ("you",), "ur": ("you", "are"), "pls": ("please",), "plz": ("please",),
    "thx": ("thanks",), "cos": ("because",), "cuz": ("because",), "coz": ("because",),
    "whatevs": ("whatever",), "whatevr": ("whatever",), "wanna": ("want", "to"), "gonna": ("going", "to"),
}


@dataclass(frozen=True, slots=True)
class Token:
    """One normalised word (or a comma) and the span of the text it came from."""

    norm: str
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        """Return True for a word, False for a clause mark."""
        return self.norm != COMMA


@dataclass(frozen=True, slots=True)
class Sentence:
    """The tokens of one sentence and whether it reads as a question."""

    tokens: tuple[Token, ...]
    is_question: bool


_QUESTION_STARTS = frozenset({"what", "how", "why", "who", "where", "when", "which", "do", "does",
                              "did", "can", "could", "would", "will", "are", "is", "have", "shall"})


def fold(word: str) -> str:
    """Return `word` lower-cased with its accents removed ("Qué" gives "que", "Ñandú" gives "nandu")."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.replace("’", "").replace("‘", "").replace("`", "").replace("'", "")


def expand(word: str) -> tuple[str, ...]:
    """Return the normalised words for one written word ("Don't" gives ("do", "not"))."""
    w = word.lower().replace("’", "'").replace("‘", "'").replace("`", "'")
    if "'" not in w:
        return _BARE.get(w, (w,))
    if w in _NOT_FORMS:
        return _NOT_FORMS[w]
    if w.endswith("n't"):
        return (w[:-3], "not")
    for suffix, full in _SUFFIXES.items():
        if w.endswith(suffix) and len(w) > len(suffix):
            return (w[: -len(suffix)], full)
    if w.endswith("'s") and len(w) > 2:
        base = w[:-2]
        if base == "let":
            return ("let", "us")
        return (base, "is") if base in _S_IS else (base,)
    return (w.replace("'", ""),)


def sentences(text: str, language: str = "en", question_starts: Collection[str] | None = None) -> list[Sentence]:
    """Split `text` into sentences of tokens; spans index into `text`.

    English words are expanded (`expand`); words of any other language are folded (`fold`).
    A sentence with no end mark is a question when its first word is in `question_starts`
    (English question words by default).
    """
    english = language == "en"
    starts = _QUESTION_STARTS if question_starts is None else question_starts
    out: list[Sentence] = []
    current: list[Token] = []
    for match in _TOKEN_RE.finditer(text):
        piece = match.group()
        start, end = match.span()
        if piece in _SENTENCE_END:
            if current:
                out.append(Sentence(tuple(current), piece == "?"))
                current = []
            elif piece == "?" and out and not out[-1].is_question:
                # "?!" or "!?" after the words: the sentence was a question.
                out[-1] = Sentence(out[-1].tokens, True)
            continue
        if not piece[0].isalnum():
            if current and current[-1].is_word:
                current.append(Token(COMMA, start, end))
            continue
        for norm in (expand(piece) if english else (fold(piece),)):
            current.append(Token(norm, start, end))
    if current:
        first = next((t.norm for t in current if t.is_word), "")
        out.append(Sentence(tuple(current), first in starts))
    return out
