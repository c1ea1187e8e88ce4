"""Outcomes and the not-on-track signal, worked out from stored administrations with the pure engine.

The engine (`engine/`) knows nothing of the database; this module turns rows into the engine's
records, keeps each organisation's expected-trajectory table (derived from its own completed
courses once it has enough, otherwise the documented default), and sets the client signal the
caseload sorts by.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.clients.actions import set_signal
from openipt.courses import participants
from openipt.courses.models import OPEN_STATUSES, Course, CourseStatus
from openipt.measures import instruments
from openipt.measures.engine import (
    Administration as EngineAdministration,
)
from openipt.measures.engine import (
    BandTrajectory,
    ExpectedCell,
    Instrument,
    TrackStatus,
    TrajectoryTable,
    classify_course,
    default_table,
    derive_table,
)
from openipt.measures.models import Administration, ExpectedTable, MeasuresSettings, Status

SIGNAL_SOURCE = "measures"
TABLE_MAX_AGE = timedelta(days=1)
ZONE_RANK = {"red": 3, "amber": 2, "green": 1, "too_early": 0, "not_applicable": 0}


def org_settings(organisation_id: int) -> MeasuresSettings:
    """Return the organisation's settings (an unsaved default when none were saved)."""
    found = MeasuresSettings.objects.filter(organisation_id=organisation_id).first()
    return found or MeasuresSettings(organisation_id=organisation_id)


def local_day(value) -> date:
    """Return the local calendar date of an aware datetime."""
    return timezone.localtime(value).date()


def engine_rows(administrations: Iterable) -> list[EngineAdministration]:
    """Turn completed administrations (objects or dicts) into the engine's records."""
    out = []
    for a in administrations:
        if isinstance(a, dict):
            out.append(EngineAdministration(local_day(a["completed_at"]), a["session_number"], a["total"]))
        else:
            out.append(EngineAdministration(local_day(a.completed_at), a.session_number, a.total))
    return out


# ---- expected-trajectory tables


@lru_cache(maxsize=16)
def _default(code: str) -> TrajectoryTable:
    return default_table(instruments.registry().get(code))


def table_to_json(table: TrajectoryTable) -> dict:
    return {"instrument": table.instrument, "bands": [
        {"band_id": b.band_id, "source": b.source, "courses": b.courses,
         "cells": [[c.session, c.expected_change, c.upper_change, c.n, c.from_default] for c in b.cells]}
        for b in table.bands]}


def table_from_json(data: dict) -> TrajectoryTable:
    return TrajectoryTable(data["instrument"], tuple(
        BandTrajectory(b["band_id"], b["source"], b["courses"], tuple(ExpectedCell(*c) for c in b["cells"]))
        for b in data["bands"]))


def derive_for_organisation(organisation_id: int, inst: Instrument) -> tuple[TrajectoryTable, int]:
    """Derive the table from the organisation's completed courses; return it and the number of courses used."""
    rows = (
        Administration.objects.filter(
            organisation_id=organisation_id, instrument_code=inst.code, status=Status.COMPLETED,
            total__isnull=False, course__status=CourseStatus.COMPLETED,
        )
        .order_by("course_id", "client_id", "completed_at")
        .values_list("course_id", "client_id", "completed_at", "session_number", "total")
    )
    # One path per person per course (the two partners of a couples course are two paths).
    courses: dict[tuple[int, int], list[EngineAdministration]] = defaultdict(list)
    for course_id, client_id, when, number, total in rows.iterator(chunk_size=5000):
        courses[(course_id, client_id)].append(EngineAdministration(local_day(when), number, total))
    return derive_table(inst, list(courses.values())), len(courses)


