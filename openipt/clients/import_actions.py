"""Bulk import of clients and staff from a spreadsheet saved as CSV: all rows or none.

The file is read by the pure reader (`openipt/clients/csvimport.py`). Each row is then checked with the
same form a person fills in to add one client (`NewClientForm`) or invite one member of staff
(`InviteStaffForm`), then against the file's other rows and the records already here, and finally
tried through the very actions that add one client (`clients.actions.create_client`) or invite one
member of staff (`accounts.actions.invite`), each row in its own savepoint inside one transaction.
A preview (or `--dry-run`) rolls the whole transaction back; an import commits it only when no row
has a problem, so a file is never half-imported. Invitation e-mails go out after the commit.

The page carries the uploaded file from the preview to the confirmation in a signed token bound to the
admin's membership and the kind of import, valid for an hour (`seal_upload` / `open_upload`). The
confirmation reads and checks every row again, and the token is single-use: `run_import(..., token=...)`
records its hash (`UsedImportToken`) in the import's own transaction, so a preview confirmed twice (a
resent form, the back button, another tab) imports its rows only once and the second time is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from openipt.accounts import access as account_access
from openipt.accounts import actions as account_actions
from openipt.accounts.forms import InviteStaffForm
from openipt.accounts.models import Membership, Role
from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients import access, actions, csvimport
from openipt.clients.forms import NewClientForm
from openipt.clients.models import Client, UsedImportToken
from openipt.core.errors import ActionError, ErrorCode
from openipt.core.languages import CLIENT_LANGUAGES

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

CLIENTS_IMPORTED = register("client.imported", "Clients imported from a spreadsheet")
STAFF_IMPORTED = register("invite.imported", "Staff invited from a spreadsheet")

KINDS = ("clients", "staff")
TOKEN_SALT = "openipt.clients.import"
TOKEN_MAX_AGE = 3600  # seconds a preview may be confirmed in


@dataclass
class RowOutcome:
    """One row of the file: its number, its cells by column key, and what is wrong with it (column key, words)."""

    number: int
    cells: dict[str, str]
    problems: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import (or its preview) found, and what it did."""

    kind: str
    rows: list[RowOutcome] = field(default_factory=list)
    file_problem: str = ""
    encoding: str = ""
    delimiter: str = ""
    ignored_columns: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    imported: bool = False
    mail_failed: list[str] = field(
        default_factory=list
    )  # addresses an invitation e-mail could not be sent to

    @property
    def problem_rows(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.problems]

    @property
    def ok(self) -> bool:
        return not self.file_problem and bool(self.rows) and not self.problem_rows

    @property
    def columns(self) -> tuple[csvimport.Column, ...]:
        return csvimport.COLUMNS[self.kind]

    def header(self, key: str) -> str:
        """The column's name as the file wrote it (or as the template does), for messages."""
        if not key:
            return _("Whole row")
        return self.headers.get(key) or next((c.header for c in self.columns if c.key == key), key)


class _Undo(Exception):
    """Raised inside the transaction to roll back a preview or a refused import."""


def _say(message: str, params: dict[str, Any] | None = None) -> str:
    text = _(message)
    return text % params if params else text


def _language_codes() -> dict[str, str]:
    codes = {code: code for code, _name in CLIENT_LANGUAGES}
    codes.update({csvimport.normalise_header(str(name)): code for code, name in CLIENT_LANGUAGES})
    return codes


def _find_member(candidates: list[Membership], text: str) -> Membership | None:
    wanted = text.strip().lower()
    return next(
        (m for m in candidates if wanted in (m.user.username.lower(), (m.user.email or "").lower())), None
    )


# ---- clients ------------------------------------------------------------------------------------------------------


@dataclass
class _ClientRow:
    data: dict[str, Any]
    record_number: str
    staff: Membership | None


