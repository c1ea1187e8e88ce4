"""`openipt record export|erase --client ID ...`: the whole-record page's export and erasure, from a terminal.

Both act as an admin of the client's organisation (the only active admin, or the one named with --as), run the
same actions as the page (openipt.clients.record_actions), with the same checks, and are audited. Exit codes:
0 done, 1 refused (the message says why), 2 a problem with the command (no such client or admin, a folder that
cannot be written).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

from openipt.accounts.actor import Actor, Origin
from openipt.clients import record_actions
from openipt.clients.import_cli import _admin
from openipt.clients.models import Client
from openipt.core.errors import ActionError

ORIGIN = Origin(user_agent="openipt record (command line)")


def _actor(client_id: int, as_user: str | None, err: TextIO) -> Actor | None:
    client = Client.objects.filter(pk=client_id).select_related("organisation").first()
    if client is None:
        print(f"openipt record: no client with id {client_id}.", file=err)
        return None
    admin = _admin(client.organisation, as_user)
    if isinstance(admin, str):
        print(f"openipt record: {admin}", file=err)
        return None
    return Actor(admin, ORIGIN)


def export(client_id: int, out_dir: str, *, reason: str, as_user: str | None = None,
           out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Write the record's PDF and FHIR Bundle (and the zip of both) into `out_dir`."""
    out, err = out or sys.stdout, err or sys.stderr
    actor = _actor(client_id, as_user, err)
    if actor is None:
        return 2
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"openipt record: cannot make {folder}: {exc.strerror or exc}.", file=err)
        return 2
    try:
        made = record_actions.export_record(actor, client_id, reason=reason)
    except ActionError as exc:
        print(f"openipt record: {exc.message}", file=err)
        return 1
    written = []
    for name, data in ((f"{made.stem}.pdf", made.pdf), (f"{made.stem}.zip", made.zip_bytes())):
        (folder / name).write_bytes(data)
        written.append(name)
    (folder / f"{made.stem}.fhir.json").write_text(json.dumps(made.bundle, ensure_ascii=False, indent=1),
                                                   encoding="utf-8")
    written.append(f"{made.stem}.fhir.json")
    print(f"Exported record {made.client.record_number} ({len(made.bundle['entry'])} FHIR entries) into {folder}: "
          f"{', '.join(written)}. The export is in the audit log.", file=out)
    return 0


def erase(client_id: int, *, confirm_name: str, reason: str, as_user: str | None = None,
          out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Erase the record, with the page's checks (the name typed, nothing safety-critical open)."""
    out, err = out or sys.stdout, err or sys.stderr
    actor = _actor(client_id, as_user, err)
    if actor is None:
        return 2
    try:
        erasure = record_actions.erase_record(actor, client_id, confirm_name=confirm_name, reason=reason)
    except ActionError as exc:
        print(f"openipt record: nothing was erased. {exc.message}", file=err)
        return 1
    print(f"Erased record {erasure.client.record_number}. Only a backup made before now can bring it back.", file=out)
    return 0
