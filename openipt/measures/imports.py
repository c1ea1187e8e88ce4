"""Import questionnaire responses sent as FHIR R4 (one resource, a Bundle, or NDJSON lines).

All or nothing: every resource is checked first; one that cannot be used stops the whole import
with a message naming the line (or entry) and the field, and nothing is stored. A response whose
identifier was imported before is recognised and skipped, so sending the same file twice stores
it once. The subject must be a client of the importing organisation that the person can see.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.clients.access import visible_clients
from openipt.clients.models import Assignment, Client
from openipt.core import jsonbody
from openipt.core.errors import ErrorCode
from openipt.courses.models import Course, Session
from openipt.measures import access, instruments, outcome_actions
from openipt.measures.actions import IMPORTED, complete
from openipt.measures.batch_actions import EntryResult, Ready, store
from openipt.measures.engine import Instrument
from openipt.measures.interop import (
    DEFAULT_BASE,
    ExportSettings,
    FhirExporter,
    FhirImportError,
    ImportedResponse,
    parse_questionnaire_response,
)
from openipt.measures.interop.codes import URI_IDENTIFIER
from openipt.measures.models import Administration, Source, Status

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

MAX_BYTES = 20 * 1024 * 1024
MAX_RESOURCES = 20000
MAX_DEPTH = 32
IMPORTABLE_STATUSES = ("completed", "amended")


def patient_reference_id(reference: str) -> str | None:
    """The id in a FHIR reference to a Patient ("Patient/C000123", a full URL, or a bare id; any "_history" part
    left off), or None when the reference names another kind of resource."""
    ref = reference.strip()
    if "/" in ref:
        kind, _sep, rid = ref.rpartition("/")
        if kind.rsplit("/", 1)[-1] != "Patient":
            return None
    else:
        rid = ref
    return rid.split("/_history")[0]


class ImportRefused(Exception):
    """A file that cannot be imported; `where` is the line or entry, `path` the field."""

    def __init__(self, where: str, path: str, detail: str):
        self.where, self.path, self.detail = where, path, detail
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}{path}: {detail}")


@dataclass
class ImportResult:
    created: list[Administration] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    alerts: int = 0


def fhir_base() -> str:
    return getattr(django_settings, "OPENIPT_FHIR_BASE", DEFAULT_BASE).rstrip("/")


def _resources(text: str) -> list[tuple[str, object]]:
    """Split the upload into (where, resource) pairs: one JSON resource, a Bundle, or NDJSON lines."""
    stripped = text.strip()
    if not stripped:
        raise ImportRefused("", "(file)", _("the file is empty"))
    if jsonbody.nesting_depth(stripped) > MAX_DEPTH:
        raise ImportRefused("", "(json)", _("nested more than %(n)d levels deep; a questionnaire response is never "
                                            "this deep") % {"n": MAX_DEPTH})
    try:
        data = jsonbody.loads(stripped, max_bytes=MAX_BYTES * 4, max_depth=MAX_DEPTH)
    except jsonbody.JsonError:
        data = None
    if data is not None:
        if isinstance(data, dict) and data.get("resourceType") == "Bundle":
            entries = data.get("entry")
            if not isinstance(entries, list) or not entries:
                raise ImportRefused("", "entry", _("the Bundle has no entries"))
            out = []
            for i, entry in enumerate(entries):
                if not isinstance(entry, dict) or "resource" not in entry:
                    raise ImportRefused(f"entry[{i}]", "resource", _("missing"))
                res = entry["resource"]
                if isinstance(res, dict) and res.get("resourceType") in ("Patient", "Questionnaire", "Observation"):
                    continue  # what our own export puts beside the responses
                out.append((f"entry[{i}].resource", res))
            return out
        return [("", data)]
    out = []
    for n, line in enumerate(stripped.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append((_("line %(n)d") % {"n": n}, jsonbody.loads(line, max_bytes=MAX_BYTES * 4, max_depth=MAX_DEPTH)))
        except jsonbody.JsonError as exc:
            where = _("line %(n)d") % {"n": n}
            raise ImportRefused(where, "(json)", exc.message) from None
    return out


class _Subjects:
    """Map subject references to the actor's clients: Patient/<our Patient id> or Patient/<record number>."""

    def __init__(self, actor: Actor):
        self.actor = actor
        self.clients = visible_clients(actor)
        self._by_fhir_id: dict[str, int] | None = None
        org = actor.organisation
        self.exporter = FhirExporter(instruments.registry(), ExportSettings(organisation=org.slug, base_url=fhir_base()))

    def find(self, reference: str):
        rid = patient_reference_id(reference)
        if rid is None:
            return None
        client = self.clients.filter(record_number=rid.upper()).first() if 3 <= len(rid) <= 20 else None
        if client is not None:
            return client
        try:
            uuid.UUID(rid)
        except ValueError:
            return None
        if self._by_fhir_id is None:
            self._by_fhir_id = {self.exporter.patient_id(pk): pk for pk in self.clients.values_list("pk", flat=True)}
        pk = self._by_fhir_id.get(rid)
        return self.clients.filter(pk=pk).first() if pk else None


