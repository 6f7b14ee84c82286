"""A follow-up's deadline is the assigner's, and may be left open.

002 asks that a decision be *assigned* within 24 hours; it gives no deadline. ``due_at``
was NOT NULL and filled with "24 hours after opening" when none was typed; it becomes
nullable (no deadline set: never overdue). SQLite cannot drop a NOT NULL, so the table is
rebuilt with its rows, indexes and audit triggers. Deadlines already stored stay as they
are: nothing tells a typed one from a filled-in one.
"""

DDL = [
    """CREATE TABLE follow_up_0013 (
        id INTEGER PRIMARY KEY,
        entry_id INTEGER NOT NULL REFERENCES log_entry (id),
        owner_id INTEGER NOT NULL REFERENCES person (id),
        opened_by_id INTEGER NOT NULL REFERENCES person (id),
        opened_at DATETIME NOT NULL,
        due_at DATETIME,
        what TEXT NOT NULL DEFAULT '',
        closed_at DATETIME,
        closed_by_id INTEGER REFERENCES person (id),
        close_note TEXT NOT NULL DEFAULT '')""",
    "INSERT INTO follow_up_0013 (id, entry_id, owner_id, opened_by_id, opened_at, due_at, what, closed_at, "
    "closed_by_id, close_note) SELECT id, entry_id, owner_id, opened_by_id, opened_at, due_at, what, closed_at, "
    "closed_by_id, close_note FROM follow_up",
    "DROP TABLE follow_up",  # its indexes and triggers go with it; no table refers to it
    "ALTER TABLE follow_up_0013 RENAME TO follow_up",
    "CREATE INDEX follow_up_entry_id ON follow_up (entry_id)",
    "CREATE INDEX follow_up_closed_at_due_at ON follow_up (closed_at, due_at)",
    "CREATE INDEX follow_up_owner_id ON follow_up (owner_id)",
]


def up(migrator, db):
    from duty_desk.models.accounts.audit import install

    for statement in DDL:
        db.execute_sql(statement)
    install(db, "follow_up")
