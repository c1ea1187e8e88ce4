"""Changes to worksheets: assigning, starting, saving as the client types, sharing, answering.

The client's draft is saved on the server while they type (and kept in the browser until the
server has it). Each "Save" and "Share" also keeps a numbered copy, so earlier versions stay
readable. Every text the client changed goes to the safety app in the same transaction.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.core.errors import ActionError, ConflictError, ErrorCode
from openipt.practice import access
from openipt.practice.actions import (
    COMMENT_ADDED,
    WORKSHEET_ASSIGNED,
    WORKSHEET_SAVED,
    WORKSHEET_SHARED,
    WORKSHEET_STARTED,
    guided_client_or_refuse,
    own_client_or_refuse,
    screen_text,
    text_value,
)
from openipt.practice.models import Comment, Worksheet, WorksheetStatus, WorksheetVersion
from openipt.practice.worksheetdefs import WorksheetDef, clean_data, definition

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

AUTOSAVE_AUDIT_GAP = timedelta(minutes=10)
OWN_RACE_WINDOW = timedelta(seconds=30)
MAX_NOTE = 2000
MAX_COMMENT = 5000
MAX_OPEN_WORKSHEETS = 200


def _definition_or_refuse(kind: str) -> WorksheetDef:
    defn = definition(kind or "")
    if defn is None:
        raise ActionError(_("Choose a worksheet from the list."), field="kind")
    return defn


@transaction.atomic
def assign_worksheet(actor: Actor, client_id: int | str, kind: str, note: str = "") -> Worksheet:
    """A therapist gives a client a worksheet to fill in, with an optional note."""
    client = guided_client_or_refuse(actor, client_id)
    defn = _definition_or_refuse(kind)
    note = text_value(note, "note", limit=MAX_NOTE)
    sheet = Worksheet.objects.create(client=client, kind=defn.id, status=WorksheetStatus.ASSIGNED,
                                     assigned_by=actor.membership, assigned_note=note, data={}, version=1)
    audit.record(WORKSHEET_ASSIGNED.code, actor=actor, client=client, obj=sheet, details={"kind": defn.id})
    return sheet


@transaction.atomic
def start_worksheet(actor: Actor, kind: str) -> Worksheet:
    """A client starts a worksheet of their own choosing."""
    client = own_client_or_refuse(actor)
    defn = _definition_or_refuse(kind)
    if Worksheet.objects.filter(client=client).count() >= MAX_OPEN_WORKSHEETS:
        raise ActionError(_("You have a lot of worksheets already. Carry on with one of them instead."), field="kind")
    sheet = Worksheet.objects.create(client=client, kind=defn.id, status=WorksheetStatus.DRAFT, data={}, version=1)
    audit.record(WORKSHEET_STARTED.code, actor=actor, client=client, obj=sheet, details={"kind": defn.id})
    return sheet


FIELD_PROBLEMS = {
    "long": "This is longer than %(max)s characters. Please shorten it; your words are still in the box.",
    "scale": "Choose a whole number from 0 to 10.",
}


def _problem_error(defn: WorksheetDef, problems: dict[str, str]) -> ActionError:
    field_id, problem = next(iter(problems.items()))
    field = defn.field(field_id)
    if field is None:  # the problems come from checking this worksheet's own fields
        raise ValueError(f"no field {field_id!r} on this worksheet")
    limit = field.limit
    return ActionError(_(FIELD_PROBLEMS[problem]) % {"max": f"{limit:,}"}, field=field_id)


def _own_race(sheet: Worksheet, expected_version: object, editor: str) -> bool:
    """A save sent before the same page's previous autosave was answered (not another tab or device)."""
    return (
        isinstance(expected_version, int)
        and bool(editor)
        and editor == sheet.editor
        and expected_version == sheet.version - 1
        and sheet.edited_at is not None
        and timezone.now() - sheet.edited_at < OWN_RACE_WINDOW
    )


