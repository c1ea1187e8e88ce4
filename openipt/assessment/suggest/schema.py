"""The shape of the suggestion rules and formulation templates, declared with the content toolkit.

These pydantic models check keys, types, bounds, allowed values and the {placeholders} each
sentence may use. What links values together (a rule's group, duplicate ids, an area no rule
scores, a test that fits the intake question) is checked by ``rules`` and ``formulation``.

Every field type is written out as a type (``Annotated`` with its checks), so mypy reads these
models as pydantic does.
"""


import string
from collections.abc import Collection
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Discriminator, Field, Tag
from pydantic_core import PydanticCustomError

from openipt.core.content import ContentModel, Flag, Number, Text, Whole, filled, one_of, says

from .case import EVENT_KINDS, INTAKE_QUESTIONS, MATCH, MOOD_EFFECTS, RINGS

AREAS = ("grief", "role_dispute", "role_transition", "interpersonal_deficits")
STAGES = ("renegotiation", "impasse", "dissolution")
RING_KEYS = RINGS + ("unlinked",)


def _fail(message: str) -> PydanticCustomError:
    return PydanticCustomError("content", message)


def _non_blank(value: str) -> str:
    if not value.strip():
        raise _fail("must be non-empty text")
    return value


def _placeholders(*allowed: str) -> AfterValidator:
    """The check that every {placeholder} in a sentence is among `allowed`."""

    def check(text: str) -> str:
        try:
            fields = [f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f is not None]
        except ValueError as exc:
            raise _fail(f"bad placeholder syntax ({exc})") from None
        for name in fields:
            if name not in allowed:
                raise _fail(f"unknown placeholder {{{name}}}; allowed: "
                            f"{', '.join('{' + a + '}' for a in sorted(allowed)) or 'none'}")
        return text

    return AfterValidator(check)


def _choice(options: Collection[str]) -> Any:
    return one_of(options, f"{{value!r}} is not one of {', '.join(options)}")


def _all_keys(keys: Collection[str]) -> AfterValidator:
    def check(mapping: dict[str, Any]) -> dict[str, Any]:
        for key in keys:
            if key not in mapping:
                raise _fail(f"missing key {key!r}")
        return mapping

    return AfterValidator(check)


NonBlank = Annotated[Text, says("must be non-empty text"), AfterValidator(_non_blank)]
# A sentence of a rule or template: non-empty text whose {placeholders} are among those named, as in
# Annotated[NonBlank, _placeholders("who", "what")]. One with no placeholder at all:
Sentence = Annotated[NonBlank, _placeholders()]
Factor = Annotated[Number, Field(ge=0, le=10)]
Weight = Annotated[Number, Field(ge=0.01, le=100)]
Months = Annotated[Number, Field(ge=-1200, le=1200)] | None


def _window_shape(value: Any) -> Any:
    if not isinstance(value, list):
        raise _fail("must be a list")
    if len(value) != 2:
        raise _fail("must be [from, to] in months (null for open)")
    return value


def _window_order(window: tuple[float | None, float | None]) -> tuple[float | None, float | None]:
    lo, hi = window
    if lo is not None and hi is not None and lo > hi:
        raise _fail("from must not be after to")
    return window


Window = Annotated[tuple[Months, Months], BeforeValidator(_window_shape), AfterValidator(_window_order)]
# A non-empty mapping from some of the rings to a factor from 0 to 10.
RingFactor = Annotated[dict[Annotated[Text, one_of(RING_KEYS, "unknown key")], Factor], filled("must not be empty")]
# A non-empty mapping from every mood effect, or every date precision, to a factor from 0 to 10.
MoodFactor = Annotated[dict[Annotated[Text, one_of(MOOD_EFFECTS, "unknown key")], Factor],
                       _all_keys(MOOD_EFFECTS), filled("must not be empty")]
PRECISIONS = ("year", "month", "day")
PrecisionFactor = Annotated[dict[Annotated[Text, one_of(PRECISIONS, "unknown key")], Factor],
                            _all_keys(PRECISIONS), filled("must not be empty")]
