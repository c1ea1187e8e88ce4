"""The data lifecycle of a client's record: the subject-access export, the retention period, and erasure.

Only admins of the client's organisation do any of these, each with a reason, and each is audited. Every app
registers what it holds about a client (core.extensions.RecordExportPart): the export reads those rows, and the
erasure overwrites their words. The audit log keeps every event and its link: erasure replaces the details of
the client's events by a marker (openipt.audit.chain.erased_details), which the keyed chain allows because it
links a digest of the details, not the details (see docs/operations/records.md).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.accounts.models import Membership, Role, User
from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients import record_queries
from openipt.clients.models import Client, ClientErasure, ClientSignal, ClientStatus, RetentionPolicy
from openipt.core.errors import ActionError, ErrorCode
from openipt.core.extensions import RecordExportPart, record_parts

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

RECORD_EXPORTED = register("client.record_exported", "Client's whole record exported (subject-access request)")
RECORD_ERASED = register("client.record_erased", "Client's record erased")
RETENTION_SET = register("client.retention_set", "Record retention period changed")

ERASED_NAME = "Erased record"  # stored in the client row's given name, which may not be blank
ERASED_TEXT = "[erased]"  # put in a text field that may not be blank
AUDIT_ERASURE_REASON = "the client's record was erased"  # never the admin's reason, which may name the person
MAX_REASON = 500
CSS_PATH = Path(__file__).resolve().parent / "templates" / "clients" / "record" / "record.css"


def _admin_client(actor: Actor, client_id: int, *, lock: bool = False) -> Client:
    """The client, for an admin of its organisation; anyone else is refused as if it did not exist."""
    if actor.role != Role.ADMIN:
        raise ActionError(_("Only an admin can export or erase a whole record."), code=ErrorCode.FORBIDDEN)
    rows = Client.objects.filter(organisation_id=actor.organisation_id, pk=client_id)
    client = (rows.select_for_update() if lock else rows).first()
    if client is None:
        raise ActionError(_("That record does not exist."), code=ErrorCode.NOT_FOUND)
    return client


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ActionError(_("Say why, for the audit log (for example, the client asked for a copy)."),
                          field="reason")
    if len(reason) > MAX_REASON:
        raise ActionError(_("Keep the reason under %(n)d characters.") % {"n": MAX_REASON}, field="reason")
    return reason


# The subject-access export --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RecordExport:
    """The two documents of an export, and the zip that carries both."""

    client: Client
    pdf: bytes
    bundle: dict[str, Any]
    made_at: datetime

    @property
    def stem(self) -> str:
        return f"record-{self.client.record_number}-{self.made_at:%Y%m%d}"

    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{self.stem}.pdf", self.pdf)
            archive.writestr(f"{self.stem}.fhir.json", json.dumps(self.bundle, ensure_ascii=False, indent=1))
        return buffer.getvalue()


@lru_cache(maxsize=1)
def _weasy() -> tuple[Any, Any, dict[str, Any]]:
    from weasyprint import CSS  # heavy: loaded on the first export, not with the site
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return CSS(string=CSS_PATH.read_text(encoding="utf-8"), font_config=fonts), fonts, {}


def render_pdf(client: Client, parts: list[record_queries.Part], *, made_by: str, made_at: datetime,
               reason: str) -> bytes:
    """The readable record: every part, table by table, as a tagged PDF."""
    from weasyprint import HTML

    html = render_to_string("clients/record/record.html", {
        "client": client, "parts": parts, "made_by": made_by, "made_at": timezone.localtime(made_at),
        "reason": reason, "erasure": record_queries.erasure_of(client)})
    css, fonts, cache = _weasy()
    pdf: bytes = HTML(string=html, base_url=str(CSS_PATH.parent)).write_pdf(
        stylesheets=[css], font_config=fonts, cache=cache, pdf_tags=True)
    return pdf


def fhir_bundle(actor: Actor, client: Client, parts: list[record_queries.Part], pdf: bytes,
                made_at: datetime) -> dict[str, Any]:
    """A FHIR R4 collection Bundle: every resource the FHIR server can express for the client, a Binary with
    every registered row as JSON (what FHIR has no resource for), and a DocumentReference carrying the PDF."""
    entries: list[dict[str, Any]] = []
    for part in record_parts():
        if part.fhir is not None:
            entries.extend({"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": r} for r in part.fhir(actor, client))
    rows = {p.key: {t.model: t.raw for t in p.tables} for p in parts}
    raw = json.dumps(rows, ensure_ascii=False, sort_keys=True).encode("utf-8")
    binary_id = str(uuid.uuid4())
    entries.append({"fullUrl": f"urn:uuid:{binary_id}", "resource": {
        "resourceType": "Binary", "id": binary_id, "contentType": "application/json",
        "data": base64.b64encode(raw).decode("ascii")}})
    document_id = str(uuid.uuid4())
    entries.append({"fullUrl": f"urn:uuid:{document_id}", "resource": {
        "resourceType": "DocumentReference", "id": document_id, "status": "current",
        "subject": {"reference": f"Patient/{client.pk}"},
        "date": made_at.isoformat(),
        "description": "The whole record, readable (subject-access export)",
        "content": [{"attachment": {
            "contentType": "application/pdf", "title": f"record-{client.record_number}.pdf", "size": len(pdf),
            "hash": base64.b64encode(hashlib.sha1(pdf).digest()).decode("ascii"),  # noqa: S324 - FHIR's hash is SHA-1
            "data": base64.b64encode(pdf).decode("ascii")}}]}})
    return {"resourceType": "Bundle", "id": str(uuid.uuid4()), "type": "collection",
            "timestamp": made_at.isoformat(), "entry": entries}


def export_record(actor: Actor, client_id: int, *, reason: str) -> RecordExport:
    """Make the whole record of a client (PDF and FHIR Bundle) for a subject-access request; audited."""
    client = _admin_client(actor, client_id)
    reason = _reason(reason)
    made_at = timezone.now()
    made_by = str(actor.user)
    parts = record_queries.whole_record(client)
    pdf = render_pdf(client, parts, made_by=made_by, made_at=made_at, reason=reason)
    bundle = fhir_bundle(actor, client, parts, pdf, made_at)
    audit.record(RECORD_EXPORTED.code, actor=actor, client=client, obj=client,
                 details={"reason": reason, "rows": {p.key: p.count for p in parts},
                          "resources": len(bundle["entry"])})
    return RecordExport(client, pdf, bundle, made_at)


# Erasure --------------------------------------------------------------------------------------------------------

def same_name(typed: str, client: Client) -> bool:
    """Whether the admin typed the client's name (full or as shown), ignoring case and spaces."""
    def norm(text: str) -> str:
        return " ".join(text.split()).casefold()

    typed = norm(typed)
    return bool(typed) and typed in {norm(client.full_name), norm(client.display_name)}