def _external_id(parsed: ImportedResponse) -> str:
    return f"{parsed.identifier_system or ''}|{parsed.identifier}"[:300]


def _own_uuid(parsed: ImportedResponse) -> uuid.UUID | None:
    """Return the uuid of one of our own exported responses, recognised by its identifier."""
    if parsed.identifier_system == URI_IDENTIFIER and parsed.identifier.startswith("urn:uuid:"):
        try:
            return uuid.UUID(parsed.identifier[len("urn:uuid:"):])
        except ValueError:
            return None
    return None


def _course_and_session(client, authored: datetime):
    day = timezone.localtime(authored).date()
    course = (Course.objects.filter(client=client, start_date__lte=day).exclude(ended_on__lt=day)
              .order_by("-start_date", "-pk").first())
    if course is None:
        return None, None
    session = next((s for s in Session.objects.filter(course=course).order_by("number")
                    if timezone.localtime(s.scheduled_start).date() == day), None)
    return course, session


def import_text(actor: Actor, text: str | bytes) -> ImportResult:
    """Import QuestionnaireResponses; refuse the whole file (storing nothing) if any one cannot be used."""
    if not access.can_import(actor):
        raise ImportRefused("", "(file)", _("only an admin can import questionnaires"))
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise ImportRefused("", "(file)", _("the file is larger than 20 MB; split it into smaller files"))
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused("", "(file)", _("the file is not UTF-8 text")) from None
    resources = _resources(text)
    if len(resources) > MAX_RESOURCES:
        raise ImportRefused("", "(file)", _("more than %(n)d responses; split the file") % {"n": MAX_RESOURCES})
    registry = instruments.registry()
    subjects = _Subjects(actor)
    base = fhir_base()
    checked = []
    for where, resource in resources:
        try:
            parsed = parse_questionnaire_response(resource, registry, base=base)
        except FhirImportError as exc:
            raise ImportRefused(where, exc.path, exc.detail) from None
        if parsed.status not in IMPORTABLE_STATUSES:
            raise ImportRefused(where, "status", _("%(status)r: only completed questionnaires are imported")
                                % {"status": parsed.status})
        inst = registry.get(parsed.instrument_code)
        if not inst.licence.embeddable:
            raise ImportRefused(where, "questionnaire", _("%(code)s is not licensed for use here") % {"code": inst.code})
        if parsed.authored > timezone.now() + timedelta(minutes=5):
            raise ImportRefused(where, "authored", _("%(when)s is in the future") % {"when": parsed.authored.isoformat()})
        client = subjects.find(parsed.subject_reference)
        if client is None:
            raise ImportRefused(where, "subject.reference", _(
                "%(ref)s is not a client of %(org)s that you can see. Use the Patient id from an OpenIPT export, "
                "or the client's record number (Patient/<record number>).") % {
                    "ref": parsed.subject_reference, "org": actor.organisation.name})
        checked.append((where, parsed, inst, client))
    result = ImportResult()
    with transaction.atomic():
        seen: set[str] = set()
        ext_ids = [_external_id(p) for _w, p, _i, _c in checked]
        own = [u for u in (_own_uuid(p) for _w, p, _i, _c in checked) if u]
        existing = set(Administration.objects.filter(organisation_id=actor.organisation_id, external_id__in=ext_ids)
                       .values_list("external_id", flat=True))
        existing_own = {str(u) for u in Administration.objects.filter(
            organisation_id=actor.organisation_id, uuid__in=own).values_list("uuid", flat=True)}
        touched: dict[int, Client] = {}
        for _where, parsed, inst, client in checked:
            ext = _external_id(parsed)
            mine = _own_uuid(parsed)
            if ext in existing or ext in seen or (mine and str(mine) in existing_own):
                result.already.append(parsed.identifier)
                continue
            seen.add(ext)
            course, session = _course_and_session(client, parsed.authored)
            admin = Administration(
                organisation_id=client.organisation_id, client=client, course=course, session=session,
                session_number=session.number if session else None, instrument_code=inst.code,
                instrument_version=parsed.version, status=Status.IN_PROGRESS, source=Source.IMPORT,
                entered_by=actor.membership, entered_by_role="", external_id=ext,
                started_at=parsed.authored,
            )
            result.alerts += len(complete(admin, inst, parsed.answers, client=client, when=parsed.authored,
                                          refresh_signal=False))
            result.created.append(admin)
            if course is not None and inst.code in instruments.TRACKED:
                touched[client.pk] = client
        for client in touched.values():
            outcome_actions.refresh_signal(client.pk, client.organisation_id)
        by_client: dict[int, list[Administration]] = {}
        for admin in result.created:
            by_client.setdefault(admin.client_id, []).append(admin)
        for admins in by_client.values():
            audit.record(IMPORTED.code, actor=actor, client=admins[0].client,
                         details={"administrations": [str(a.uuid) for a in admins],
                                  "identifiers": [a.external_id for a in admins]})
    return result


