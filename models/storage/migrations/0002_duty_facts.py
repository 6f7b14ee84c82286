"""Duty facts: countable events from duty life, each pointing at its evidence."""

DDL = [
    """CREATE TABLE duty_fact (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES person (id),
        code VARCHAR(255) NOT NULL,
        occurred_at DATETIME NOT NULL,
        source VARCHAR(255) NOT NULL,
        ref_id INTEGER,
        detail TEXT NOT NULL DEFAULT '',
        created DATETIME NOT NULL)""",
    "CREATE UNIQUE INDEX duty_fact_code_source_ref_id_person_id ON duty_fact (code, source, ref_id, person_id)",
    "CREATE INDEX duty_fact_person_id_occurred_at ON duty_fact (person_id, occurred_at)",
]


def up(migrator, db):
    for statement in DDL:
        db.execute_sql(statement)
