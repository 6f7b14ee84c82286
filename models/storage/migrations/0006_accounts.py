"""Accounts and the audit trail: PIN credentials, settings, an append-only record of writes.

Every table that exists when this runs gets audit triggers (``models.accounts.audit.install``);
a later migration that makes a table calls ``install_audit(db, "table")`` itself.
"""

DDL = [
    """CREATE TABLE credential (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL UNIQUE REFERENCES person (id) ON DELETE CASCADE,
        pin_hash VARCHAR(255) NOT NULL,
        salt VARCHAR(255) NOT NULL,
        scrypt_n INTEGER NOT NULL,
        scrypt_r INTEGER NOT NULL,
        scrypt_p INTEGER NOT NULL,
        failures INTEGER NOT NULL DEFAULT 0,
        wait_until DATETIME,
        locked INTEGER NOT NULL DEFAULT 0,
        last_sign_in DATETIME,
        changed DATETIME NOT NULL)""",
    """CREATE TABLE setting (
        key VARCHAR(255) NOT NULL PRIMARY KEY,
        value TEXT NOT NULL)""",
    """CREATE TABLE audit_event (
        id INTEGER PRIMARY KEY,
        at DATETIME NOT NULL,
        actor_id INTEGER,
        actor_name VARCHAR(255) NOT NULL DEFAULT '',
        table_name VARCHAR(255) NOT NULL,
        row_id INTEGER,
        action VARCHAR(255) NOT NULL,
        before TEXT,
        after TEXT)""",
    "CREATE INDEX audit_event_at ON audit_event (at)",
    "CREATE INDEX audit_event_table_name_row_id ON audit_event (table_name, row_id)",
    "CREATE INDEX audit_event_actor_id_at ON audit_event (actor_id, at)",
    # Append-only: no program, and no person with the sqlite3 shell, edits the trail.
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
]


def up(migrator, db):
    from duty_desk.models.accounts.audit import install_all

    for statement in DDL:
        db.execute_sql(statement)
    install_all(db)
