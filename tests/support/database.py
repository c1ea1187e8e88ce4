"""What the database holds, in a form two moments can be compared by."""

from __future__ import annotations

import hashlib
from functools import cache


@cache
def _selects() -> tuple[tuple[str, str], ...]:
    """(model label, SELECT of every row in primary-key order) for every table the project's models own."""
    from django.apps import apps
    from django.db import connection

    quote = connection.ops.quote_name
    selects = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        selects.append((meta.label, f"SELECT * FROM {quote(meta.db_table)} ORDER BY {quote(meta.pk.column)}"))
    return tuple(selects)


def fingerprint(*, leave_out: tuple[str, ...] = ()) -> dict[str, str]:
    """A hash of every row of every table, by model label (`leave_out` names models not to read).

    Two equal fingerprints mean no row was added, changed or removed in between. The rows are read with
    plain SQL (one SELECT per table, no model instances), as they are stored.
    """
    from django.db import connection

    hashes = {}
    with connection.cursor() as cursor:
        for label, select in _selects():
            if label in leave_out:
                continue
            cursor.execute(select)
            hashes[label] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return hashes


def writes() -> int:
    """A count that grows with every row this connection inserts, updates or deletes (rolled back or not).

    Equal counts before and after a request mean it wrote nothing, so no fingerprint is needed to know it
    changed nothing; a grown count says only that something was written (perhaps a session, perhaps
    rolled back), and the fingerprints then tell what changed.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # counts for the current transaction, savepoints rolled back included
            cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
        else:
            cursor.execute("SELECT total_changes()")
        return int(cursor.fetchone()[0])


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The model labels whose rows differ between two fingerprints."""
    return sorted(label for label in before.keys() | after.keys() if before.get(label) != after.get(label))
