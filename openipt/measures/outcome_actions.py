"""Changes that follow from stored scores: the cached expected-trajectory table and the client signal.

Both are kept by the system, not done by a person: the table is a cache of what an organisation's
completed courses show, refreshed when it is a day old, and the signal is recomputed from the scores
whenever a person's action (answering or importing a questionnaire) changes them, inside that
action's transaction, whose audit event says who acted. So these are plain functions without an
actor and record no audit event of their own. The reads they start from are in
`openipt/measures/queries/outcomes.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.clients.actions import set_signal
from openipt.clients.models import ClientSignal
from openipt.courses.models import Course
from openipt.measures import instruments
from openipt.measures.engine import Instrument, TrajectoryTable
from openipt.measures.models import ExpectedTable, MeasuresSettings
from openipt.measures.queries.outcomes import (
    SIGNAL_SOURCE,
    ZONE_RANK,
    TrackedScore,
    default_trajectory,
    derive_for_organisation,
    engine_rows,
    org_settings,
    stored_table,
    table_to_json,
    track,
    tracked_scores,
    tracked_scores_many,
    zone_words,
)


def trajectory_table(organisation_id: int, inst: Instrument, settings: MeasuresSettings | None = None,
                     *, refresh: bool = False) -> TrajectoryTable | None:
    """Return the expected-trajectory table for an instrument, or None when it has no trajectories.

    An organisation that uses its own trajectories gets its stored table; when that is missing, a
    day old or `refresh` is asked for, it is derived again and stored (a cache the system keeps).
    """
    if not instruments.has_trajectory(inst):
        return None
    settings = settings or org_settings(organisation_id)
    if not settings.use_own_trajectories:
        return default_trajectory(inst.code)
    now = timezone.now()
    if not refresh:
        stored = stored_table(organisation_id, inst.code, now)
        if stored is not None:
            return stored
    table, count = derive_for_organisation(organisation_id, inst)
    try:  # two requests may refresh it at once; either result will do, and the caller's work must go on
        with transaction.atomic():
            ExpectedTable.objects.update_or_create(
                organisation_id=organisation_id, instrument_code=inst.code,
                defaults={"data": table_to_json(table), "courses": count, "computed_at": now})
    except IntegrityError:
        pass
    return table


def refresh_signal(client_id: int, organisation_id: int) -> str | None:
    """Set the client's "measures" signal from the latest score on each tracked questionnaire.

    Red (level 2) when any open course is not on track, amber (level 1) when slower than expected,
    cleared otherwise. Returns the worst zone found (or None). Runs inside the caller's transaction.
    """
    courses, grouped = tracked_scores(client_id)
    zone, level, label, url = _signal(client_id, organisation_id, courses, grouped, org_settings(organisation_id), {})
    set_signal(client_id, SIGNAL_SOURCE, level, label, url)
    return zone


def refresh_signals(client_ids: Iterable[int], organisation_id: int) -> None:
    """`refresh_signal` for many clients of one organisation (a batch of questionnaires).

    The scores are read at once. A client whose signal comes out exactly as it is stored (none, or the
    same level, words and link) needs nothing more: setting it again would change nothing, and the courses
    app heard of it when it was set. Any other client's signal is set as `refresh_signal` sets it (so the
    courses app hears of the change and offers a review), which costs a few queries for each such client.
    """
    ids = sorted(set(client_ids))
    if not ids:
        return
    settings = org_settings(organisation_id)
    tables: dict[str, TrajectoryTable | None] = {}
    had = {row[0]: row[1:] for row in ClientSignal.objects.filter(client_id__in=ids, source=SIGNAL_SOURCE)
           .values_list("client_id", "level", "label", "url")}
    for client_id, (courses, grouped) in tracked_scores_many(ids, organisation_id).items():
        _zone, level, label, url = _signal(client_id, organisation_id, courses, grouped, settings, tables)
        if (level or client_id in had) and had.get(client_id) != (min(level, 3), label[:120], url[:300]):
            set_signal(client_id, SIGNAL_SOURCE, level, label, url)


def _signal(client_id: int, organisation_id: int, courses: Mapping[int, Course],
            grouped: Mapping[tuple[int, str], list[TrackedScore]], settings: MeasuresSettings,
            tables: dict[str, TrajectoryTable | None]) -> tuple[str | None, int, str, str]:
    """The worst zone of a client's open courses, and the signal's level, label and link (level 0: none)."""
    worst: tuple[int, str, str, int] | None = None  # rank, zone, label, course
    for (course_id, code), group in sorted(grouped.items(), key=lambda kv: (kv[0][0], instruments.TRACKED.index(kv[0][1]))):
        inst = instruments.get(code)
        if inst is None:
            continue
        if code not in tables:
            tables[code] = trajectory_table(organisation_id, inst, settings)
        statuses = track(inst, tables[code], engine_rows(group), settings.wait_sessions)
        if not statuses:
            continue
        latest = statuses[-1]
        rank = ZONE_RANK.get(latest.zone, 0)
        if worst is None or rank > worst[0]:
            words = {"name": inst.short_name, "zone": zone_words(latest.zone).lower(), "n": latest.session}
            label = (_("%(name)s: %(zone)s at session %(n)s") if latest.session else _("%(name)s: %(zone)s")) % words
            worst = (rank, latest.zone, label, course_id)
    level = {"red": 2, "amber": 1}.get(worst[1], 0) if worst else 0
    if worst is not None and level:
        # The course's scores page shows its client's (partner one's) scores; partner two's are on their record.
        url = (reverse("measures:course", args=[worst[3]]) + "#track" if courses[worst[3]].client_id == client_id
               else reverse("clients:detail", args=[client_id]))
        return worst[1], level, worst[2], url
    return (worst[1] if worst else None), 0, "", ""
