"""What the client's pages show, shaped from rows already loaded (no queries: those are in
`openipt/practice/queries/`): the course in plain words, feedback with its spans marked, and the
reading, worksheets and scenarios that fit a course's area and phase."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from openipt.couples.api import ENDING_STAGE
from openipt.courses.models import Course, CourseStatus
from openipt.practice.markdown import render as render_markdown
from openipt.protocol import default_protocol

PHASE_WORDS = {
    "initial": _("Getting started: you and your therapist look at what is going on and agree what to work on."),
    "middle": _("The main part: working on the people and the changes you chose together."),
    "termination": _("Finishing: looking back at what helped, and planning for after your sessions."),
}
STATUS_WORDS = {
    "planned": _("Your sessions have not started yet."),
    "maintenance": _("Keeping well: check-in sessions to help you stay well."),
    "completed": _("Your course of sessions has finished. Well done for the work you put in."),
    "ended_early": _("Your course of sessions has ended."),
}


def lang() -> str:
    return get_language() or "en"


def protocol():
    return default_protocol()


@dataclass
class CourseView:
    course: Course
    number: int
    total: int
    status: str
    words: str
    area_name: str
    next_session: object | None
    goals: list = field(default_factory=list)
    to_try: list[str] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status in ("planned", "active", "maintenance")


def area_name(area_id: str) -> str:
    if not area_id:
        return ""
    try:
        area = protocol().area(area_id, lang())
    except KeyError:
        return ""
    return area.group_name or area.name


def course_words(course) -> str:
    """The course's status, or its phase while it is active, in words for the client."""
    words = STATUS_WORDS.get(course.status) if course.status != CourseStatus.ACTIVE else PHASE_WORDS.get(course.phase)
    return str(words or "")


def to_try_lines(note) -> list[str]:
    """The lines of what the client planned to try, from a signed session note (none without one)."""
    return [line.strip(" -•\t") for line in (note.client_will_try if note else "").splitlines() if line.strip(" -•\t")]


def goal_rows(goals) -> list[dict]:
    """Each goal with its latest rating and, when there are two or more, its first (ratings prefetched, oldest first)."""
    rows = []
    for goal in goals:
        ratings = list(goal.ratings.all())
        rows.append({"text": goal.text, "latest": ratings[-1] if ratings else None,
                     "first": ratings[0] if len(ratings) > 1 else None})
    return rows


# Reading -----------------------------------------------------------------------------------

def topic(topic_id: str):
    try:
        found = protocol().topic(topic_id, lang())
    except KeyError:
        return None
    return found if found.audience == "client" else None


def topic_in_english(found) -> bool:
    """True when the reader's language has a content pack that does not translate this topic (yet)."""
    return protocol().shown_in_english(f"topic:{found.id}", lang())


def topic_html(found) -> str:
    """The topic's Markdown as safe HTML (all markup in the file is escaped)."""
    return render_markdown(found.body, top=2)


def client_topics():
    return [t for t in protocol().topics(lang(), audience="client")]


def offered_topics(course) -> list:
    """Topics that fit a course's format, phase and problem area (general ones included)."""
    if course is None:
        return []
    found = []
    for t in client_topics():
        if course.phase not in t.phases:
            continue
        if t.areas and course.primary_area not in t.areas:
            continue
        if t.formats and course.format_id not in t.formats:
            continue
        found.append(t)
    return found


# Worksheets and rehearsal ------------------------------------------------------------------

def offered_worksheets(course):
    from openipt.practice.worksheetdefs import definitions

    defs = list(definitions(lang()).values())
    area = getattr(course, "primary_area", "") if course is not None else ""
    if not area:
        return defs, []
    return [d for d in defs if area in d.areas], [d for d in defs if area not in d.areas]