# ---- the FHIR server's batch Bundle (issue 15)


def _courses_by_day(client_ids: set[int]) -> tuple[dict[int, list[Course]], dict[int, list[Session]]]:
    """Every course of these clients (newest start first) and every session of those courses (by number): two queries."""
    courses: dict[int, list[Course]] = {}
    for course in Course.objects.filter(client_id__in=client_ids).order_by("-start_date", "-pk"):
        courses.setdefault(course.client_id, []).append(course)
    sessions: dict[int, list[Session]] = {}
    ids = [c.pk for found in courses.values() for c in found]
    for session in Session.objects.filter(course_id__in=ids).order_by("number"):
        sessions.setdefault(session.course_id, []).append(session)
    return courses, sessions


def _course_on(courses: list[Course], sessions: dict[int, list[Session]], authored: datetime):
    """`_course_and_session` on rows read for the whole batch."""
    day = timezone.localtime(authored).date()
    course = next((c for c in courses if c.start_date <= day and not (c.ended_on and c.ended_on < day)), None)
    if course is None:
        return None, None
    session = next((s for s in sessions.get(course.pk, []) if timezone.localtime(s.scheduled_start).date() == day), None)
    return course, session


class _BatchSubjects(_Subjects):
    """`_Subjects` for a whole batch: the record numbers asked for are read in one query."""

    def __init__(self, actor: Actor, references: list[str]):
        super().__init__(actor)
        numbers, pks = set(), set()
        for reference in references:
            rid = reference.strip().split("/_history")[0].rpartition("/")[2]
            if 3 <= len(rid) <= 20:
                numbers.add(rid.upper())
            if rid.isdigit() and len(rid) < 12:
                pks.add(int(rid))
        self._by_number = {c.record_number: c for c in self.clients.filter(record_number__in=numbers)}
        # The FHIR server's own Patient ids are the clients' ids (openipt/api/fhir/resources.py).
        self._server_ids = {c.pk: c for c in self.clients.filter(pk__in=pks)} if pks else {}
        self._by_pk: dict[int, Client] | None = None

    def find(self, reference: str):
        rid = patient_reference_id(reference)
        if rid is None:
            return None
        found = self._by_number.get(rid.upper()) if 3 <= len(rid) <= 20 else None
        if found is None and rid.isdigit() and len(rid) < 12:
            found = self._server_ids.get(int(rid))
        if found is not None:
            return found
        try:
            uuid.UUID(rid)
        except ValueError:
            return None
        if self._by_fhir_id is None:
            self._by_pk = {c.pk: c for c in self.clients}
            self._by_fhir_id = {self.exporter.patient_id(pk): pk for pk in self._by_pk}
        pk = self._by_fhir_id.get(rid)
        return self._by_pk.get(pk) if pk and self._by_pk else None


