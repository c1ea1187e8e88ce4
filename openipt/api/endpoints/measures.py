"""Questionnaire administrations with their scores: list, read, and send answers (scored and risk-checked)."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from pydantic import Field, ValidationError

from openipt.api import present, queries
from openipt.api.endpoints import (
    READ_ERRORS,
    WRITE_ERRORS,
    BatchTokenAuth,
    ChangedParams,
    actor_of,
    needs,
    refusing,
)
from openipt.api.errors import not_found
from openipt.api.http import idempotent, page, respond
from openipt.api.schemas import (
    ID_MAX,
    AdministrationOut,
    AdministrationPage,
    BatchIn,
    BatchOut,
    ResponseIn,
    checked_entry,
)
from openipt.core.errors import ActionError
from openipt.measures import access, actions, batch_actions, settings_actions

router = Router()


class AdministrationFilters(ChangedParams):
    client_id: int | None = Field(None, ge=1, lt=ID_MAX, description="Only this client's questionnaires.")
    course_id: int | None = Field(None, ge=1, lt=ID_MAX, description="Only this course's questionnaires.")
    instrument: str | None = Field(None, max_length=40, description="Only this instrument, such as phq9.")


@router.get("", response={200: AdministrationPage, **READ_ERRORS}, url_name="administrations",
            summary="List completed questionnaires with scores", auth=needs("measures:read"))
def list_administrations(request: HttpRequest, params: Query[AdministrationFilters]) -> HttpResponse:
    """Completed questionnaires the token may see, with totals and bands, oldest first. Scope `measures:read`."""
    actor = actor_of(request, "measures:read")
    qs = queries.administrations(actor)
    if params.client_id is not None:
        qs = qs.filter(client_id=params.client_id)
    if params.course_id is not None:
        qs = qs.filter(course_id=params.course_id)
    if params.instrument:
        qs = qs.filter(instrument_code=params.instrument)
    return respond(request, page("administrations", qs, limit=params.limit, cursor=params.cursor,
                                 updated_since=params.updated_since, serialize=present.administrations))


@router.post("/batch", response={200: BatchOut, **WRITE_ERRORS}, url_name="administration_batch",
             summary="Send many completed questionnaires at once", auth=BatchTokenAuth("measures:write"))
def create_administrations(request: HttpRequest, body: BatchIn) -> HttpResponse:
    """Record up to 1,000 completed questionnaires in one request, each as `POST /administrations` records one.

    Every response is scored and checked against the safety rules (an answer that raises a risk
    alert raises it here too) and audited. Each entry is stored or refused on its own: the answer
    lists each entry's status (201 stored, 200 stored before, 4xx refused with the reason) in the
    order sent. Each entry needs a `key`, unique in your organisation: a batch sent again stores
    nothing twice. Scope `measures:write` (a personal token of care staff assigned to the clients).
    """
    actor = actor_of(request, "measures:write")

    def run() -> tuple[int, object]:
        entries: list[batch_actions.PaperEntry] = []
        where: list[int] = []
        results: dict[int, dict[str, object]] = {}
        keys: dict[int, str | None] = {}
        for index, raw in enumerate(body.responses):
            key = raw.get("key") if isinstance(raw.get("key"), str) else None
            keys[index] = key
            try:
                item = checked_entry(raw)
            except ValidationError as err:
                fields = {".".join(str(p) for p in e["loc"]) or "(entry)": e["msg"] for e in err.errors()}
                results[index] = {"index": index, "key": key, "status": 422, "alerts": 0, "administration": None,
                                  "error": {"code": "invalid", "message": "This entry is not a valid response.",
                                            "fields": fields}}
                continue
            where.append(index)
            entries.append(batch_actions.PaperEntry(
                key=item.key, course_id=item.course_id, instrument_code=item.instrument_code,
                completed_on=item.completed_on, answers=dict(item.answers), session_number=item.session_number,
                client_id=item.client_id, safety_blank_confirmed=item.safety_blank_confirmed))
        for result in batch_actions.enter_many(actor, entries):
            index = where[result.index]
            error = None if result.stored and result.administration is not None else {
                "code": result.code, "message": result.message, "fields": result.fields or None}
            results[index] = {"index": index, "key": keys[index], "status": result.status, "alerts": result.alerts,
                              "administration": present.administration(result.administration)
                              if result.administration is not None else None, "error": error}
        ordered = [results[i] for i in sorted(results)]
        return 200, {"stored": sum(1 for r in ordered if r["status"] == 201),
                     "already_stored": sum(1 for r in ordered if r["status"] == 200),
                     "refused": sum(1 for r in ordered if int(str(r["status"])) >= 400), "results": ordered}

    return idempotent(request, actor, run)


@router.get("/{administration_id}", response={200: AdministrationOut, **READ_ERRORS}, url_name="administration",
            summary="Read a questionnaire with its answers", auth=needs("measures:read"))
def read_administration(request: HttpRequest, administration_id: UUID) -> HttpResponse:
    """One questionnaire with its answers and score. Scope `measures:read`."""
    actor = actor_of(request, "measures:read")
    found = access.get_administration(actor, administration_id)
    if found is None:
        raise not_found("questionnaire")
    settings_actions.record_view(actor, client=found.client, obj=found, what="administration")
    return respond(request, present.administration(found, with_answers=True))


@router.post("", response={201: AdministrationOut, **WRITE_ERRORS}, url_name="administration_create",
             summary="Send a completed questionnaire", auth=needs("measures:write"))
def create_administration(request: HttpRequest, body: ResponseIn) -> HttpResponse:
    """Record a completed questionnaire for a course, as staff enter a paper form. Scope `measures:write`.

    It is scored and checked against the safety rules exactly as on the screens: an answer that
    raises a risk alert raises it here too (read it under /alerts). Only care staff assigned to the
    course's client may send answers, so this needs a personal token. Send an `Idempotency-Key`
    so that a retry after a lost answer is stored once.
    """
    actor = actor_of(request, "measures:write")

    def run() -> tuple[int, object]:
        try:
            admin = actions.enter_paper(
                actor, body.course_id, instrument_code=body.instrument_code, session_number=body.session_number,
                completed_on=body.completed_on, answers=dict(body.answers), client_id=body.client_id,
                safety_blank_confirmed=body.safety_blank_confirmed)
        except ActionError as err:
            raise refusing(err) from None
        return 201, present.administration(admin, with_answers=True)

    return idempotent(request, actor, run)
