"""A database seeded before migration 0009 opens with its rows, and the next load adopts them."""

import json

from duty_desk.models.storage import db as dbmod
from duty_desk.models.storage import schema
from duty_desk.models.storage.db import connect
from duty_desk.models.organisation.org import Person, Position, PositionItem, Rule
from duty_desk.seed import loader


def test_an_older_seeded_database_keeps_its_rows_and_is_adopted(tmp_path):
    path = tmp_path / "old.db"
    connect(path)
    schema.upgrade(target="0008_api_tokens")
    run = dbmod.db.execute_sql
    # As the loader of schema 8 wrote them: one position, two of its duties, one of its rules,
    # and one rule an administrator added.
    run("INSERT INTO department (key, name_zh, name_en, sort) VALUES ('warehouse', '仓库', 'Warehouse', 0)")
    run("INSERT INTO position (key, title_zh, title_en, department_id, source_doc, source_section) "
        "VALUES ('001-warehouse-director', '仓库主任', 'Warehouse Director', 1, '001', '仓库')")
    run("INSERT INTO position_item (position_id, kind, seq, text) VALUES (1, 'duty', 1, '负责仓库全面工作。')")
    run("INSERT INTO position_item (position_id, kind, seq, text) VALUES (1, 'duty', 2, '旧的一条')")
    run("INSERT INTO rule (position_id, seq, fact, kind, points, unit, code) "
        "VALUES (1, 1, '正常出勤时,少开一次调度会', 'deduction', 1, '次', 'missed_meeting')")
    run("INSERT INTO rule (position_id, seq, fact, kind, points, unit) VALUES (1, 2, '本地规则', 'deduction', 1, '次')")
    run("INSERT INTO person (name, position_id, role, active, created) VALUES ('试用员', 1, 'lead', 1, '2026-01-01 08:00:00')")
    dbmod.close()

    connect(path)
    assert "0009_seed_sync" in schema.upgrade()
    director = Position.get(Position.key == "001-warehouse-director")
    assert json.loads(director.seeded)["zh"] == "仓库主任" and director.retired is None
    assert all(r.seeded is None for r in Rule.select())  # unknown origin until a load adopts them
    assert PositionItem.select().where(PositionItem.seeded.is_null()).count() == 0
    assert dbmod.db.execute_sql("PRAGMA foreign_key_check").fetchall() == []

    loader.load()
    assert Position.select().where(Position.key == "001-warehouse-director").count() == 1
    assert Person.get(Person.name == "试用员").position_id == director.id
    meeting = Rule.get(Rule.fact == "正常出勤时,少开一次调度会")
    assert meeting.seeded is not None and meeting.retired is None  # adopted: the files hold its text
    local = Rule.get(Rule.fact == "本地规则")
    assert local.seeded is None and local.retired is None  # not the files': left alone
    old_line = PositionItem.get(PositionItem.text == "旧的一条")
    assert old_line.retired is not None
    from duty_desk.models.accounts.audit import missing
    assert missing(dbmod.db) == []
    dbmod.close()