# Non-empty lists of values from a fixed set.
EventKinds = Annotated[tuple[Annotated[Any, _choice(EVENT_KINDS)], ...], Field(min_length=1)]
Matches = Annotated[tuple[Annotated[Any, _choice(MATCH)], ...], Field(min_length=1)]
Rings = Annotated[tuple[Annotated[Any, _choice(RINGS)], ...], Field(min_length=1)]
Stages = Annotated[tuple[Annotated[Any, _choice(STAGES)], ...], Field(min_length=1)]


class _Rule(ContentModel):
    id: NonBlank
    area: Annotated[Any, _choice(AREAS)]
    weight: Weight
    group: NonBlank | None = None


class EventInWindow(_Rule):
    kind: Literal["event_in_window"]
    says: Annotated[NonBlank, _placeholders("who", "what", "when", "timing")]
    event_kinds: EventKinds
    window: Window
    focus: Annotated[Any, _choice(("person", "event", "none"))]
    ring_factor: RingFactor | None = None


class LossReminder(_Rule):
    kind: Literal["loss_reminder"]
    says: Annotated[NonBlank, _placeholders("who", "what", "when", "timing", "loss_when")]
    window: Window
    ring_factor: RingFactor


class PersonConflict(_Rule):
    kind: Literal["person_conflict"]
    says: Annotated[NonBlank, _placeholders("who", "topic", "effect")]
    ring_factor: RingFactor


class DisputeAfterDeath(_Rule):
    kind: Literal["dispute_after_death"]
    says: Annotated[NonBlank, _placeholders("who", "what", "gap", "dead", "loss_when")]
    window: Window
    ring_factor: RingFactor


class ExpectationsMismatch(_Rule):
    kind: Literal["expectations_mismatch"]
    says: Annotated[NonBlank, _placeholders("who", "client_expects", "other_expects", "match")]
    match: Matches
    ring_factor: RingFactor


class IntakeAnswer(_Rule):
    kind: Literal["intake_answer"]
    says: Annotated[NonBlank, _placeholders("question", "answer")]
    question: Annotated[Any, _choice(tuple(INTAKE_QUESTIONS))]
    equals: Any = None  # judged against the question by ``rules``
    at_most: Annotated[Number, Field(ge=0)] | None = None
    at_least: Annotated[Number, Field(ge=0)] | None = None


class RingCount(_Rule):
    kind: Literal["ring_count"]
    says: Annotated[NonBlank, _placeholders("count", "rings")]
    rings: Rings
    at_most: Annotated[Number, Field(ge=0)]


class InventorySize(_Rule):
    kind: Literal["inventory_size"]
    says: Annotated[NonBlank, _placeholders("count")]
    at_most: Annotated[Number, Field(ge=0)]


class UnsatisfyingShare(_Rule):
    kind: Literal["unsatisfying_share"]
    says: Annotated[NonBlank, _placeholders("count", "total")]
    min_people: Annotated[Whole, Field(ge=1), says("must be a whole number of at least 1")]
    min_share: Annotated[Number, Field(ge=0, le=1)]


RuleSpec = Annotated[
    EventInWindow | LossReminder | PersonConflict | DisputeAfterDeath | ExpectationsMismatch | IntakeAnswer
    | RingCount | InventorySize | UnsatisfyingShare,
    Field(discriminator="kind"),
]


class AreaSpec(ContentModel):
    name: NonBlank
    threshold: Annotated[Number, Field(ge=0.01)]
    medium: Number  # at least the threshold, and high at least medium: checked by ``rules``
    high: Number
    needs_focus: Flag = False
    last_resort: Flag = False


class Areas(ContentModel):
    """One entry for each of the four areas (AREAS)."""

    grief: AreaSpec
    role_dispute: AreaSpec
    role_transition: AreaSpec
    interpersonal_deficits: AreaSpec


def _each_stage_once(order: tuple[str, ...]) -> tuple[str, ...]:
    if sorted(order) != sorted(STAGES):
        raise _fail(f"must list each of {', '.join(STAGES)} once")
    return order


