"""A structured review when a client is not on track (HAZ-023).

When the questionnaires put a client's course amber (slower than expected) or red (not on track),
the measures app sets the client's "measures" signal. A receiver here then offers a structured
review: a second signal, "Structured review due", shown on the caseload and on the course page,
which stays until a review is recorded for that signal. A review covers the signal while it stays
at the same level or lower; a rise from amber to red, or a new spell off track after the scores
came back, asks for a new review.

The review areas and their prompts are the project's own words, written from what IPT trainers
check when a client is not improving; they are not the wording of any licensed clinical support tool.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients.actions import add_signal_listener, clear_signal, set_signal
from openipt.clients.models import ClientSignal
from openipt.core.errors import ActionError
from openipt.courses.actions import MAX_TEXT, _text, course_for_change
from openipt.courses.models import OPEN_STATUSES, Course
from openipt.courses.steps_models import CourseReview, ReviewOutcome

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.clients.models import ClientSignal

REVIEW_RECORDED = register("course.review_recorded", "Structured review of a course not on track recorded")

MEASURES_SOURCE = "measures"  # openipt.measures.queries.outcomes.SIGNAL_SOURCE
REVIEW_SOURCE = "course_review"

FINDINGS = ("ok", "concern", "not_discussed")
FINDING_WORDS = {
    "ok": gettext_lazy("Not a problem"),
    "concern": gettext_lazy("A concern"),
    "not_discussed": gettext_lazy("Not looked at yet"),
}

# (id, heading, what to look at) - our own words.
AREAS = (
    ("alliance", gettext_lazy("How we work together"),
     gettext_lazy("Does the client feel heard and helped in the sessions? Ask them directly what is and is not "
                  "useful, and whether anything about the sessions is putting them off.")),
    ("support", gettext_lazy("People around the client"),
     gettext_lazy("Who can the client turn to now? Has someone close become less available, or has a "
                  "relationship got worse since the course began?")),
    ("motivation", gettext_lazy("Readiness and practical barriers"),
     gettext_lazy("Is the client able to try things between sessions? Look at hope, energy, time, money, "
                  "childcare, travel and anything else that gets in the way.")),
    ("life_events", gettext_lazy("New events and stresses"),
     gettext_lazy("Has something happened since the course began (a loss, a move, a conflict, an illness, "
                  "money or housing trouble) that now matters more than the agreed focus?")),
    ("focus", gettext_lazy("The agreed focus"),
     gettext_lazy("Are the sessions still about the agreed problem area and goals? Is it still the right "
                  "area, or would another one (or a second one) fit better now?")),
    ("medication", gettext_lazy("Medication and physical health"),
     gettext_lazy("Would a medication review help (starting, changing or checking medicine is taken)? Has "
                  "physical health, sleep, alcohol or drug use changed?")),
    ("risk", gettext_lazy("Safety"),
     gettext_lazy("Ask about thoughts of self-harm or suicide and about anyone else's safety. Check the "
                  "safety plan is up to date.")),
)
AREA_IDS = tuple(a[0] for a in AREAS)
MAX_NOTE = 2000


def review_url(course_id: int) -> str:
    return reverse("courses:review", args=[course_id])


def due_signal(course: Course) -> ClientSignal | None:
    """Return the client's "Structured review due" signal when it is about this course, else None."""
    return ClientSignal.objects.filter(client_id=course.client_id, source=REVIEW_SOURCE,
                                       url=review_url(course.pk)).first()


def measures_signal(course: Course) -> ClientSignal | None:
    return ClientSignal.objects.filter(client_id=course.client_id, source=MEASURES_SOURCE).first()


def _clean_findings(findings: Any) -> dict[str, Any]:
    if not isinstance(findings, dict):
        findings = {}
    out = {}
    missing = []
    for area in AREA_IDS:
        entry = findings.get(area) or {}
        finding = entry.get("finding") if isinstance(entry, dict) else None
        if finding not in FINDINGS:
            missing.append(area)
            continue
        note = _text(entry.get("note"), f"{area}_note", limit=MAX_NOTE)
        if finding == "concern" and not note:
            raise ActionError(_("Say briefly what the concern is, so the next person knows."), field=f"{area}_note")
        out[area] = {"finding": finding, "note": note}
    if missing:
        raise ActionError(_("Choose an answer for every part of the review (\"Not looked at yet\" is allowed)."),
                          field=f"{missing[0]}_finding")
    return out


def _clean_outcomes(outcomes: Any) -> list[str]:
    chosen = [o for o in (outcomes or []) if o in ReviewOutcome.values]
    chosen = sorted(set(chosen), key=ReviewOutcome.values.index)
    if not chosen:
        raise ActionError(_("Choose at least one thing that will happen next (\"Continue as planned\" is allowed)."),
                          field="outcomes")
    if ReviewOutcome.CONTINUE in chosen and len(chosen) > 1:
        raise ActionError(_("\"Continue as planned\" cannot go with a change. Untick one of them."), field="outcomes")
    return chosen


