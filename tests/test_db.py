"""The write path: IMMEDIATE transactions, savepoints when nested, retries while busy."""

import cysqlite
import peewee
import pytest

from duty_desk.models.storage import db as dbmod
from duty_desk.models.storage.db import writes
from duty_desk.models.errors import DatabaseUnavailable
from duty_desk.models.organisation.org import Department


@writes
def add_department(key: str) -> int:
    return Department.create(key=key, name_zh=key, name_en=key).id


@writes
def add_two_then_fail(key: str) -> None:
    add_department(key + "-1")
    raise ValueError("half-way")


def other_connection(path):
    conn = cysqlite.Connection(str(path), timeout=0)
    return conn


def test_a_write_holds_the_write_lock_from_its_start(empty_db):
    seen = {}

    @writes
    def probe():
        other = other_connection(empty_db)
        try:
            other.execute("BEGIN IMMEDIATE")
            seen["other"] = "got the lock"
        except Exception as exc:  # the driver's busy error
            seen["other"] = str(exc)
        finally:
            other.close()

    probe()
    assert "locked" in seen["other"] or "busy" in seen["other"]


def test_nothing_is_saved_half(empty_db):
    with pytest.raises(ValueError):
        add_two_then_fail("x")
    assert Department.select().count() == 0


def test_a_nested_write_is_a_savepoint(empty_db):
    @writes
    def outer():
        add_department("kept")
        try:
            add_two_then_fail("inner")
        except ValueError:
            pass
        return Department.select().count()

    assert outer() == 1
    assert [d.key for d in Department.select()] == ["kept"]


def test_a_busy_database_is_retried(empty_db, monkeypatch):
    calls = {"n": 0}
    real_begin = dbmod.db.obj.begin

    def flaky_begin(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] < 3:
            raise peewee.OperationalError("database is locked")
        return real_begin(*args, **kwargs)

    monkeypatch.setattr(dbmod.db.obj, "begin", flaky_begin)
    add_department("after-retries")
    assert calls["n"] == 3
    monkeypatch.undo()
    assert Department.select().where(Department.key == "after-retries").exists()


def test_a_write_that_stays_busy_becomes_a_sentence(empty_db, monkeypatch):
    monkeypatch.setattr(dbmod, "WRITE_RETRIES", 2)
    monkeypatch.setattr(dbmod.db.obj, "begin", lambda *a, **k: (_ for _ in ()).throw(
        peewee.OperationalError("database is locked")))
    with pytest.raises(DatabaseUnavailable, match="busy"):
        add_department("never")
