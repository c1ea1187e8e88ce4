"""The resource types the FHIR server offers: for each, its scope, its rows, its search parameters,
its builder and how opening one is audited. The views and the CapabilityStatement read this table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Model, QuerySet

from openipt.api.fhir import queries, resources
from openipt.api.fhir.resources import ServerExporter
from openipt.api.fhir.search import Search
from openipt.clients import actions as client_actions
from openipt.courses import actions as course_actions
from openipt.measures import settings_actions
from openipt.measures.imports import fhir_base
from openipt.measures.interop.codes import questionnaire_url, resource_id
from openipt.safety import actions as safety_actions
from openipt.safety.models import OPEN

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


@dataclass(frozen=True)
class Context:
    """What the builders of one request share: the exporter (instruments, organisation) and the canonical base."""

    exporter: ServerExporter
    base: str


def context(actor: Actor, *, share_answers: bool = False) -> Context:
    """The builders' context for one request; a bulk export asks for `share_answers` (see `FhirExporter`)."""
    return Context(resources.exporter_for(actor.organisation, share_answers=share_answers), fhir_base())


@dataclass(frozen=True)
class Kind:
    """One resource type the server reads and searches."""

    name: str
    scope: str
    description: str
    rows: Callable[[Actor], QuerySet[Any]]
    build: Callable[[Context, Any], dict[str, Any] | None]
    audit: Callable[[Actor, Any], None]
    parse_id: Callable[[str], object | None] = queries.pk_of
    id_field: str = "pk"
    patient_field: str | None = None
    date_field: str | None = None
    date_is_day: bool = False
    updated_field: str | None = "updated_at"
    code_param: str | None = None  # "code" (Observation) or "questionnaire" (QuestionnaireResponse)
    search_only: dict[str, Any] | None = None  # a filter searches add (Flag: open alerts only)
    # the names `build` reads of a row: a bulk export reads only these (`values_list(named=True)`), not model instances
    fields: tuple[str, ...] | None = None

    @property
    def params(self) -> frozenset[str]:
        names = {"_id"}
        if self.patient_field:
            names |= {"patient", "subject"}
        if self.date_field:
            names.add("date")
        if self.updated_field:
            names.add("_lastUpdated")
        if self.code_param:
            names.add(self.code_param)
        return frozenset(names)

    def get(self, actor: Actor, resource_id: str) -> Model | None:
        value = self.parse_id(resource_id)
        if value is None:
            return None
        found: Model | None = self.rows(actor).filter(**{self.id_field: value}).first()
        return found

    def search(self, actor: Actor, ctx: Context, search: Search) -> QuerySet[Any]:
        qs = queries.narrow(self.rows(actor), search, id_field=self.id_field, parse_id=self.parse_id,
                            patient_field=self.patient_field, date_field=self.date_field,
                            date_is_day=self.date_is_day, updated_field=self.updated_field)
        if self.search_only:
            qs = qs.filter(**self.search_only)
        if search.codes is not None and self.code_param == "code":
            qs = qs.filter(instrument_code__in=score_instruments(ctx, search.codes))
        if search.questionnaires is not None and self.code_param == "questionnaire":
            qs = qs.filter(instrument_code__in=questionnaire_instruments(ctx, search.questionnaires))
        return qs


def score_instruments(ctx: Context, tokens: tuple[tuple[str | None, str], ...]) -> list[str]:
    """The instruments whose total score carries one of the codes (LOINC, or OpenIPT's `<code>-total`)."""
    found = []
    for code in ctx.exporter.registry.codes():
        codings = ctx.exporter.view(code).total_codings
        # `code` matches in any system, `system|code` in that one; `|code` (no system) matches nothing, since every
        # code here has a system
        if any(c["code"] == want and system in (None, c["system"]) for c in codings for system, want in tokens):
            found.append(code)
    return found


