"""The audit trail: who wrote what, when, with the values before and after.

SQLite triggers on every table write one ``audit_event`` row per inserted, changed or
deleted row, so no write path can forget it. The actor comes from two SQL functions
registered on every connection (``duty_actor_id()``, ``duty_actor_name()``) that read the
signed-in person of this process, and ``duty_now()``, the desk's clock (``models.clock``).
A connection without them (the sqlite3 shell) cannot
write to an audited table at all, which is what we want on a shared database.

A migration that makes a new table calls ``install(db, "table")`` (or ``install_all(db)``);
a test and ``duty check`` fail when a table has no triggers or they miss a column.

Two deliberate exceptions keep bulk work fast. The logbook's own tables record their
author and time in every row, refuse updates and deletes, and are sealed by a hash chain,
so copying each entry again would only double the writes. And a bulk operation (a year of
rotation, say) runs inside ``bulk(...)``, which takes the table's triggers off for the
length of its transaction and writes one summary event instead of a hundred thousand.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass

import peewee as pw

from duty_desk.models.storage.base import BaseModel
from duty_desk.models.storage import dialect
from duty_desk.models.storage.db import db
from duty_desk.models.storage.sql_functions import _actor_id, _actor_name, recorded_as, register_sql_functions  # noqa: F401
from duty_desk.models.errors import N_
from duty_desk.models.accounts.session import require
from duty_desk.models import clock

ACTIONS = ("insert", "update", "delete")

# Tables the trail does not cover: the migration history and the trail itself, and the
# logbook, which is append-only, signed per row and chained by hashes (models/logbook/chain.py).
EXEMPT = {"schema_migration", "audit_event", "log_entry", "log_head"}
# Columns never copied into the trail (secrets).
SECRET_COLUMNS = {"credential": ("pin_hash", "salt")}

_bulk = threading.local()  # how deep this thread is in bulk() blocks


class AuditEvent(BaseModel):
    at = pw.DateTimeField()
    actor_id = pw.IntegerField(null=True)  # no foreign key: the trail outlives people
    actor_name = pw.CharField(default="")
    table_name = pw.CharField()
    row_id = pw.IntegerField(null=True)
    action = pw.CharField()
    before = pw.TextField(null=True)
    after = pw.TextField(null=True)

    class Meta:
        table_name = "audit_event"


@contextmanager
def bulk(tables: str | tuple[str, ...], **summary):
    """Write many rows of *tables* with one summary event instead of one event per row.

    Runs inside the caller's write transaction: the tables' audit triggers are dropped for
    the duration and made again before it commits, so other terminals never see a table
    without them, and a failure rolls everything back. The summary dict is yielded so the
    caller can add counts; it is recorded when the block succeeds. A bulk write inside
    another leaves the summary to the outer one.
    """
    if not db.in_transaction():
        raise RuntimeError("audit.bulk() belongs inside a write transaction")
    names = (tables,) if isinstance(tables, str) else tuple(tables)
    if dialect.is_postgres(db.obj):
        existing = dialect.trigger_names(db, "audit\\_%")
    else:
        existing = {name for (name,) in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit\\_%' ESCAPE '\\'")}
    silenced = [t for t in names if f"audit_{t}_insert" in existing]
    for table in silenced:
        for action in ACTIONS:
            db.execute_sql(f"DROP TRIGGER IF EXISTS {_quote(f'audit_{table}_{action}')}")
    depth = getattr(_bulk, "depth", 0)
    _bulk.depth = depth + 1
    try:
        yield summary
    finally:
        _bulk.depth = depth
        for table in silenced:
            install(db, table)
    if depth:
        return
    AuditEvent.insert(at=clock.now(), actor_id=_actor_id(), actor_name=_actor_name(),
                      table_name=", ".join(names), row_id=None, action="bulk",
                      before=None, after=json.dumps(summary, ensure_ascii=False, default=str)).execute()


# -- installing triggers --------------------------------------------------------------

def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(db, table: str) -> list[tuple[str, str, int]]:
    """(name, declared type, pk position) of each column."""
    return [(r[1], (r[2] or "").upper(), r[5])
            for r in db.execute_sql(f"PRAGMA table_info({_quote(table)})").fetchall()]


def _json(prefix: str, columns: list[tuple[str, str, int]], table: str) -> str:
    secret = SECRET_COLUMNS.get(table, ())
    parts = []
    for name, kind, _pk in columns:
        if name in secret:
            continue
        ref = f"{prefix}.{_quote(name)}"
        if kind == "" or "BLOB" in kind:  # JSON holds no blobs: keep them as hex
            ref = f"iif(typeof({ref}) = 'blob', hex({ref}), {ref})"
        parts.append(f"'{name}', {ref}")
    return f"json_object({', '.join(parts)})"


def _row_id(prefix: str, columns, without_rowid: bool) -> str:
    names = {c[0] for c in columns}
    if "id" in names:
        return f"{prefix}.id"
    return "NULL" if without_rowid else f"{prefix}.rowid"


def trigger_sql(db, table: str) -> list[str]:
    """The statements that (re)create the three audit triggers of *table*."""
    columns = _columns(db, table)
    create = db.execute_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                            (table,)).fetchone()
    without_rowid = bool(create and "WITHOUT ROWID" in (create[0] or "").upper())
    q = _quote(table)
    lit = table.replace("'", "''")
    insert = ("INSERT INTO audit_event (at, actor_id, actor_name, table_name, row_id, action, before, after) "
              "VALUES (duty_now(), duty_actor_id(), duty_actor_name(), "
              f"'{lit}', {{row}}, '{{action}}', {{before}}, {{after}});")
    old, new = _json("OLD", columns, table), _json("NEW", columns, table)
    visible = [c for c in columns if c[0] not in SECRET_COLUMNS.get(table, ())] or columns
    changed = (f"({', '.join('OLD.' + _quote(c[0]) for c in visible)}) IS NOT "
               f"({', '.join('NEW.' + _quote(c[0]) for c in visible)})")
    if len(visible) == 1:
        changed = f"OLD.{_quote(visible[0][0])} IS NOT NEW.{_quote(visible[0][0])}"
    sql = []
    for action in ACTIONS:
        sql.append(f"DROP TRIGGER IF EXISTS {_quote(f'audit_{table}_{action}')}")
    sql.append(f"CREATE TRIGGER {_quote(f'audit_{table}_insert')} AFTER INSERT ON {q} BEGIN "
               + insert.format(row=_row_id("NEW", columns, without_rowid), action="insert",
                               before="NULL", after=new) + " END")
    sql.append(f"CREATE TRIGGER {_quote(f'audit_{table}_update')} AFTER UPDATE ON {q} WHEN {changed} BEGIN "
               + insert.format(row=_row_id("NEW", columns, without_rowid), action="update",
                               before=old, after=new) + " END")
    sql.append(f"CREATE TRIGGER {_quote(f'audit_{table}_delete')} AFTER DELETE ON {q} BEGIN "
               + insert.format(row=_row_id("OLD", columns, without_rowid), action="delete",
                               before=old, after="NULL") + " END")
    return sql


def install(db, table: str) -> None:
    """Create (or renew, after a column was added) the audit triggers of *table*."""
    statements = (dialect.audit_trigger_sql(table, SECRET_COLUMNS.get(table, ()))
                  if dialect.is_postgres(db.obj if hasattr(db, "obj") else db) else trigger_sql(db, table))
    for statement in statements:
        db.execute_sql(statement)


def audited_tables(db) -> list[str]:
    """Every ordinary table the trail must cover: not virtual tables or their shadows."""
    if dialect.is_postgres(db.obj if hasattr(db, "obj") else db):
        return [t for t in dialect.tables(db) if t not in EXEMPT and t != "log_search"]
    rows = db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
    tables = []
    for name, _sql in rows:
        if name.startswith("sqlite_") or name in EXEMPT or name in virtual:
            continue
        if any(name.startswith(v + "_") for v in virtual):
            continue
        tables.append(name)
    return tables


def install_all(db) -> list[str]:
    tables = audited_tables(db)
    for table in tables:
        install(db, table)
    return tables


def missing(db) -> list[str]:
    """Problems: tables without their three triggers, or triggers that miss a column."""
    if dialect.is_postgres(db.obj if hasattr(db, "obj") else db):
        return dialect.audit_problems(db, audited_tables(db))
    triggers = dict(db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    problems = []
    for table in audited_tables(db):
        for action in ACTIONS:
            sql = triggers.get(f"audit_{table}_{action}")
            if sql is None:
                problems.append(f"table {table} has no audit trigger for {action}")
                continue
            if action == "insert":
                secret = SECRET_COLUMNS.get(table, ())
                lost = [c[0] for c in _columns(db, table) if c[0] not in secret and f"'{c[0]}'," not in sql]
                if lost:
                    problems.append(f"the audit trigger of {table} misses column(s) {', '.join(lost)}")
                if "duty_now()" not in sql:
                    problems.append(f"the audit trigger of {table} does not take its time from the desk's clock")
    return problems


def check() -> list[str]:
    return missing(db)


# -- reading the trail ----------------------------------------------------------------

@dataclass(frozen=True)
class Event:
    id: int
    at: dt.datetime
    actor_id: int | None
    actor_name: str
    table_name: str
    row_id: int | None
    action: str
    before: dict | None
    after: dict | None

    def changes(self) -> list[tuple[str, object, object]]:
        """(column, before, after) for each column whose value differs."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before, *after]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]

    def summary(self, width: int = 200) -> str:
        text = ", ".join(f"{k}: {_short(b)} → {_short(a)}" if self.action == "update"
                         else f"{k}={_short(a if self.action in ('insert', 'bulk') else b)}"
                         for k, b, a in self.changes())
        return text if len(text) <= width else text[: width - 1] + "…"


