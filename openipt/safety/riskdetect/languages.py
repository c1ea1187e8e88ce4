"""Which pattern sets read a text, and whether the detector can read the writer's language at all.

The rule (docs/clinical-safety/risk-detector.md, "Spanish and Swahili"):

* English patterns ALWAYS read every text (people switch to English, and staff write in it);
* the patterns of the writer's language read it too, when a pattern set ships for that language;
* so do the patterns of any other shipped language whose marker words (the ``markers`` list of
  its pattern file: everyday words common in that language and rare in others) appear in the
  text, because people mix languages. One marker word is enough: reading a text with one more
  pattern set costs a fraction of a millisecond and can only add flags.

Every flag names the language of the rule that matched (``Match.language``; rule ids in a
non-English file also start with the language code, e.g. ``es.suicidal.want_to_die``).

The writer's language decides only which sets are *added*; it never decides that a text is safe.
When the writer's language has no pattern set (Luganda, Arabic, Somali...), ``can_read`` is
False and the caller raises a "read this" item for a person when nothing was flagged (see
``openipt.safety.rules.evaluate``). Nothing here guesses a language from a few words to decide
that a text needs no reading.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .detector import ScanResult, default_patterns, highest
from .patternset import available_languages
from .second_opinion import scan_text

BASE_LANGUAGE = "en"
_WORD = re.compile(r"[^\W\d_]+")


def language_code(code: str | None) -> str:
    """Return the base code of a language tag: "es-MX" -> "es", " SW " -> "sw", None -> ""."""
    if not isinstance(code, str):
        return ""
    return code.strip().lower().replace("_", "-").split("-", 1)[0]


@lru_cache(maxsize=1)
def shipped_languages() -> tuple[str, ...]:
    """Return the codes of the languages with a shipped pattern file ("en" first)."""
    found = available_languages()
    return (BASE_LANGUAGE, *[code for code in found if code != BASE_LANGUAGE])


def can_read(language: str | None) -> bool:
    """Return True when the detector has patterns for this language (an empty code means English)."""
    code = language_code(language)
    return code == "" or code in shipped_languages()


def reads_in_part(language: str | None) -> bool:
    """Return True when the writer's language has patterns whose blind figures are too low to trust.

    A pattern file says ``coverage: partial`` when, on text its rules were not written from, it
    misses much of what people write (Spanish and Swahili in 0.6.0 flagged 21-57 % of blind risk
    sentences per kind). A text in such a language that nothing flagged still goes to a person.
    """
    code = language_code(language)
    if not code or code == BASE_LANGUAGE or code not in shipped_languages():
        return False
    return default_patterns(code).coverage == "partial"


def _fold_words(text: str) -> set[str]:
    """The words of a text in canonical form (lower case, accents removed), for marker look-ups."""
    from .normalise import fold_char

    folded = "".join(fold_char(ch) for ch in text)
    return set(_WORD.findall(folded))


def languages_for(text: str, writer_language: str | None = None) -> tuple[str, ...]:
    """Return the pattern languages that read `text`: English, the writer's, and any whose markers appear."""
    chosen = [BASE_LANGUAGE]
    writer = language_code(writer_language)
    if writer in shipped_languages() and writer not in chosen:
        chosen.append(writer)
    others = [code for code in shipped_languages() if code not in chosen]
    if others and isinstance(text, str) and text:
        words = _fold_words(text)
        for code in others:
            if words & default_patterns(code).markers:
                chosen.append(code)
    return tuple(chosen)


def scan_languages(text: str, writer_language: str | None = None) -> ScanResult:
    """Scan text with every pattern set `languages_for` chooses, and merge the results into one.

    Each pattern set is scanned with its language's word model as a second opinion (scan_text):
    English with model.py's, Spanish and Swahili with lang_model.py's.
    """
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", errors="replace")
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    codes = languages_for(text, writer_language)
    results = [scan_text(text, default_patterns(code)) for code in codes]
    if len(results) == 1:
        return results[0]
    matches = tuple(sorted((m for r in results for m in r.matches), key=lambda m: (m.start, -m.end, m.rule_id)))
    return ScanResult(
        flag=bool(matches),
        severity=highest([m.severity for m in matches]),
        matches=matches,
        version="; ".join(f"{r.language} {r.version}" for r in results),
        language="+".join(codes),
        set_aside=tuple(s for r in results for s in r.set_aside),
        notes=tuple(n for r in results for n in r.notes),
    )
