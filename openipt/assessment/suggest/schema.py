"""The shape of the suggestion rules and formulation templates, declared with the content toolkit.

These pydantic models check keys, types, bounds, allowed values and the {placeholders} each
sentence may use. What links values together (a rule's group, duplicate ids, an area no rule
scores, a test that fits the intake question) is checked by ``rules`` and ``formulation``.
"""


import string
from collections.abc import Collection
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Discriminator, Field, Tag, create_model
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


def _placeholders(allowed: Collection[str]) -> AfterValidator:
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


def Template(*allowed: str) -> Any:  # noqa: N802 - reads as a type in the models below
    """Non-empty text whose {placeholders} are all among `allowed`."""
    return Annotated[Text, says("must be non-empty text"), AfterValidator(_non_blank), _placeholders(set(allowed))]


def Choices(options: Collection[str]) -> Any:  # noqa: N802
    """A non-empty list of values from `options`."""
    return Annotated[tuple[Annotated[Any, _choice(options)], ...], Field(min_length=1)]


def Factors(keys: Collection[str], *, all_required: bool) -> Any:  # noqa: N802
    """A non-empty mapping from some (or all) of `keys` to a factor from 0 to 10."""
    checks = (_all_keys(keys),) if all_required else ()
    return Annotated[dict[Annotated[Text, one_of(keys, "unknown key")], Annotated[Number, Field(ge=0, le=10)]],
                     *checks, filled("must not be empty")]


NonBlank = Annotated[Text, says("must be non-empty text"), AfterValidator(_non_blank)]
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
RingFactor = Factors(RING_KEYS, all_required=False)


class _Rule(ContentModel):
    id: NonBlank
    area: Annotated[Any, _choice(AREAS)]
    weight: Weight
    group: NonBlank | None = None


class EventInWindow(_Rule):
    kind: Literal["event_in_window"]
    says: Template("who", "what", "when", "timing")
    event_kinds: Choices(EVENT_KINDS)
    window: Window
    focus: Annotated[Any, _choice(("person", "event", "none"))]
    ring_factor: RingFactor | None = None


class LossReminder(_Rule):
    kind: Literal["loss_reminder"]
    says: Template("who", "what", "when", "timing", "loss_when")
    window: Window
    ring_factor: RingFactor


class PersonConflict(_Rule):
    kind: Literal["person_conflict"]
    says: Template("who", "topic", "effect")
    ring_factor: RingFactor


class DisputeAfterDeath(_Rule):
    kind: Literal["dispute_after_death"]
    says: Template("who", "what", "gap", "dead", "loss_when")
    window: Window
    ring_factor: RingFactor


class ExpectationsMismatch(_Rule):
    kind: Literal["expectations_mismatch"]
    says: Template("who", "client_expects", "other_expects", "match")
    match: Choices(MATCH)
    ring_factor: RingFactor


class IntakeAnswer(_Rule):
    kind: Literal["intake_answer"]
    says: Template("question", "answer")
    question: Annotated[Any, _choice(tuple(INTAKE_QUESTIONS))]
    equals: Any = None  # judged against the question by ``rules``
    at_most: Annotated[Number, Field(ge=0)] | None = None
    at_least: Annotated[Number, Field(ge=0)] | None = None


class RingCount(_Rule):
    kind: Literal["ring_count"]
    says: Template("count", "rings")
    rings: Choices(RINGS)
    at_most: Annotated[Number, Field(ge=0)]


class InventorySize(_Rule):
    kind: Literal["inventory_size"]
    says: Template("count")
    at_most: Annotated[Number, Field(ge=0)]


class UnsatisfyingShare(_Rule):
    kind: Literal["unsatisfying_share"]
    says: Template("count", "total")
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


Areas = create_model("Areas", __base__=ContentModel, **{area: (AreaSpec, ...) for area in AREAS})


def _each_stage_once(order: tuple[str, ...]) -> tuple[str, ...]:
    if sorted(order) != sorted(STAGES):
        raise _fail(f"must list each of {', '.join(STAGES)} once")
    return order


class StageSignalSpec(ContentModel):
    stage: Annotated[Any, _choice(STAGES)]
    field: Annotated[Any, _choice(("talking", "hope", "ending"))]
    values: Annotated[tuple[Any, ...], Field(min_length=1)]  # judged against the field by ``rules``
    weight: Weight
    says: Template("who", "topic", "value")


class StageCueSpec(ContentModel):
    stage: Annotated[Any, _choice(STAGES)]
    words: Annotated[tuple[NonBlank, ...], Field(min_length=1)]
    weight: Weight
    says: Template("who", "word", "where")


class StageSpec(ContentModel):
    default: Annotated[Any, _choice(STAGES)]
    default_says: Template("who")
    tie_order: Annotated[Choices(STAGES), AfterValidator(_each_stage_once)]
    signals: Annotated[tuple[StageSignalSpec, ...], Field(min_length=1)]
    cues: tuple[StageCueSpec, ...]


class RulesFile(ContentModel):
    version: Annotated[Any, one_of((1,), "must be 1")]
    areas: Areas
    mood_effect_factor: Factors(MOOD_EFFECTS, all_required=True)
    date_precision_factor: Factors(("year", "month", "day"), all_required=True)
    ambiguity_margin: Annotated[Number, Field(ge=0)]
    secondary_min_ratio: Annotated[Number, Field(ge=0, le=1)]
    rules: Annotated[tuple[RuleSpec, ...], Field(min_length=1)]
    dispute_stage: StageSpec


# -- formulation templates ---------------------------------------------------------------------

CLIENT_FIELDS = ("symptoms_sentence", "sick_role", "person", "people", "event", "onset", "onset_alone")
STAFF_FIELDS = ("person", "people", "event", "event_when", "onset", "symptoms", "stage")


def Parts(*allowed: str) -> Any:  # noqa: N802
    """A non-empty list of parts; a part is one sentence or a non-empty list of alternatives."""
    sentence = Template(*allowed)
    part = Annotated[
        Annotated[sentence, Tag("one")] | Annotated[tuple[sentence, ...], Field(min_length=1), Tag("many")],
        Discriminator(lambda value: "many" if isinstance(value, list | tuple) else "one"),
    ]
    return Annotated[tuple[part, ...], Field(min_length=1)]


def _by_area(name: str, *allowed: str) -> type[ContentModel]:
    parts = Parts(*allowed)
    dispute = create_model(f"{name}Dispute", __base__=ContentModel, **{stage: (parts, ...) for stage in STAGES})
    fields = {area: (dispute if area == "role_dispute" else parts, ...) for area in AREAS}
    return create_model(name, __base__=ContentModel, **fields)


class Bands(ContentModel):
    minimal: Template()
    mild: Template()
    moderate: Template()
    moderately_severe: Template()
    severe: Template()


class Symptoms(ContentModel):
    bands: Bands
    band_sentence: Template("band")
    free_text_sentence: Template("symptoms")
    sick_role: Template()


class TemplateFile(ContentModel):
    language: NonBlank
    symptoms: Symptoms
    closing: Template()
    client: _by_area("ClientTemplates", *CLIENT_FIELDS)
    staff: _by_area("StaffTemplates", *STAFF_FIELDS)
