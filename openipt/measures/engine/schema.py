"""The shape of an instrument file, declared once with the content toolkit's pydantic models.

These models check keys, types and allowed values. Whether the scoring rules fit the items
(bands without gaps, a safety item that exists, a cut-off inside the possible totals ...) is
checked by ``validate`` afterwards, once the items are known.
"""

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from openipt.core.content import (
    ContentModel,
    Flag,
    Number,
    Stripped,
    Text,
    Whole,
    filled,
    matches,
    one_of,
    says,
)

from .model import DIRECTIONS, KINDS

_ID = r"[a-z][a-z0-9_]{0,39}"

Code = Annotated[Text, matches(_ID, "must be lowercase letters, digits and _ starting with a letter, not {value!r}")]
Id = Annotated[Text, matches(_ID, "must be lowercase letters, digits and _, not {value!r}")]
Loinc = Annotated[Text, matches(r"\d{1,7}-\d", "must look like 44250-9, not {value!r}")]
Words = Annotated[Stripped, says("must be non-empty text (put numbers-like text in quotes)")]
Count = Annotated[Whole, says("must be a whole number, not {value!r}")]


def _label(value: Any) -> str:
    text = str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not text.strip():
        raise PydanticCustomError("content", "must be non-empty text")
    return text.strip()


def _two_or_more(value: Any) -> Any:
    if not isinstance(value, list) or len(value) < 2:
        raise PydanticCustomError("content", "must be a list of at least two {value, label} entries")
    return value


class OptionSpec(ContentModel):
    value: Count
    label: Annotated[Any, AfterValidator(_label)]


Options = Annotated[tuple[OptionSpec, ...], BeforeValidator(_two_or_more)]


class ItemSpec(ContentModel):
    id: Id
    text: Words
    options: Options | None = None
    scored: Flag = True
    reverse: Flag = False
    loinc: Loinc | None = None
    note: Words | None = None


class Licence(ContentModel):
    text: Words
    embeddable: Flag


class Scoring(ContentModel):
    method: Annotated[Any, one_of(("sum",), "must be 'sum', not {value!r}")]
    min: Count | None = None
    max: Count | None = None


class Missing(ContentModel):
    rule: Annotated[Any, one_of(("none_allowed", "prorate"), "must be 'none_allowed' or 'prorate', not {value!r}")]
    max_missing: Count | None = None  # what it may be depends on the rule and the items: see ``validate``
    rounding: Annotated[Any, one_of(("half_up",), "must be 'half_up', not {value!r}")] = "half_up"
    note: Words | None = None


class BandSpec(ContentModel):
    id: Id
    min: Count
    max: Count
    label: Words
    meaning: Words


class SafetySpec(ContentModel):
    item: Any  # must name an item: see ``validate``
    threshold: Count
    note: Words | None = None


class BySex(ContentModel):
    female: Count
    male: Count


class CasenessSpec(ContentModel):
    cutoff: Count | None = None
    by_sex: BySex | None = None
    label: Words
    positive_meaning: Words
    negative_meaning: Words
    source: Words | None = None
    note: Words | None = None


class ReliableChangeSpec(ContentModel):
    method: Annotated[Any, one_of(("threshold", "jacobson_truax"),
                                  "must be 'threshold' or 'jacobson_truax', not {value!r}")]
    threshold: Any = None  # a number above 0 and at most the span of totals: see ``validate``
    sd: Annotated[Number, Field(gt=0), says("must be a number above 0, not {value!r}")] | None = None
    reliability: Annotated[Number, Field(gt=0, lt=1), says("must be a number between 0 and 1, not {value!r}")] | None = None
    source: Words | None = None


class Remission(ContentModel):
    below: Count
    source: Words | None = None


class Response(ContentModel):
    fall_fraction: Annotated[Number, Field(gt=0, le=1), says("must be a number above 0 and at most 1, not {value!r}")]
    source: Words | None = None


class LoincCodes(ContentModel):
    panel: Loinc | None = None
    total: Loinc | None = None


class InstrumentFile(ContentModel):
    code: Code
    name: Words
    short_name: Words
    version: Words
    kind: Annotated[Any, one_of(KINDS, f"must be one of {', '.join(KINDS)}, not {{value!r}}")]
    language: Words | None = None
    direction: Annotated[Any, one_of(DIRECTIONS, f"must be one of {', '.join(DIRECTIONS)}, not {{value!r}}")] = (
        "higher_is_worse")
    licence: Licence
    source: Words
    wording_source: Words
    timeframe: Words
    instructions: Words
    options: Options | None = None
    items: Annotated[tuple[ItemSpec, ...], filled("must be a non-empty list")]
    scoring: Scoring
    missing: Missing
    bands: Annotated[tuple[BandSpec, ...], filled("must be a non-empty list (or leave the key out)")] | None = None
    safety_items: tuple[SafetySpec, ...] | None = None
    caseness: CasenessSpec | None = None
    reliable_change: ReliableChangeSpec | None = None
    remission: Remission | None = None
    response: Response | None = None
    loinc: LoincCodes | None = None
    notes: Annotated[tuple[Words, ...], says("must be a list of text lines")] = ()
    overrides: Any = None  # must be this file's own code: see ``validate``