def _wipe_part(part: RecordExportPart, client_id: int) -> int:
    """Overwrite the part's personal fields: text that was written becomes the marker (so a rule such as "a
    signature has a name" still holds, and a reader sees something was there), JSON its empty default."""
    wiped = 0
    for label, names in part.wipe.items():
        model = apps.get_model(label)
        ids = list(record_queries.rows_of(part, label, client_id).values_list("pk", flat=True))
        if not ids:
            continue
        rows = model._default_manager.filter(pk__in=ids)
        for name in names:
            f = model._meta.get_field(name)
            if f.get_internal_type() == "JSONField":
                empty = f.get_default() if f.has_default() else (None if f.null else {})
                rows.update(**{name: empty})
            else:
                rows.exclude(**{name: ""}).exclude(**{f"{name}__isnull": True}).update(
                    **{name: ERASED_TEXT[: f.max_length or None]})
        wiped += len(ids)
    _mark_changed(part, client_id)
    return wiped


def _mark_changed(part: RecordExportPart, client_id: int) -> None:
    """Move each row's `updated_at` (where the model keeps one) to now, so that anything that follows changes by
    that time (the API's changes feed) hears of the erasure: a bulk `update()` leaves `auto_now` fields alone."""
    now = timezone.now()
    for label in part.models:
        model = apps.get_model(label)
        try:
            field = model._meta.get_field("updated_at")
        except FieldDoesNotExist:
            continue
        if getattr(field, "auto_now", False):
            record_queries.rows_of(part, label, client_id).update(updated_at=now)


