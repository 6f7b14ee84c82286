"""The duty log: categories, the append-only logbook with its hash chain, acknowledgements,
expense decisions, follow-ups, patrol rules and missed patrols, handovers, and search.

Append-only is enforced by SQLite itself (triggers that abort any UPDATE or DELETE), so
no program — this one included — can rewrite the logbook; ``duty check`` verifies the
hash chain in case someone drops the triggers and edits the file directly.
"""

CATEGORIES = [
    # key, prefix, name_zh, name_en, severity, sort
    ("patrol", "p", "巡逻", "Patrol", "normal", 10),
    ("visitor", "v", "来访", "Visitor", "normal", 20),
    ("phone", "t", "电话", "Phone call", "normal", 30),
    ("fault", "f", "设备故障", "Equipment fault", "important", 40),
    ("security", "s", "安全", "Security", "important", 50),
    ("emergency", "e", "火警/紧急", "Fire / emergency", "emergency", 60),
    ("meeting", "m", "会议/决定", "Meeting / decision", "normal", 70),
    ("handover", "h", "交接班", "Handover note", "normal", 80),
    ("expense", "x", "小额支出", "Expense", "normal", 90),
    ("other", "o", "其他", "Other", "normal", 100),
]

DDL = [
    """CREATE TABLE log_category (
        id INTEGER PRIMARY KEY,
        key VARCHAR(255) NOT NULL UNIQUE,
        prefix VARCHAR(255) NOT NULL UNIQUE,
        name_zh VARCHAR(255) NOT NULL,
        name_en VARCHAR(255) NOT NULL,
        severity VARCHAR(255) NOT NULL DEFAULT 'normal',
        sort INTEGER NOT NULL DEFAULT 0,
        active INTEGER NOT NULL DEFAULT 1)""",
    """CREATE TABLE log_entry (
        id INTEGER PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        at DATETIME NOT NULL,
        created DATETIME NOT NULL,
        author_id INTEGER NOT NULL REFERENCES person (id),
        category_id INTEGER NOT NULL REFERENCES log_category (id),
        severity VARCHAR(255) NOT NULL DEFAULT 'normal',
        post VARCHAR(255) NOT NULL DEFAULT '',
        shift VARCHAR(255) NOT NULL DEFAULT '',
        text TEXT NOT NULL,
        amends_id INTEGER REFERENCES log_entry (id),
        amount_cents INTEGER,
        needs_approval INTEGER NOT NULL DEFAULT 0,
        prev_hash VARCHAR(255) NOT NULL,
        hash VARCHAR(255) NOT NULL)""",
    "CREATE INDEX log_entry_at ON log_entry (at)",
    "CREATE INDEX log_entry_author_id_seq ON log_entry (author_id, seq)",
    "CREATE INDEX log_entry_category_id_seq ON log_entry (category_id, seq)",
    "CREATE INDEX log_entry_severity_seq ON log_entry (severity, seq)",
    "CREATE INDEX log_entry_post_seq ON log_entry (post, seq)",
    "CREATE INDEX log_entry_amends_id ON log_entry (amends_id)",
    "CREATE INDEX log_entry_needs_approval ON log_entry (needs_approval, seq)",
    """CREATE TABLE log_head (
        id INTEGER PRIMARY KEY,
        seq INTEGER NOT NULL,
        hash VARCHAR(255) NOT NULL)""",
    """CREATE TABLE log_ack (
        id INTEGER PRIMARY KEY,
        entry_id INTEGER NOT NULL UNIQUE REFERENCES log_entry (id),
        person_id INTEGER NOT NULL REFERENCES person (id),
        at DATETIME NOT NULL)""",
    """CREATE TABLE expense_decision (
        id INTEGER PRIMARY KEY,
        entry_id INTEGER NOT NULL UNIQUE REFERENCES log_entry (id),
        person_id INTEGER NOT NULL REFERENCES person (id),
        at DATETIME NOT NULL,
        approved INTEGER NOT NULL,
        note TEXT NOT NULL DEFAULT '')""",
    """CREATE TABLE follow_up (
        id INTEGER PRIMARY KEY,
        entry_id INTEGER NOT NULL REFERENCES log_entry (id),
        owner_id INTEGER NOT NULL REFERENCES person (id),
        opened_by_id INTEGER NOT NULL REFERENCES person (id),
        opened_at DATETIME NOT NULL,
        due_at DATETIME NOT NULL,
        what TEXT NOT NULL DEFAULT '',
        closed_at DATETIME,
        closed_by_id INTEGER REFERENCES person (id),
        close_note TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX follow_up_entry_id ON follow_up (entry_id)",
    "CREATE INDEX follow_up_closed_at_due_at ON follow_up (closed_at, due_at)",
    "CREATE INDEX follow_up_owner_id ON follow_up (owner_id)",
    """CREATE TABLE patrol_rule (
        id INTEGER PRIMARY KEY,
        post VARCHAR(255) NOT NULL UNIQUE,
        every_minutes INTEGER NOT NULL,
        active INTEGER NOT NULL DEFAULT 1)""",
    """CREATE TABLE missed_patrol (
        id INTEGER PRIMARY KEY,
        rule_id INTEGER NOT NULL REFERENCES patrol_rule (id),
        due_at DATETIME NOT NULL,
        person_id INTEGER REFERENCES person (id))""",
    "CREATE UNIQUE INDEX missed_patrol_rule_id_due_at ON missed_patrol (rule_id, due_at)",
    """CREATE TABLE handover (
        id INTEGER PRIMARY KEY,
        shift_start DATETIME NOT NULL UNIQUE,
        shift_end DATETIME NOT NULL,
        shift VARCHAR(255) NOT NULL DEFAULT '',
        outgoing_id INTEGER NOT NULL REFERENCES person (id),
        closed_at DATETIME NOT NULL,
        report TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        incoming_id INTEGER REFERENCES person (id),
        countersigned_at DATETIME)""",
    "CREATE INDEX handover_shift_end ON handover (shift_end)",
    """CREATE TABLE log_setting (
        id INTEGER PRIMARY KEY,
        key VARCHAR(255) NOT NULL UNIQUE,
        value TEXT NOT NULL)""",
    # Search: our own tokens (words, and Chinese as overlapping character pairs), so a
    # two-character word such as 巡逻 is found; the trigram tokenizer finds nothing
    # shorter than three characters. Contentless: the text lives in log_entry.
    "CREATE VIRTUAL TABLE log_search USING fts5(body, content='', tokenize='unicode61 remove_diacritics 2')",
]

APPEND_ONLY = ("log_entry", "log_ack", "expense_decision")


def triggers() -> list[str]:
    out = []
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            out.append(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'the duty log is append-only'); END")
    return out


def up(migrator, db):
    for statement in DDL + triggers():
        db.execute_sql(statement)
    for key, prefix, zh, en, severity, sort in CATEGORIES:
        db.execute_sql(
            "INSERT INTO log_category (key, prefix, name_zh, name_en, severity, sort, active) "
            "VALUES (?, ?, ?, ?, ?, ?, 1)", (key, prefix, zh, en, severity, sort))
    db.execute_sql("INSERT INTO log_head (id, seq, hash) VALUES (1, 0, '')")
    db.execute_sql("INSERT INTO log_setting (key, value) VALUES ('expense_limit_cents', '50000')")
