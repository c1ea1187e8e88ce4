"""Every change a FHIR bulk export (`$export`) makes: starting one, the worker writing its files, cancelling, pruning.

The worker reads as the token that asked, exactly as a FHIR search with that token would: each resource
type's rows come from the same access filters (`kinds.KINDS[...].rows`), narrowed by `_since`, and are
built by the same builders, so a line of a file is what a read of that resource returns. Each type is one
query read as a stream in id order, CHUNK rows at a time (plain rows of just the columns its builder reads
where the type names them, `Kind.fields`), with a check for cancelling and a progress note per chunk and any
prefetch done per chunk: no query per resource. QuestionnaireResponses and their total-score Observations
come from one read. Files hold at most `FILE_LINES` resources, so memory stays flat.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from pydantic_core import to_json

from openipt.accounts.actor import Actor, Origin
from openipt.api.auth import ApiActor, token_problem
from openipt.api.fhir import kinds, resources
from openipt.api.fhir.outcome import outcome
from openipt.api.models import ApiToken, BulkExport, BulkFile, BulkStatus
from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.courses.models import Course
from openipt.measures.interop import ExportError

BULK_STARTED = register("api.bulk_export_started", "FHIR bulk export asked for")
BULK_FINISHED = register("api.bulk_export_finished", "FHIR bulk export written")
BULK_CANCELLED = register("api.bulk_export_cancelled", "FHIR bulk export cancelled and its files removed")

CHUNK = 2000  # rows fetched at a time from the one query of each type
FILE_LINES = 10_000  # resources per file
ERROR_TYPE = "OperationOutcome"


def expiry_hours() -> int:
    return int(getattr(settings, "FHIR_BULK_EXPIRY_HOURS", 24))


def offered_types() -> list[str]:
    """Every type an export can hold, in the order they are written."""
    return ["Patient", "Questionnaire", *[name for name in kinds.KINDS if name != "Patient"]]


def scope_of(resource_type: str) -> str:
    kind = kinds.KINDS.get(resource_type)
    return kind.scope if kind is not None else kinds.QUESTIONNAIRE_SCOPE


def start_export(actor: ApiActor, *, types: list[str], since: datetime | None, request_url: str,
                 group_id: int | None = None) -> BulkExport:
    """Record an export (the views have checked the types against the token's scopes, and that the token sees the
    group of a group-level export) and queue it for the worker."""
    from openipt.api.fhir import bulk_tasks

    assert actor.token is not None
    now = timezone.now()
    export = BulkExport.objects.create(
        public_id=uuid.uuid4(), organisation_id=actor.organisation_id, token=actor.token,
        membership=actor.membership, request_url=request_url[:2000], types=types, since=since, group_id=group_id,
        transaction_time=now, created_at=now, progress="Waiting for the worker.")
    audit.record(BULK_STARTED.code, actor=actor, obj=export,
                 details={"export": str(export.public_id), "token": actor.token.pk, "types": types,
                          "since": since.isoformat() if since else None, "group": group_id})
    bulk_tasks.run_bulk_export.enqueue(export.pk)
    return export


def cancel_export(actor: Actor, export: BulkExport) -> None:
    """Stop an export (the worker stops at its next chunk) and remove its files."""
    BulkExport.objects.filter(pk=export.pk).update(status=BulkStatus.CANCELLED, progress="Cancelled.")
    removed, _ = BulkFile.objects.filter(export_id=export.pk).delete()
    audit.record(BULK_CANCELLED.code, actor=actor, obj=export,
                 details={"export": str(export.public_id), "files_removed": removed})


def prune_expired(now: datetime | None = None) -> int:
    """Delete the exports whose files have expired, and cancelled ones; return how many exports went."""
    now = now or timezone.now()
    gone = BulkExport.objects.filter(expires_at__lte=now) | BulkExport.objects.filter(status=BulkStatus.CANCELLED)
    ids = list(gone.values_list("pk", flat=True))
    BulkFile.objects.filter(export_id__in=ids).delete()
    BulkExport.objects.filter(pk__in=ids).delete()
    return len(ids)


def _actor_of(export: BulkExport) -> ApiActor | None:
    """The token's actor as the worker reads with it; None when the token no longer works.

    The same checks as every API request (openipt.api.auth.token_problem): revoked or expired, a person who
    is no longer active, or an API client whose login was changed.
    """
    token = ApiToken.objects.select_related("membership__user", "membership__organisation").get(pk=export.token_id)
    if token_problem(token) is not None:
        return None
    return ApiActor(token.membership, Origin(user_agent="bulk export worker"), token=token,
                    scopes=frozenset(token.scopes))


def _chunks(kind: kinds.Kind, qs: QuerySet[Any]) -> Iterator[list[Any]]:
    """The rows of `qs` in id order, CHUNK at a time, from one query read as a stream.

    A type whose builder names the columns it reads (`Kind.fields`) is read as plain named tuples of just those
    columns, not model instances; any other type as instances, with their prefetches done once per chunk.
    """
    ordered = qs.order_by("pk")
    rows: Iterator[Any] = (ordered.values_list(*kind.fields, named=True) if kind.fields else ordered).iterator(
        chunk_size=CHUNK)
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _line(resource: dict[str, Any]) -> bytes:
    """One resource as one compact JSON line (UTF-8, newline included), made by pydantic-core's encoder (installed
    with pydantic, which django-ninja needs), about twice as fast as the standard library's. For what these
    resources hold (text, whole numbers, true/false) it writes the same bytes as the file export's `ndjson_line`
    (a test compares them); only a decimal below 0.0001 would differ in form (0.00001 for 1e-05), still valid JSON."""
    return to_json(resource) + b"\n"


class _Responses:
    """QuestionnaireResponse lines, each the bytes `_line` would make, with every answer entry turned into text once.

    The export's exporter shares the entries (`share_answers`): one dict per question and value, in every response
    that gave that answer. Each is encoded the first time it is seen and its text reused; the entry is kept with its
    text, so its id (the key) cannot be taken by another object while the export runs. The answers are most of a
    response's text, and most of the work of encoding it.
    """

    def __init__(self) -> None:
        self.encoded: dict[int, tuple[dict[str, Any], bytes]] = {}

    def line(self, resource: dict[str, Any]) -> bytes:
        items = resource.get("item")
        if not items:
            return _line(resource)
        encoded = self.encoded
        parts = []
        for entry in items:
            found = encoded.get(id(entry))
            if found is None:
                found = encoded[id(entry)] = (entry, to_json(entry))
            parts.append(found[1])
        # the keys before `item` and after it, in their order, each side encoded as a whole and joined round the
        # answers: `{head...,"item":[answers],tail...}`
        head: dict[str, Any] = {}
        tail: dict[str, Any] = {}
        side = head
        for key, value in resource.items():
            if key == "item":
                side = tail
            else:
                side[key] = value
        text = to_json(head)[:-1] + b',"item":[' + b",".join(parts) + b"]"
        return text + (b"," + to_json(tail)[1:] if tail else b"}") + b"\n"


class _Writer:
    """Collects one export's lines into BulkFile rows of at most FILE_LINES resources of one type each (two types
    can be open at once: QuestionnaireResponses and Observations come from one read of the questionnaires)."""

    def __init__(self, export: BulkExport):
        self.export = export
        self.number = 0
        self.open: dict[str, list[bytes]] = {}
        self.errors: list[bytes] = []
        self.total = 0

    def add(self, resource_type: str, line: bytes) -> None:
        lines = self.open.setdefault(resource_type, [])
        lines.append(line)
        if len(lines) >= FILE_LINES:
            self._flush_one(resource_type)

    def _flush_one(self, resource_type: str) -> None:
        lines = self.open.pop(resource_type, [])
        if lines:
            self._save(resource_type, lines, is_error=False)
            self.total += len(lines)

    def flush(self) -> None:
        for resource_type in list(self.open):
            self._flush_one(resource_type)

    def _save(self, resource_type: str, lines: list[bytes], *, is_error: bool) -> None:
        self.number += 1
        BulkFile.objects.create(export=self.export, number=self.number, resource_type=resource_type,
                                is_error=is_error, count=len(lines), content=b"".join(lines).decode())

    def fail(self, message: str, status: int = 422, code: str = "not_exportable") -> None:
        self.errors.append(_line(outcome(status, code, message)))

    def close(self) -> None:
        self.flush()
        if self.errors:
            self._save(ERROR_TYPE, self.errors, is_error=True)


def _cancelled(export: BulkExport) -> bool:
    return BulkExport.objects.filter(pk=export.pk, status=BulkStatus.CANCELLED).exists()


def _progress(export: BulkExport, text: str) -> None:
    BulkExport.objects.filter(pk=export.pk).exclude(status=BulkStatus.CANCELLED).update(progress=text[:200])


def _group_members(actor: ApiActor, group_id: int) -> list[int] | None:
    """The clients of a group's members that the token may see (None when it no longer sees the group)."""
    group = kinds.KINDS["Group"].get(actor, str(group_id))
    if group is None:
        return None
    return [member.client_id for member in getattr(group, "seen_members", [])]