def _wipe_portal_login(user_id: int | None) -> None:
    """The client's portal login: no name, no e-mail, no password, no way in. A login that is also staff
    somewhere (never the case for a portal login made by an invitation) is only unlinked, not wiped."""
    if user_id is None or Membership.objects.filter(user_id=user_id).exclude(role=Role.CLIENT).exists():
        return
    User.objects.filter(pk=user_id).update(
        username=f"erased-{user_id}", first_name="", last_name="", display_name="", email="",
        password=make_password(None), is_active=False)
    Membership.objects.filter(user_id=user_id).update(is_active=False)


def erase_record(actor: Actor, client_id: int, *, confirm_name: str, reason: str) -> ClientErasure:
    """Erase a client's personal and clinical words, leaving a tombstone; audited; undone only from a backup.

    Refused while anything safety-critical is still open (an open risk alert, a course or group still running).
    """
    reason = _reason(reason)
    with transaction.atomic():
        client = _admin_client(actor, client_id, lock=True)
        if ClientErasure.objects.filter(client_id=client.pk).exists():
            raise ActionError(_("This record was already erased."), code=ErrorCode.CONFLICT)
        if not same_name(confirm_name, client):
            raise ActionError(_("Type the client's name exactly as it is shown, to be sure it is the right record."),
                              field="confirm_name")
        blockers = record_queries.erasure_blockers(client)
        if blockers:
            raise ActionError(" ".join(blockers), code=ErrorCode.CONFLICT)
        counts = {part.key: _wipe_part(part, client.pk) for part in record_parts()}
        for part in record_parts():
            if part.erase is not None:
                part.erase(actor, client)
        _wipe_portal_login(client.user_id)
        ClientSignal.objects.filter(client_id=client.pk).delete()
        Client.objects.filter(pk=client.pk).update(
            given_name=ERASED_NAME, family_name="", preferred_name="", date_of_birth=None, sex="", email="",
            phone="", address="", search_text="", status=ClientStatus.DISCHARGED, user=None, attention=0,
            version=client.version + 1, updated_at=timezone.now())
        when = timezone.now()
        counts["audit"] = audit.erase_client_details(client.pk, AUDIT_ERASURE_REASON, when)
        erasure = ClientErasure.objects.create(client=client, erased_at=when, erased_by=actor.membership,
                                               erased_by_label=str(actor.user)[:200], reason=reason)
        client.refresh_from_db()
        # The reason is the admin's own words and may name the person: it stays on the tombstone (ClientErasure),
        # never in the audit log, whose events outlive the record.
        audit.record(RECORD_ERASED.code, actor=actor, client=client, obj=client,
                     details={"reason_length": len(reason), "rows": counts})
    return erasure


# Retention ------------------------------------------------------------------------------------------------------

def set_retention(actor: Actor, years: int | None) -> RetentionPolicy:
    """Set how many years a record is kept after the last contact (None: keep every record)."""
    if actor.role != Role.ADMIN:
        raise ActionError(_("Only an admin can change how long records are kept."), code=ErrorCode.FORBIDDEN)
    if years is not None and not 1 <= years <= 100:
        raise ActionError(_("Choose between 1 and 100 years, or leave it empty to keep every record."),
                          field="years")
    with transaction.atomic():
        policy, _made = RetentionPolicy.objects.update_or_create(
            organisation_id=actor.organisation_id, defaults={"years": years, "changed_by": actor.membership})
        audit.record(RETENTION_SET.code, actor=actor, obj=policy, details={"years": years})
    return policy