def questionnaire_instruments(ctx: Context, wanted: tuple[str, ...]) -> list[str]:
    """The instruments a `questionnaire=` names: the canonical URL, `Questionnaire/<id>`, or the bare id."""
    names = set(wanted)
    return [code for code in ctx.exporter.registry.codes()
            if names & {questionnaire_url(ctx.base, code), f"Questionnaire/{resource_id(code)}", resource_id(code)}]


def _record_administration(actor: Actor, a: Any) -> None:
    settings_actions.record_view(actor, client=a.client, obj=a, what="administration")


def _record_goal(actor: Actor, g: Any) -> None:
    client_actions.record_view(actor, g.course.client)


def _not_clinical(actor: Actor, row: Any) -> None:
    """Not one client's record (a therapist's name; a group, which the REST API does not audit either): the call
    itself is in the audit log (`api.called`, with its path)."""


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("Patient", "clients:read", "Client records (the REST API's clients).",
         rows=queries.patients, build=lambda ctx, c: resources.patient(ctx.exporter, c),
         audit=client_actions.record_view, fields=resources.PATIENT_FIELDS),
    Kind("QuestionnaireResponse", "measures:read", "Completed questionnaires with their answers.",
         rows=queries.responses, build=lambda ctx, a: resources.questionnaire_response(ctx.exporter, a),
         audit=_record_administration, parse_id=queries.uuid_of, id_field="uuid", patient_field="client_id",
         date_field="completed_at", code_param="questionnaire", fields=resources.ADMINISTRATION_FIELDS),
    Kind("Observation", "measures:read", "Total scores of completed questionnaires, with LOINC codes where they exist.",
         rows=queries.scores, build=lambda ctx, a: resources.observation(ctx.exporter, a),
         audit=_record_administration, parse_id=queries.observation_uuid, id_field="uuid",
         patient_field="client_id", date_field="completed_at", code_param="code",
         fields=resources.ADMINISTRATION_FIELDS),
    Kind("EpisodeOfCare", "courses:read", "Treatment courses.",
         rows=queries.episodes, build=lambda ctx, c: resources.episode_of_care(ctx.base, c),
         audit=course_actions.record_course_view, patient_field="client_id", date_field="start_date",
         date_is_day=True),
    Kind("CarePlan", "courses:read", "The plan of each treatment course: sessions, frequency, problem area, goals.",
         rows=queries.care_plans, build=lambda ctx, c: resources.care_plan(ctx.base, c),
         audit=course_actions.record_course_view, patient_field="client_id", date_field="start_date",
         date_is_day=True),
    Kind("Encounter", "courses:read", "Sessions of treatment courses.",
         rows=queries.encounters, build=lambda ctx, s: resources.encounter(ctx.base, s),
         audit=course_actions.record_session_view, patient_field="course__client_id", date_field="scheduled_start",
         fields=resources.ENCOUNTER_FIELDS),
    Kind("Goal", "courses:read", "Goals of treatment courses.",
         rows=queries.goals, build=lambda ctx, g: resources.goal(ctx.base, g),
         audit=_record_goal, patient_field="course__client_id", fields=resources.GOAL_FIELDS),
    Kind("Practitioner", "courses:read", "The therapists of the courses the token may see (names only).",
         rows=queries.practitioners, build=lambda ctx, m: resources.practitioner(m), audit=_not_clinical),
    Kind("Group", "groups:read", "IPT groups with the members whose client the token may see.",
         rows=queries.groups, build=lambda ctx, g: resources.group(g), audit=_not_clinical),
    Kind("Flag", "alerts:read", "Risk alerts: a search gives the open ones; reading one that was resolved "
         "gives it as inactive.",
         rows=queries.flags, build=lambda ctx, a: resources.flag(ctx.base, a),
         audit=safety_actions.record_alert_view, patient_field="client_id", date_field="raised_at",
         updated_field=None, search_only={"status__in": [s.value for s in OPEN]}, fields=resources.FLAG_FIELDS),
)}

QUESTIONNAIRE_SCOPE = "measures:read"
