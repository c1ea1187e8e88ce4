"""The protocol's group content in the reader's language, each piece marked when it is shown in English.

A language pack may translate some steps and not others: a step it lacks is shown in English and
carries `english=True`, so the page can tell staff "shown in English: not translated yet" beside
that step only (docs/guides/languages.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language

from openipt.courses.present import protocol
from openipt.protocol.model import GroupGuide, Step


@dataclass(frozen=True)
class GuideHead:
    """A group guide's title and summary, and whether they are shown in English."""

    id: str
    title: str
    summary: str
    english: bool


def reader_language() -> str:
    return get_language() or "en"


def guide_head(guide: GroupGuide, lang: str) -> GuideHead:
    return GuideHead(guide.id, guide.title, guide.summary,
                     protocol().shown_in_english(f"group_guide:{guide.id}", lang))


def step_row(step: Step, lang: str, guidance: str | None = None) -> dict:
    """A step as pages show it: id, title, minutes, guidance, and `english` when it fell back."""
    return {"id": step.id, "title": step.title, "minutes": step.minutes or 0,
            "guidance": step.guidance if guidance is None else guidance,
            "english": protocol().shown_in_english(f"step:{step.id}", lang)}


def meeting_steps(kind: str, lang: str | None = None) -> list[dict]:
    """The steps of a pre-group or mid-group meeting in the reader's language."""
    lang = lang or reader_language()
    sets = protocol().plan_sets_for("group", kind, lang=lang)
    return [step_row(step, lang) for plan in sets for step in plan.steps]
