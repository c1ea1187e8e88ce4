"""A small word-pattern language for the analyser, compiled from data and matched in linear time.

Pattern authors write phrases over normalised words instead of regular expressions:

    "i feel|felt @feeling"      words with alternatives and named word lists
    "you ...3 again"            a gap of 0 to 3 tokens (never across a comma)
    "so? @insult"               an optional step; "listen~" matches any word starting "listen"
    "~sahau~"                   any word containing "sahau" (for languages that build words
                                from parts, like Swahili: "ulinisahau", "umesahau")
    "*"                         any one word; "," a comma

Every phrase has a bounded number of ways to match at one position (checked when loading),
so scanning a sentence costs at most a fixed amount per token: no input can make the
analyser slow, unlike a hand-written regular expression that may backtrack without end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .tokens import COMMA, Sentence, Token

MAX_GAP = 6
MAX_STEPS = 14
MAX_BRANCHES = 512  # upper bound on paths tried from one start position


class PhraseError(ValueError):
    """A phrase is not valid in the pattern language."""


@dataclass(frozen=True, slots=True)
class Step:
    """One position in a phrase: a word test, or a gap of up to `gap` tokens."""

    words: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    infixes: tuple[str, ...] = ()
    any_word: bool = False
    comma: bool = False
    optional: bool = False
    gap: int = -1  # >= 0 for a gap step

    def accepts(self, norm: str) -> bool:
        """Return True if this word step matches the token `norm`."""
        if norm == COMMA:
            return self.comma
        if self.any_word or norm in self.words:
            return True
        return any(norm.startswith(p) for p in self.prefixes) or any(p in norm for p in self.infixes)


@dataclass(frozen=True, slots=True)
class Phrase:
    """A compiled phrase, or a sentence-edge marker ("^" clause start, "$" clause end)."""

    source: str
    steps: tuple[Step, ...] = ()
    edge: str = ""
    first_words: frozenset[str] | None = None  # words a match must start with; None: any token
    required: tuple[frozenset[str], ...] = ()  # for each required word step, the words it accepts

    def possible_in(self, words: Mapping[str, object]) -> bool:
        """Return False when a required step has none of its words among `words`."""
        return all(not need.isdisjoint(words) for need in self.required)

    @property
    def fixed_length(self) -> bool:
        """Return True when the phrase always covers the same number of tokens."""
        return all(not s.optional and s.gap < 0 for s in self.steps)


def compile_phrase(source: str, classes: Mapping[str, frozenset[str]]) -> Phrase:
    """Compile one phrase; raise PhraseError with a plain reason if it is not valid."""
    if not isinstance(source, str) or not source.strip():
        raise PhraseError("a phrase must be non-empty text")
    text = source.strip()
    if text in ("^", "$"):
        return Phrase(source=text, edge=text)
    steps: list[Step] = []
    for raw in text.split():
        if raw.startswith("...") and raw[3:].isdigit():
            size = int(raw[3:])
            if not 1 <= size <= MAX_GAP:
                raise PhraseError(f"gap {raw!r} must be between ...1 and ...{MAX_GAP}")
            steps.append(Step(gap=size))
            continue
        optional = raw.endswith("?") and len(raw) > 1
        body = raw[:-1] if optional else raw
        words: set[str] = set()
        prefixes: list[str] = []
        infixes: list[str] = []
        any_word = comma = False
        for alt in body.split("|"):
            if alt == "*":
                any_word = True
            elif alt == ",":
                comma = True
            elif alt.startswith("@"):
                if alt[1:] not in classes:
                    raise PhraseError(f"unknown word list {alt!r}")
                words |= classes[alt[1:]]
            elif alt.startswith("~") and alt.endswith("~") and len(alt) > 3 and alt[1:-1].isalpha():
                infixes.append(alt[1:-1])
            elif alt.endswith("~") and len(alt) > 1 and alt[:-1].isalpha():
                prefixes.append(alt[:-1])
            elif alt and alt.isalnum() and alt == alt.lower():
                words.add(alt)
            else:
                raise PhraseError(
                    f"{alt!r} is not a plain lower-case word (write contractions out: \"i am\", \"do not\")"
                )
        steps.append(Step(frozenset(words), tuple(prefixes), tuple(infixes), any_word, comma, optional))
    if len(steps) > MAX_STEPS:
        raise PhraseError(f"a phrase may have at most {MAX_STEPS} steps")
    if steps[0].gap >= 0 or steps[-1].gap >= 0:
        raise PhraseError("a phrase cannot start or end with a gap")
    if all(s.optional or s.gap >= 0 for s in steps):
        raise PhraseError("a phrase needs at least one step that is not optional")
    branches = 1
    for s in steps:
        branches *= (s.gap + 1) if s.gap >= 0 else (2 if s.optional else 1)
    if branches > MAX_BRANCHES:
        raise PhraseError(f"too many ways to match ({branches}); use fewer optional steps or smaller gaps")
    first = steps[0]
    starts = None if (first.optional or first.any_word or first.prefixes or first.infixes or first.comma) \
        else first.words
    required = tuple(s.words for s in steps
                     if s.gap < 0 and not (s.optional or s.any_word or s.prefixes or s.infixes or s.comma))
    return Phrase(source=text, steps=tuple(steps), first_words=starts, required=required)


def match_at(phrase: Phrase, tokens: Sequence[Token], start: int, limit: int) -> int:
    """Return the end of a match of `phrase` at `start`, or -1.

    Optional words are taken when the rest still matches; gaps are kept as short as possible.
    """
    steps = phrase.steps
    n_steps = len(steps)

    def walk(si: int, ti: int) -> int:
        if si == n_steps:
            return ti
        step = steps[si]
        if step.gap >= 0:
            for skip in range(step.gap + 1):
                j = ti + skip
                if j > limit:
                    break
                if skip and tokens[j - 1].norm == COMMA:
                    break
                end = walk(si + 1, j)
                if end >= 0:
                    return end
            return -1
        if ti < limit and step.accepts(tokens[ti].norm):
            end = walk(si + 1, ti + 1)
            if end >= 0 or not step.optional:
                return end
        if step.optional:
            return walk(si + 1, ti)
        return -1

    return walk(0, start)


def ends_at(phrase: Phrase, tokens: Sequence[Token], end: int) -> bool:
    """Return True if the fixed-length `phrase` matches the tokens just before index `end`."""
    if phrase.edge == "^":
        return end == 0 or tokens[end - 1].norm == COMMA
    if phrase.edge == "$":
        return False
    start = end - len(phrase.steps)
    return start >= 0 and match_at(phrase, tokens, start, end) == end


def starts_at(phrase: Phrase, tokens: Sequence[Token], start: int) -> bool:
    """Return True if `phrase` matches starting at index `start`."""
    if phrase.edge == "$":
        return start >= len(tokens) or tokens[start].norm == COMMA
    if phrase.edge == "^":
        return False
    return match_at(phrase, tokens, start, len(tokens)) >= 0


class SentenceIndex:
    """Per-sentence lookups shared by all rules: where each word is, and cached phrase tests."""

    def __init__(self, sentence: Sentence):
        self.sentence = sentence
        self.tokens = sentence.tokens
        self.positions: dict[str, list[int]] = {}
        for i, tok in enumerate(self.tokens):
            self.positions.setdefault(tok.norm, []).append(i)
        self._contains: dict[str, bool] = {}

    def candidates(self, phrase: Phrase) -> list[int]:
        """Return the positions where `phrase` could start, in order."""
        first = phrase.first_words
        if first is None:
            return list(range(len(self.tokens)))
        found: list[int] = []
        if len(first) < len(self.positions):
            for word in first:
                found.extend(self.positions.get(word, ()))
        else:
            for word, where in self.positions.items():
                if word in first:
                    found.extend(where)
        found.sort()
        return found

    def contains(self, phrase: Phrase) -> bool:
        """Return True if `phrase` occurs anywhere in the sentence (cached per phrase)."""
        key = phrase.source
        if key not in self._contains:
            n = len(self.tokens)
            self._contains[key] = phrase.possible_in(self.positions) and any(
                match_at(phrase, self.tokens, i, n) >= 0 for i in self.candidates(phrase))
        return self._contains[key]


@dataclass(frozen=True)
class Rule:
    """A phrase plus the context it needs; one of several ways a pattern can be found."""

    match: Phrase
    question: bool | None = None
    before: tuple[Phrase, ...] = ()
    not_before: tuple[Phrase, ...] = ()
    after: tuple[Phrase, ...] = ()
    not_after: tuple[Phrase, ...] = ()
    sentence_has: tuple[Phrase, ...] = ()
    sentence_lacks: tuple[Phrase, ...] = ()

    def find(self, index: SentenceIndex) -> list[tuple[int, int]]:
        """Return (first, last + 1) token ranges where this rule matches in the sentence."""
        sentence = index.sentence
        if self.question is not None and sentence.is_question != self.question:
            return []
        if not self.match.possible_in(index.positions):
            return []
        if self.sentence_has and not any(index.contains(p) for p in self.sentence_has):
            return []
        if any(index.contains(p) for p in self.sentence_lacks):
            return []
        tokens = index.tokens
        n = len(tokens)
        hits: list[tuple[int, int]] = []
        last_end = -1
        for start in index.candidates(self.match):
            if start < last_end:
                continue
            end = match_at(self.match, tokens, start, n)
            if end <= start:
                continue
            if self.before and not any(ends_at(p, tokens, start) for p in self.before):
                continue
            if any(ends_at(p, tokens, start) for p in self.not_before):
                continue
            if self.after and not any(starts_at(p, tokens, end) for p in self.after):
                continue
            if any(starts_at(p, tokens, end) for p in self.not_after):
                continue
            hits.append((start, end))
            last_end = end
        return hits