class StageSignalSpec(ContentModel):
    stage: Annotated[Any, _choice(STAGES)]
    field: Annotated[Any, _choice(("talking", "hope", "ending"))]
    values: Annotated[tuple[Any, ...], Field(min_length=1)]  # judged against the field by ``rules``
    weight: Weight
    says: Annotated[NonBlank, _placeholders("who", "topic", "value")]


class StageCueSpec(ContentModel):
    stage: Annotated[Any, _choice(STAGES)]
    words: Annotated[tuple[NonBlank, ...], Field(min_length=1)]
    weight: Weight
    says: Annotated[NonBlank, _placeholders("who", "word", "where")]


class StageSpec(ContentModel):
    default: Annotated[Any, _choice(STAGES)]
    default_says: Annotated[NonBlank, _placeholders("who")]
    tie_order: Annotated[Stages, AfterValidator(_each_stage_once)]
    signals: Annotated[tuple[StageSignalSpec, ...], Field(min_length=1)]
    cues: tuple[StageCueSpec, ...]


class RulesFile(ContentModel):
    version: Annotated[Any, one_of((1,), "must be 1")]
    areas: Areas
    mood_effect_factor: MoodFactor
    date_precision_factor: PrecisionFactor
    ambiguity_margin: Annotated[Number, Field(ge=0)]
    secondary_min_ratio: Annotated[Number, Field(ge=0, le=1)]
    rules: Annotated[tuple[RuleSpec, ...], Field(min_length=1)]
    dispute_stage: StageSpec


# -- formulation templates ---------------------------------------------------------------------

CLIENT_FIELDS = ("symptoms_sentence", "sick_role", "person", "people", "event", "onset", "onset_alone")
STAFF_FIELDS = ("person", "people", "event", "event_when", "onset", "symptoms", "stage")


def _one_or_many(value: Any) -> str:
    return "many" if isinstance(value, list | tuple) else "one"


# A part of a formulation is one sentence or a non-empty list of alternatives; a template is a
# non-empty list of parts. The client's sentences may use CLIENT_FIELDS, the staff's STAFF_FIELDS.
ClientSentence = Annotated[NonBlank, _placeholders(*CLIENT_FIELDS)]
ClientParts = Annotated[tuple[Annotated[
    Annotated[ClientSentence, Tag("one")] | Annotated[tuple[ClientSentence, ...], Field(min_length=1), Tag("many")],
    Discriminator(_one_or_many),
], ...], Field(min_length=1)]
StaffSentence = Annotated[NonBlank, _placeholders(*STAFF_FIELDS)]
StaffParts = Annotated[tuple[Annotated[
    Annotated[StaffSentence, Tag("one")] | Annotated[tuple[StaffSentence, ...], Field(min_length=1), Tag("many")],
    Discriminator(_one_or_many),
], ...], Field(min_length=1)]


class ClientTemplatesDispute(ContentModel):
    """A role dispute's client template for each stage (STAGES)."""

    renegotiation: ClientParts
    impasse: ClientParts
    dissolution: ClientParts


class ClientTemplates(ContentModel):
    """The client's template for each area (AREAS)."""

    grief: ClientParts
    role_dispute: ClientTemplatesDispute
    role_transition: ClientParts
    interpersonal_deficits: ClientParts


class StaffTemplatesDispute(ContentModel):
    """A role dispute's staff template for each stage (STAGES)."""

    renegotiation: StaffParts
    impasse: StaffParts
    dissolution: StaffParts


class StaffTemplates(ContentModel):
    """The staff's template for each area (AREAS)."""

    grief: StaffParts
    role_dispute: StaffTemplatesDispute
    role_transition: StaffParts
    interpersonal_deficits: StaffParts


class Bands(ContentModel):
    minimal: Sentence
    mild: Sentence
    moderate: Sentence
    moderately_severe: Sentence
    severe: Sentence


class Symptoms(ContentModel):
    bands: Bands
    band_sentence: Annotated[NonBlank, _placeholders("band")]
    free_text_sentence: Annotated[NonBlank, _placeholders("symptoms")]
    sick_role: Sentence


class TemplateFile(ContentModel):
    language: NonBlank
    symptoms: Symptoms
    closing: Sentence
    client: ClientTemplates
    staff: StaffTemplates