def _short(value) -> str:
    text = "∅" if value is None else str(value)
    return text if len(text) <= 30 else text[:29] + "…"


def _plain(row: AuditEvent) -> Event:
    at = row.at if isinstance(row.at, dt.datetime) else dt.datetime.fromisoformat(str(row.at))
    return Event(row.id, at, row.actor_id, row.actor_name, row.table_name, row.row_id, row.action,
                 json.loads(row.before) if row.before else None, json.loads(row.after) if row.after else None)


def events(table: str | None = None, actor_id: int | None = None, action: str | None = None,
           text: str = "", since: dt.datetime | None = None, until: dt.datetime | None = None,
           row_id: int | None = None, limit: int = 500) -> list[Event]:
    """The newest events first that match every given filter. Administrators only."""
    require("audit.read")
    query = AuditEvent.select()
    if table:
        query = query.where(AuditEvent.table_name == table)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    if row_id is not None:
        query = query.where(AuditEvent.row_id == row_id)
    for word in text.split():
        query = query.where(AuditEvent.before.contains(word) | AuditEvent.after.contains(word)
                            | AuditEvent.actor_name.contains(word) | (AuditEvent.table_name == word))
    return [_plain(r) for r in query.order_by(AuditEvent.id.desc()).limit(limit)]


def table_names() -> list[str]:
    return audited_tables(db)


ACTION_NAMES = {"insert": N_("added"), "update": N_("changed"), "delete": N_("removed"),
                "bulk": N_("bulk change")}
