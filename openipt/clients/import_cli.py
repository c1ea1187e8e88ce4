"""`openipt import clients|staff FILE --org SLUG [--dry-run] [--as USERNAME]`: the Import page's checks and import, from a terminal.

It runs `openipt.clients.import_actions.run_import`, the code the page runs, acting as an admin of the
organisation (the only active admin, or the one named with --as), so the audit log names who is
responsible. Problems are printed one per line as `row N, Column: what is wrong`; nothing is imported
while any row has one. Exit codes: 0 imported (or, with --dry-run, every row is ready), 1 a problem in
the file or its rows, 2 a problem with the command (unknown organisation or admin, unreadable file).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.urls import reverse

from openipt.accounts.actions import IssuedInvitation
from openipt.accounts.actor import Actor, Origin
from openipt.accounts.invite_mail import send_invitation_mail
from openipt.accounts.models import Membership, Organisation, Role
from openipt.clients import csvimport, import_actions

ORIGIN = Origin(user_agent="openipt import (command line)")


def _admin(org: Organisation, username: str | None) -> Membership | str:
    admins = Membership.objects.filter(organisation=org, role=Role.ADMIN, is_active=True).select_related(
        "user", "organisation"
    )
    if username:
        found = admins.filter(user__username__iexact=username).first()
        return found or f"{username!r} is not an active admin of {org.slug}."
    found_all = list(admins[:2])
    if len(found_all) == 1:
        return found_all[0]
    if not found_all:
        return f"{org.slug} has no active admin to act as."
    return f"{org.slug} has more than one admin: name the one responsible with --as USERNAME."


def run(
    kind: str,
    path: str,
    org_slug: str,
    *,
    dry_run: bool = False,
    as_user: str | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Check (and unless `dry_run`, import) a CSV file of clients or staff; return the exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    org = Organisation.objects.filter(slug=org_slug).first()
    if org is None:
        print(f"openipt import: no organisation with the short name {org_slug!r}.", file=err)
        return 2
    admin = _admin(org, as_user)
    if isinstance(admin, str):
        print(f"openipt import: {admin}", file=err)
        return 2
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(csvimport.MAX_BYTES + 1)
    except OSError as exc:
        print(f"openipt import: cannot read {path}: {exc.strerror or exc}.", file=err)
        return 2
    actor = Actor(admin, ORIGIN)

    def send(issued: IssuedInvitation) -> bool:
        link = settings.SITE_URL + reverse("accounts:accept_invitation", args=[issued.token])
        return send_invitation_mail(issued.invitation, link)

    report = import_actions.run_import(
        actor, kind, data, commit=not dry_run, file_name=Path(path).name, send=send
    )
    if report.file_problem:
        print(f"Nothing was imported. {report.file_problem}", file=err)
        return 1
    print(
        f"Read {len(report.rows)} rows ({report.encoding}, "
        f"{csvimport.DELIMITER_NAMES.get(report.delimiter, 'comma')}-separated; dates as day/month/year).",
        file=out,
    )
    if report.ignored_columns:
        print(f"Columns not used: {', '.join(report.ignored_columns)}.", file=out)
    for row in report.problem_rows:
        for column, words in row.problems:
            print(f"row {row.number}, {report.header(column)}: {words}", file=err)
    if not report.ok:
        print(
            f"Nothing was imported: {len(report.problem_rows)} of {len(report.rows)} rows have problems.",
            file=err,
        )
        return 1
    what = "clients" if kind == "clients" else "people to invite"
    if dry_run:
        print(f"Dry run: all {len(report.rows)} {what} are ready. Nothing was saved.", file=out)
        return 0
    done = "Imported" if kind == "clients" else "Invited"
    print(
        f"{done} {len(report.rows)} {'clients' if kind == 'clients' else 'people'} into {org.slug}, "
        f"acting as {admin.user.username}.",
        file=out,
    )
    for email in report.mail_failed:
        print(
            f"The invitation e-mail to {email} could not be sent: withdraw it on the People page and invite "
            "again.",
            file=err,
        )
    return 0
