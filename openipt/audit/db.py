"""Database triggers that keep the audit table append-only, per database vendor.

One change is let through: replacing the details of an event ABOUT A CLIENT (`client_id` set) by the erasure
marker (`{"_erased": {...}}`, see openipt.audit.chain) while every other column stays as it was. Events about no
client (sign-ins, settings) have nothing to erase and are never let through. The link covers a digest of the details,
stored in its own column that the update may not touch, so the chain still verifies after an erasure and
`openipt audit verify` counts the erased events. Any other UPDATE, any DELETE and TRUNCATE are refused.
Migration 0002 installed the strict triggers (no erasure, `erasable=False`); 0004 replaced them; 0005 installs
them again with the condition on `client_id` (added after 0004 had run on some databases).
"""

from __future__ import annotations

TABLE = "audit_auditevent"
# Every column but `details`: an erasure must leave each of them as it was.
FIXED_COLUMNS = ("id", "occurred_at", "event_type", "organisation_id", "actor_user_id", "actor_label", "actor_role",
                 "client_id", "client_label", "object_type", "object_id", "ip", "user_agent", "details_digest",
                 "key_id", "prev_hash", "hash")
_SQLITE_UNCHANGED = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in FIXED_COLUMNS)

_SQLITE_NO_DELETE = f"""CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE refused'); END;"""
_SQLITE_STRICT = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE refused'); END;""",
    _SQLITE_NO_DELETE,
]
_SQLITE_ERASABLE = [
    "DROP TRIGGER IF EXISTS audit_no_update;",
    f"""CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE}
    WHEN NOT ({_SQLITE_UNCHANGED} AND OLD.client_id IS NOT NULL
              AND IFNULL(json_type(NEW.details, '$._erased'), '') = 'object'
              AND IFNULL(json_type(NEW.details, '$._erased.reason'), '') = 'text')
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE refused'); END;""",
    _SQLITE_NO_DELETE,
]
_SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_no_update;", "DROP TRIGGER IF EXISTS audit_no_delete;"]

_PG_ERASURE_ALLOWED = """
      IF TG_OP = 'UPDATE' AND OLD.client_id IS NOT NULL
         AND (to_jsonb(NEW) - 'details') = (to_jsonb(OLD) - 'details')
         AND jsonb_typeof(NEW.details -> '_erased') = 'object'
         AND jsonb_typeof(NEW.details -> '_erased' -> 'reason') = 'string' THEN
        RETURN NEW;  -- details replaced by the erasure marker; the digest and the link stay (see above)
      END IF;"""


def _pg_install(erasable: bool) -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION openipt_audit_refuse() RETURNS trigger AS $$
    BEGIN{_PG_ERASURE_ALLOWED if erasable else ""}
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


def _statements(vendor: str, install: bool, erasable: bool = True) -> list[str]:
    if vendor == "sqlite":
        if not install:
            return _SQLITE_DROP
        return _SQLITE_ERASABLE if erasable else _SQLITE_STRICT
    if vendor == "postgresql":
        return _pg_install(erasable) if install else _PG_DROP
    raise RuntimeError(f"no append-only triggers written for database vendor {vendor!r}")


def install_triggers(connection, *, erasable: bool = True) -> None:
    """Create the triggers that refuse UPDATE (but an erasure of details) and DELETE on the audit table."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=True, erasable=erasable):
            cursor.execute(sql)


def drop_triggers(connection) -> None:
    """Remove the triggers; only the test suite does this, to empty its database between tests."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=False):
            cursor.execute(sql)
