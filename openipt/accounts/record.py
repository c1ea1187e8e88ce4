"""What accounts holds about a client, for the subject-access export and erasure (core.extensions.RecordExportPart).

A client's portal login (Client.user) is wiped by the clients erasure itself; here, the invitations sent to them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy

from openipt.core.extensions import RecordExportPart, add_record_part


def register() -> None:
    add_record_part(RecordExportPart(
        key="accounts",
        label=_lazy("Portal invitations"),
        models={"accounts.Invitation": ("client",)},
        wipe={"accounts.Invitation": ("email",)},
        keep={"accounts.Invitation": ("token_hash",)},
        order=12,
    ))