def _of_group(qs: QuerySet[Any], kind: kinds.Kind, group_id: int, clients: list[int]) -> QuerySet[Any]:
    """A group-level export's rows: the group itself, its members' records, and the therapists of their courses."""
    if kind.name == "Group":
        return qs.filter(pk=group_id)
    if kind.name == "Patient":
        return qs.filter(pk__in=clients)
    if kind.name == "Practitioner":
        return qs.filter(pk__in=Course.objects.filter(client_id__in=clients).values("therapist_id"))
    assert kind.patient_field is not None
    return qs.filter(**{f"{kind.patient_field}__in": clients})


def _rows(export: BulkExport, actor: ApiActor, kind: kinds.Kind, clients: list[int] | None) -> QuerySet[Any]:
    """What the export writes of one type: the rows the token may see, of the group's members for a group-level
    export, changed after `_since` when it was given."""
    qs = kind.rows(actor)
    if clients is not None and export.group_id is not None:
        qs = _of_group(qs, kind, export.group_id, clients)
    if export.since is not None and kind.updated_field is not None:
        qs = qs.filter(**{f"{kind.updated_field}__gt": export.since})
    return qs


def _write_type(export: BulkExport, actor: ApiActor, ctx: kinds.Context, name: str, writer: _Writer,
                clients: list[int] | None) -> bool:
    """Write one type's resources (of a group's members when `clients` is given); False when the export was
    cancelled meanwhile."""
    if name == "Questionnaire":
        for code in sorted(ctx.exporter.registry.codes()):
            writer.add(name, _line(ctx.exporter.questionnaire(code)))
        return True
    kind = kinds.KINDS[name]
    line = _Responses().line if name == RESPONSES else _line

    def write(row: Any) -> None:
        try:
            resource = kind.build(ctx, row)
        except ExportError as err:
            writer.fail(f"A {name} (id {row.pk}) could not be exported: {err}")
            return
        if resource is not None:
            writer.add(name, line(resource))

    return _each_row(export, _rows(export, actor, kind, clients), kind, name, write)


