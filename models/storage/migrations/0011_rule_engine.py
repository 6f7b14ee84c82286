"""The documents' rules run: what each rule counts, who a log entry is about, each position's cycle.

``rule`` learns how it applies (``basis``: occurrence, shortfall, late, graded, measured) and
the parameters its document gives (``activity`` the log categories it counts, ``every`` and
``times`` the required frequency, ``grades``, ``step``, ``line`` in the document). Values no
document gives (a target, a due time, a required frequency "by company rule") are local
choices: ``local`` names them, so every screen can show them as such.

``duty_fact`` can name the rule it is evidence for, with the points of a chosen grade, a count
(days late, steps of a measured value) and the sign of a measured result. ``log_person`` says
whom an entry is about and who attended a meeting; like the logbook it is append-only.
``rule_slot`` is a shortfall's evidence: the period, what was required and what was found.

A position may be appraised by several schemes on their own periods (``position_scheme``),
each scored by its own raters (``scheme.raters``), and a scheme's sheets may feed a longer
period's sheet (``scheme.feeds``: the duty office's monthly self-appraisals feed the quarter).
New log categories: the activities the documents' rules count.
"""

CATEGORIES = [
    # key, prefix, name_zh, name_en, sort — the activities the documents' rules count
    ("stocktake", "st", "盘点", "Stocktake", 110),
    ("stocktake_full", "sy", "年盘点", "Full stocktake", 111),
    ("dispatch", "dm", "调度会", "Dispatch meeting", 112),
    ("study", "ss", "学习", "Study session", 113),
    ("mine_visit", "mv", "下井", "Mine visit", 114),
    ("inspection", "in", "巡查", "Inspection round", 115),
    ("work_check", "wc", "检查工作", "Work check", 116),
    ("end_check", "ec", "下班检查", "End-of-day check", 117),
    ("report_daily", "rd", "日报表", "Daily report", 118),
    ("report_monthly", "rm", "月报表", "Monthly report", 119),
    ("plan_weekly", "pw", "周计划", "Weekly plan", 120),
    ("plan_monthly", "pm", "月计划", "Monthly plan", 121),
    ("plan_yearly", "py", "年度计划", "Annual plan", 122),
    ("training", "tr", "培训", "Training", 123),
    ("incident", "i", "违规/事件", "Incident", 124),
]

DDL = [
    "ALTER TABLE rule ADD COLUMN basis VARCHAR(255) NOT NULL DEFAULT 'occurrence'",
    "ALTER TABLE rule ADD COLUMN activity VARCHAR(255)",
    "ALTER TABLE rule ADD COLUMN every VARCHAR(255)",
    "ALTER TABLE rule ADD COLUMN times INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE rule ADD COLUMN grades VARCHAR(255)",
    "ALTER TABLE rule ADD COLUMN step REAL",
    "ALTER TABLE rule ADD COLUMN target REAL",
    "ALTER TABLE rule ADD COLUMN due VARCHAR(255)",
    "ALTER TABLE rule ADD COLUMN line INTEGER",
    "ALTER TABLE rule ADD COLUMN local TEXT",
    "ALTER TABLE duty_fact ADD COLUMN rule_id INTEGER REFERENCES rule (id) ON DELETE SET NULL",
    "ALTER TABLE duty_fact ADD COLUMN points REAL",
    "ALTER TABLE duty_fact ADD COLUMN count REAL",
    "ALTER TABLE duty_fact ADD COLUMN kind VARCHAR(255)",
    "CREATE INDEX duty_fact_rule_id ON duty_fact (rule_id)",
    "ALTER TABLE adjustment ADD COLUMN fine REAL",
    "ALTER TABLE scheme ADD COLUMN raters VARCHAR(255) NOT NULL DEFAULT 'self,supervisor,peer'",
    "ALTER TABLE scheme ADD COLUMN feeds VARCHAR(255)",
    """CREATE TABLE position_scheme (
        id INTEGER PRIMARY KEY,
        position_id INTEGER NOT NULL REFERENCES position (id) ON DELETE CASCADE,
        scheme_id INTEGER NOT NULL REFERENCES scheme (id) ON DELETE CASCADE)""",
    "CREATE UNIQUE INDEX position_scheme_position_scheme ON position_scheme (position_id, scheme_id)",
    "CREATE INDEX position_scheme_scheme_id ON position_scheme (scheme_id)",
    """CREATE TABLE log_person (
        id INTEGER PRIMARY KEY,
        entry_id INTEGER NOT NULL REFERENCES log_entry (id),
        person_id INTEGER NOT NULL REFERENCES person (id),
        role VARCHAR(255) NOT NULL)""",
    "CREATE UNIQUE INDEX log_person_entry_person_role ON log_person (entry_id, person_id, role)",
    "CREATE INDEX log_person_person_id ON log_person (person_id, role)",
    """CREATE TABLE rule_slot (
        id INTEGER PRIMARY KEY,
        rule_id INTEGER NOT NULL REFERENCES rule (id) ON DELETE CASCADE,
        person_id INTEGER NOT NULL REFERENCES person (id),
        starts DATETIME NOT NULL,
        ends DATETIME NOT NULL,
        due DATETIME,
        needed INTEGER NOT NULL,
        found INTEGER NOT NULL,
        done_at DATETIME,
        late_days REAL)""",
    "CREATE UNIQUE INDEX rule_slot_rule_person_starts_ends ON rule_slot (rule_id, person_id, starts, ends)",
    "CREATE INDEX rule_slot_person_id ON rule_slot (person_id, starts)",
    # A scheme a position had is one of its schemes.
    "INSERT INTO position_scheme (position_id, scheme_id) "
    "SELECT id, scheme_id FROM position WHERE scheme_id IS NOT NULL",
]


def up(migrator, db):
    from duty_desk.models.accounts.audit import install

    for statement in DDL:
        db.execute_sql(statement)
    for verb in ("UPDATE", "DELETE"):
        db.execute_sql(f"CREATE TRIGGER log_person_no_{verb.lower()} BEFORE {verb} ON log_person "
                       f"BEGIN SELECT RAISE(ABORT, 'the duty log is append-only'); END")
    # The new categories are part of the schema, as 0004's were (written before the audit
    # trail existed): not an event of whoever first opened the file with this version, so
    # the trail is off for these rows and two databases built alike stay alike.
    for action in ("insert", "update", "delete"):
        db.execute_sql(f'DROP TRIGGER IF EXISTS "audit_log_category_{action}"')
    top = db.execute_sql("SELECT coalesce(max(sort), 100) FROM log_category").fetchone()[0]
    for key, prefix, zh, en, sort in CATEGORIES:
        taken = db.execute_sql("SELECT 1 FROM log_category WHERE key = ? OR prefix = ?", (key, prefix)).fetchone()
        if not taken:  # an administrator may have made one of the same name already
            db.execute_sql(
                "INSERT INTO log_category (key, prefix, name_zh, name_en, severity, sort, active) "
                "VALUES (?, ?, ?, ?, 'normal', ?, 1)", (key, prefix, zh, en, top + sort - 109))
    # "Other" stays the last of the list, where the quick entry's category picker wraps.
    db.execute_sql("UPDATE log_category SET sort = (SELECT max(sort) + 1 FROM log_category) WHERE key = 'other'")
    for table in ("log_category", "rule", "duty_fact", "adjustment", "scheme", "position_scheme", "rule_slot",
                  "log_person"):
        install(db, table)  # new tables, and the triggers copy the new columns too
