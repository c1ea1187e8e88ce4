"""What the database holds, in a form two moments can be compared by."""

from __future__ import annotations

import hashlib


def fingerprint(*, leave_out: tuple[str, ...] = ()) -> dict[str, str]:
    """A hash of every row of every table, by model label (`leave_out` names models not to read).

    Two equal fingerprints mean no row was added, changed or removed in between.
    """
    from django.apps import apps

    hashes = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label in leave_out:
            continue
        rows = list(model._base_manager.order_by("pk").values_list())
        hashes[meta.label] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return hashes


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The model labels whose rows differ between two fingerprints."""
    return sorted(label for label in before.keys() | after.keys() if before.get(label) != after.get(label))
