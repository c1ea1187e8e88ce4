"""Assessment helpers: months for the timeline and the interpersonal inventory's people."""

from __future__ import annotations

from datetime import date

from django.utils import timezone


def months_ago(n: int, today: date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1 - n
    return index // 12, index % 12 + 1


def person(name="Sue", relationship="sister", ring="middle", **more) -> dict:
    return {"name": name, "relationship": relationship, "ring": ring, **more}


def form_of(values: dict, version: int | None = None) -> dict:
    """Turn entry values into what the person form posts."""
    data = {k: ("" if v is None else v) for k, v in values.items()}
    if version is not None:
        data["version"] = str(version)
    return data
