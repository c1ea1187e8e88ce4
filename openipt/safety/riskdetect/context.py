"""Judge the words around a match: negated, about someone else, hypothetical, or in the past.

The same words mean different things in different sentences. "I want to die" is one thing;
"I don't want to die", "my friend said she wanted to die", "if I ever want to die I'll ring my
sister" and "years ago I wanted to die" are others. None of these is ignored: each is marked with
a modifier, and the pattern file says how far a modifier lowers the severity.

All look-ups use a fixed number of words either side of the match, so the work per match is
bounded and a scan stays linear in the length of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from .normalise import NormalisedText
from .patternset import Context, PatternSet, Rule

_TOKEN = re.compile(r"\w+|\n|[^\w\s]")
_SENTENCE_ENDS = frozenset({".", "!", "?", ";", "\n"})
_WINDOW = 25  # words either side of a match that count as "the same sentence"
_WRITER = frozenset({"i", "me", "my", "myself", "mine"})  # inside a match, these mean the writer


@dataclass(frozen=True)
class Finding:
    """Modifiers of one match and, when it should be set aside, the reason."""

    modifiers: tuple[str, ...]
    set_aside: str | None


class TextContext:
    """Tokens of one canonical view, with quick look-ups around any span."""

    def __init__(self, view: NormalisedText, patterns: PatternSet) -> None:
        self.view = view
        self.patterns = patterns
        self.ctx: Context = patterns.context
        words: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for match in _TOKEN.finditer(view.text):
            words.append(match.group())
            starts.append(match.start())
            ends.append(match.end())
        self.words = words
        self.starts = starts
        self.ends = ends
        self.idioms = self._find_idioms()
        self.longest_idiom = max((end - start for start, _, end, _ in self.idioms), default=0)
        self.idiom_starts = [start for start, _, _, _ in self.idioms]

    # -- idioms ------------------------------------------------------------------------------
    def _find_idioms(self) -> list[tuple[int, int, int, str]]:
        found = []
        for idiom in self.patterns.idioms:
            for match in idiom.regex.finditer(self.view.text):
                found.append((match.start(), 0, match.end(), idiom.id))
        found.sort()
        return found

    def idiom_over(self, start: int, end: int) -> str | None:
        """Return the id of an idiom overlapping start..end, if any."""
        k = bisect_left(self.idiom_starts, end)
        i = k - 1
        while i >= 0 and self.idioms[i][0] >= start - self.longest_idiom:
            if self.idioms[i][2] > start:
                return self.idioms[i][3]
            i -= 1
        return None

    # -- modifiers ---------------------------------------------------------------------------
    def judge(self, rule: Rule, match: re.Match[str]) -> Finding:
        """Return the modifiers of a rule's match and whether to set it aside."""
        start, end = match.start(), match.end()
        idiom = self.idiom_over(start, end)
        if idiom is not None:
            return Finding((), f"idiom:{idiom}")
        first = bisect_left(self.starts, start)
        after = bisect_left(self.starts, end)
        modifiers = []
        if self._cue_before(first, self.ctx.negation_cues, self.ctx.negation_blockers):
            modifiers.append("negated")
        reported = self._reported(rule, match, first, after)
        if reported:
            modifiers.append("reported")
        if self._cue_before(first, self.ctx.hypothetical_cues):
            modifiers.append("hypothetical")
        if self._past(first, after):
            modifiers.append("past")
        if reported or rule.topic:
            sentence = self._sentence_words(first, after)
            if sentence & self.ctx.media_cues:
                return Finding(tuple(modifiers), "media")
            if rule.topic and sentence & self.ctx.topic_context_cues:
                return Finding(tuple(modifiers), "context")
        return Finding(tuple(modifiers), None)

    def _cue_before(
        self, first: int, cues: tuple[tuple[str, ...], ...], blockers: frozenset[str] = frozenset()
    ) -> bool:
        """Return True when a cue stands before token `first` with only filler words between.

        A cue right after a blocker word does not count ("a reason not to end it").
        """
        words = self.words
        transparent = self.ctx.transparent
        j = first - 1
        gap = 0
        while j >= 0 and gap <= self.ctx.max_gap:
            for cue in cues:
                n = len(cue)
                if j - n + 1 >= 0 and tuple(words[j - n + 1 : j + 1]) == cue:
                    before = j - n
                    return not (before >= 0 and words[before] in blockers)
            if words[j] not in transparent:
                return False
            gap += 1
            j -= 1
        return False

    def _reported(self, rule: Rule, match: re.Match[str], first: int, after: int) -> bool:
        """Return True when the match is about someone other than the writer.

        In order: who a person placeholder captured ("myself" or "herself"); then a first-person
        word inside the match ("better off if I was gone"); then the nearest person before the
        match in the same sentence, where nouns like "sister" only count when close.
        """
        people = [match.group(name) for name in rule.who_groups if match.group(name)]
        if people:
            return any(person in self.patterns.third_person_words for person in people)
        ctx = self.ctx
        if any(self.words[k] in _WRITER for k in range(first, after)):
            return False
        j = first - 1
        stop = max(-1, first - 1 - ctx.subject_window)
        nouns_count = True
        while j > stop:
            word = self.words[j]
            if word in _SENTENCE_ENDS or word in ctx.first_person:
                return False
            if word in ctx.third_person:
                return True
            if nouns_count and word in ctx.third_person_nouns and first - j <= ctx.noun_reach:
                return True
            if not (word[0].isalnum() or word[0] == "_"):
                nouns_count = False  # a noun before a comma is not the subject of the match
            j -= 1
        return False

    def _past(self, first: int, after: int) -> bool:
        """Return True when the match's clause speaks of the past and nothing says it is back."""
        breaks = self.ctx.clause_breaks
        lo = first
        while (
            lo > 0
            and first - lo < 15
            and self.words[lo - 1] not in _SENTENCE_ENDS
            and self.words[lo - 1] not in breaks
        ):
            lo -= 1
        hi = after
        while (
            hi < len(self.words)
            and hi - after < 15
            and self.words[hi] not in _SENTENCE_ENDS
            and self.words[hi] not in breaks
        ):
            hi += 1
        if hi <= lo:
            return False
        clause = self.view.text[self.starts[lo] : self.ends[hi - 1]]
        if not self.ctx.past_cues.search(clause):
            return False
        s_lo, s_hi = self._sentence_bounds(first, after)
        sentence = self.view.text[self.starts[s_lo] : self.ends[s_hi - 1]] if s_hi > s_lo else ""
        return not self.ctx.past_cancel.search(sentence)

    def _sentence_bounds(self, first: int, after: int) -> tuple[int, int]:
        lo = first
        while lo > 0 and first - lo < _WINDOW and self.words[lo - 1] not in _SENTENCE_ENDS:
            lo -= 1
        hi = after
        while hi < len(self.words) and hi - after < _WINDOW and self.words[hi] not in _SENTENCE_ENDS:
            hi += 1
        return lo, hi

    def _sentence_words(self, first: int, after: int) -> frozenset[str]:
        lo, hi = self._sentence_bounds(first, after)
        return frozenset(self.words[lo:hi])
