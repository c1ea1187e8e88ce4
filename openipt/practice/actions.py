"""Changes between sessions: reading, questions, the weekly log and settings.

Worksheets, rehearsals and reminders have their own modules (`worksheet_actions.py`,
`rehearsal_actions.py`, `reminder_actions.py`); every audit event type of the app is registered
here. Each function takes the Actor first, checks permission, runs in a transaction and records
an audit event. Every text a client writes goes through `openipt.safety.api.raise_for_text`
inside the transaction that stores it, so a risk signal is stored with the text or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.core.errors import ActionError, ConflictError, ErrorCode
from openipt.core.sealed import seal
from openipt.practice import access
from openipt.practice.models import (
    ClientPractice,
    LogEntry,
    PartnerSettings,
    ReadingAssignment,
    ReadingQuestion,
)
from openipt.protocol import default_protocol
from openipt.safety import api as safety_api
from openipt.safety import riskdetect

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.clients.models import Client
    from openipt.protocol.model import Topic
    from openipt.safety.models import Alert

PRACTICE_VIEWED = register("practice.viewed", "Between-session work of a client viewed by staff")
READING_ASSIGNED = register("practice.reading_assigned", "Reading assigned to a client")
READING_WITHDRAWN = register("practice.reading_withdrawn", "Reading taken back from a client")
READING_READ = register("practice.reading_read", "Client marked a reading as read")
QUESTION_ASKED = register("practice.question_asked", "Client asked a question about a reading")
QUESTION_ANSWERED = register("practice.question_answered", "Question about a reading answered")
LOG_ADDED = register("practice.log_added", "Weekly log entry added")
LOG_CHANGED = register("practice.log_changed", "Weekly log entry changed")
WORKSHEET_ASSIGNED = register("practice.worksheet_assigned", "Worksheet assigned to a client")
WORKSHEET_STARTED = register("practice.worksheet_started", "Client started a worksheet")
WORKSHEET_SAVED = register("practice.worksheet_saved", "Worksheet saved")
WORKSHEET_SHARED = register("practice.worksheet_shared", "Worksheet shared with the therapist")
COMMENT_ADDED = register("practice.comment_added", "Therapist answered a worksheet or a rehearsal")
REHEARSAL_STARTED = register("practice.rehearsal_started", "Rehearsal started")
REHEARSAL_MESSAGE = register("practice.rehearsal_message", "Message sent in a rehearsal")
REHEARSAL_ACCESS = register("practice.rehearsal_access", "Rehearsal turned on or off for a client")
PARTNER_SETTINGS = register("practice.partner_settings", "Language-model practice partner settings changed")
REMINDER_SETTINGS = register("practice.reminder_settings", "Reminder settings changed")
REMINDERS_MADE = register("practice.reminders_made", "Reminders made and queued")
REMINDER_EMAILED = register("practice.reminder_emailed", "Reminder e-mail sent")
REMINDER_DISMISSED = register("practice.reminder_dismissed", "Client dismissed a reminder")

MAX_QUESTION = 2000
MAX_ANSWER = 5000
MAX_LOG_TEXT = 3000
SOURCES = ("practice.worksheet", "practice.log", "practice.question", "practice.rehearsal")


def screen_text(*, client: Client, text: str, source: str, obj: object = None, actor: Actor | None = None) -> list[Alert]:
    """Pass a client's text to the safety app (inside the caller's transaction)."""
    if not text or not text.strip():
        return []
    return safety_api.raise_for_text(client=client, text=text, source=source, obj=obj, actor=actor)


def risk_flag(text: str, language: str | None = None) -> bool:
    """The risk detector as a screen for the analyser and the partner: True means "may be about harm". The text is
    read as the safety app reads the writer's: English, the writer's `language` when the detector has it, and any
    language whose words appear."""
    return bool(riskdetect.scan_languages(text, language).flag)


def risk_screen(language: str | None) -> Callable[[str], bool]:
    """`risk_flag` for a writer of `language` (the client's preferred language), as the analyser's screen."""
    return partial(risk_flag, language=language)


def text_value(value: object, field: str, *, required: str | None = None, limit: int) -> str:
    """Return cleaned text, or refuse empty (when required) and over-long text beside the field."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    text = text.replace("\r\n", "\n").replace("\x00", "").strip()
    if required and not text:
        raise ActionError(required, field=field)
    if len(text) > limit:
        raise ActionError(
            _("This is %(n)s characters long; the most is %(max)s. Please make it shorter. Your words are still in the box.")
            % {"n": f"{len(text):,}", "max": f"{limit:,}"}, field=field)
    return text


def forbidden_client() -> ActionError:
    return ActionError(_("This page is only for clients with a record here."), code=ErrorCode.FORBIDDEN)


def forbidden_staff() -> ActionError:
    return ActionError(_("Only care staff assigned to this client can do this."), code=ErrorCode.FORBIDDEN)


def own_client_or_refuse(actor: Actor) -> Client:
    client = access.own_client(actor)
    if client is None:
        raise forbidden_client()
    return client


def guided_client_or_refuse(actor: Actor, client_id: int | str) -> Client:
    client = access.staff_client(actor, client_id)
    if client is None or not access.can_guide(actor, client):
        raise forbidden_staff()
    return client


def record_staff_view(actor: Actor, client: Client, what: str) -> None:
    """Audit that staff looked at a client's between-session work."""
    audit.record(PRACTICE_VIEWED.code, actor=actor, client=client, obj=client, details={"page": what})


# Reading -----------------------------------------------------------------------------------

def _topic(topic_id: str) -> Topic | None:
    try:
        topic = default_protocol().topic(topic_id)
    except KeyError:
        return None
    return topic if topic.audience == "client" else None


@transaction.atomic
def assign_reading(actor: Actor, client_id: int | str, topic_id: str) -> ReadingAssignment:
    """Give a client a piece of reading; giving it again brings it back unread."""
    client = guided_client_or_refuse(actor, client_id)
    topic_id = (topic_id or "").strip()[:80]
    if _topic(topic_id) is None:
        raise ActionError(_("Choose a reading from the list."), field="topic")
    found = ReadingAssignment.objects.select_for_update().filter(client=client, topic_id=topic_id).first()
    if found is not None and found.active:
        raise ActionError(_("This reading is already assigned."), field="topic")
    if found is None:
        try:
            with transaction.atomic():
                found = ReadingAssignment.objects.create(client=client, topic_id=topic_id, assigned_by=actor.membership)
        except IntegrityError:
            raise ActionError(_("This reading is already assigned."), field="topic") from None
    else:
        ReadingAssignment.objects.filter(pk=found.pk).update(active=True, read_at=None, assigned_by=actor.membership,
                                                             updated_at=timezone.now())
        found.refresh_from_db()
    audit.record(READING_ASSIGNED.code, actor=actor, client=client, obj=found, details={"topic": topic_id})
    return found


@transaction.atomic
def withdraw_reading(actor: Actor, client_id: int | str, reading_id: int | str) -> ReadingAssignment:
    client = guided_client_or_refuse(actor, client_id)
    reading = access.get_reading(actor, reading_id)
    if reading is None or reading.client_id != client.pk:
        raise ActionError(_("That reading is not assigned to this client."))
    ReadingAssignment.objects.filter(pk=reading.pk).update(active=False, updated_at=timezone.now())
    audit.record(READING_WITHDRAWN.code, actor=actor, client=client, obj=reading, details={"topic": reading.topic_id})
    reading.refresh_from_db()
    return reading


@transaction.atomic
def mark_read(actor: Actor, reading_id: int | str, *, read: bool = True) -> ReadingAssignment:
    client = own_client_or_refuse(actor)
    reading = access.get_reading(actor, reading_id)
    if reading is None or reading.client_id != client.pk or not reading.active:
        raise ActionError(_("This reading is no longer assigned to you."))
    ReadingAssignment.objects.filter(pk=reading.pk).update(read_at=timezone.now() if read else None,
                                                           updated_at=timezone.now())
    audit.record(READING_READ.code, actor=actor, client=client, obj=reading, details={"read": read})
    reading.refresh_from_db()
    return reading


@transaction.atomic
def ask_question(actor: Actor, reading_id: int | str, text: str) -> ReadingQuestion:
    client = own_client_or_refuse(actor)
    reading = access.get_reading(actor, reading_id)
    if reading is None or reading.client_id != client.pk or not reading.active:
        raise ActionError(_("This reading is no longer assigned to you."))
    text = text_value(text, "text", required=_("Write your question first."), limit=MAX_QUESTION)
    question = ReadingQuestion.objects.create(assignment=reading, text=text)
    screen_text(client=client, text=text, source="practice.question", obj=question, actor=actor)
    audit.record(QUESTION_ASKED.code, actor=actor, client=client, obj=question, details={"topic": reading.topic_id})
    return question


@transaction.atomic
def answer_question(actor: Actor, client_id: int | str, question_id: int | str, text: str) -> ReadingQuestion:
    client = guided_client_or_refuse(actor, client_id)
    question = access.get_question(actor, question_id)
    if question is None or question.assignment.client_id != client.pk:
        raise ActionError(_("That question is not from this client."))
    text = text_value(text, "answer", required=_("Write your answer first."), limit=MAX_ANSWER)
    ReadingQuestion.objects.filter(pk=question.pk).update(answer=text, answered_by=actor.membership,
                                                          answered_at=timezone.now(), updated_at=timezone.now())
    audit.record(QUESTION_ANSWERED.code, actor=actor, client=client, obj=question)
    question.refresh_from_db()
    return question


# Weekly log --------------------------------------------------------------------------------

def _log_values(data: dict[str, Any]) -> dict[str, Any]:
    occurred = data.get("occurred_on")
    if not isinstance(occurred, date):
        raise ActionError(_("Enter the day it happened."), field="occurred_on")
    if occurred > timezone.localdate():
        raise ActionError(_("This day is in the future. Enter the day it happened."), field="occurred_on")
    if occurred.year < 2000:
        raise ActionError(_("Enter a recent day."), field="occurred_on")
    mood = data.get("mood")
    if not isinstance(mood, int) or isinstance(mood, bool) or not 0 <= mood <= 10:
        raise ActionError(_("Choose your mood from 0 to 10."), field="mood")
    return {
        "occurred_on": occurred,
        "who": text_value(data.get("who"), "who", required=_("Write who it was with."), limit=200),
        "what_happened": text_value(data.get("what_happened"), "what_happened",
                                    required=_("Write a few words about what happened."), limit=MAX_LOG_TEXT),
        "feeling": text_value(data.get("feeling"), "feeling", limit=MAX_LOG_TEXT),
        "mood": mood,
    }


def _log_text(values: dict[str, Any]) -> str:
    return "\n".join(values[k] for k in ("who", "what_happened", "feeling") if values.get(k))


@transaction.atomic
def add_log_entry(actor: Actor, data: dict[str, Any]) -> LogEntry:
    client = own_client_or_refuse(actor)
    values = _log_values(data)
    entry = LogEntry.objects.create(client=client, **values)
    screen_text(client=client, text=_log_text(values), source="practice.log", obj=entry, actor=actor)
    audit.record(LOG_ADDED.code, actor=actor, client=client, obj=entry)
    return entry


@transaction.atomic
def change_log_entry(actor: Actor, entry_id: int | str, data: dict[str, Any], *, expected_version: int) -> LogEntry:
    client = own_client_or_refuse(actor)
    entry = access.get_log_entry(actor, entry_id)
    if entry is None or entry.client_id != client.pk:
        raise ActionError(_("This log entry is not yours."))
    entry = LogEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.version != expected_version:
        raise ConflictError(_("This entry was changed in another window. Your text is kept below; check it and save again."),
                            current=entry)
    values = _log_values(data)
    LogEntry.objects.filter(pk=entry.pk).update(**values, version=F("version") + 1, updated_at=timezone.now())
    entry.refresh_from_db()
    screen_text(client=client, text=_log_text(values), source="practice.log", obj=entry, actor=actor)
    audit.record(LOG_CHANGED.code, actor=actor, client=client, obj=entry)
    return entry


# Settings ----------------------------------------------------------------------------------

@transaction.atomic
def set_rehearsal_access(actor: Actor, client_id: int | str, *, enabled: bool, reason: str = "") -> ClientPractice:
    """Turn rehearsal on or off for a client (the therapist's decision, with a reason when off)."""
    client = guided_client_or_refuse(actor, client_id)
    reason = text_value(reason, "reason", limit=500)
    if not enabled and not reason:
        raise ActionError(_("Say briefly why, so the team knows (the client does not see this)."), field="reason")
    settings, _made = ClientPractice.objects.select_for_update().get_or_create(client=client)
    settings.rehearsal_enabled = enabled
    settings.rehearsal_reason = reason if not enabled else ""
    settings.rehearsal_changed_by = actor.membership
    settings.rehearsal_changed_at = timezone.now()
    settings.save()
    audit.record(REHEARSAL_ACCESS.code, actor=actor, client=client, obj=settings, details={"enabled": enabled})
    return settings


@transaction.atomic
def set_reminders(actor: Actor, *, enabled: bool, email: bool, at: time, days_before: int) -> ClientPractice:
    """A client chooses whether, how and when to be reminded."""
    client = own_client_or_refuse(actor)
    if not isinstance(at, time):
        raise ActionError(_("Choose a time of day, like 18:00."), field="reminder_time")
    if not isinstance(days_before, int) or not 0 <= days_before <= 3:
        raise ActionError(_("Choose from 0 to 3 days."), field="session_days_before")
    if enabled and email and not client.email:
        raise ActionError(_("We have no e-mail address for you. Ask your therapist to add one, or untick e-mail."),
                          field="reminder_email")
    settings, _made = ClientPractice.objects.select_for_update().get_or_create(client=client)
    settings.reminders_enabled = enabled
    settings.reminder_email = email
    settings.reminder_time = at.replace(second=0, microsecond=0)
    settings.session_days_before = days_before
    settings.save()
    audit.record(REMINDER_SETTINGS.code, actor=actor, client=client, obj=settings,
                 details={"enabled": enabled, "email": email, "time": at.strftime("%H:%M"), "days_before": days_before})
    return settings


@transaction.atomic
def save_partner_settings(actor: Actor | None, *, enabled: bool, url: str, model_name: str, api_key: str | None,
                          clear_key: bool, timeout_seconds: int, expected_version: int) -> PartnerSettings:
    """An admin connects (or disconnects) a language model as the organisation's practice partner.

    `api_key` None or "" keeps the stored key; `clear_key` removes it. The key is never returned
    to a page or written to the audit log.
    """
    from openipt.practice.rehearsal.llm import ModelSettings

    if actor is None or not actor.is_admin:
        raise ActionError(_("Only an admin can change the practice partner."), code=ErrorCode.FORBIDDEN)
    url = text_value(url, "url", limit=300)
    model_name = text_value(model_name, "model_name", limit=120)
    if not isinstance(timeout_seconds, int) or not 1 <= timeout_seconds <= 60:
        raise ActionError(_("Choose from 1 to 60 seconds."), field="timeout_seconds")
    if url or enabled:
        try:
            ModelSettings(url=url, model=model_name or "x", timeout=float(timeout_seconds))
        except ValueError:
            raise ActionError(_("Enter the address of the endpoint, starting with https:// (or http:// on a local network)."),
                              field="url") from None
    if enabled and not model_name:
        raise ActionError(_("Enter the model name the endpoint expects."), field="model_name")
    found, _made = PartnerSettings.objects.select_for_update().get_or_create(organisation_id=actor.organisation_id)
    if not _made and found.version != expected_version:
        raise ConflictError(_("Someone else changed these settings. Check them and save again."), current=found)
    found.enabled = bool(enabled)
    found.url = url
    found.model_name = model_name
    if clear_key:
        found.api_key = ""
    elif api_key:
        found.api_key = seal(text_value(api_key, "api_key", limit=500))
    found.timeout_seconds = timeout_seconds
    found.version = (found.version or 0) + (0 if _made else 1)
    found.updated_at = timezone.now()
    found.updated_by = actor.membership
    found.save()
    audit.record(PARTNER_SETTINGS.code, actor=actor, obj=found, details={
        "enabled": found.enabled, "url": url, "model": model_name, "key_set": bool(found.api_key),
        "key_changed": bool(clear_key or api_key), "timeout": timeout_seconds})
    return found