@transaction.atomic
def save_worksheet(actor: Actor, worksheet_id: int | str, raw: dict[str, Any], *, title: str = "", expected_version: int,
                   autosave: bool = False, share: bool = False, editor: str = "") -> Worksheet:
    """Save what the client typed; keep a numbered copy unless it is an autosave; share if asked."""
    client = own_client_or_refuse(actor)
    found = access.get_worksheet(actor, worksheet_id)
    if found is None or found.client_id != client.pk:
        raise ActionError(_("This worksheet is not yours."), code=ErrorCode.FORBIDDEN)
    sheet = Worksheet.objects.select_for_update().get(pk=found.pk)
    defn = _definition_or_refuse(sheet.kind)
    values, problems = clean_data(defn, raw or {})
    if problems:
        raise _problem_error(defn, problems)
    title = text_value(title, "title", limit=120)
    editor = (editor or "")[:32]
    if _own_race(sheet, expected_version, editor):
        expected_version = sheet.version
    if expected_version != sheet.version:
        raise ConflictError(
            _("This worksheet was saved from another window or device while you were writing. Your words are kept "
              "here. The saved copy is shown below: combine the two and save again."),
            current=sheet,
        )
    before = sheet.data or {}
    changed = [f for f in defn.fields if str(before.get(f.id, "")) != str(values.get(f.id, ""))]
    title_changed = title != sheet.title
    now = timezone.now()
    if not changed and not title_changed and autosave:
        return sheet
    quiet = autosave and sheet.edited_at is not None and now - sheet.edited_at < AUTOSAVE_AUDIT_GAP
    sheet.data = values
    sheet.title = title
    sheet.version += 1
    sheet.edited_at = now
    sheet.editor = editor
    if sheet.status == WorksheetStatus.ASSIGNED:
        sheet.status = WorksheetStatus.DRAFT
    if share:
        sheet.status = WorksheetStatus.SHARED
        sheet.shared_at = now
    if not autosave:
        sheet.saved_versions += 1
    sheet.save()
    if not autosave:
        WorksheetVersion.objects.create(worksheet=sheet, number=sheet.saved_versions, data=values, shared=share,
                                        by=actor.membership, at=now)
    text = "\n".join([title] * title_changed + [str(values[f.id]) for f in changed if f.type != "scale"])
    screen_text(client=client, text=text, source="practice.worksheet", obj=sheet, actor=actor)
    if share:
        audit.record(WORKSHEET_SHARED.code, actor=actor, client=client, obj=sheet,
                     details={"kind": sheet.kind, "version": sheet.saved_versions})
    elif not quiet:
        audit.record(WORKSHEET_SAVED.code, actor=actor, client=client, obj=sheet,
                     details={"kind": sheet.kind, "autosave": autosave})
    return sheet


@transaction.atomic
def add_comment(actor: Actor, client_id: int | str, text: str, *, worksheet_id: int | str | None = None,
                rehearsal_id: int | str | None = None) -> Comment:
    """A therapist answers a worksheet or a rehearsal in writing; the client reads it there."""
    client = guided_client_or_refuse(actor, client_id)
    text = text_value(text, "text", required=_("Write your answer first."), limit=MAX_COMMENT)
    if worksheet_id is not None:
        sheet = access.get_worksheet(actor, worksheet_id)
        if sheet is None or sheet.client_id != client.pk:
            raise ActionError(_("That worksheet is not this client's."))
        comment = Comment.objects.create(worksheet=sheet, text=text, by=actor.membership, at=timezone.now())
        target_id = sheet.pk
    else:
        rehearsal = access.get_rehearsal(actor, rehearsal_id)
        if rehearsal is None or rehearsal.client_id != client.pk:
            raise ActionError(_("That practice conversation is not this client's."))
        comment = Comment.objects.create(rehearsal=rehearsal, text=text, by=actor.membership, at=timezone.now())
        target_id = rehearsal.pk
    audit.record(COMMENT_ADDED.code, actor=actor, client=client, obj=comment,
                 details={"on": "worksheet" if worksheet_id is not None else "rehearsal", "id": target_id})
    return comment