def _each_row(export: BulkExport, rows: QuerySet[Any], kind: kinds.Kind, label: str, write: Any) -> bool:
    """Hand every row to `write`, a chunk at a time, saying how far it got; False when the export was cancelled."""
    done = 0
    for chunk in _chunks(kind, rows):
        if _cancelled(export):
            return False
        for row in chunk:
            write(row)
        done += len(chunk)
        _progress(export, f"{label}: {done} read.")
    return True


RESPONSES, SCORES = "QuestionnaireResponse", "Observation"


def _write_responses_and_scores(export: BulkExport, actor: ApiActor, ctx: kinds.Context, writer: _Writer,
                                clients: list[int] | None) -> bool:
    """Write the QuestionnaireResponses and their total-score Observations from one read of the questionnaires
    (an Observation's rows are the responses that have a total), each questionnaire checked once, as the file
    export does; the lines are those the two types' own builders make. False when the export was cancelled."""
    kind = kinds.KINDS[RESPONSES]
    response_line = _Responses().line

    def write(row: Any) -> None:
        try:
            response, score = resources.response_and_observation(ctx.exporter, row)
        except ExportError as err:
            writer.fail(f"A {RESPONSES} (id {row.pk}) could not be exported: {err}")
            if row.total is not None:
                writer.fail(f"A {SCORES} (id {row.pk}) could not be exported: {err}")
            return
        writer.add(RESPONSES, response_line(response))
        if score is not None:
            writer.add(SCORES, _line(score))

    return _each_row(export, _rows(export, actor, kind, clients), kind, f"{RESPONSES} and {SCORES}", write)


