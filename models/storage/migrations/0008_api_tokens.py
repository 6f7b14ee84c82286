"""Command-line writers are known: API tokens per source, and the source of each log entry.

An administrator issues a token to a source (an alarm system, a script) acting for one
person; only its hash is stored. ``log_source`` names the source of an entry that a
token wrote, beside the hash-chained entry itself (the chain's fields do not change).
"""

DDL = [
    """CREATE TABLE api_token (
        id INTEGER PRIMARY KEY,
        source VARCHAR(255) NOT NULL,
        person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
        token_hash VARCHAR(255) NOT NULL UNIQUE,
        issued_by_id INTEGER REFERENCES person (id) ON DELETE SET NULL,
        issued_at DATETIME NOT NULL,
        revoked_at DATETIME,
        last_used DATETIME)""",
    "CREATE INDEX api_token_person_id ON api_token (person_id)",
    """CREATE TABLE log_source (
        entry_id INTEGER NOT NULL PRIMARY KEY REFERENCES log_entry (id),
        source VARCHAR(255) NOT NULL,
        token_id INTEGER REFERENCES api_token (id))""",
]


def up(migrator, db):
    from duty_desk.models.accounts.audit import install

    for statement in DDL:
        db.execute_sql(statement)
    install(db, "api_token")
    install(db, "log_source")
