"""The seed keeps up with its files: what a load put in, and what the files dropped.

``seeded`` holds, as JSON, the values the last seed load wrote to a row, so a later load can
tell a change in the files from an administrator's change in the program. NULL means the
row came from no document (a rule an administrator added); rules are therefore left NULL
here and adopted by the next load when their text is still in a file. ``retired`` marks a
position, line or rule the files no longer hold: kept for what points at it (past
scoresheets), counting for nothing new. Lines and rules are unique by number only while in
force, so a retired one keeps its old number.
"""

DDL = [
    "ALTER TABLE department ADD COLUMN seeded TEXT",
    "ALTER TABLE scheme ADD COLUMN seeded TEXT",
    "ALTER TABLE position ADD COLUMN seeded TEXT",
    "ALTER TABLE position ADD COLUMN retired DATETIME",
    "ALTER TABLE position_item ADD COLUMN seeded TEXT",
    "ALTER TABLE position_item ADD COLUMN retired DATETIME",
    "ALTER TABLE rule ADD COLUMN seeded TEXT",
    "ALTER TABLE rule ADD COLUMN retired DATETIME",
    "DROP INDEX position_item_position_id_kind_seq",
    "CREATE UNIQUE INDEX position_item_position_id_kind_seq ON position_item (position_id, kind, seq) "
    "WHERE retired IS NULL",
    "DROP INDEX rule_position_id_seq",
    "CREATE UNIQUE INDEX rule_position_id_seq ON rule (position_id, seq) WHERE retired IS NULL",
]

# Only the seed loader ever wrote departments, schemes, positions and their lines, so what
# they hold now is what a load put in (scheme weights an administrator changed are taken
# as seeded: nothing tells them apart any more).
BACKFILL = [
    "UPDATE department SET seeded = json_object('zh', name_zh, 'en', name_en)",
    "UPDATE scheme SET seeded = json_object('zh', name_zh, 'en', name_en, 'period', period, "
    "'min', min_score, 'max', max_score, 'self', weight_self, 'supervisor', weight_supervisor, "
    "'peer', weight_peer)",
    "UPDATE position SET seeded = json_object('zh', title_zh, 'en', title_en, "
    "'department', (SELECT d.key FROM department d WHERE d.id = position.department_id), "
    "'section', source_section, 'period', period, "
    "'scheme', (SELECT s.key FROM scheme s WHERE s.id = position.scheme_id))",
    "UPDATE position_item SET seeded = json_object('text', text)",
]

TABLES = ("department", "scheme", "position", "position_item", "rule")


def up(migrator, db):
    from duty_desk.models.accounts.audit import bulk, install

    for statement in DDL:
        db.execute_sql(statement)
    for table in TABLES:
        install(db, table)  # the triggers copy the new columns too
    if not db.execute_sql("SELECT 1 FROM position LIMIT 1").fetchone():
        return  # a new database: nothing to fill in, and no event dated by the machine's clock
    with bulk(TABLES[:4], what="migration 0009: record what the seed loaded"):
        for statement in BACKFILL:
            db.execute_sql(statement)
