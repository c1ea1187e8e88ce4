"""Many completed questionnaires at once (issue 15): the REST API's batch and the FHIR server's batch Bundle.

Each response is checked, scored, risk-checked and audited exactly as one sent alone is
(`actions.enter_paper` for the REST API, `imports.import_text` for FHIR), but what every
response needs is read once per batch: the courses and their sessions, the clients, the
organisation's risk rules, the webhooks, the audit chain's head. The responses are inserted in
as few statements as the database takes (`core.bulk.insert_many`, which stores what `bulk_create` would),
each with its own audit event (`audit.record_many`, one chain link each).

Each entry stands alone: one that cannot be used (bad answers, a client the token may not see)
gets its own refusal and nothing is stored for it, while the others are stored. Each response
carries a key (the REST entry's `key`, the FHIR identifier) kept as its external id, unique in
the organisation, so a batch sent again stores nothing twice: those entries answer "already stored".

Safety: the rules are read once and every response is checked with them (`safety_api.would_raise`);
any response they flag, and any safety question left blank, goes through the very functions a
single response goes through (`safety_api.raise_for_administration`, `safety_items.raise_linked`,
`safety_items.raise_unanswered`), which raise and escalate the alert in the same transaction. They run
inside `safety_api.raising_together`: the rules checked are the ones read for the batch, and each client's
caseload signal is set once after all the batch's alerts (HAZ-044).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.core import bulk, events
from openipt.core.errors import ActionError, ErrorCode
from openipt.courses.models import Course, Session
from openipt.measures import access, due, instruments, outcome_actions, safety_items
from openipt.measures.actions import (
    ENTERED,
    AnswersError,
    _answering_client,
    _forbidden,
    _instrument,
    _when,
    clean_answers,
    sex_for,
)
from openipt.measures.engine import Instrument, score
from openipt.measures.models import Administration, Source, Status
from openipt.safety import api as safety_api

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.clients.models import Client

MAX_ENTRIES = 1000


@dataclass
class Ready:
    """One checked response, ready to store."""

    index: int
    external_id: str
    client: Client
    course: Course | None
    session: Session | None
    session_number: int | None
    inst: Instrument
    values: dict[str, int | None]
    when: datetime
    source: str
    event_type: str
    details: dict[str, Any]
    due_key: str = ""
    own_uuid: str = ""  # one of our own exported responses, sent back


@dataclass
class EntryResult:
    """What became of one entry: 201 stored, 200 already stored before, 4xx refused (nothing stored)."""

    index: int
    status: int
    administration: Administration | None = None
    alerts: int = 0
    code: str = ""
    message: str = ""
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def stored(self) -> bool:
        return self.status in (200, 201)


def refused(index: int, err: ActionError) -> EntryResult:
    """An entry refused by the same check that refuses a single response."""
    status = {ErrorCode.FORBIDDEN: 403, ErrorCode.NOT_FOUND: 404, ErrorCode.CONFLICT: 409}.get(err.code, 422)  # type: ignore[call-overload]
    fields = {err.field: err.message} if err.field else {}
    if isinstance(err, AnswersError):
        fields = {str(k): str(v) for k, v in err.errors.items()}
    return EntryResult(index, status, code=str(err.code), message=err.message, fields=fields)


# ---- the REST API's entries


@dataclass(frozen=True)
class PaperEntry:
    """One REST entry: what `enter_paper` takes, and the key that makes a retry store it once."""

    key: str
    course_id: int
    instrument_code: str
    completed_on: date
    answers: dict[str, Any]
    session_number: int | None = None
    client_id: int | None = None
    safety_blank_confirmed: bool = False


def enter_many(actor: Actor, entries: Sequence[PaperEntry]) -> list[EntryResult]:
    """Enter many questionnaires as `enter_paper` enters one; each entry stored or refused on its own."""
    courses = {
        c.pk: c
        for c in access.with_viewer_assignment(
            access.staff_courses(actor)
            .filter(pk__in={e.course_id for e in entries})
            .select_related("client"),
            actor,
        )
    }
    wanted = {(e.course_id, e.session_number) for e in entries if e.session_number is not None}
    sessions = (
        {
            (s.course_id, s.number): s
            for s in Session.objects.filter(
                course_id__in={c for c, _n in wanted}, number__in={n for _c, n in wanted}
            )
        }
        if wanted
        else {}
    )
    ready: list[Ready] = []
    results: list[EntryResult] = []
    for index, entry in enumerate(entries):
        try:
            ready.append(_paper(actor, index, entry, courses, sessions))
        except ActionError as err:
            results.append(refused(index, err))
    results += store(actor, ready)
    return sorted(results, key=lambda r: r.index)


def _paper(
    actor: Actor,
    index: int,
    entry: PaperEntry,
    courses: dict[int, Course],
    sessions: dict[tuple[int, int], Session],
) -> Ready:
    """The checks of `enter_paper`, in its order, on rows read for the whole batch."""
    course = courses.get(entry.course_id)
    if course is None or not access.can_administer(actor, course):
        raise _forbidden()
    client = (
        course.client
        if entry.client_id in (None, course.client_id)
        else _answering_client(actor, course, entry.client_id)
    )
    inst = _instrument(entry.instrument_code)
    if set(entry.answers) != {i.id for i in inst.items}:
        missing = {
            i.id: _('Choose an answer, or "Left blank" if there is none on the form.')
            for i in inst.items
            if i.id not in entry.answers
        }
        if missing:
            raise AnswersError(_("Some questions have no answer chosen."), missing)
    values = clean_answers(inst, entry.answers, require_all=False)
    blank = safety_items.unanswered(inst, values)
    if blank and entry.safety_blank_confirmed is not True:
        raise AnswersError(
            _("The safety question was left blank. Please check the paper form again."),
            {
                item: _(
                    "This is the question about suicide and self-harm. Look at the paper form again, and ask the "
                    "client if you can. If it really was left blank, send safety_blank_confirmed: true: a task "
                    "to follow it up is raised."
                )
                for item in blank
            },
        )
    when = _when(entry.completed_on)
    session = None
    if entry.session_number is not None:
        session = sessions.get((course.pk, entry.session_number))
        if session is None:
            raise ActionError(
                _("This course has no session %(n)s. Choose one of its sessions, or none.")
                % {"n": entry.session_number},
                field="session_number",
            )
    key = due.key_for(course.pk, inst.code, session=entry.session_number) if entry.session_number else ""
    return Ready(
        index=index,
        external_id=f"api|{entry.key}"[:300],
        client=client,
        course=course,
        session=session,
        session_number=entry.session_number,
        inst=inst,
        values=values,
        when=when,
        source=Source.STAFF,
        event_type=ENTERED.code,
        due_key=key,
        details={
            "instrument": inst.code,
            "session": entry.session_number,
            "completed_on": entry.completed_on.isoformat(),
            "key": entry.key,
            "batch": True,
        },
    )


# ---- storing


def store(actor: Actor, ready: Sequence[Ready]) -> list[EntryResult]:
    """Store checked responses: scored, risk-checked, the signal refreshed, webhooks told, each one audited."""
    if not ready:
        return []
    organisation_id = actor.organisation_id
    results: list[EntryResult] = []
    with transaction.atomic():
        stored = dict(
            Administration.objects.filter(
                organisation_id=organisation_id, external_id__in=[r.external_id for r in ready]
            ).values_list("external_id", "pk")
        )
        own = [r.own_uuid for r in ready if r.own_uuid]
        stored_own = (
            {
                str(u)
                for u in Administration.objects.filter(
                    organisation_id=organisation_id, uuid__in=own
                ).values_list("uuid", flat=True)
            }
            if own
            else set()
        )
        keyed = [r for r in ready if r.due_key]
        taken = (
            set(
                Administration.objects.filter(
                    client_id__in={r.client.pk for r in keyed}, due_key__in={r.due_key for r in keyed}
                ).values_list("client_id", "due_key")
            )
            if keyed
            else set()
        )
        fresh: list[Ready] = []
        seen: set[str] = set()
        for r in ready:
            if r.external_id in stored or r.external_id in seen or (r.own_uuid and r.own_uuid in stored_own):
                results.append(
                    EntryResult(
                        r.index,
                        200,
                        code="already_stored",
                        message=_("This response was stored before; it was not stored again."),
                    )
                )
                continue
            if r.due_key and (r.client.pk, r.due_key) in taken:
                results.append(
                    refused(
                        r.index,
                        ActionError(
                            _(
                                "A %(name)s for session %(n)s is already recorded, or the client has started it. Open it from "
                                "the course's scores."
                            )
                            % {"name": r.inst.short_name, "n": r.session_number},
                            field="session_number",
                            code=ErrorCode.CONFLICT,
                        ),
                    )
                )
                continue
            seen.add(r.external_id)
            if r.due_key:
                taken.add((r.client.pk, r.due_key))
            fresh.append(r)
        admins = [_scored(actor, r) for r in fresh]
        admins, kept = _insert(admins, fresh, results)
        with audit.appended_together():  # the alerts' events and the responses' linked and stored at once
            results += _after(actor, organisation_id, kept, admins)
    return results


def _scored(actor: Actor, r: Ready) -> Administration:
    """The administration `complete` would store for these answers (scored by the same engine)."""
    sex = sex_for(r.client)
    result = score(r.inst, r.values, sex=sex or None)
    blank = safety_items.unanswered(r.inst, r.values)
    return Administration(
        organisation_id=r.client.organisation_id,
        client=r.client,
        course=r.course,
        session=r.session,
        session_number=r.session.number if r.session else r.session_number,
        due_key=r.due_key,
        instrument_code=r.inst.code,
        instrument_version=r.inst.version,
        answers=dict(r.values),
        status=Status.COMPLETED,
        total=result.total,
        band=result.band.id if result.band else "",
        prorated=result.prorated,
        flags=[
            {"item": f.item, "value": f.value, "score": f.score, "threshold": f.threshold}
            for f in result.flags
        ],
        screen_positive=result.screen.positive if result.screen else None,
        screen_cutoff=result.screen.cutoff if result.screen else None,
        sex_used=sex,
        source=r.source,
        entered_by=actor.membership,
        entered_by_role=actor.role if r.source == Source.STAFF else "",
        external_id=r.external_id,
        safety_followup=bool(result.flags) or bool(blank),
        started_at=r.when,
        completed_at=r.when,
    )


def _insert(
    admins: list[Administration], fresh: list[Ready], results: list[EntryResult]
) -> tuple[list[Administration], list[Ready]]:
    """Insert in one statement; if another request stored one of them at this moment, one by one instead."""
    if not admins:
        return [], []
    try:
        with transaction.atomic():
            bulk.insert_many(admins)
        return admins, fresh
    except IntegrityError:
        pass
    kept_admins, kept = [], []
    for admin, r in zip(admins, fresh, strict=True):
        admin.pk = None
        try:
            with transaction.atomic():
                admin.save(force_insert=True)
        except IntegrityError:
            results.append(
                EntryResult(
                    r.index,
                    200,
                    code="already_stored",
                    message=_("This response was stored before; it was not stored again."),
                )
            )
            continue
        kept_admins.append(admin)
        kept.append(r)
    return kept_admins, kept


def _risk_checks(rules: Any, r: Ready, admin: Administration) -> tuple[bool, bool, list[str]]:
    """Whether the rules flag the answers, whether a linked safety question would, and the safety questions left blank."""
    risky = safety_api.would_raise(rules, admin.instrument_code, admin.answers)
    linked = any(
        code == r.inst.code
        and admin.answers.get(item) is not None
        and safety_api.would_raise(rules, target, {target_item: admin.answers.get(item)})
        for (code, item), (target, target_item) in safety_items.LINKED.items()
    )
    return risky, linked, safety_items.unanswered(r.inst, r.values)


def _after(
    actor: Actor, organisation_id: int, kept: list[Ready], admins: list[Administration]
) -> list[EntryResult]:
    """Risk rules, the not-on-track signal, webhooks and the audit log for the stored responses."""
    results = []
    # The batch's alerts share the rules read once; the responses were made in this transaction, so no alert
    # from before names one of them.
    with safety_api.raising_together(organisation_id, admins) as rules:
        checks = [_risk_checks(rules, r, admin) for r, admin in zip(kept, admins, strict=True)]
        # The clients about to have an alert raised are locked and read once, with their assigned staff.
        safety_api.expect_alerts({r.client.pk for r, check in zip(kept, checks, strict=True) if any(check)})
        for r, admin, (risky, linked, blank) in zip(kept, admins, checks, strict=True):
            alerts: list[Any] = []
            if risky:
                alerts += safety_api.raise_for_administration(admin) or []
            if linked:
                alerts += safety_items.raise_linked(admin, r.inst, client=r.client)
            if blank:
                alerts += safety_items.raise_unanswered(admin, r.inst, blank, client=r.client)
            if alerts and not admin.safety_followup:
                admin.safety_followup = True
                Administration.objects.filter(pk=admin.pk).update(safety_followup=True)
            results.append(EntryResult(r.index, 201, administration=admin, alerts=len(alerts)))
    outcome_actions.refresh_signals(
        {a.client_id for a in admins if a.course_id is not None and a.instrument_code in instruments.TRACKED},
        organisation_id,
    )
    events.emit_many(
        events.EventType.QUESTIONNAIRE_COMPLETED,
        organisation_id=organisation_id,
        items=[
            (
                r.when,
                {
                    "administration_id": str(a.uuid),
                    "client_id": a.client_id,
                    "course_id": a.course_id,
                    "instrument": a.instrument_code,
                    "total": a.total,
                    "band": a.band,
                    "prorated": a.prorated,
                    "safety_followup": a.safety_followup,
                    "completed_at": r.when.isoformat(),
                },
            )
            for r, a in zip(kept, admins, strict=True)
        ],
    )
    audit.record_many(
        [
            audit.Pending(
                r.event_type,
                actor=actor,
                client=r.client,
                obj=a,
                details={
                    **r.details,
                    "total": a.total,
                    "flags": [f["item"] for f in a.flags],
                    "alerts": res.alerts,
                    "identifiers": [a.external_id],
                },
            )
            for r, a, res in zip(kept, admins, results, strict=True)
        ]
    )
    return results
