"""The de-identified rows behind a cascade count on the programme dashboard.

One row per member enrolled in the period in the actor's groups (the same groups and filters as the dashboard):
a pseudonymous id, the site, the group, sessions attended, the first and latest PHQ-9 score and the outcome in
words. Never a name, a date of birth, a record number, a date or any free text. The pseudonymous id is an HMAC
of the client's id under a key made from the server's secret and the organisation, so it is the same for a client
on every visit and differs between organisations, and cannot be turned back into the client without the secret.
A fixed number of queries whatever the number of members.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.conf import settings

from openipt.groups.models import Member, MemberStatus
from openipt.measures.queries.outcomes import org_settings
from openipt.programmes import indicators as ind
from openipt.programmes.queries import (
    OUTCOME_INSTRUMENT,
    Filters,
    _enrolment,
    attendance_and_scores,
    scoped_groups,
)

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

# The cascade steps whose rows are enrolled members (screening is about people before they join a group).
ROW_STEPS = (
    "enrolled",
    "attended_min",
    "completed",
    "reliable_improvement",
    "case_at_start",
    "response",
    "remission",
)


def pseudonym(organisation_id: int, client_id: int) -> str:
    """A stable pseudonymous id for a client within an organisation, such as P-3F9A0C1D2B."""
    key = hashlib.sha256(b"openipt programme rows v1\0" + settings.SECRET_KEY.encode("utf-8")).digest()
    digest = hmac.new(
        key, f"{int(organisation_id)}:{int(client_id)}".encode("ascii"), hashlib.sha256
    ).hexdigest()
    return "P-" + digest[:10].upper()


@dataclass(frozen=True)
class Row:
    pseudonym: str
    site: str
    group: str
    attended: int
    first_score: int | None
    last_score: int | None
    outcome: str  # remission, response, reliable_improvement, no_reliable_change, too_few_scores
    enrolment: ind.Enrolment


def _outcome(e: ind.Enrolment, scored: int) -> str:
    if scored < 2:
        return "too_few_scores"
    if e.case_at_start and e.remission:
        return "remission"
    if e.case_at_start and e.response:
        return "response"
    if e.reliable_improvement:
        return "reliable_improvement"
    return "no_reliable_change"


def in_step(step: str, e: ind.Enrolment, min_sessions: int) -> bool:
    """Whether the member is counted in the cascade step (the same rules as `indicators.counts`)."""
    return {
        "enrolled": True,
        "attended_min": e.attended >= min_sessions,
        "completed": e.completed,
        "reliable_improvement": e.reliable_improvement,
        "case_at_start": e.case_at_start,
        "response": e.case_at_start and e.response,
        "remission": e.case_at_start and e.remission,
    }[step]


def rows(actor: Actor, filters: Filters, step: str, *, min_sessions: int) -> list[Row]:
    """The members behind one cascade step, ordered by pseudonym (never by a date or a name)."""
    enrolled = Member.objects.filter(
        group_id__in=scoped_groups(actor, filters).values("pk"),
        joined_on__gte=filters.start,
        joined_on__lte=filters.end,
    )
    members = list(
        enrolled.values_list(
            "pk",
            "client_id",
            "course_id",
            "status",
            "group__facilitator_id",
            "group__name",
            "group__site__name",
        )
    )
    attended, scores = attendance_and_scores(enrolled)
    cutoff = org_settings(actor.organisation_id).case_cutoff(OUTCOME_INSTRUMENT)
    out = []
    for pk, client_id, course_id, status, facilitator, group, site in members:
        scored = sorted(scores.get(course_id, []), key=lambda s: (s.date, s.session or 0))
        e = _enrolment(pk, facilitator, attended.get(pk, 0), status == MemberStatus.FINISHED, scored, cutoff)
        if not in_step(step, e, min_sessions):
            continue
        out.append(
            Row(
                pseudonym(actor.organisation_id, client_id),
                site or "",
                group,
                e.attended,
                scored[0].total if scored else None,
                scored[-1].total if scored else None,
                _outcome(e, len(scored)),
                e,
            )
        )
    return sorted(out, key=lambda r: r.pseudonym)


def hide_small_outcomes(found: list[Row], threshold: int) -> tuple[list[Row], bool]:
    """Rows are one person each, so counting a column gives a count: if any outcome (remission, response, ...)
    would be held by fewer than `threshold` people in this list (and more than none), the outcome and both scores
    (from which it could be worked out again) are left out of every row, and True says so."""
    held: dict[str, int] = {}
    for row in found:
        held[row.outcome] = held.get(row.outcome, 0) + 1
    if all(n >= threshold for n in held.values()):
        return found, False
    return [replace(row, first_score=None, last_score=None, outcome="hidden") for row in found], True
