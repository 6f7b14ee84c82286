"""The audit trail: every table has triggers, writes record who/what/before/after, no edits."""

from __future__ import annotations

import json

import peewee
import pytest

from duty_desk.models.accounts import audit
from duty_desk.models.accounts.audit import AuditEvent
from duty_desk.models.storage.db import db, writes
from duty_desk.models.organisation.org import Department, Person
from duty_desk.models.accounts.session import acting_as


def test_every_table_has_audit_triggers(empty_db):
    """Fails when a migration adds a table (or a column) without ``audit.install``."""
    tables = audit.audited_tables(db)
    assert {"person", "position", "credential", "duty_fact", "setting"} <= set(tables)
    assert audit.missing(db) == []


def test_a_table_without_triggers_is_found(empty_db):
    db.execute_sql("CREATE TABLE later_thing (id INTEGER PRIMARY KEY, note TEXT)")
    assert any("later_thing" in p for p in audit.missing(db))
    audit.install(db, "later_thing")
    assert audit.missing(db) == []
    db.execute_sql("ALTER TABLE later_thing ADD COLUMN extra TEXT")
    assert any("extra" in p for p in audit.missing(db))
    audit.install(db, "later_thing")
    assert audit.missing(db) == []


@writes
def rename(person_id, name):
    Person.update(name=name).where(Person.id == person_id).execute()


def test_writes_record_who_what_before_and_after(staff):
    admin, lead = staff["王伟"], staff["李娜"]
    with acting_as(admin):
        rename(lead.id, "李娜娜")
        rename(lead.id, "李娜娜")  # no change: no event
    events = list(AuditEvent.select().where(AuditEvent.table_name == "person", AuditEvent.row_id == lead.id,
                                            AuditEvent.action == "update"))
    assert len(events) == 1
    event = events[0]
    assert (event.actor_id, event.actor_name) == (admin.id, "王伟")
    assert json.loads(event.before)["name"] == "李娜" and json.loads(event.after)["name"] == "李娜娜"
    with acting_as(admin):
        plain = audit.events(table="person", action="update")
    assert plain[0].changes() == [("name", "李娜", "李娜娜")]


def test_pin_hashes_never_reach_the_trail(staff):
    for event in AuditEvent.select().where(AuditEvent.table_name == "credential"):
        assert "pin_hash" not in (event.after or "") and "salt" not in (event.after or "")


def test_deletes_are_recorded(empty_db):
    Department.create(key="x", name_zh="x", name_en="x")
    Department.delete().execute()
    last = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert last.action == "delete" and json.loads(last.before)["key"] == "x" and last.after is None


def test_the_trail_is_append_only(staff):
    with pytest.raises(peewee.IntegrityError, match="append-only"):
        AuditEvent.update(actor_name="someone else").execute()
    with pytest.raises(peewee.IntegrityError, match="append-only"):
        AuditEvent.delete().execute()


def test_a_connection_without_the_actor_cannot_write(staff):
    """The sqlite3 shell (no duty_actor_id function) is refused: no anonymous writes."""
    import cysqlite

    conn = cysqlite.Connection(str(db.obj.database))
    try:
        with pytest.raises(Exception, match="no such function: duty_"):
            conn.execute("UPDATE person SET role = 'admin'")
    finally:
        conn.close()
    assert Person.get_by_id(staff["张敏"].id).role == "officer"


def test_reading_the_trail_is_for_administrators(staff):
    from duty_desk.models.accounts.session import PermissionDenied

    with acting_as(staff["李娜"]), pytest.raises(PermissionDenied):
        audit.events()


def test_a_bulk_write_leaves_one_summary_event(staff):
    from duty_desk.models.accounts import audit
    from duty_desk.models.accounts.audit import AuditEvent
    from duty_desk.models.storage.db import writes
    from duty_desk.models.organisation.org import Department
    from duty_desk.models.accounts.session import SYSTEM, acting_as

    @writes
    def add(keys, quietly):
        if quietly:
            with audit.bulk("department", what="test import") as summary:
                for key in keys:
                    Department.create(key=key, name_zh=key, name_en=key)
                summary["rows"] = len(keys)
        else:
            for key in keys:
                Department.create(key=key, name_zh=key, name_en=key)

    with acting_as(SYSTEM):
        before = AuditEvent.select().count()
        add(["b1", "b2", "b3"], quietly=True)
        assert AuditEvent.select().count() == before + 1
        event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
        assert (event.action, event.table_name) == ("bulk", "department")
        assert '"rows": 3' in event.after
        add(["r1", "r2"], quietly=False)
        assert AuditEvent.select().count() == before + 3