def run_export(export_id: int) -> dict[str, Any]:
    """The worker's job: write an export's files, then mark it done (a cancelled or missing export is left alone).

    Any failure while writing ends as an OperationOutcome in the manifest's error file, never as a broken job.
    """
    prune_expired()
    export = BulkExport.objects.filter(pk=export_id, status=BulkStatus.QUEUED).first()
    if export is None:
        return {"written": 0, "skipped": True}
    BulkExport.objects.filter(pk=export.pk, status=BulkStatus.QUEUED).update(status=BulkStatus.RUNNING)
    writer = _Writer(export)
    actor = _actor_of(export)
    finished = True
    if actor is None:
        writer.fail("The token that asked for this export no longer works (revoked, expired, or its person or "
                    "API client is no longer active), so nothing was exported.",
                    status=401, code="token_not_usable")
    clients = _group_members(actor, export.group_id) if actor is not None and export.group_id is not None else None
    if actor is not None and export.group_id is not None and clients is None:
        writer.fail("This token no longer sees the group, so nothing was exported.", status=404, code="not_found")
    elif actor is not None:
        ctx = kinds.context(actor, share_answers=True)  # each resource is made into text at once, and not changed
        paired = RESPONSES in export.types and SCORES in export.types
        for i, name in enumerate(export.types, start=1):
            if paired and name in (RESPONSES, SCORES):
                if name == SCORES and RESPONSES in export.types[:i]:
                    continue  # written with the responses
                names = f"{RESPONSES} and {SCORES}"
            else:
                names = name
            _progress(export, f"Type {i} of {len(export.types)}: {names}.")
            try:
                if names == name:
                    finished = _write_type(export, actor, ctx, name, writer, clients)
                else:
                    finished = _write_responses_and_scores(export, actor, ctx, writer, clients)
            except Exception as err:  # noqa: BLE001 - reported in the error file, as the Bulk Data IG asks
                writer.fail(f"The {names} resources could not all be exported ({type(err).__name__}).",
                            status=500, code="export_failed")
            writer.flush()
            if not finished:
                break
    if not finished or _cancelled(export):
        BulkFile.objects.filter(export_id=export.pk).delete()
        return {"written": 0, "cancelled": True}
    writer.close()
    now = timezone.now()
    updated = BulkExport.objects.filter(pk=export.pk, status=BulkStatus.RUNNING).update(
        status=BulkStatus.DONE, progress="Done.", finished_at=now, expires_at=now + timedelta(hours=expiry_hours()))
    if not updated:  # cancelled while the last file was saved
        BulkFile.objects.filter(export_id=export.pk).delete()
        return {"written": 0, "cancelled": True}
    audit.record(BULK_FINISHED.code, actor=actor, organisation_id=export.organisation_id, obj=export,
                 system_label="bulk export worker",
                 details={"export": str(export.public_id), "resources": writer.total, "errors": len(writer.errors)})
    return {"written": writer.total, "errors": len(writer.errors)}