def _check_client_row(
    actor: Actor, row: csvimport.Row, outcome: RowOutcome, staff: list[Membership], languages: dict[str, str]
) -> _ClientRow | None:
    cells = row.cells
    if not cells.get("given_name"):
        outcome.problems.append(("given_name", _("Write the client's given name.")))
    form_data = {
        key: cells.get(key, "")
        for key in (
            "given_name",
            "family_name",
            "preferred_name",
            "record_number",
            "email",
            "phone",
            "address",
        )
    }
    try:
        born = csvimport.parse_date(cells.get("date_of_birth", ""))
    except ValueError as exc:
        outcome.problems.append(("date_of_birth", _(str(exc))))
        born = None
    form_data["date_of_birth"] = born.isoformat() if isinstance(born, date) else ""
    sex = csvimport.word_value(cells.get("sex", ""), csvimport.SEX_WORDS)
    if sex is None:
        outcome.problems.append(("sex", _("Write female, male or other, or leave it empty.")))
    form_data["sex"] = sex or ""
    language_text = cells.get("preferred_language", "")
    language = (
        languages.get(csvimport.normalise_header(language_text))
        if language_text
        else actor.organisation.default_language
    )
    if language is None:
        outcome.problems.append(
            (
                "preferred_language",
                _(
                    "This language is not on OpenIPT's list. Write its name in "
                    "English, such as Spanish, or leave it empty."
                ),
            )
        )
    form_data["preferred_language"] = language or actor.organisation.default_language
    assigned = None
    if cells.get("staff"):
        assigned = _find_member(staff, cells["staff"])
        if assigned is None:
            outcome.problems.append(
                (
                    "staff",
                    _(
                        "No active therapist, facilitator or supervisor here has this "
                        "username or e-mail address."
                    ),
                )
            )
    form = NewClientForm(form_data)
    if not form.is_valid():
        for name, errors in form.errors.items():
            if any(key == name for key, _w in outcome.problems):
                continue  # already said in plainer words
            for error in errors:
                outcome.problems.append((name if name != "__all__" else "", str(error)))
    if outcome.problems:
        return None
    data = dict(form.cleaned_data)
    record_number = data.pop("record_number", "")
    return _ClientRow(data, record_number, assigned)


def _client_duplicates(actor: Actor, rows: list[csvimport.Row]) -> list[csvimport.CellProblem]:
    def born(row: csvimport.Row) -> str:
        try:
            value = csvimport.parse_date(row.cells.get("date_of_birth", ""))
        except ValueError:
            return ""
        return value.isoformat() if value else ""

    def person(row: csvimport.Row) -> str | None:
        given, family = row.cells.get("given_name", "").lower(), row.cells.get("family_name", "").lower()
        return f"{given}|{family}|{born(row)}" if given and born(row) else None

    problems = csvimport.duplicates_in_file(
        rows,
        "record_number",
        lambda r: r.cells.get("record_number", "").upper(),
        "Row %(row)s has the same record number. Each client needs their own.",
    )
    problems += csvimport.duplicates_in_file(
        rows,
        "email",
        lambda r: r.cells.get("email", "").lower(),
        "Row %(row)s has the same e-mail address. Check whether it is the same person.",
    )
    problems += csvimport.duplicates_in_file(
        rows,
        "given_name",
        person,
        "Row %(row)s has the same name and date of birth. If it is the same person, keep only one of the rows.",
    )
    # Against the records already here: one query for e-mail addresses, one for dates of birth.
    emails = {r.cells.get("email", "").lower() for r in rows if r.cells.get("email")}
    births = {born(r) for r in rows if born(r)}
    known = access.visible_clients(actor)
    by_email = (
        {
            c.lowered: c.record_number
            for c in known.annotate(lowered=Lower("email"))
            .filter(lowered__in=sorted(emails))
            .only("record_number")
        }
        if emails
        else {}
    )
    by_person = {}
    if births:
        for c in known.filter(date_of_birth__in=sorted(births)).only(
            "given_name", "family_name", "date_of_birth", "record_number"
        ):
            assert c.date_of_birth is not None
            by_person[f"{c.given_name.lower()}|{c.family_name.lower()}|{c.date_of_birth.isoformat()}"] = (
                c.record_number
            )
    for row in rows:
        email = row.cells.get("email", "").lower()
        if email and email in by_email:
            problems.append(
                csvimport.CellProblem(
                    row.number,
                    "email",
                    "A client with this e-mail address is already recorded (%(record)s). "
                    "If it is the same person, take this row out.",
                    {"record": by_email[email]},
                )
            )
        key = person(row)
        if key and key in by_person:
            problems.append(
                csvimport.CellProblem(
                    row.number,
                    "given_name",
                    "A client with this name and date of birth is already recorded "
                    "(%(record)s). If it is the same person, take this row out.",
                    {"record": by_person[key]},
                )
            )
    return problems


def _create_client(actor: Actor, checked: _ClientRow) -> Client:
    return actions.create_client(
        actor, checked.data, record_number=checked.record_number, assign_to=checked.staff
    )


