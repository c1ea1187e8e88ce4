"""The shape of a risk pattern file, declared once with the content toolkit's pydantic models.

These models check types, required keys, allowed values, unknown keys and the regular-expression
dialect of every pattern (see ``patternset``). What links entries together (a rule's family must
be listed, ids must be new, a placeholder a pattern names must exist) is checked by
``patternset`` afterwards.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Discriminator, Field, Tag
from pydantic_core import PydanticCustomError

from openipt.core.content import ContentModel, Flag, Stripped, Text, Whole, filled, matches, one_of, says

SCHEMA = "openipt-riskdetect/1"
SEVERITIES: tuple[str, ...] = ("low", "medium", "high")
MODIFIERS: tuple[str, ...] = ("negated", "reported", "hypothetical", "past")
ID = r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*"
PLACEHOLDER = re.compile(r"<([a-z_]+)>")


def _fail(message: str) -> PydanticCustomError:
    return PydanticCustomError("content", message)


def _word(value: str) -> str:
    if not value.strip():
        raise _fail("every item must be non-empty text")
    if value != value.lower() or "'" in value:
        raise _fail("write words in lower case without apostrophes")
    return value.strip()


def dialect_problem(pattern: str, *, allow_placeholders: bool) -> str | None:
    """Return what breaks the small regular-expression dialect in `pattern`, or None."""
    no_escapes = re.sub(r"\\.", "", pattern)
    bare = re.sub(r"\[[^\]]*\]", "[]", no_escapes)
    if allow_placeholders:
        bare = PLACEHOLDER.sub("", bare)
    problems = [
        (
            "*" in bare or "+" in bare or re.search(r"\{\d*,\}", bare),
            "unbounded repeats (*, + or {n,}) are not allowed; use ? or {0,N}",
        ),
        ("(?<" in bare or "(?P" in bare, "look-behinds and named groups are not allowed"),
        (re.search(r"\(\?[a-zA-Z]", bare), "inline flags are not allowed"),
        (re.search(r"\\[1-9]", pattern), "back-references are not allowed"),
        ("'" in no_escapes, 'normalised text has no apostrophes: write "do not", "i am", "mums"'),
        (re.search(r"[A-Z]", bare), "normalised text is lower case: write patterns in lower case"),
        (not allow_placeholders and PLACEHOLDER.search(bare), "placeholders cannot be used here"),
    ]
    return next((message for failed, message in problems if failed), None)


def _dialect(allow_placeholders: bool) -> AfterValidator:
    def check(value: str) -> str:
        problem = dialect_problem(value, allow_placeholders=allow_placeholders)
        if problem:
            raise _fail(problem)
        return value

    return AfterValidator(check)


Severity = Annotated[Any, one_of(SEVERITIES, f"must be one of {', '.join(SEVERITIES)} (got {{value!r}})")]
Word = Annotated[Text, says("every item must be non-empty text"), AfterValidator(_word)]
Words = Annotated[tuple[Word, ...], filled("must be a non-empty list of text")]
Cue = Annotated[Word, _dialect(allow_placeholders=False)]
PersonWord = Annotated[Word, matches(r"[a-z]+( [a-z]+)*", "{value!r} must be plain lower-case words")]
Id = Annotated[Text, matches(ID, "needs an id like family.short_name (lower case)")]
Alternative = Annotated[Stripped, says("every alternative must be non-empty text"),
                        _dialect(allow_placeholders=True)]
Pattern = Annotated[
    Annotated[Stripped, says("must be a regular expression or a list of them"), _dialect(allow_placeholders=True),
              Tag("one")]
    | Annotated[tuple[Alternative, ...], filled("must be a regular expression or a list of them"), Tag("many")],
    Discriminator(lambda value: "many" if isinstance(value, list | tuple) else "one"),
]


class ModifierCaps(ContentModel):
    negated: Severity
    reported: Severity
    hypothetical: Severity
    past: Severity


class Lexicon(ContentModel):
    expansions: dict[
        Annotated[Text, matches(r"[a-z0-9]+('[a-z0-9]+)*",
                                "keys are single lower-case words (an apostrophe inside is allowed)")],
        Annotated[Text, matches(r"[a-z0-9]+( [a-z0-9]+)*", "must be lower-case words separated by single spaces")],
    ]
    apostrophe_s_is: Words


Reach = Annotated[Whole, Field(ge=0, le=30), says("must be a whole number from 0 to 30")]


class Context(ContentModel):
    max_gap: Reach
    transparent: Words
    negation_cues: Words
    negation_blockers: Words
    hypothetical_cues: Words
    subject_window: Reach
    first_person: Words
    third_person: Words
    third_person_nouns: Words
    noun_reach: Reach
    clause_breaks: Words
    past_cues: Annotated[tuple[Cue, ...], filled("must be a non-empty list of text")]
    past_cancel: Annotated[tuple[Cue, ...], filled("must be a non-empty list of text")]
    media_cues: Words
    topic_context_cues: Words


class Person(ContentModel):
    first: Annotated[tuple[PersonWord, ...], filled("must be a non-empty list of text")]
    third: Annotated[tuple[PersonWord, ...], filled("must be a non-empty list of text")]


class Idiom(ContentModel):
    id: Id
    pattern: Pattern
    note: Stripped


class Rule(ContentModel):
    id: Id
    family: Any  # must be listed under families: checked by patternset
    severity: Severity
    pattern: Pattern
    explanation: Stripped
    topic: Flag = False


class PatternFile(ContentModel):
    schema_: Annotated[Literal["openipt-riskdetect/1"], says(f"must be {SCHEMA!r}")] = Field(alias="schema")
    language: Stripped
    version: Annotated[Stripped, says('must be text such as "1.0.0" (quote it)')]
    description: Text | None = None
    families: Annotated[
        dict[Annotated[Text, matches(ID, "family names are lower_case_with_underscores")],
             Annotated[Stripped, says("needs a short description")]],
        filled("must list at least one family"),
    ]
    modifier_caps: ModifierCaps
    keep_severity: dict[Text, Annotated[tuple[Annotated[Any, one_of(MODIFIERS, "unknown modifier {value!r}")], ...],
                                        filled("must be a non-empty list of text")]] | None = None
    lexicon: Lexicon
    context: Context
    placeholders: dict[
        Annotated[Text, matches(r"[a-z_]+", "placeholder names are lower_case")],
        Annotated[Text, filled(""), says("must be a regular expression"), _dialect(allow_placeholders=False)],
    ] | None = None
    persons: dict[Text, Person]
    idioms: tuple[Idiom, ...]
    rules: Annotated[tuple[Rule, ...], filled("must be a non-empty list")]
    kinds: dict[Annotated[Text, matches(ID, "kind names are lower_case_with_underscores")], Words] | None = None
    # Words common in this language and rare in the others (canonical form, single words): when one
    # appears in a text, this language's patterns read it too, whatever the writer's language.
    markers: Words | None = None
    # "partial" when blind figures show the set misses much of what people write in the language:
    # a text the set did not flag then still goes to a person (openipt.safety.rules.evaluate).
    coverage: Annotated[Literal["full", "partial"], says('must be "full" or "partial"')] = "full"
