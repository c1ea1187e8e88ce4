"""Checks that must pass before a course leaves its initial phase, one mechanism for every format.

A format lists the checks it needs under `start_checks` in the protocol content
(openipt/protocol/content/*/formats.yaml). Each name is a function registered here with
`@register("name")`: it takes the course and returns a `CheckResult` saying whether the check
passes and, if not, what is missing and where to do it. Apps register their own checks from
their `AppConfig.ready()` (couples registers `partner_safety_screen`). A name in the content that
nothing registered fails closed: the course cannot move on, and the page says so.

Adding a check (for example a signed consent) is one line in the format's `start_checks` and one
registered function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from openipt.courses.present import course_format


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one start check, in words for the clinician."""

    id: str
    title: str
    passed: bool
    detail: str = ""  # what is missing and how to do it (empty when passed)
    url: str = ""  # where to do it
    link_text: str = ""


CHECKS: dict[str, Callable] = {}
# Functions that read, for many courses at once, what a registered check needs (see `outstanding`).
PRELOADS: list[Callable[[list], None]] = []


def register(check_id: str) -> Callable[[Callable[..., CheckResult]], Callable[..., CheckResult]]:
    """Register `fn(course) -> CheckResult` as the start check called `check_id`."""

    def wrap(fn: Callable[..., CheckResult]) -> Callable[..., CheckResult]:
        CHECKS[check_id] = fn
        return fn

    return wrap


def register_preload(fn: Callable[[list], None]) -> None:
    """Register `fn(courses)`: it reads what a check needs for many courses in a fixed number of queries.

    `outstanding` calls it before running the checks, so a check can find its answer on the course
    instead of asking the database once per course.
    """
    if fn not in PRELOADS:
        PRELOADS.append(fn)


def results(course) -> list[CheckResult]:
    """Run the start checks the course's format lists, in the order the content gives."""
    fmt = course_format(course)
    if fmt is None:
        return []
    out = []
    for check_id in fmt.start_checks:
        fn = CHECKS.get(check_id)
        if fn is None:
            out.append(CheckResult(check_id, check_id, False, _(
                "The format asks for a check called “%(name)s” that this version of OpenIPT does not know. "
                "Ask an administrator to correct the protocol content.") % {"name": check_id}))
            continue
        out.append(fn(course))
    return out


def missing(course) -> list[str]:
    """Return what is missing before the course can start treatment, one sentence per check."""
    return [f"{r.title}: {r.detail}" for r in results(course) if not r.passed]


def outstanding(courses) -> dict[int, list[CheckResult]]:
    """Return, by course id, the start checks not passed yet of each open course still in its initial phase.

    For a list of courses at once (a group's members): their screening answers are read in one
    query, so a roster or a group start does not grow in queries with the number of members.
    Courses with every check passed, or past their initial phase, or closed, are left out.
    """
    from openipt.courses.models import OPEN_STATUSES, Phase, ScreeningAnswer

    open_values = {s.value for s in OPEN_STATUSES}
    waiting = [c for c in courses if c.phase == Phase.INITIAL and c.status in open_values]
    latest: dict[int, dict] = {c.pk: {} for c in waiting}
    rows = ScreeningAnswer.objects.filter(course_id__in=list(latest)).select_related("by__user").order_by("at", "pk")
    for row in rows:
        latest[row.course_id][row.topic] = row
    for preload in PRELOADS:
        preload(waiting)
    found = {}
    for course in waiting:
        course._latest_screening = latest[course.pk]
        failed = [r for r in results(course) if not r.passed]
        if failed:
            found[course.pk] = failed
    return found


# The initial-phase screening, asked in every format ----------------------------------------------


def latest_answers(course) -> dict:
    """Return the latest screening answer of each topic on the course."""
    from openipt.courses.models import ScreeningAnswer

    read = getattr(course, "_latest_screening", None)  # read for many courses at once by `outstanding`
    if read is not None:
        return read
    latest = {}
    for row in ScreeningAnswer.objects.filter(course=course).select_related("by__user").order_by("at", "pk"):
        latest[row.topic] = row
    return latest


@register("initial_screening")
def initial_screening(course) -> CheckResult:
    from openipt.courses import screening

    fmt = course_format(course)
    topics = fmt.screening_topics if fmt is not None else ()
    latest = {t: a.decision for t, a in latest_answers(course).items()}
    gaps, referred = screening.screening_gaps(topics, latest)
    url = reverse("courses:screening", args=[course.pk])
    title = _("Initial screening")
    if referred:
        names = ", ".join(str(screening.topic(t).title) for t in referred)
        return CheckResult("initial_screening", title, False, _(
            "you decided to refer first for %(names)s. IPT does not start until that is settled: record the new "
            "decision after the referral, or end the course early.") % {"names": names}, url, _("Open the screening"))
    if gaps:
        names = ", ".join(str(screening.topic(t).title) for t in gaps)
        return CheckResult("initial_screening", title, False, _(
            "ask about and record %(names)s, with what you decided.") % {"names": names}, url, _("Open the screening"))
    return CheckResult("initial_screening", title, True, url=url, link_text=_("Open the screening"))
