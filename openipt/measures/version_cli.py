"""`openipt measures add-translation FILE`, `translations` and `remove-translation`: a site's validated
questionnaire translations, from a terminal (docs/guides/languages.md).

Each acts as an admin (the only active one, or the one named with --as), runs the same actions as any
other way in, and is audited. Exit codes: 0 done, 1 refused (the message names each problem), 2 a
problem with the command (no such file or admin).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from openipt.accounts.actor import Actor, Origin
from openipt.accounts.models import Membership, Role
from openipt.core.errors import ActionError
from openipt.measures import version_actions
from openipt.measures.queries.versions import installed

ORIGIN = Origin(user_agent="openipt measures (command line)")


def _actor(as_user: str | None, err: TextIO) -> Actor | None:
    admins = Membership.objects.filter(role=Role.ADMIN, is_active=True).select_related("user", "organisation")
    if as_user:
        found = admins.filter(user__username__iexact=as_user).first()
        if found is None:
            print(f"openipt measures: {as_user!r} is not an active admin.", file=err)
            return None
        return Actor(found, ORIGIN)
    first_two = list(admins[:2])
    if len(first_two) != 1:
        print("openipt measures: name the admin responsible with --as USERNAME.", file=err)
        return None
    return Actor(first_two[0], ORIGIN)


def add(path: str, *, as_user: str | None, replace: bool = False, check_only: bool = False,
        out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"openipt measures: cannot read {path}: {exc}", file=err)
        return 2
    if check_only:
        try:
            info = version_actions.check_file(text, path)
        except ActionError as exc:
            print(f"openipt measures: refused, nothing installed:\n{exc.message}", file=err)
            return 1
        print(f"OK: {info.instrument} ({info.language}) matches the English version; not installed (--check).",
              file=out)
        return 0
    actor = _actor(as_user, err)
    if actor is None:
        return 2
    try:
        row = version_actions.install(actor, text, path, replace=replace)
    except ActionError as exc:
        print(f"openipt measures: refused, nothing installed:\n{exc.message}", file=err)
        return 1
    print(f"Installed: {row.instrument_code} ({row.language}), validated by {row.validation}. "
          f"Clients whose language is {row.language} now see it.", file=out)
    return 0


def remove(code: str, language: str, *, as_user: str | None, out: TextIO | None = None,
           err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    actor = _actor(as_user, err)
    if actor is None:
        return 2
    try:
        version_actions.remove(actor, code, language)
    except ActionError as exc:
        print(f"openipt measures: {exc.message}", file=err)
        return 1
    print(f"Removed: {code} ({language}). Clients of that language see the English wording with a note.", file=out)
    return 0


def listing(out: TextIO | None = None) -> int:
    out = out or sys.stdout
    rows = installed(None)
    if not rows:
        print("No questionnaire translation is installed: every client sees the English wording.", file=out)
    for row in rows:
        print(f"{row.organisation.name}\t{row.instrument_code}\t{row.language}\tinstalled {row.installed_at:%Y-%m-%d %H:%M} by "
              f"{row.installed_by.user.username}\tsource: {row.source}\tvalidation: {row.validation}", file=out)
    return 0
