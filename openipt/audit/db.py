"""Database triggers that keep the audit table append-only, per database vendor."""

from __future__ import annotations

TABLE = "audit_auditevent"

_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE refused'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE refused'); END;""",
]
_SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_no_update;", "DROP TRIGGER IF EXISTS audit_no_delete;"]

_PG_INSTALL = [
    """CREATE OR REPLACE FUNCTION openipt_audit_refuse() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP;
    END;
    $$ LANGUAGE plpgsql;""",
    f"DROP TRIGGER IF EXISTS audit_no_change ON {TABLE};",
    f"""CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION openipt_audit_refuse();""",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE};",
    f"""CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION openipt_audit_refuse();""",
]
_PG_DROP = [
    f"DROP TRIGGER IF EXISTS audit_no_change ON {TABLE};",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE};",
]


def _statements(vendor: str, install: bool) -> list[str]:
    if vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_DROP
    if vendor == "postgresql":
        return _PG_INSTALL if install else _PG_DROP
    raise RuntimeError(f"no append-only triggers written for database vendor {vendor!r}")


def install_triggers(connection) -> None:
    """Create the triggers that refuse UPDATE and DELETE on the audit table."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=True):
            cursor.execute(sql)


def drop_triggers(connection) -> None:
    """Remove the triggers; only the test suite does this, to empty its database between tests."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=False):
            cursor.execute(sql)
