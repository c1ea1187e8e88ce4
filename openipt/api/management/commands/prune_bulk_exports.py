"""`openipt manage prune_bulk_exports`: delete FHIR bulk exports whose files have expired, and cancelled ones.

Safe to run at any time (from cron or a systemd timer); the worker also prunes before each export it writes.
How long files are kept is the setting FHIR_BULK_EXPIRY_HOURS (24 by default).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Delete FHIR bulk exports whose files have expired, and cancelled ones (safe to repeat)."

    def handle(self, *args: Any, **options: Any) -> None:
        from openipt.api.fhir.bulk_actions import prune_expired

        self.stdout.write(f"{prune_expired()} expired or cancelled exports deleted")
