"""Turn what a person typed into one plain canonical form, and remember where each piece came from.

People write the same words in many ways: curly or straight quotes, capitals, accents, full-width
letters, zero-width characters, stretched letters ("diiiie"), contractions ("don't", "dont") and
text-speak ("u", "wanna", "rn"). The risk patterns are written once, against a canonical form:

* every character folded with Unicode NFKC and casefold, accents and other combining marks removed;
* curly quotes made straight, dashes and hyphens made spaces, invisible format characters dropped,
  control characters made spaces;
* contractions and text-speak expanded word by word from the pattern file's lexicon
  ("don't" -> "do not", "wanna" -> "want to"); other apostrophes dropped ("mum's" -> "mums");
* runs of white space made one space (a line break stays a line break, it ends a sentence).

Stretched letters are handled by producing one or two *views* of the text: runs of three or more
of the same letter are cut to one letter in the first view and to two in the second ("diiiie" ->
"die", "kiiiill" -> "kill"). English spells no word with three of a letter in a row, so one of
the two views holds the intended word.

Every character of the canonical text keeps the span of original characters it came from, so a
match can be shown to staff in the words the person actually wrote. Each step is one pass over the
text, so the whole job is linear in the length of the input.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

# Characters mapped before anything else (applied after NFKC + casefold + accent removal).
_FOLD_TABLE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "`": "'",
        "\uff07": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "-": " ",
        "\u2010": " ",
        "\u2011": " ",
        "\u2012": " ",
        "\u2013": " ",
        "\u2014": " ",
        "\u2015": " ",
        "\u2212": " ",
        "_": " ",
        "\u00a0": " ",
        "\u0131": "i",
        "\u0142": "l",
        "\u00f8": "o",
        "\u0111": "d",
        "\u0127": "h",
        "\t": " ",
        "\r": " ",
        "\f": " ",
        "\v": " ",
    }
)

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")

_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("n't", " not"),
    ("'ll", " will"),
    ("'re", " are"),
    ("'ve", " have"),
    ("'m", " am"),
    ("'d", " would"),
)


@lru_cache(maxsize=16384)
def fold_char(ch: str) -> str:
    """Return the canonical form of one character (may be empty or several characters)."""
    if ch == "\n":
        return "\n"
    category = unicodedata.category(ch)
    if category == "Cf":
        return ""
    if category in ("Zl", "Zp"):
        return "\n"
    if category in ("Cc", "Cs", "Co"):
        return " "
    folded = unicodedata.normalize("NFKC", ch).casefold()
    folded = unicodedata.normalize("NFKD", folded)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = folded.translate(_FOLD_TABLE)
    if folded.isspace():
        return "\n" if "\n" in folded else " "
    return folded


@dataclass(frozen=True)
class NormalisedText:
    """Canonical text plus, for each of its characters, the original span it came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Return the original (start, end) covering canonical characters start..end-1."""
        if not self.text or end <= start:
            return (0, 0)
        return (self.starts[start], self.ends[end - 1])


class _Buffer:
    """Characters with their original spans, built up one stage at a time."""

    __slots__ = ("chars", "starts", "ends")

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, ch: str, start: int, end: int) -> None:
        self.chars.append(ch)
        self.starts.append(start)
        self.ends.append(end)


@dataclass(frozen=True)
class Normaliser:
    """Produce canonical views of text using a pattern file's lexicon."""

    expansions: Mapping[str, str]
    is_after: frozenset[str]

    def views(self, text: str) -> list[NormalisedText]:
        """Return one canonical view, or two when the text has stretched letters."""
        folded = self._fold(text)
        if not _has_long_run(folded.chars):
            return [self._finish(folded)]
        return [self._finish(_collapse_runs(folded, keep=1)), self._finish(_collapse_runs(folded, keep=2))]

    def normalise(self, text: str) -> NormalisedText:
        """Return the first canonical view (stretched letters cut to one)."""
        return self.views(text)[0]

    def _fold(self, text: str) -> _Buffer:
        buf = _Buffer()
        for index, ch in enumerate(text):
            for piece in fold_char(ch):
                buf.add(piece, index, index + 1)
        return buf

    def _finish(self, buf: _Buffer) -> NormalisedText:
        expanded = self._expand(buf)
        return _squeeze_space(expanded)

    def _expand(self, buf: _Buffer) -> _Buffer:
        text = "".join(buf.chars)
        out = _Buffer()
        pos = 0
        for match in _TOKEN.finditer(text):
            _copy_without_apostrophes(buf, out, pos, match.start())
            token = match.group()
            replacement = self._expand_token(token)
            if replacement is None:
                _copy_without_apostrophes(buf, out, match.start(), match.end())
            else:
                start, end = buf.starts[match.start()], buf.ends[match.end() - 1]
                for ch in replacement:
                    out.add(ch, start, end)
            pos = match.end()
        _copy_without_apostrophes(buf, out, pos, len(text))
        return out

    def _expand_token(self, token: str) -> str | None:
        """Return the expansion of one token, or None when it stays as it is."""
        found = self.expansions.get(token)
        if found is not None:
            return found
        if "'" not in token:
            return None
        for suffix, replacement in _SUFFIXES:
            if token.endswith(suffix) and len(token) > len(suffix):
                stem = token[: -len(suffix)].replace("'", "")
                return self.expansions.get(stem, stem) + replacement
        if token.endswith("'s") and len(token) > 2:
            stem = token[:-2].replace("'", "")
            if stem in self.is_after:
                return self.expansions.get(stem, stem) + " is"
            return stem + "s"
        bare = token.replace("'", "")
        return self.expansions.get(bare, bare)


def _copy_without_apostrophes(src: _Buffer, out: _Buffer, start: int, end: int) -> None:
    chars, starts, ends = src.chars, src.starts, src.ends
    for i in range(start, end):
        if chars[i] != "'":
            out.add(chars[i], starts[i], ends[i])


def _has_long_run(chars: list[str]) -> bool:
    run = 1
    for i in range(1, len(chars)):
        if chars[i] == chars[i - 1] and chars[i].isalpha():
            run += 1
            if run >= 3:
                return True
        else:
            run = 1
    return False


def _collapse_runs(buf: _Buffer, keep: int) -> _Buffer:
    out = _Buffer()
    chars, starts, ends = buf.chars, buf.starts, buf.ends
    n = len(chars)
    i = 0
    while i < n:
        ch = chars[i]
        j = i + 1
        while j < n and chars[j] == ch:
            j += 1
        if j - i >= 3 and ch.isalpha():
            for _ in range(keep):
                out.add(ch, starts[i], ends[j - 1])
        else:
            for k in range(i, j):
                out.add(ch, starts[k], ends[k])
        i = j
    return out


def _squeeze_space(buf: _Buffer) -> NormalisedText:
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pending: str | None = None
    pending_span = (0, 0)
    for ch, start, end in zip(buf.chars, buf.starts, buf.ends, strict=True):
        if ch == " " or ch == "\n":
            if pending is None:
                pending, pending_span = ch, (start, end)
            elif ch == "\n":
                pending = "\n"
            continue
        if pending is not None and chars:
            chars.append(pending)
            starts.append(pending_span[0])
            ends.append(pending_span[1])
        pending = None
        chars.append(ch)
        starts.append(start)
        ends.append(end)
    return NormalisedText("".join(chars), tuple(starts), tuple(ends))
