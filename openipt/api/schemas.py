"""The shapes the API reads and answers, published in the OpenAPI document."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, create_model

from openipt.core.numbers import ID_MAX


class ErrorBody(Schema):
    code: str = Field(examples=["insufficient_scope"])
    message: str
    fields: dict[str, str] | None = None


class ErrorOut(Schema):
    error: ErrorBody


class ClientOut(Schema):
    id: int
    record_number: str = Field(examples=["C-7K3MQP"])
    given_name: str
    family_name: str
    preferred_name: str
    date_of_birth: date | None
    status: str = Field(examples=["active"])
    preferred_language: str
    created_at: datetime
    updated_at: datetime


class CourseOut(Schema):
    id: int
    client_id: int
    format_id: str = Field(examples=["individual_16"])
    therapist: str
    status: str
    phase: str
    start_date: date
    planned_end_date: date
    sessions_planned: int
    frequency: str
    primary_area: str
    ended_on: date | None
    updated_at: datetime


class SessionOut(Schema):
    number: int
    scheduled_start: datetime
    duration_minutes: int
    mode: str
    attendance: str = Field(examples=["attended"])
    phase: str
    updated_at: datetime


class GoalRatingOut(Schema):
    session_number: int
    rating: int
    at: datetime


class GoalOut(Schema):
    id: int
    area: str
    text: str
    order: int
    active: bool
    ratings: list[GoalRatingOut]
    updated_at: datetime


class AdministrationOut(Schema):
    id: UUID
    client_id: int
    course_id: int | None
    instrument_code: str = Field(examples=["phq9"])
    instrument_version: str
    session_number: int | None
    status: str
    total: int | None = Field(examples=[14])
    band: str = Field(examples=["moderate"])
    prorated: bool
    screen_positive: bool | None
    safety_followup: bool
    flagged_items: list[str]
    source: str
    completed_at: datetime | None
    updated_at: datetime
    answers: dict[str, int | None] | None = Field(None, description="Only when one administration is read.")


class ResponseIn(Schema):
    """Answers to one questionnaire for a course, entered as staff enter a paper form."""

    model_config = ConfigDict(extra="forbid")

    course_id: int = Field(ge=1, lt=ID_MAX, examples=[12])
    instrument_code: str = Field(max_length=40, examples=["phq9"])
    completed_on: date = Field(examples=["2026-01-31"])
    answers: dict[str, int | None] = Field(
        max_length=200, examples=[{"phq9_1": 1, "phq9_2": 2, "phq9_3": 0}],
        description="Every item of the instrument, each with its answer or null for left blank.")
    session_number: int | None = Field(None, ge=1, le=1000)
    client_id: int | None = Field(None, ge=1, lt=ID_MAX, description="Partner two of a couples course; leave out for the course's client.")
    safety_blank_confirmed: bool = Field(False, description="The safety question really was left blank on the form.")


class KeyedResponseIn(ResponseIn):
    """One questionnaire of a batch: a response as above, with the key that makes a retry store it once."""

    key: str = Field(min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$", examples=["form-2026-01-31-0001"],
                     description="Your own id for this response, unique in your organisation: sent again, it is "
                                 "stored once.")


# Each entry of a batch is checked on its own with the fields and rules of KeyedResponseIn, but as a plain
# pydantic model: ninja's Schema checks a model that forbids extra fields twice (the second time through a
# wrapper that reads attributes from Django objects, which a parsed JSON object never is), so a batch of
# 500 entries spent about a tenth of its request there. The errors are the same, field for field.
_KeyedEntryCheck: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "KeyedEntryCheck",
    __config__=ConfigDict(extra="forbid", from_attributes=True),
    **{name: (info.annotation, info) for name, info in KeyedResponseIn.model_fields.items()},
)


def checked_entry(raw: dict[str, Any]) -> KeyedResponseIn:
    """One batch entry checked as KeyedResponseIn checks it (pydantic's ValidationError when it is not valid)."""
    return KeyedResponseIn.model_construct(**dict(_KeyedEntryCheck.model_validate(raw)))


class BatchIn(Schema):
    """Up to 1,000 questionnaires in one request; each entry is checked on its own."""

    model_config = ConfigDict(extra="forbid")

    responses: list[dict[str, Any]] = Field(min_length=1, max_length=1000,
                                            description="Each as KeyedResponseIn: a response and its key.")


class EntryErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, str] | None = None


