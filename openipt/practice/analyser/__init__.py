"""OpenIPT's communication analyser: find what helps and what hurts in a message.

Public API: `analyse(text) -> Analysis`, the `Analysis` and `Finding` results, and the
loaders for pattern files (`load_patterns`, `parse_patterns_text`) with their `DataError`.
Pure Python with no Django import, so it runs anywhere and is tested without settings.
"""

from .engine import MAX_CHARS, Analysis, Finding, analyse, default_patterns
from .loader import FAMILIES, Pattern, PatternSet, load_patterns, parse_patterns_text
from .yamlsource import DataError

__all__ = [
    "FAMILIES", "MAX_CHARS", "Analysis", "DataError", "Finding", "Pattern", "PatternSet",
    "analyse", "default_patterns", "load_patterns", "parse_patterns_text",
]