@transaction.atomic
def record_review(actor: Actor, course_id: int | str, *, findings: dict[str, Any], outcomes: Any, plan: str) -> CourseReview:
    """Record a structured review and what will change; it answers the current not-on-track signal."""
    course = course_for_change(actor, course_id, open_only=False)
    cleaned = _clean_findings(findings)
    chosen = _clean_outcomes(outcomes)
    plan = _text(plan, "plan", limit=MAX_TEXT)
    if not plan and chosen != [ReviewOutcome.CONTINUE.value]:
        raise ActionError(_("Write what will change and when, in a line or two."), field="plan")
    if cleaned["risk"]["finding"] == "not_discussed" and measures_level(course) >= 2:
        raise ActionError(_("The scores are well off track: ask about safety before closing the review."),
                          field="risk_finding")
    signal = measures_signal(course)
    review = CourseReview.objects.create(
        course=course, signal_level=signal.level if signal else 0, signal_label=signal.label if signal else "",
        findings=cleaned, outcomes=chosen, plan=plan, by=actor.membership, at=timezone.now())
    due = due_signal(course)
    if due is not None:
        clear_signal(course.client_id, REVIEW_SOURCE)
    audit.record(REVIEW_RECORDED.code, actor=actor, client=course.client, obj=review,
                 details={"outcomes": chosen, "signal": review.signal_label[:120],
                          "concerns": [a for a in AREA_IDS if cleaned[a]["finding"] == "concern"]})
    return review


def review_offer(course: Course) -> dict[str, Any]:
    """What the course page says: the due signal, the measures signal, and whether a review answers it."""
    due = due_signal(course)
    measures = measures_signal(course) if course.is_open else None
    # One query whatever the state, so the course page's query count does not depend on the scores.
    covered = CourseReview.objects.filter(
        course=course, signal_cleared_at__isnull=True, signal_level__gte=measures.level if measures else 0).exists()
    # A signal raised before reviews existed (or about another open course) has no "review due" row: offer it anyway.
    return {"due": due, "measures": measures, "offer": bool(due) or (bool(measures) and not covered)}


def measures_level(course: Course) -> int:
    signal = measures_signal(course)
    return signal.level if signal else 0


# Hooks: kept in step with the measures signal -------------------------------------------------------


def _course_for_signal(client_id: int, url: str) -> Course | None:
    courses = list(Course.objects.filter(client_id=client_id, status__in=[s.value for s in OPEN_STATUSES])
                   .order_by("-start_date", "-pk").only("pk", "client_id"))
    for course in courses:
        if url and url.startswith(reverse("measures:course", args=[course.pk])):
            return course
    return courses[0] if courses else None


def on_measures_signal_set(client_id: int, level: int, label: str, url: str) -> None:
    """Offer a structured review unless a review already answers a signal at this level or higher."""
    course = _course_for_signal(client_id, url)
    if course is None:
        return
    covered = CourseReview.objects.filter(course=course, signal_cleared_at__isnull=True, signal_level__gte=level).exists()
    if covered:
        return
    words = _("Review due") if level < 2 else _("Review due now")
    set_signal(client_id, REVIEW_SOURCE, level, f"{words}: {label}", review_url(course.pk))


def on_measures_signal_cleared(client_id: int) -> None:
    """The scores are back on track: earlier reviews no longer answer a later spell off track.

    An offered review that was not yet recorded stays (the offer stays until a review is recorded).
    """
    CourseReview.objects.filter(course__client_id=client_id, signal_cleared_at__isnull=True).update(
        signal_cleared_at=timezone.now())
    back = _("Review due (now back on track)")
    offer = ClientSignal.objects.filter(client_id=client_id, source=REVIEW_SOURCE).first()
    if offer is not None and not offer.label.startswith(back):
        # Still offered, at the lowest level, saying the scores have come back.
        label = offer.label.split(": ", 1)[-1]
        set_signal(client_id, REVIEW_SOURCE, 1, f"{back}: {label}", offer.url)


def on_signal(client_id: int, source: str, level: int, label: str, url: str) -> None:
    """Follow the measures signal (registered with clients.actions.add_signal_listener from the app's ready())."""
    if source != MEASURES_SOURCE:
        return
    if level > 0:
        on_measures_signal_set(client_id, level, label, url)
    else:
        on_measures_signal_cleared(client_id)


def connect() -> None:
    """Register `on_signal` with the clients app (called from the courses app's ready())."""
    add_signal_listener(on_signal)