def scenario_rows(course, blocked: bool) -> tuple[list[dict], list[dict]]:
    """Scenarios for the course's area (and dispute stage) first, then the others.

    Practice at ending a relationship carries a safety note, and is left out when `blocked`: while the
    client's couples safety screen raised a concern (`openipt.practice.queries.portal.scenarios_for` asks).
    """
    from openipt.practice.rehearsal import fill
    from openipt.practice.rehearsal_actions import scenario_in, scenarios

    area = getattr(course, "primary_area", "") if course is not None else ""
    stage = getattr(course, "dispute_stage", "") if course is not None else ""
    fits, others = [], []
    for english in scenarios().values():
        if blocked and english.stage == ENDING_STAGE:
            continue
        s, left = scenario_in(english.id, lang()) or (english, frozenset())
        row = {"id": s.id, "title": fill(s.title, s), "description": fill(s.description, s), "area": s.area,
               "area_name": area_name(s.area), "ending": s.stage == ENDING_STAGE,
               "in_english": f"scenario:{s.id}" in left}
        if area and s.area == area and (not stage or s.stage in (None, stage)):
            fits.append(row)
        else:
            others.append(row)
    return fits, others


# Feedback ----------------------------------------------------------------------------------

def marked(text: str, feedback: dict | None) -> list[dict]:
    """Split text into pieces, marking the spans the analyser found (the first of overlapping spans wins)."""
    findings = sorted((feedback or {}).get("findings") or [], key=lambda f: (f["span"][0], -f["span"][1]))
    pieces, at = [], 0
    for f in findings:
        start, end = f["span"]
        if start < at or end > len(text) or start >= end:
            continue
        if start > at:
            pieces.append({"text": text[at:start]})
        pieces.append({"text": text[start:end], "family": f["family"], "label": f.get("label", "")})
        at = end
    if at < len(text):
        pieces.append({"text": text[at:]})
    return pieces


def _words_language(feedback: dict) -> str:
    """The language the feedback's words are in: the pattern file's, or English for the analyser's own English
    words to a language it has no patterns for (when the page's catalogue had no translation); "" if unknown."""
    from openipt.practice.analyser import NOT_AVAILABLE
    from openipt.practice.analyser.feedback import EMPTY, HELD

    if feedback.get("supported", True):
        return str(feedback.get("language") or "en")
    return "en" if feedback.get("feedback") in (NOT_AVAILABLE, HELD, EMPTY) else ""


def feedback_view(text: str, feedback: dict | None) -> dict | None:
    """Everything a template needs to show the analyser's feedback on one text.

    `lang` is set when the feedback's words are in another language than the page (a Spanish client's tips on a
    therapist's English page, the English line for a language with no analyser), for the `lang` attribute."""
    if not feedback or not text:
        return None
    seen, tips = set(), []
    for f in feedback.get("findings") or []:
        if f["pattern"] in seen:
            continue
        seen.add(f["pattern"])
        tips.append(f)
    return {"summary": feedback.get("feedback", ""), "pieces": marked(text, feedback),
            "helpful": [t for t in tips if t["family"] == "helpful"],
            "hurtful": [t for t in tips if t["family"] == "hurtful"],
            "tips": [t for t in tips if t["family"] == "helpful"] + [t for t in tips if t["family"] == "hurtful"],
            "held": feedback.get("held", False), "english": feedback.get("english", True),
            "language": feedback.get("language", "en"), "supported": feedback.get("supported", True),
            "lang": _other_language(_words_language(feedback))}


def _other_language(code: str) -> str:
    """`code` when it differs from the page's language, else ""."""
    return code if code and code != lang().split("-")[0].lower() else ""


def worksheet_feedback(defn, values: dict, language: str | None = None) -> list[dict]:
    """Run the analyser (with the risk screen) on a worksheet's analysed fields, read in `language`
    (the client's preferred language; English when not given)."""
    from openipt.practice.actions import risk_screen
    from openipt.practice.feedback_words import analyse_in

    out = []
    for f in defn.analysed:
        text = str(values.get(f.id) or "")
        if not text.strip():
            continue
        view = feedback_view(text, analyse_in(text, language, risk_screen(language)).to_dict())
        if view:
            view["label"] = f.label
            view["id"] = f.id
            out.append(view)
    return out