def trajectory_table(organisation_id: int, inst: Instrument, settings: MeasuresSettings | None = None,
                     *, refresh: bool = False) -> TrajectoryTable | None:
    """Return the expected-trajectory table for an instrument, or None when it has no trajectories."""
    if not instruments.has_trajectory(inst):
        return None
    settings = settings or org_settings(organisation_id)
    if not settings.use_own_trajectories:
        return _default(inst.code)
    stored = ExpectedTable.objects.filter(organisation_id=organisation_id, instrument_code=inst.code).first()
    now = timezone.now()
    if stored is not None and not refresh and now - stored.computed_at < TABLE_MAX_AGE:
        return table_from_json(stored.data)
    table, count = derive_for_organisation(organisation_id, inst)
    try:  # two requests may refresh it at once; either result will do, and the caller's work must go on
        with transaction.atomic():
            ExpectedTable.objects.update_or_create(
                organisation_id=organisation_id, instrument_code=inst.code,
                defaults={"data": table_to_json(table), "courses": count, "computed_at": now})
    except IntegrityError:
        pass
    return table


# ---- not on track


def track(inst: Instrument, table: TrajectoryTable | None, rows: list[EngineAdministration],
          wait_sessions: int) -> tuple[TrackStatus, ...]:
    """Classify every score after the first against the expected path (empty when it does not apply)."""
    if table is None:
        return ()
    return classify_course(inst, table, rows, wait_sessions=wait_sessions)


def zone_words(zone: str) -> str:
    return {
        "green": _("On track"), "amber": _("Slower than expected"), "red": _("Not on track"),
        "too_early": _("Too early to say"), "not_applicable": _("No expected path"),
    }.get(zone, zone)


def refresh_signal(client_id: int, organisation_id: int) -> str | None:
    """Set the client's "measures" signal from the latest score on each tracked questionnaire.

    Red (level 2) when any open course is not on track, amber (level 1) when slower than expected,
    cleared otherwise. Returns the worst zone found (or None). Runs inside the caller's transaction.
    """
    # The client's own courses and any couples course in which they are partner two; only their own scores.
    courses = {c.pk: c for c in Course.objects.filter(
        Q(client_id=client_id) | Q(pk__in=participants.course_ids_as_second(client_id, open_only=True)),
        status__in=[s.value for s in OPEN_STATUSES]).only("pk", "client_id")}
    rows = (
        Administration.objects.filter(
            client_id=client_id, course_id__in=list(courses), instrument_code__in=instruments.TRACKED,
            status=Status.COMPLETED,
            total__isnull=False,
        )
        .order_by("completed_at", "pk")
        .values("course_id", "instrument_code", "completed_at", "session_number", "total")
    )
    grouped: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for row in rows:
        grouped[(row["course_id"], row["instrument_code"])].append(row)
    settings = org_settings(organisation_id)
    worst: tuple[int, str, str, int] | None = None  # rank, zone, label, course
    for (course_id, code), group in sorted(grouped.items(), key=lambda kv: (kv[0][0], instruments.TRACKED.index(kv[0][1]))):
        inst = instruments.get(code)
        if inst is None:
            continue
        statuses = track(inst, trajectory_table(organisation_id, inst, settings), engine_rows(group),
                         settings.wait_sessions)
        if not statuses:
            continue
        latest = statuses[-1]
        rank = ZONE_RANK.get(latest.zone, 0)
        if worst is None or rank > worst[0]:
            words = {"name": inst.short_name, "zone": zone_words(latest.zone).lower(), "n": latest.session}
            label = (_("%(name)s: %(zone)s at session %(n)s") if latest.session else _("%(name)s: %(zone)s")) % words
            worst = (rank, latest.zone, label, course_id)
    level = {"red": 2, "amber": 1}.get(worst[1], 0) if worst else 0
    if level:
        # The course's scores page shows its client's (partner one's) scores; partner two's are on their record.
        url = (reverse("measures:course", args=[worst[3]]) + "#track" if courses[worst[3]].client_id == client_id
               else reverse("clients:detail", args=[client_id]))
        set_signal(client_id, SIGNAL_SOURCE, level, worst[2], url)
    else:
        set_signal(client_id, SIGNAL_SOURCE, 0, "")
    return worst[1] if worst else None