# ---- staff --------------------------------------------------------------------------------------------------------


@dataclass
class _StaffRow:
    email: str
    role: str
    supervisor_id: int | None


def _check_staff_row(
    row: csvimport.Row, outcome: RowOutcome, supervisors: list[Membership]
) -> _StaffRow | None:
    cells = row.cells
    if not cells.get("email"):
        outcome.problems.append(("email", _("Write the e-mail address the invitation goes to.")))
    role = csvimport.word_value(cells.get("role", ""), csvimport.ROLE_WORDS)
    if not cells.get("role"):
        outcome.problems.append(("role", _("Write the role: admin, supervisor, therapist or facilitator.")))
    elif role is None:
        outcome.problems.append(
            (
                "role",
                _(
                    "Write one of these roles: admin, supervisor, therapist or facilitator. "
                    "Clients are added as clients, not staff."
                ),
            )
        )
    supervisor = None
    if cells.get("supervisor"):
        supervisor = _find_member(supervisors, cells["supervisor"])
        if supervisor is None:
            outcome.problems.append(
                ("supervisor", _("No active supervisor here has this username or e-mail address."))
            )
    form = InviteStaffForm(
        {
            "email": cells.get("email", ""),
            "role": role or "",
            "supervisor": str(supervisor.pk) if supervisor else "",
        },
        supervisors=supervisors,
    )
    if not form.is_valid():
        for name, errors in form.errors.items():
            if any(key == name for key, _w in outcome.problems):
                continue  # already said in plainer words
            for error in errors:
                outcome.problems.append((name if name != "__all__" else "", str(error)))
    if outcome.problems:
        return None
    return _StaffRow(form.cleaned_data["email"], form.cleaned_data["role"], form.cleaned_data["supervisor"])


def _staff_duplicates(actor: Actor, rows: list[csvimport.Row]) -> list[csvimport.CellProblem]:
    problems = csvimport.duplicates_in_file(
        rows,
        "email",
        lambda r: r.cells.get("email", "").lower(),
        "Row %(row)s has the same e-mail address. Each person is invited once.",
    )
    emails = {r.cells.get("email", "").lower() for r in rows if r.cells.get("email")}
    members = (
        set(
            account_access.visible_memberships(actor)
            .annotate(lowered=Lower("user__email"))
            .filter(lowered__in=sorted(emails))
            .values_list("lowered", flat=True)
        )
        if emails
        else set()
    )
    for row in rows:
        if row.cells.get("email", "").lower() in members:
            problems.append(
                csvimport.CellProblem(
                    row.number,
                    "email",
                    "Someone with this e-mail address is already a member here. "
                    "Change their role on the People page instead.",
                )
            )
    return problems


# ---- the import ---------------------------------------------------------------------------------------------------


