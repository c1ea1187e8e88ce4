"""Draft the IPT formulation: a short, warm text linking the client's low mood to the problem area.

In the initial phase the therapist writes a formulation that ties the symptoms to the chosen
problem area and shares it with the client. This module writes a first draft from the pieces
already recorded (symptoms, area and stage, people, events, onset) so the therapist starts from
something readable instead of a blank page. The words come from a template file per language
(openipt/assessment/suggest/formulation.<lang>.yaml); the therapist always edits the result.
It never picks an area itself: without one it refuses.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .suggest.case import Case, Event, Person
from .suggest.dates import ApproxDate, parse_approx_date
from .suggest.rules import AREAS, STAGES
from .suggest.schema import TemplateFile
from .suggest.scorer import Suggestion
from .suggest.yamlsource import DataFileError, checked, load_yaml

PHQ9_BANDS = (("minimal", 0, 4), ("mild", 5, 9), ("moderate", 10, 14), ("moderately_severe", 15, 19),
              ("severe", 20, 27))
TEMPLATE_DIR = Path(__file__).with_name("suggest")

Parts = tuple[tuple[str, ...], ...]


class FormulationError(ValueError):
    """The inputs do not allow a draft (no area chosen, a missing stage, empty symptoms ...)."""


@dataclass(frozen=True)
class Formulation:
    """A draft formulation: the text for the client and a short version for staff."""

    client_text: str
    staff_text: str


@dataclass(frozen=True)
class Templates:
    """A checked template file for one language."""

    language: str
    bands: Mapping[str, str]
    band_sentence: str
    free_text_sentence: str
    sick_role: str
    closing: str
    client: Mapping[str, Parts]  # keys: area id, or "role_dispute:<stage>"
    staff: Mapping[str, Parts]


def _by_area(spec: Any) -> dict[str, Parts]:
    out: dict[str, Parts] = {}
    for area in AREAS:
        if area == "role_dispute":
            for stage in STAGES:
                out[f"{area}:{stage}"] = _parts(getattr(spec.role_dispute, stage))
        else:
            out[area] = _parts(getattr(spec, area))
    return out


def _parts(parts: tuple[str | tuple[str, ...], ...]) -> Parts:
    return tuple((part,) if isinstance(part, str) else part for part in parts)


def parse_templates(text: str, source: str) -> Templates:
    """Check template-file text and return Templates; raise DataFileError naming file and line."""
    spec = checked(TemplateFile, load_yaml(text, source))
    symptoms = spec.symptoms
    return Templates(
        language=spec.language,
        bands={band: getattr(symptoms.bands, band) for band, _lo, _hi in PHQ9_BANDS},
        band_sentence=symptoms.band_sentence,
        free_text_sentence=symptoms.free_text_sentence,
        sick_role=symptoms.sick_role,
        closing=spec.closing,
        client=_by_area(spec.client),
        staff=_by_area(spec.staff),
    )


@functools.cache
def load_templates(language: str = "en") -> Templates:
    """Load and check the shipped template file for a language."""
    if not language.replace("-", "").isalnum():
        raise DataFileError(f"not a language code: {language!r}")
    path = TEMPLATE_DIR / f"formulation.{language}.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read ({exc.__class__.__name__})") from None
    return parse_templates(text, str(path))


def phq9_band(total: int) -> str:
    """Return the PHQ-9 severity band id for a total score from 0 to 27."""
    for band, lo, hi in PHQ9_BANDS:
        if lo <= total <= hi:
            return band
    raise FormulationError(f"a PHQ-9 total must be from 0 to 27, not {total}")


def _symptoms(symptoms: str | int, t: Templates) -> tuple[str, str]:
    """Return (client sentence, staff phrase) for a PHQ-9 total, a band id, or free text."""
    if isinstance(symptoms, bool):
        raise FormulationError("symptoms must be a PHQ-9 total, a PHQ-9 band or a short description")
    if isinstance(symptoms, int):
        band = phq9_band(symptoms)
        return t.band_sentence.format(band=t.bands[band]), f"PHQ-9 {symptoms} ({band.replace('_', ' ')})"
    if not isinstance(symptoms, str) or not symptoms.strip():
        raise FormulationError("symptoms are empty: give a PHQ-9 total, a PHQ-9 band or a short description")
    text = symptoms.strip().rstrip(".")
    key = text.lower().replace(" ", "_").replace("-", "_")
    if key in t.bands:
        return t.band_sentence.format(band=t.bands[key]), f"PHQ-9 band {key.replace('_', ' ')}"
    return t.free_text_sentence.format(symptoms=text), text


def _when(date: ApproxDate) -> str:
    return ("on " if date.precision == "day" else "in ") + date.human()


def _began_by_onset(event: Event | str | None, onset: ApproxDate | None) -> bool:
    """Whether the focus event may be linked to the onset: it started before or around it.

    A dated event is linked only if its earliest possible day is no later than the onset's latest
    possible day ("in May" and "on 20 May" are around an onset in May; June is not). An event
    without a date cannot be checked and is linked as before.
    """
    if onset is None or not isinstance(event, Event):
        return True
    return event.date.first_day() <= onset.last_day()


def _join(names: Sequence[str]) -> str:
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _render(parts: Parts, values: Mapping[str, str]) -> str:
    sentences = []
    for options in parts:
        for option in options:
            needed = {f for _lit, f, _spec, _conv in string.Formatter().parse(option) if f}
            if all(values.get(f) for f in needed):
                sentences.append(option.format(**values))
                break
    return " ".join(sentences)


def draft_formulation(
    area: str | None,
    symptoms: str | int,
    *,
    stage: str | None = None,
    people: Sequence[Person | str] = (),
    events: Sequence[Event | str] = (),
    onset: ApproxDate | str | None = None,
    language: str = "en",
) -> Formulation:
    """Write a draft formulation (client and staff text) for a chosen area; refuse without one."""
    if area is None or area == "" or area == "none":
        raise FormulationError("no problem area chosen: choose one before drafting a formulation")
    if area not in AREAS:
        raise FormulationError(f"unknown problem area {area!r}; use one of {', '.join(AREAS)}")
    if area == "role_dispute" and stage not in STAGES:
        raise FormulationError(f"a role dispute needs a stage: one of {', '.join(STAGES)}")
    if area != "role_dispute" and stage is not None:
        raise FormulationError(f"a stage applies only to a role dispute, not to {area}")
    if isinstance(onset, str):
        try:
            onset = parse_approx_date(onset)
        except ValueError as exc:
            raise FormulationError(f"onset: {exc}") from None
    t = load_templates(language)
    symptoms_sentence, symptoms_staff = _symptoms(symptoms, t)
    names = [p.name if isinstance(p, Person) else str(p).strip() for p in people]
    labels = [p.label if isinstance(p, Person) else str(p).strip() for p in people]
    event = events[0] if events else None
    event_text = (event.description if isinstance(event, Event) else str(event or "")).strip().rstrip(".")
    event_when = _when(event.date) if isinstance(event, Event) else ""
    key = f"{area}:{stage}" if area == "role_dispute" else area
    onset_words = _when(onset) if onset else ""
    linked = _began_by_onset(event, onset)
    client = _render(t.client[key], {
        "symptoms_sentence": symptoms_sentence, "sick_role": t.sick_role, "person": names[0] if names else "",
        "people": _join(names), "event": event_text,
        "onset": onset_words if linked else "", "onset_alone": "" if linked else onset_words,
    })
    staff = _render(t.staff[key], {
        "person": labels[0] if labels else "", "people": _join(labels), "event": event_text,
        "event_when": event_when, "onset": onset.human() if onset else "", "symptoms": symptoms_staff,
        "stage": stage or "",
    })
    return Formulation(client_text=f"{client} {t.closing}", staff_text=staff)


def draft_from_suggestion(case: Case, suggestion: Suggestion, symptoms: str | int,
                          language: str = "en") -> Formulation:
    """Draft a formulation from a case and one of its suggestions (area, stage and focus)."""
    if suggestion.area is None:
        raise FormulationError("no problem area chosen: the suggestion is 'none', so choose an area first")
    people: list[Person] = []
    events: list[Event] = []
    focus = suggestion.focus
    if focus and focus.kind == "person":
        people.append(case.inventory[focus.index])
        events.extend(e for e in case.timeline if focus.index in e.people and e.kind in ("death", "pregnancy_loss", "dispute"))
    elif focus and focus.kind == "event":
        events.append(case.timeline[focus.index])
    elif suggestion.area == "interpersonal_deficits":
        people.extend(p for p in case.inventory if p.ring in ("inner", "middle") and p.satisfying)
    return draft_formulation(suggestion.area, symptoms, stage=suggestion.stage.stage if suggestion.stage else None,
                             people=people, events=events, onset=case.onset.date if case.onset else None,
                             language=language)