def import_batch(actor: Actor, resources: list[object]) -> list[EntryResult]:
    """Import QuestionnaireResponses one by one as a FHIR batch does: each stored or refused on its own.

    The checks are `import_text`'s. Who may: an admin for any client they can see (as the file
    import), or care staff for a client assigned to them (as entering a form); anyone else's entry is
    refused (403) and nothing is stored for it.
    """
    registry = instruments.registry()
    base = fhir_base()
    parsed_all: list[tuple[int, ImportedResponse | EntryResult]] = []
    for index, resource in enumerate(resources):
        try:
            parsed_all.append((index, parse_questionnaire_response(resource, registry, base=base)))
        except FhirImportError as exc:
            parsed_all.append((index, EntryResult(index, 400, code="invalid", message=f"{exc.path}: {exc.detail}",
                                                  fields={exc.path: exc.detail})))
    subjects = _BatchSubjects(actor, [p.subject_reference for _i, p in parsed_all if isinstance(p, ImportedResponse)])
    admin = access.can_import(actor)
    assigned = set() if admin else set(Assignment.objects.filter(staff_id=actor.membership.pk)
                                       .values_list("client_id", flat=True))  # the caseload: one query
    results: list[EntryResult] = []
    checked: list[tuple[int, ImportedResponse, Instrument, Client]] = []
    for index, parsed in parsed_all:
        if isinstance(parsed, EntryResult):
            results.append(parsed)
            continue
        problem = _batch_problem(actor, parsed, registry, subjects, admin, assigned)
        if isinstance(problem, EntryResult):
            problem.index = index
            results.append(problem)
            continue
        inst, client = problem
        checked.append((index, parsed, inst, client))
    courses, sessions = _courses_by_day({c.pk for _i, _p, _n, c in checked})
    ready = []
    for index, parsed, inst, client in checked:
        course, session = _course_on(courses.get(client.pk, []), sessions, parsed.authored)
        mine = _own_uuid(parsed)
        ready.append(Ready(
            index=index, external_id=_external_id(parsed), client=client, course=course, session=session,
            session_number=session.number if session else None, inst=inst, values=dict(parsed.answers),
            when=parsed.authored, source=Source.IMPORT, event_type=IMPORTED.code,
            details={"instrument": inst.code, "batch": True}, own_uuid=str(mine) if mine else ""))
    results += store(actor, ready)
    return sorted(results, key=lambda r: r.index)


def _batch_problem(actor: Actor, parsed: ImportedResponse, registry, subjects: _BatchSubjects, admin: bool,
                   assigned: set[int]) -> EntryResult | tuple[Instrument, Client]:
    """The checks `import_text` makes of one response, and who may send it; a refusal, or its instrument and client."""
    if parsed.status not in IMPORTABLE_STATUSES:
        return EntryResult(0, 422, code="invalid", message=_("%(status)r: only completed questionnaires are imported")
                           % {"status": parsed.status}, fields={"status": "completed"})
    inst = registry.get(parsed.instrument_code)
    if not inst.licence.embeddable:
        return EntryResult(0, 422, code="invalid", message=_("%(code)s is not licensed for use here") % {"code": inst.code},
                           fields={"questionnaire": inst.code})
    if parsed.authored > timezone.now() + timedelta(minutes=5):
        return EntryResult(0, 422, code="invalid", message=_("%(when)s is in the future")
                           % {"when": parsed.authored.isoformat()}, fields={"authored": "in the future"})
    client = subjects.find(parsed.subject_reference)
    if client is None:
        return EntryResult(0, 404, code="not_found", message=_(
            "%(ref)s is not a client of %(org)s that you can see. Use the Patient id from an OpenIPT export, "
            "or the client's record number (Patient/<record number>).") % {
                "ref": parsed.subject_reference, "org": actor.organisation.name},
            fields={"subject.reference": parsed.subject_reference})
    if not admin and not (access.is_care_staff(actor) and client.pk in assigned):
        return EntryResult(0, 403, code=str(ErrorCode.FORBIDDEN),
                           message=_("Only care staff assigned to this client, or an admin, can send their answers."),
                           fields={"subject.reference": parsed.subject_reference})
    return inst, client
