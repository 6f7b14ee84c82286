"""A department's own duties and criteria, and the mark of what was chosen here.

``department_item`` holds the lines a document gives a department itself (部門職責, its
考核標準), which earlier had no place and were loaded as stand-in positions. ``key`` names
the passage of the seed files they come from, so a later load matches them as it matches a
position's lines; like those, they are unique by number only while in force.

``local_note`` on a department or a position says that its name, or the mapping of text to
it, is no document's: chosen here, shown as such (NULL: all of it is the documents').
"""

DDL = [
    """CREATE TABLE department_item (
        id INTEGER PRIMARY KEY,
        department_id INTEGER NOT NULL REFERENCES department (id) ON DELETE CASCADE,
        key VARCHAR(255) NOT NULL,
        source_doc VARCHAR(255) NOT NULL,
        source_section VARCHAR(255) NOT NULL DEFAULT '',
        kind VARCHAR(255) NOT NULL,
        seq INTEGER NOT NULL,
        text TEXT NOT NULL,
        seeded TEXT,
        retired DATETIME)""",
    "CREATE INDEX department_item_department_id ON department_item (department_id)",
    "CREATE UNIQUE INDEX department_item_key_kind_seq ON department_item (key, kind, seq) WHERE retired IS NULL",
    "ALTER TABLE department ADD COLUMN local_note TEXT",
    "ALTER TABLE position ADD COLUMN local_note TEXT",
]


def up(migrator, db):
    from duty_desk.models.accounts.audit import install

    for statement in DDL:
        db.execute_sql(statement)
    for table in ("department_item", "department", "position"):
        install(db, table)  # a new table, and the triggers copy the new columns too