def run_import(
    actor: Actor,
    kind: str,
    data: bytes | str,
    *,
    commit: bool,
    file_name: str = "",
    send: Callable[[account_actions.IssuedInvitation], bool] | None = None,
    token: str = "",
) -> ImportReport:
    """Check every row of a CSV file and, with `commit` and no problem in any row, import them all in one transaction.

    Without `commit` (a preview or a dry run) everything is tried and then rolled back. `send` is called after
    the commit for each invitation made (staff imports); it returns False when the e-mail could not be sent.
    `token` is the preview's token (from `seal_upload`) an import from the page confirms: it is used up in the
    import's transaction, and an import with a token already used raises ActionError and imports nothing.
    """
    if not account_access.can_manage_people(actor):
        raise ActionError(_("Only an admin can import people."), code=ErrorCode.FORBIDDEN)
    if kind not in KINDS:
        raise ActionError(_("Choose clients or staff."), field="kind")
    digest = _digest(token) if token and commit else ""
    if digest and UsedImportToken.objects.filter(digest=digest).exists():
        raise _already_imported()
    report = ImportReport(kind)
    try:
        table = csvimport.read_table(data, kind)
    except csvimport.FileProblem as exc:
        report.file_problem = _say(exc.message, exc.params)
        return report
    report.encoding, report.delimiter = table.encoding, table.delimiter
    report.ignored_columns, report.headers = table.ignored, table.headers
    outcomes = {row.number: RowOutcome(row.number, row.cells) for row in table.rows}
    report.rows = list(outcomes.values())
    for problem in table.problems:
        outcomes[problem.row].problems.append((problem.column, _say(problem.message, problem.params)))

    checked: dict[int, Any] = {}
    if kind == "clients":
        staff = list(account_access.care_staff(actor))
        languages = _language_codes()
        for row in table.rows:
            checked[row.number] = _check_client_row(actor, row, outcomes[row.number], staff, languages)
        duplicates = _client_duplicates(actor, table.rows)
    else:
        supervisors = list(account_access.supervisors(actor))
        for row in table.rows:
            checked[row.number] = _check_staff_row(row, outcomes[row.number], supervisors)
        duplicates = _staff_duplicates(actor, table.rows)
    for problem in duplicates:
        outcomes[problem.row].problems.append((problem.column, _say(problem.message, problem.params)))

    invitations: list[account_actions.IssuedInvitation] = []
    try:
        with transaction.atomic():
            if digest:
                _use_token(actor, digest)
            for number, outcome in outcomes.items():
                if outcome.problems or checked[number] is None:
                    continue
                try:
                    with transaction.atomic():
                        if kind == "clients":
                            _create_client(actor, checked[number])
                        else:
                            row = checked[number]
                            invitations.append(
                                account_actions.invite(
                                    actor, email=row.email, role=row.role, supervisor_id=row.supervisor_id
                                )
                            )
                except ActionError as exc:
                    outcome.problems.append((_column_for(kind, exc.field), exc.message))
            if not commit or not report.ok:
                raise _Undo
            details = {"rows": len(report.rows), "file_name": file_name[:100]}
            if kind == "clients":
                audit.record(CLIENTS_IMPORTED.code, actor=actor, details=details)
            else:
                details["roles"] = ", ".join(
                    sorted({str(Role(i.invitation.role).label) for i in invitations})
                )
                audit.record(STAFF_IMPORTED.code, actor=actor, details=details)
                if send is not None:
                    transaction.on_commit(lambda: _send_all(invitations, send, report))
    except _Undo:
        return report
    report.imported = True
    return report


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _already_imported() -> ActionError:
    return ActionError(_("This preview was already imported."), field="file")


def _use_token(actor: Actor, digest: str) -> None:
    """Record the token as used; a concurrent confirmation of the same token waits on the unique hash and fails."""
    try:
        with transaction.atomic():
            UsedImportToken.objects.create(
                digest=digest, organisation=actor.organisation, admin=actor.membership
            )
    except IntegrityError:
        raise _already_imported() from None


def _column_for(kind: str, field_name: str | None) -> str:
    keys = {c.key for c in csvimport.COLUMNS[kind]}
    if field_name in keys:
        return field_name or ""
    return {"staff": "staff", "supervisor": "supervisor"}.get(field_name or "", "")


def _send_all(
    invitations: list[account_actions.IssuedInvitation],
    send: Callable[[account_actions.IssuedInvitation], bool],
    report: ImportReport,
) -> None:
    for issued in invitations:
        if not send(issued):
            report.mail_failed.append(issued.invitation.email)


# ---- carrying the file from the preview to the confirmation ------------------------------------------------------


def seal_upload(actor: Actor, kind: str, text: str, file_name: str) -> str:
    """A signed token carrying the checked file to the confirmation, usable only by this admin for this kind."""
    return signing.dumps(
        {"m": actor.membership.pk, "k": kind, "t": text, "n": file_name[:100]}, salt=TOKEN_SALT, compress=True
    )


def open_upload(actor: Actor, token: str) -> tuple[str, str, str]:
    """Return (kind, text, file name) from a token made by `seal_upload` for this admin; refuse anything else."""
    try:
        payload = signing.loads(token or "", salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise ActionError(
            _("This preview is more than an hour old. Upload the file again."), field="file"
        ) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise ActionError(
            _("This preview could not be read. Nothing was imported. Upload the file again."), field="file"
        ) from None
    if (
        not isinstance(payload, dict)
        or payload.get("m") != actor.membership.pk
        or payload.get("k") not in KINDS
        or not isinstance(payload.get("t"), str)
        or not isinstance(payload.get("n"), str)
    ):
        raise ActionError(
            _("This preview could not be read. Nothing was imported. Upload the file again."), field="file"
        )
    return payload["k"], payload["t"], payload["n"]


def as_text(data: bytes) -> str:
    """The uploaded file's text as the reader decoded it (what `seal_upload` carries); raises FileProblem."""
    return csvimport.decode(data)[0]
