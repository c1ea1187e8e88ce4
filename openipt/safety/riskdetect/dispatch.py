"""Try each rule only where its first word starts: the same matches, found faster.

Running every rule's regular expression over the whole text tries every rule at every word. Most
rules can only start with a few words ("kill", "i", "my"...). This index reads each compiled
pattern once, lists the words (or the start of the words) a match can begin with, and at scan
time tries a rule only at the words that fit. A rule whose first word cannot be listed (it may
start with any word, or with punctuation) is run over the whole text as before.

The result is exactly what `rule.regex.finditer(text)` gives for every rule: the same spans, in
the same order per rule (tests/safety/test_riskdetect_dispatch.py checks this on every corpus).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from .patternset import Rule

_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_WORD_START = re.compile(r"(?<![a-z0-9])[a-z0-9]{1,3}")
_KEY = 3  # rules are indexed by the first three letters of the word they start with
_LIMIT = 4000  # give up listing first words beyond this many
_SMALL_SET = 12  # a character class this small is listed letter by letter


class _Unlisted(Exception):
    """The first words of a pattern cannot be listed."""


def first_words(pattern: str) -> set[tuple[str, bool]]:
    """Return (word, exact) pairs: every match starts with a word equal to, or starting with, one.

    Raise _Unlisted when no such list can be made (a match may start with any word or a sign).
    """
    found: set[tuple[str, bool]] = set()

    def end_word(prefix: str, exact: bool) -> None:
        if not prefix:
            raise _Unlisted
        found.add((prefix, exact))
        if len(found) > _LIMIT:
            raise _Unlisted

    def walk(stack: tuple[tuple[Sequence[Any], int], ...], prefix: str) -> None:
        if not stack:
            end_word(prefix, True)
            return
        items, i = stack[-1]
        if i >= len(items):
            walk(stack[:-1], prefix)
            return
        after = stack[:-1] + ((items, i + 1),)
        op, av = items[i]
        if op is sre.LITERAL:
            _char(chr(av), after, prefix)
        elif op is sre.IN:
            chars = _small_class(av)
            if chars is None:
                end_word(prefix, False)
            for ch in chars or ():
                _char(ch, after, prefix)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            walk(after, prefix)  # zero width: it can only rule matches out
        elif op is sre.SUBPATTERN:
            walk(after + ((av[-1], 0),), prefix)
        elif op is sre.BRANCH:
            for alternative in av[1]:
                walk(after + ((alternative, 0),), prefix)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, high, body = av
            if high > 2:
                if low == 0:
                    walk(after, prefix)
                end_word(prefix, False)
                return
            for count in range(low, high + 1):
                walk(after + ((body, 0),) * count, prefix)
        else:
            end_word(prefix, False)  # any other sign: the word so far is only a beginning

    def _char(ch: str, after: tuple[tuple[Sequence[Any], int], ...], prefix: str) -> None:
        if ch in _WORD_CHARS:
            walk(after, prefix + ch)
        else:
            end_word(prefix, True)

    walk(((sre_parse.parse(pattern), 0),), "")
    return found


def _small_class(av: list[Any]) -> list[str] | None:
    chars: list[str] = []
    for op, arg in av:
        if op is sre.LITERAL:
            chars.append(chr(arg))
        elif op is sre.RANGE and arg[1] - arg[0] < _SMALL_SET:
            chars.extend(chr(c) for c in range(arg[0], arg[1] + 1))
        else:
            return None
    return chars if len(chars) <= _SMALL_SET else None


class RuleIndex:
    """The rules of a pattern set, indexed by the words they can start with."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self.everywhere: list[Rule] = []
        self.by_key: dict[str, list[int]] = {}
        self.by_short_prefix: dict[str, list[int]] = {}
        for number, rule in enumerate(self.rules):
            try:
                words = first_words(rule.regex.pattern)
            except (_Unlisted, RecursionError):
                self.everywhere.append(rule)
                continue
            for word, exact in words:
                if exact or len(word) >= _KEY:
                    self.by_key.setdefault(word[:_KEY], []).append(number)
                else:
                    self.by_short_prefix.setdefault(word, []).append(number)
        self._candidates: dict[str, tuple[Rule, ...]] = {}

    def candidates(self, key: str) -> tuple[Rule, ...]:
        """Return the rules that may start at a word beginning with key (its first three letters)."""
        found = self._candidates.get(key)
        if found is None:
            numbers = set(self.by_key.get(key, ()))
            for size in range(1, len(key) + 1):
                numbers.update(self.by_short_prefix.get(key[:size], ()))
            found = tuple(self.rules[n] for n in sorted(numbers))
            self._candidates[key] = found
        return found

    def finditer(self, text: str) -> Iterator[tuple[Rule, re.Match[str]]]:
        """Yield (rule, match) for every match of every rule, as each rule's finditer would."""
        for rule in self.everywhere:
            for match in rule.regex.finditer(text):
                yield rule, match
        resume: dict[str, int] = {}
        for word in _WORD_START.finditer(text):
            start = word.start()
            for rule in self.candidates(word.group()):
                if resume.get(rule.id, 0) > start:
                    continue
                at_word = rule.regex.match(text, start)
                if at_word is not None:
                    resume[rule.id] = max(at_word.end(), start + 1)
                    yield rule, at_word
