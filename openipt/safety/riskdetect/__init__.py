"""Free-text risk detector: transparent patterns that flag text for a person to read.

Public API:

* ``scan(text) -> ScanResult`` - scan one text with the shipped English patterns.
* ``scan_text(text)`` - what the app uses: ``scan`` plus the built-in word model (model.py) as a
  second opinion that may add a medium flag for phrasing the patterns miss.
* ``scan_with_second_opinion(text, second_opinion=None)`` - the same, plus an optional checker
  that may add a flag but never remove one.
* ``scan_languages(text, writer_language)`` - ``scan_text`` with English, the writer's language
  and any shipped language whose marker words appear; ``can_read(code)`` says whether the
  detector has patterns for a language at all (languages.py).
* ``load_language(code)`` / ``load_pattern_file(path)`` / ``parse_pattern_text(text)`` - load
  and validate a pattern file (errors name the file, line and field).
"""

from .detector import Match, ScanResult, SetAside, default_patterns, scan
from .languages import can_read, language_code, languages_for, scan_languages, shipped_languages
from .patternschema import MODIFIERS, SEVERITIES
from .patternset import (
    SEVERITY_RANK,
    PatternSet,
    available_languages,
    load_language,
    load_pattern_file,
    parse_pattern_text,
)
from .second_opinion import (
    Opinion,
    SecondOpinion,
    add_opinion,
    model_opinion,
    scan_text,
    scan_with_second_opinion,
)
from .yamlsource import DataError

__all__ = [
    "DataError",
    "MODIFIERS",
    "Match",
    "Opinion",
    "PatternSet",
    "SEVERITIES",
    "SEVERITY_RANK",
    "ScanResult",
    "SecondOpinion",
    "SetAside",
    "add_opinion",
    "available_languages",
    "can_read",
    "language_code",
    "languages_for",
    "scan_languages",
    "shipped_languages",
    "default_patterns",
    "load_language",
    "load_pattern_file",
    "model_opinion",
    "parse_pattern_text",
    "scan",
    "scan_text",
    "scan_with_second_opinion",
]