class BatchEntryOut(Schema):
    index: int
    key: str | None
    status: int = Field(description="201 stored, 200 stored before (not again), 4xx refused (nothing stored).")
    alerts: int = Field(0, description="Risk alerts this response raised (read them under /alerts).")
    administration: AdministrationOut | None = None
    error: EntryErrorOut | None = None


class BatchOut(Schema):
    stored: int
    already_stored: int
    refused: int
    results: list[BatchEntryOut]


class AlertOut(Schema):
    id: int
    client_id: int
    kind: str = Field(examples=["suicide_self_harm"])
    severity: str = Field(examples=["high"])
    status: str = Field(examples=["raised"])
    source: str
    reason: str
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None


class AcknowledgedOut(Schema):
    alert: AlertOut
    acknowledged_now: bool = Field(description="False when someone had already acknowledged or resolved it.")


class GroupOut(Schema):
    id: int
    name: str
    programme: str
    status: str
    weekday: int
    start_time: time
    sessions_planned: int
    start_date: date
    language: str
    updated_at: datetime


class PresenceOut(Schema):
    member_id: int
    presence: str = Field(examples=["present"])


class GroupSessionOut(Schema):
    number: int
    scheduled_start: datetime
    held: bool
    attendance: list[PresenceOut]


class MemberOut(Schema):
    id: int
    client_id: int
    course_id: int
    status: str
    joined_on: date


class GroupDetailOut(GroupOut):
    members: list[MemberOut]
    sessions: list[GroupSessionOut]


class ClientPage(Schema):
    items: list[ClientOut]
    next_cursor: str | None


class CoursePage(Schema):
    items: list[CourseOut]
    next_cursor: str | None


class AdministrationPage(Schema):
    items: list[AdministrationOut]
    next_cursor: str | None


class AlertPage(Schema):
    items: list[AlertOut]
    next_cursor: str | None


class GroupPage(Schema):
    items: list[GroupOut]
    next_cursor: str | None


class WebhookIn(Schema):
    """A webhook to register: where messages go and which events they are sent for."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, examples=["Regional records system"])
    url: str = Field(min_length=1, max_length=500, examples=["https://records.example.org/openipt/events"])
    events: list[str] = Field(min_length=1, max_length=10, examples=[["alert.raised", "alert.escalated"]],
                              description="One or more of alert.raised, alert.escalated, questionnaire.completed, "
                                          "course.ended.")


class WebhookOut(Schema):
    id: int
    name: str
    url: str
    events: list[str]
    secret_hint: str = Field(description="The start of the signing secret, to tell secrets apart.")
    created_at: datetime
    rotated_at: datetime | None


class WebhookSecretOut(Schema):
    webhook: WebhookOut
    secret: str = Field(description="The signing secret: shown this once, never again.")


class WebhookPage(Schema):
    items: list[WebhookOut]
    next_cursor: str | None


class DeliveryOut(Schema):
    id: int
    event_id: UUID
    event_type: str = Field(examples=["alert.raised"])
    status: str = Field(examples=["delivered"], description="pending, delivered, failed or cancelled.")
    attempts: int
    last_status_code: int | None
    last_error: str
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None


class ChangeOut(Schema):
    type: str = Field(examples=["administration"])
    id: int | str = Field(description="The record's id, as its own endpoint shows it.")
    client_id: int = Field(description="The client the record belongs to (for a client: its own id).")
    change: str = Field(examples=["created"], description="created, updated, erased (the client's whole record "
                        "was erased: delete your copy; no record is sent), added (the record did not change but "
                        "its client came into your view: store it), or removed (its client left your view: delete "
                        "your copy; no record is sent).")
    changed_at: datetime
    record: dict[str, object] | None = Field(description="The record as its own endpoint shows it; none when erased "
                                             "or removed.")


class ChangePage(Schema):
    items: list[ChangeOut]
    next_cursor: str | None = Field(description="Send it next time, even when items is empty.")
    more: bool = Field(description="True when more changes are waiting: ask again at once.")
