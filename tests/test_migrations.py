"""The schema grows by numbered migrations; an older database opens with its rows intact."""

import pytest

from duty_desk.models.storage import db as dbmod
from duty_desk.models.storage import schema
from duty_desk.models.storage.db import connect
from duty_desk.models.errors import DatabaseUnavailable
from duty_desk.models.organisation.org import Department, Person, Position


def test_first_schema_upgrades_through_every_migration(tmp_path):
    path = tmp_path / "old.db"
    connect(path)
    first = schema.available()[0].name
    assert schema.upgrade(target=first) == [first]
    assert schema.current_version() == 1
    # Rows written by the first version, with plain SQL as that version stored them.
    dbmod.db.execute_sql("INSERT INTO department (key, name_zh, name_en, sort) VALUES ('duty-office', '值班室', 'Duty Office', 0)")
    dbmod.db.execute_sql("INSERT INTO position (key, title_zh, title_en, department_id, source_doc, source_section) "
                         "VALUES ('002-duty-officer', '值班員', 'Duty Officer', 1, '002', '二')")
    dbmod.db.execute_sql("INSERT INTO person (name, position_id, role, active, created) "
                         "VALUES ('试用员', 1, 'lead', 1, '2026-01-01 08:00:00')")
    dbmod.close()

    connect(path)
    applied = schema.upgrade()
    assert applied == [m.name for m in schema.available()[1:]]
    assert schema.current_version() == schema.latest_version() >= 2
    person = Person.get(Person.name == "试用员")
    assert (person.role, person.position.title_zh, person.position.department.name_zh) == ("lead", "值班員", "值班室")
    assert Department.select().count() == 1 and Position.select().count() == 1
    assert dbmod.db.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    dbmod.close()


def test_models_match_the_migrated_schema(empty_db):
    """Every model's columns exist in the tables the migrations made."""
    from duty_desk.models.storage.base import BaseModel

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    import importlib
    import pkgutil

    import duty_desk.models as models
    for info in pkgutil.walk_packages(models.__path__, "duty_desk.models."):
        if ".migrations." not in info.name:
            importlib.import_module(info.name)
    problems = []
    for model in set(subclasses(BaseModel)):
        table = model._meta.table_name
        have = {c.name for c in dbmod.db.get_columns(table)}
        if not have:
            problems.append(f"{table}: no such table")
            continue
        want = {f.column_name for f in model._meta.sorted_fields}
        if want - have:
            problems.append(f"{table}: missing {sorted(want - have)}")
    assert not problems


def test_a_newer_database_is_refused(tmp_path):
    path = tmp_path / "new.db"
    connect(path)
    schema.upgrade()
    dbmod.db.execute_sql("INSERT INTO schema_migration (name, applied) VALUES ('9999_future', '2030-01-01')")
    dbmod.close()
    connect(path)
    with pytest.raises(DatabaseUnavailable, match="newer"):
        schema.upgrade()
    dbmod.close()


def test_wal_foreign_keys_and_a_fixed_sqlite(empty_db):
    assert dbmod.db.pragma("journal_mode") == "wal"
    assert dbmod.db.pragma("foreign_keys") == 1
    assert dbmod.db.pragma("busy_timeout") >= 1000
    version = tuple(int(x) for x in dbmod.sqlite_version().split("."))
    assert version >= (3, 51, 3), "this SQLite has the WAL-reset corruption bug"
    # The interpreter's own sqlite3 may be older (3.40.1 here): we must not be running on it.
    assert type(dbmod.db.obj).__name__ == "CySqliteDatabase"


def test_audit_triggers_move_to_the_desks_clock(tmp_path):
    """A 0006 database stamped audit events with SQLite's own 'now'; 0007 renews the triggers."""
    import datetime as dt

    from duty_desk.models.accounts import audit
    from duty_desk.models import clock

    path = tmp_path / "v6.db"
    connect(path)
    schema.upgrade(target="0006_accounts")
    old = audit.trigger_sql(dbmod.db, "department")[3].replace(
        "duty_now()", "strftime('%Y-%m-%d %H:%M:%f', 'now', 'localtime')")  # as 0006 made it
    dbmod.db.execute_sql('DROP TRIGGER "audit_department_insert"')
    dbmod.db.execute_sql(old)
    assert any("clock" in problem for problem in audit.missing(dbmod.db))
    dbmod.db.execute_sql("INSERT INTO department (key, name_zh, name_en, sort) VALUES ('d', '值班室', 'Duty Office', 0)")
    assert schema.upgrade()[0] == "0007_audit_clock"
    assert audit.missing(dbmod.db) == []
    with clock.frozen_at(dt.datetime(2031, 5, 6, 7, 8, 9)):
        dbmod.db.execute_sql("INSERT INTO department (key, name_zh, name_en, sort) VALUES ('e', '仓库', 'Store', 1)")
    stamps = [at for (at,) in dbmod.db.execute_sql("SELECT at FROM audit_event WHERE table_name = 'department'")]
    assert len(stamps) == 2 and stamps[1] == "2031-05-06 07:08:09.000"
    assert Department.select().count() == 2
    dbmod.close()
