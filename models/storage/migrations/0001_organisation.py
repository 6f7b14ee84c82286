"""Departments, positions and their duties, standards, appraisal schemes and rules; staff."""

DDL = [
    """CREATE TABLE department (
        id INTEGER PRIMARY KEY,
        key VARCHAR(255) NOT NULL UNIQUE,
        name_zh VARCHAR(255) NOT NULL,
        name_en VARCHAR(255) NOT NULL,
        sort INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE scheme (
        id INTEGER PRIMARY KEY,
        key VARCHAR(255) NOT NULL UNIQUE,
        name_zh VARCHAR(255) NOT NULL,
        name_en VARCHAR(255) NOT NULL,
        period VARCHAR(255) NOT NULL DEFAULT 'month',
        min_score REAL NOT NULL DEFAULT 0,
        max_score REAL NOT NULL DEFAULT 100,
        weight_self REAL NOT NULL DEFAULT 20,
        weight_supervisor REAL NOT NULL DEFAULT 60,
        weight_peer REAL NOT NULL DEFAULT 20,
        source_doc VARCHAR(255) NOT NULL DEFAULT '')""",
    """CREATE TABLE criterion (
        id INTEGER PRIMARY KEY,
        scheme_id INTEGER NOT NULL REFERENCES scheme (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        group_zh VARCHAR(255) NOT NULL DEFAULT '',
        group_en VARCHAR(255) NOT NULL DEFAULT '',
        name_zh VARCHAR(255) NOT NULL,
        name_en VARCHAR(255) NOT NULL DEFAULT '',
        max_points REAL NOT NULL,
        measure TEXT NOT NULL DEFAULT '')""",
    "CREATE UNIQUE INDEX criterion_scheme_id_seq ON criterion (scheme_id, seq)",
    """CREATE TABLE band (
        id INTEGER PRIMARY KEY,
        scheme_id INTEGER NOT NULL REFERENCES scheme (id) ON DELETE CASCADE,
        name_zh VARCHAR(255) NOT NULL,
        name_en VARCHAR(255) NOT NULL,
        min_score REAL NOT NULL)""",
    "CREATE INDEX band_scheme_id ON band (scheme_id)",
    """CREATE TABLE position (
        id INTEGER PRIMARY KEY,
        key VARCHAR(255) NOT NULL UNIQUE,
        title_zh VARCHAR(255) NOT NULL,
        title_en VARCHAR(255) NOT NULL DEFAULT '',
        department_id INTEGER NOT NULL REFERENCES department (id),
        source_doc VARCHAR(255) NOT NULL,
        source_section VARCHAR(255) NOT NULL DEFAULT '',
        period VARCHAR(255),
        scheme_id INTEGER REFERENCES scheme (id))""",
    "CREATE INDEX position_department_id ON position (department_id)",
    "CREATE INDEX position_scheme_id ON position (scheme_id)",
    """CREATE TABLE position_item (
        id INTEGER PRIMARY KEY,
        position_id INTEGER NOT NULL REFERENCES position (id) ON DELETE CASCADE,
        kind VARCHAR(255) NOT NULL,
        seq INTEGER NOT NULL,
        text TEXT NOT NULL)""",
    "CREATE UNIQUE INDEX position_item_position_id_kind_seq ON position_item (position_id, kind, seq)",
    """CREATE TABLE rule (
        id INTEGER PRIMARY KEY,
        position_id INTEGER NOT NULL REFERENCES position (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        fact TEXT NOT NULL,
        kind VARCHAR(255) NOT NULL DEFAULT 'deduction',
        points REAL NOT NULL,
        unit VARCHAR(255) NOT NULL DEFAULT '次',
        cap REAL,
        fine REAL,
        code VARCHAR(255))""",
    "CREATE UNIQUE INDEX rule_position_id_seq ON rule (position_id, seq)",
    "CREATE INDEX rule_code ON rule (code)",
    """CREATE TABLE person (
        id INTEGER PRIMARY KEY,
        name VARCHAR(255) NOT NULL,
        position_id INTEGER REFERENCES position (id),
        role VARCHAR(255) NOT NULL DEFAULT 'officer',
        active INTEGER NOT NULL DEFAULT 1,
        created DATETIME NOT NULL)""",
    "CREATE INDEX person_position_id ON person (position_id)",
]


def up(migrator, db):
    for statement in DDL:
        db.execute_sql(statement)
