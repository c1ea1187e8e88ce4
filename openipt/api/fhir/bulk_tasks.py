"""The background task that writes a FHIR bulk export (django-tasks; run by `openipt manage db_worker`)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def run_bulk_export(export_id: int) -> dict[str, Any]:
    """Write one export's NDJSON files (see `bulk_actions.run_export`)."""
    from openipt.api.fhir.bulk_actions import run_export

    return run_export(export_id)
