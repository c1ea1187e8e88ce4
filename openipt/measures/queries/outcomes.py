"""The rows outcomes and the not-on-track signal are worked out from, and their words.

The engine (`engine/`) knows nothing of the database; this module reads stored administrations
and an organisation's settings and turns them into the engine's records. Keeping the
expected-trajectory table and setting the client signal are changes, so they live in
`openipt/measures/outcome_actions.py`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TypedDict

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

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
    zone = timezone.get_current_timezone()  # once, not once a score: a batch's signal refresh reads thousands

    def day(value) -> date:
        if value is None or value.utcoffset() is None:
            return local_day(value)  # what local_day does with these (now, or its error for a naive time)
        return value.astimezone(zone).date()

    out = []
    for a in administrations:
        if isinstance(a, dict):
            out.append(EngineAdministration(day(a["completed_at"]), a["session_number"], a["total"]))
        else:
            out.append(EngineAdministration(day(a.completed_at), a.session_number, a.total))
    return out


# ---- expected-trajectory tables


@lru_cache(maxsize=16)
def default_trajectory(code: str) -> TrajectoryTable:
    """Return the documented default table of an instrument (no database)."""
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


def stored_table(organisation_id: int, code: str, now=None) -> TrajectoryTable | None:
    """Return the organisation's stored table when it is less than a day old, otherwise None."""
    stored = ExpectedTable.objects.filter(organisation_id=organisation_id, instrument_code=code).first()
    now = now or timezone.now()
    if stored is not None and now - stored.computed_at < TABLE_MAX_AGE:
        return table_from_json(stored.data)
    return None


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


class TrackedScore(TypedDict):
    """One tracked score, as `tracked_scores` reads it."""

    course_id: int
    instrument_code: str
    completed_at: datetime | None
    session_number: int | None
    total: int | None


def tracked_scores(client_id: int) -> tuple[dict[int, Course], dict[tuple[int, str], list[TrackedScore]]]:
    """Return the client's open courses by id, and their own tracked scores grouped by course and instrument.

    The client's own courses and any couples course in which they are partner two; only their own
    scores, oldest first. Two queries (three with a couples lookup), whatever the number of scores.
    """
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
    grouped: dict[tuple[int, str], list[TrackedScore]] = defaultdict(list)
    for row in rows:
        grouped[(row["course_id"], row["instrument_code"])].append(row)
    return courses, grouped


def tracked_scores_many(client_ids: Iterable[int], organisation_id: int
                        ) -> dict[int, tuple[dict[int, Course], dict[tuple[int, str], list[TrackedScore]]]]:
    """`tracked_scores` for many clients of one organisation at once: three queries, whatever their number."""
    ids = sorted(set(client_ids))
    if not ids:
        return {}
    open_statuses = [s.value for s in OPEN_STATUSES]
    courses: dict[int, dict[int, Course]] = {cid: {} for cid in ids}
    for course in Course.objects.filter(client_id__in=ids, status__in=open_statuses).only("pk", "client_id"):
        courses[course.client_id][course.pk] = course
    seconds = (Course.objects.filter(organisation_id=organisation_id, status__in=open_statuses)
               .annotate(second=participants.second_participant_id("pk")).filter(second__in=ids)
               .only("pk", "client_id"))
    for course in seconds:
        courses[course.second][course.pk] = course  # type: ignore[attr-defined]
    wanted = {pk for found in courses.values() for pk in found}
    grouped: dict[int, dict[tuple[int, str], list[TrackedScore]]] = {cid: defaultdict(list) for cid in ids}
    rows = (Administration.objects.filter(
        client_id__in=ids, course_id__in=sorted(wanted), instrument_code__in=instruments.TRACKED,
        status=Status.COMPLETED, total__isnull=False)
        .order_by("completed_at", "pk")
        .values("client_id", "course_id", "instrument_code", "completed_at", "session_number", "total"))
    for row in rows:
        if row["course_id"] in courses[row["client_id"]]:
            grouped[row["client_id"]][(row["course_id"], row["instrument_code"])].append(row)  # type: ignore[arg-type]
    return {cid: (courses[cid], grouped[cid]) for cid in ids}
