"""On PostgreSQL the application connects as a role that cannot change or delete audit events, nor switch
off the triggers that refuse it (the SQL in docs/operations/audit-and-backup.md)."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="database roles and grants are PostgreSQL's; SQLite has no roles (a SQLite site relies on file "
           "permissions, the audit key and the checkpoints)",
)


def test_the_application_role_may_add_and_read_audit_events_but_not_change_delete_or_unprotect_them(db):
    import psycopg

    sd = connection.settings_dict
    params = {"host": sd["HOST"], "port": sd["PORT"] or 5432}
    owner = {**params, "user": sd["USER"], "password": sd["PASSWORD"] or None, "dbname": sd["NAME"]}
    role = f"openipt_app_test_{uuid.uuid4().hex[:10]}"
    password = uuid.uuid4().hex
    # The grants from the operations guide, given by the owner (the suite's user) on its own connection.
    setup = [
        f"CREATE ROLE {role} LOGIN PASSWORD '{password}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION",
        f'GRANT CONNECT ON DATABASE "{sd["NAME"]}" TO {role}',
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_auditevent FROM {role}",
        f"GRANT UPDATE (details) ON audit_auditevent TO {role}",  # for erasure; the trigger allows only the marker
    ]
    with psycopg.connect(autocommit=True, **owner) as admin:
        for sql in setup:
            admin.execute(sql)
        try:
            with psycopg.connect(autocommit=True, **params, user=role, password=password, dbname=sd["NAME"]) as app:
                app.execute("SELECT COUNT(*) FROM audit_auditevent").fetchone()
                with app.transaction(force_rollback=True):  # what record() does, left undone
                    app.execute("SELECT last_hash FROM audit_audithead WHERE id = 1 FOR UPDATE")
                    app.execute(
                        "INSERT INTO audit_auditevent (occurred_at, event_type, actor_label, actor_role, client_label, "
                        "object_type, object_id, user_agent, details, prev_hash, hash) "
                        "VALUES (now(), 'x', '', '', '', '', '', '', '{}', %s, %s)", ["0" * 64, uuid.uuid4().hex * 2])
                    app.execute("UPDATE audit_audithead SET last_event_id = last_event_id WHERE id = 1")
                refused = {
                    "DELETE FROM audit_auditevent": "permission denied",
                    "UPDATE audit_auditevent SET actor_label = 'someone else'": "permission denied",
                    "TRUNCATE audit_auditevent": "permission denied",
                    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_no_change": "must be owner",
                    "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL": "must be owner",
                    "DROP TRIGGER audit_no_change ON audit_auditevent": "must be owner",
                    "DROP TABLE audit_auditevent": "must be owner",
                    "CREATE TABLE audit_shadow (id int)": "permission denied",
                }
                for sql, words in refused.items():
                    with pytest.raises(psycopg.errors.InsufficientPrivilege, match=words):
                        app.execute(sql)
                # The one change it may make: an event's details replaced by the erasure marker (a record erased).
                marker = '{"_erased": {"reason": "the record was erased", "at": "2026-12-07T00:00:00+00:00"}}'
                with app.transaction(force_rollback=True):
                    event_id = app.execute(
                        "INSERT INTO audit_auditevent (occurred_at, event_type, actor_label, actor_role, client_id, "
                        "client_label, object_type, object_id, user_agent, details, prev_hash, hash) "
                        "VALUES (now(), 'x', '', '', 7, '', '', '', '', '{\"note\": \"Sam\"}', %s, %s) RETURNING id",
                        ["0" * 64, uuid.uuid4().hex * 2]).fetchone()[0]
                    app.execute("UPDATE audit_auditevent SET details = %s WHERE id = %s", [marker, event_id])
                    # ... but only of an event about a client: a sign-in or a setting has nothing to erase.
                    no_client = app.execute(
                        "INSERT INTO audit_auditevent (occurred_at, event_type, actor_label, actor_role, client_label, "
                        "object_type, object_id, user_agent, details, prev_hash, hash) "
                        "VALUES (now(), 'x', '', '', '', '', '', '', '{\"note\": \"x\"}', %s, %s) RETURNING id",
                        ["0" * 64, uuid.uuid4().hex * 2]).fetchone()[0]
                    with pytest.raises(psycopg.errors.RaiseException, match="append-only"), app.transaction():
                        app.execute("UPDATE audit_auditevent SET details = %s WHERE id = %s", [marker, no_client])
                    with pytest.raises(psycopg.errors.RaiseException, match="append-only"), app.transaction():
                        app.execute("UPDATE audit_auditevent SET details = '{\"note\": \"rewritten\"}' WHERE id = %s",
                                    [event_id])
        finally:
            admin.execute(f"DROP OWNED BY {role}")
            admin.execute(f"DROP ROLE {role}")
