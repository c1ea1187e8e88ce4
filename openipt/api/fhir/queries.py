"""What each FHIR resource type reads: the rows the actor may see (each from the app's access filter),
narrowed by a search, one page at a time in a fixed number of queries."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import F, Model, Prefetch, Q, QuerySet
from django.utils import timezone

from openipt.accounts.models import Membership
from openipt.api import queries as api_queries
from openipt.api.fhir.search import Bound, Search
from openipt.api.http import decode_cursor, encode_cursor
from openipt.clients.access import visible_clients
from openipt.core.numbers import as_id
from openipt.courses.access import visible_courses
from openipt.courses.models import Goal, Session
from openipt.groups.access import visible_groups
from openipt.groups.models import Member

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.clients.models import Client
    from openipt.courses.models import Course
    from openipt.groups.models import Group
    from openipt.measures.models import Administration
    from openipt.safety.models import Alert

OBSERVATION_SUFFIX = "-total"


def patients(actor: Actor) -> QuerySet[Client]:
    return api_queries.clients(actor)


def responses(actor: Actor) -> QuerySet[Administration]:
    """Completed questionnaires (FHIR QuestionnaireResponses) the actor may see."""
    return api_queries.administrations(actor)


def scores(actor: Actor) -> QuerySet[Administration]:
    """Completed questionnaires with a total score (each one total-score Observation)."""
    return api_queries.administrations(actor).filter(total__isnull=False)


def episodes(actor: Actor) -> QuerySet[Course]:
    return api_queries.courses(actor)


def care_plans(actor: Actor) -> QuerySet[Course]:
    """The courses the actor may see, each with its goals (one query more per page)."""
    return api_queries.courses(actor).prefetch_related(
        Prefetch("goals", queryset=Goal.objects.order_by("order", "pk"), to_attr="plan_goals"))


def groups(actor: Actor) -> QuerySet[Group]:
    """The groups the actor may see, each with the members whose client the actor may see (as the REST API)."""
    seen = Member.objects.filter(client__in=visible_clients(actor)).order_by("pk")
    return visible_groups(actor).select_related("programme").prefetch_related(
        Prefetch("members", queryset=seen, to_attr="seen_members"))


def encounters(actor: Actor) -> QuerySet[Session]:
    """The sessions of the courses the actor may see, each with its client's id (`client_id`, from the course)."""
    return (Session.objects.filter(course__in=visible_courses(actor)).select_related("course")
            .annotate(client_id=F("course__client_id")))


def goals(actor: Actor) -> QuerySet[Goal]:
    """The goals of the courses the actor may see, each with its client's id (`client_id`, from the course)."""
    return (Goal.objects.filter(course__in=visible_courses(actor)).select_related("course")
            .annotate(client_id=F("course__client_id")))


def practitioners(actor: Actor) -> QuerySet[Membership]:
    """The therapists of the courses the actor may see (a practitioner is seen through a course they lead)."""
    return Membership.objects.filter(pk__in=visible_courses(actor).values("therapist_id")).select_related("user")


def flags(actor: Actor) -> QuerySet[Alert]:
    return api_queries.alerts(actor)


def pk_of(value: str) -> int | None:
    """A database id from a FHIR id (None for anything else)."""
    return as_id(value) if value.isdigit() else None


def uuid_of(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if len(value) == 36 else None
    except ValueError:
        return None


def observation_uuid(value: str) -> uuid.UUID | None:
    """The questionnaire's uuid in a total-score Observation's id (`<uuid>-total`)."""
    return uuid_of(value.removesuffix(OBSERVATION_SUFFIX)) if value.endswith(OBSERVATION_SUFFIX) else None


def _on(field: str, bounds: tuple[Bound, ...], *, day: bool) -> Q:
    """All the bounds on one field; a date field compares whole days in the site's zone."""
    q = Q()
    for bound in bounds:
        value: date | datetime = bound.at
        if day:
            local = timezone.localtime(bound.at)
            value = local.date() + (timedelta(days=1) if local.time() != local.time().min else timedelta())
        q &= Q(**{f"{field}__{bound.op}": value})
    return q


def narrow(qs: QuerySet[Any], search: Search, *, id_field: str, parse_id: Any, patient_field: str | None,
           date_field: str | None, date_is_day: bool, updated_field: str | None) -> QuerySet[Any]:
    """The rows of `qs` that a search's _id, patient, date and _lastUpdated ask for (codes: see `instrument_codes`)."""
    if search.ids is not None:
        qs = qs.filter(**{f"{id_field}__in": [v for v in (parse_id(i) for i in search.ids) if v is not None]})
    if search.patients is not None and patient_field is not None:
        qs = qs.filter(**{f"{patient_field}__in": [v for v in (pk_of(p) for p in search.patients) if v is not None]})
    if search.dates and date_field is not None:
        qs = qs.filter(_on(date_field, search.dates, day=date_is_day))
    if search.last_updated and updated_field is not None:
        qs = qs.filter(_on(updated_field, search.last_updated, day=False))
    return qs


def page(name: str, qs: QuerySet[Any], search: Search) -> tuple[list[Model], str | None]:
    """One page in id order and the cursor of the next (None at the end): one query, whatever the data's size."""
    after = decode_cursor(f"fhir.{name}", search.cursor)
    rows = list(qs.filter(pk__gt=after).order_by("pk")[: search.count + 1])
    more = len(rows) > search.count
    rows = rows[: search.count]
    return rows, encode_cursor(f"fhir.{name}", rows[-1].pk) if more and rows else None
