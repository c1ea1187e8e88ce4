"""The FHIR R4 resources the server answers, built as plain dicts from the apps' rows.

Patients, QuestionnaireResponses, Observations and Questionnaires come from the same builders as
the FHIR files staff download (`openipt.measures.interop.FhirExporter`), given the server's ids:
a Patient's id is the client's id (as in the REST API), a QuestionnaireResponse's is the
questionnaire's uuid, and its total-score Observation's is that uuid with `-total`. Courses,
sessions, goals and risk alerts have no file export; their builders are here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from openipt.measures import exports, instruments
from openipt.measures.interop import FhirExporter
from openipt.measures.interop.codes import UCUM
from openipt.measures.interop.records import AdministrationRecord

if TYPE_CHECKING:
    from openipt.accounts.models import Membership, Organisation
    from openipt.clients.models import Client
    from openipt.courses.models import Course
    from openipt.groups.models import Group
    from openipt.measures.models import Administration
    from openipt.safety.models import Alert

ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"

# Course status -> EpisodeOfCare.status; session attendance -> Encounter.status; mode -> Encounter.class.
EPISODE_STATUS = {"planned": "planned", "active": "active", "maintenance": "active", "completed": "finished",
                  "ended_early": "finished"}
ENCOUNTER_STATUS = {"scheduled": "planned", "attended": "finished", "cancelled": "cancelled",
                    "did_not_attend": "cancelled"}
ENCOUNTER_CLASS = {"in_person": ("AMB", "ambulatory"), "video": ("VR", "virtual"), "phone": ("VR", "virtual")}
OPEN_ALERT = ("raised", "escalated", "acknowledged")
# Course status -> CarePlan.status.
PLAN_STATUS = {"planned": "draft", "active": "active", "maintenance": "active", "completed": "completed",
               "ended_early": "revoked"}


class ServerExporter(FhirExporter):
    """The file exporter's builders, with the server's ids (see the module's docstring)."""

    # the last questionnaire's response id: a response and its Observation ask for it three times in a row
    _last_response: tuple[AdministrationRecord | None, str] = (None, "")

    def patient_id(self, client_id: int | str) -> str:
        return str(client_id)

    def response_id(self, admin: AdministrationRecord) -> str:
        last, rid = self._last_response
        if admin is not last:
            rid = super().response_id(admin)
            self._last_response = (admin, rid)
        return rid

    def observation_id(self, admin: AdministrationRecord, part: str) -> str:
        return f"{self.response_id(admin)}-{part.replace('/', '-')}"


def exporter_for(organisation: Organisation, *, share_answers: bool = False) -> ServerExporter:
    """The organisation's exporter; `share_answers` for a writer that turns each resource into text at once (see
    `FhirExporter`)."""
    return ServerExporter(instruments.registry(), exports.export_settings(organisation), share_answers=share_answers)


def _stamp(resource: dict[str, Any], updated: datetime | None) -> dict[str, Any]:
    """The resource with `meta.lastUpdated` (kept first after id, as FHIR writes it)."""
    if updated is None:
        return resource
    if "meta" in resource:
        meta = {**resource["meta"], "lastUpdated": updated.isoformat()}
        head = {k: resource[k] for k in ("resourceType", "id")}
        return {**head, "meta": meta, **{k: v for k, v in resource.items() if k not in head and k != "meta"}}
    # the usual case, without a meta of its own: one new dict filled by `update`, which keeps the three keys set
    # first where they are and adds the rest in their order (a bulk export stamps every resource it writes)
    stamped = {"resourceType": resource["resourceType"], "id": resource["id"],
               "meta": {"lastUpdated": updated.isoformat()}}
    stamped.update(resource)
    return stamped


def _ref(kind: str, pk: object, display: str | None = None) -> dict[str, str]:
    ref = {"reference": f"{kind}/{pk}"}
    if display:
        ref["display"] = display
    return ref


def administration_record(a: Administration | tuple[Any, ...]) -> AdministrationRecord:
    """The exporters' record of a questionnaire: from an instance (the FHIR read and search), or from a bulk export's
    row of ADMINISTRATION_FIELDS, whose first columns are the record's, in its order (no look-up by name)."""
    if isinstance(a, tuple):
        return exports.administration_record(a[:_RECORD_WIDTH])
    return exports.administration_record(tuple(getattr(a, f) for f in exports.ADMIN_FIELDS))


PATIENT_FIELDS = (*exports.CLIENT_FIELDS, "status", "updated_at")
ADMINISTRATION_FIELDS = (*exports.ADMIN_FIELDS, "updated_at")
_RECORD_WIDTH = len(exports.ADMIN_FIELDS)
# What the builders below read of a row, by name: a bulk export reads just these columns (`values_list(named=True)`)
# and gives the builders those rows in place of model instances; the FHIR read and search give them the instances.
ENCOUNTER_FIELDS = ("pk", "mode", "scheduled_start", "duration_minutes", "attendance", "number", "phase", "course_id",
                    "client_id", "updated_at")
GOAL_FIELDS = ("pk", "active", "area", "text", "client_id", "created_at", "updated_at")
FLAG_FIELDS = ("pk", "raised_at", "resolved_at", "status", "kind", "severity", "reason", "client_id")


def patient(exporter: ServerExporter, c: Client) -> dict[str, Any]:
    """A client as a Patient, with name and birth date (the REST API shows them under the same scope)."""
    res = exporter.patient(exports.patient_record(tuple(getattr(c, f) for f in exports.CLIENT_FIELDS)),
                           identifiable=True)
    res["active"] = c.status != "discharged"
    return _stamp(res, c.updated_at)


def _response(res: dict[str, Any], a: Administration) -> dict[str, Any]:
    if a.course_id is not None:
        res["basedOn"] = [_ref("CarePlan", a.course_id)]
    return _stamp(res, a.updated_at)


def questionnaire_response(exporter: ServerExporter, a: Administration) -> dict[str, Any]:
    return _response(exporter.questionnaire_response(administration_record(a)), a)


def observation(exporter: ServerExporter, a: Administration) -> dict[str, Any] | None:
    """The total-score Observation of a scored questionnaire (None when it has no total)."""
    found = exporter.observations(administration_record(a))
    return _stamp(found[0], a.updated_at) if found else None


def response_and_observation(exporter: ServerExporter, a: Administration) -> tuple[dict[str, Any],
                                                                                     dict[str, Any] | None]:
    """Both resources of a questionnaire at once (the bulk export): the questionnaire is checked once, and each
    resource is the one `questionnaire_response` and `observation` make."""
    response, *scores = exporter.administration_resources(administration_record(a))
    return _response(response, a), (_stamp(scores[0], a.updated_at) if scores else None)


def episode_of_care(base: str, c: Course) -> dict[str, Any]:
    """A treatment course: its status, format, client, therapist and dates."""
    period = {"start": c.start_date.isoformat()}
    if c.ended_on is not None:
        period["end"] = c.ended_on.isoformat()
    res: dict[str, Any] = {
        "resourceType": "EpisodeOfCare", "id": str(c.pk),
        "status": EPISODE_STATUS.get(c.status, "active"),
        "type": [{"coding": [{"system": f"{base}/CodeSystem/course-format", "code": c.format_id}],
                  "text": f"Interpersonal psychotherapy ({c.format_id})"}],
        "patient": _ref("Patient", c.client_id),
        "period": period,
        "careManager": _ref("Practitioner", c.therapist_id, str(c.therapist.user)),
    }
    return _stamp(res, c.updated_at)


def care_plan(base: str, c: Course) -> dict[str, Any]:
    """A course's plan: how many sessions how often, the problem area it works on, its goals and dates."""
    focus = f"; problem area: {c.primary_area}" if c.primary_area else ""
    res: dict[str, Any] = {
        "resourceType": "CarePlan", "id": str(c.pk),
        "status": PLAN_STATUS.get(c.status, "unknown"),
        "intent": "plan",
        "category": [{"coding": [{"system": f"{base}/CodeSystem/course-format", "code": c.format_id}]}],
        "title": "Interpersonal psychotherapy course",
        "description": f"{c.sessions_planned} sessions, {c.frequency}{focus}.",
        "subject": _ref("Patient", c.client_id),
        "period": {"start": c.start_date.isoformat(), "end": (c.ended_on or c.planned_end_date).isoformat()},
        "author": _ref("Practitioner", c.therapist_id, str(c.therapist.user)),
    }
    goals = getattr(c, "plan_goals", [])
    if goals:
        res["goal"] = [_ref("Goal", g.pk) for g in goals]
    return _stamp(res, c.updated_at)


def group(g: Group) -> dict[str, Any]:
    """An IPT group and the members the token may see (those whose client it may see)."""
    members = getattr(g, "seen_members", [])
    res: dict[str, Any] = {
        "resourceType": "Group", "id": str(g.pk), "active": g.status != "ended",
        "type": "person", "actual": True, "code": {"text": g.programme.name}, "name": g.name,
        "quantity": len(members),
    }
    if members:
        res["member"] = [{"entity": _ref("Patient", m.client_id), "period": {"start": m.joined_on.isoformat()},
                          "inactive": m.status != "active"} for m in members]
    return _stamp(res, g.updated_at)


def encounter(base: str, s: Any) -> dict[str, Any]:
    """A session of a course: when, how long, in person or not, and whether it took place (a Session with its
    client's id annotated, as `queries.encounters` reads it, or a row of ENCOUNTER_FIELDS)."""
    code, display = ENCOUNTER_CLASS.get(s.mode, ENCOUNTER_CLASS["in_person"])
    end = s.scheduled_start + timedelta(minutes=s.duration_minutes)
    res: dict[str, Any] = {
        "resourceType": "Encounter", "id": str(s.pk),
        "status": ENCOUNTER_STATUS.get(s.attendance, "unknown"),
        "class": {"system": ACT_CODE, "code": code, "display": display},
        "type": [{"coding": [{"system": f"{base}/CodeSystem/session-attendance", "code": s.attendance}],
                  "text": f"IPT session {s.number} ({s.phase} phase)"}],
        "subject": _ref("Patient", s.client_id),
        "episodeOfCare": [_ref("EpisodeOfCare", s.course_id)],
        "period": {"start": s.scheduled_start.isoformat(), "end": end.isoformat()},
        "length": {"value": s.duration_minutes, "unit": "min", "system": UCUM, "code": "min"},
    }
    return _stamp(res, s.updated_at)


def goal(base: str, g: Any) -> dict[str, Any]:
    """A goal of a course, in the client's words, with its problem area (a Goal with its client's id annotated, as
    `queries.goals` reads it, or a row of GOAL_FIELDS)."""
    res: dict[str, Any] = {
        "resourceType": "Goal", "id": str(g.pk),
        "lifecycleStatus": "active" if g.active else "cancelled",
    }
    if g.area:
        res["category"] = [{"coding": [{"system": f"{base}/CodeSystem/problem-area", "code": g.area}]}]
    res["description"] = {"text": g.text}
    res["subject"] = _ref("Patient", g.client_id)
    res["startDate"] = g.created_at.date().isoformat()
    return _stamp(res, g.updated_at)


def practitioner(m: Membership) -> dict[str, Any]:
    """A member of staff who leads courses: their name and whether they still work here (no contact details)."""
    res = {"resourceType": "Practitioner", "id": str(m.pk), "active": m.is_active, "name": [{"text": str(m.user)}]}
    return _stamp(res, m.updated_at)


def flag(base: str, a: Alert) -> dict[str, Any]:
    """A risk alert: active while it is open (raised, escalated or acknowledged), inactive once resolved."""
    period = {"start": a.raised_at.isoformat()}
    if a.resolved_at is not None:
        period["end"] = a.resolved_at.isoformat()
    return {
        "resourceType": "Flag", "id": str(a.pk),
        "status": "active" if a.status in OPEN_ALERT else "inactive",
        "category": [{"coding": [{"system": FLAG_CATEGORY, "code": "safety", "display": "Safety"}]}],
        "code": {"coding": [{"system": f"{base}/CodeSystem/risk-alert", "code": a.kind}],
                 "text": f"Risk alert ({a.severity}, {a.status}): {a.reason}"},
        "subject": _ref("Patient", a.client_id),
        "period": period,
    }
