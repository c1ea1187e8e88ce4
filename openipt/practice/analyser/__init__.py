"""OpenIPT's communication analyser: find what helps and what hurts in a message.

Public API: `analyse(text, language=...) -> Analysis`, the `Analysis` and `Finding` results,
the loaders for pattern files (`load_patterns`, `parse_patterns_text`, `patterns_for` a
language, `languages` shipped) with their `DataError`, and `NOT_AVAILABLE`, the feedback for
a language with no pattern file.
Pure Python with no Django import, so it runs anywhere and is tested without settings.
"""

from .engine import MAX_CHARS, Analysis, Finding, analyse, default_patterns, language_code, patterns_for
from .feedback import NOT_AVAILABLE
from .loader import FAMILIES, Pattern, PatternSet, languages, load_patterns, parse_patterns_text
from .yamlsource import DataError

__all__ = [
    "FAMILIES", "MAX_CHARS", "NOT_AVAILABLE", "Analysis", "DataError", "Finding", "Pattern", "PatternSet",
    "analyse", "default_patterns", "language_code", "languages", "load_patterns", "parse_patterns_text",
    "patterns_for",
]
