"""The shape of the analyser's pattern file, declared once with the content toolkit's pydantic models.

These models check keys, types, families, word lists and that each rule has a ``match``. The
phrases themselves are compiled by ``loader`` afterwards, because a phrase may name a word list
(``@feeling``) given elsewhere in the file; so are pattern ids used twice and ``suppressed_by``.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator

from openipt.core.content import ContentModel, Flag, Stripped, Text, filled, matches, one_of, says

FAMILIES = ("helpful", "hurtful")
_ID = r"[a-z][a-z0-9_]*"


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _as_rule(value: Any) -> Any:
    return {"match": value} if isinstance(value, str) else value


#: a phrase in the pattern language, or a list of them (compiled by the loader)
Phrases = Annotated[tuple[Any, ...], BeforeValidator(_as_list), says("must be a phrase or a list of phrases")]
Word = Annotated[Text, matches(r"[a-z0-9]+", "{value!r} must be one lower-case word without apostrophes")]


class RuleSpec(ContentModel):
    match: Any
    question: Flag | None = None
    before: Phrases = ()
    not_before: Phrases = ()
    after: Phrases = ()
    not_after: Phrases = ()
    sentence_has: Phrases = ()
    sentence_lacks: Phrases = ()


class PatternSpec(ContentModel):
    id: Annotated[Text, matches(_ID, "pattern id {value!r} must be lower-case letters, digits and _")]
    family: Annotated[Any, one_of(FAMILIES, f"{{value!r}} must be one of {', '.join(FAMILIES)}")]
    label: Stripped
    feedback: Stripped
    suggestion: Stripped
    suppressed_by: Annotated[tuple[Text, ...], says("must be a list of pattern ids")] = ()
    rules: Annotated[tuple[Annotated[RuleSpec, BeforeValidator(_as_rule)], ...], filled("must be a non-empty list")]


class MessagesSpec(ContentModel):
    """The fixed sentences of the overall feedback (see feedback.Messages), for a file not in English."""

    empty: Stripped
    not_read: Stripped
    nothing_found: Stripped
    request_tip: Stripped
    feeling_tip: Stripped
    held: Stripped
    more: Stripped
    part_read: Stripped
    truncated: Stripped
    what_works: Stripped
    change_one: Stripped
    change_many: Stripped


class PatternFileSpec(ContentModel):
    version: Annotated[Any, one_of((1,), "must be 1")]
    language: Annotated[Text, matches(r"[a-z]{2,3}", "{value!r} must be a language code such as en, es or sw")] = "en"
    question_words: Annotated[tuple[Word, ...], says("must be a list of words")] = ()
    messages: MessagesSpec | None = None
    words: dict[
        Annotated[Text, matches(_ID, "word list name {value!r} must be lower-case letters, digits and _")],
        Annotated[tuple[Word, ...], filled("must be a non-empty list")],
    ] | None = None
    hold: Phrases = ()
    patterns: Annotated[tuple[PatternSpec, ...], filled("must be a non-empty list")]
