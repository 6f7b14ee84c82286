"""PostgreSQL: everything that differs from SQLite, in one place.

The models, the migrations and the raw queries are written once, in SQLite's SQL. On a
PostgreSQL server (``--db postgresql://user@host:port/dbname``) this module translates that
SQL as it is sent (placeholders, column types, triggers, the catalogue, search), installs
the functions the triggers call, and makes every write transaction take one lock, as
SQLite's ``BEGIN IMMEDIATE`` does: writers from every host queue, so the hash chain and
every "is it taken already?" check see the last committed write. Values keep SQLite's
storage: dates and times as ISO text, booleans as 0/1, so both backends store, compare and
hash the same text.

The password never comes from the address: libpq reads ``~/.pgpass``, ``PGPASSFILE`` or a
service (``PGSERVICE``), as every PostgreSQL client does.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from urllib.parse import urlsplit

from playhouse.postgres_ext import Psycopg3Database

from duty_desk.models.errors import N_, DatabaseUnavailable

SCHEMES = ("postgresql://", "postgres://")
MIN_SERVER = 120000  # PostgreSQL 12: generated identity columns, EXECUTE FUNCTION, websearch
WRITE_LOCK = 0x44757479  # "Duty": the advisory lock every write transaction holds
LOCK_TIMEOUT_MS = 5000  # a writer waits this long for another, then @writes retries


class Address(str):
    """A PostgreSQL address as typed (``postgresql://user@host:port/dbname``)."""

    def expanduser(self) -> "Address":  # a path's method some callers use
        return self


def is_address(text) -> bool:
    return str(text).lower().startswith(SCHEMES)


def address_from(text: str) -> Address:
    """The address, refused when it carries a password (it would sit in the shell's history
    and in ``ps`` for every account on the host)."""
    parts = urlsplit(text)
    if parts.password is not None or "password=" in (parts.query or "").lower():
        raise DatabaseUnavailable(
            N_("Do not put the password in the address: put it in ~/.pgpass (or PGPASSFILE, or a service)."))
    return Address(text)


def is_postgres(database=None) -> bool:
    if database is None:
        from duty_desk.models.storage.db import db

        database = db.obj
    return isinstance(database, PostgresDesk)


# -- values: stored as SQLite stores them ------------------------------------------------

def _register_adapters(conn) -> None:
    from psycopg.adapt import Dumper
    from psycopg.types.numeric import FloatLoader

    class AsText(Dumper):
        oid = 0  # unknown: the server takes it as the column's type, as SQLite takes text

        def dump(self, obj):
            return str(obj).encode()

    class BoolAsInt(Dumper):
        oid = 23  # int4: flags are 0/1 integers, as in SQLite

        def dump(self, obj):
            return b"1" if obj else b"0"

    for kind in (dt.datetime, dt.date, dt.time):
        conn.adapters.register_dumper(kind, AsText)
    conn.adapters.register_dumper(bool, BoolAsInt)
    conn.adapters.register_loader("numeric", FloatLoader)  # sum()/avg() give numbers, not Decimals


# -- SQL translation ------------------------------------------------------------------

_TRIGGER_GUARD = re.compile(
    r"CREATE TRIGGER (\w+) BEFORE (UPDATE|DELETE) ON (\w+)\s+BEGIN SELECT RAISE\(ABORT, '([^']*)'\); END",
    re.I | re.S)
_DROP_TRIGGER = re.compile(
    r'DROP TRIGGER (IF EXISTS )?"?((audit_(\w+)_(?:insert|update|delete))|((\w+)_no_(?:update|delete)))"?\s*;?$', re.I)
_FTS = re.compile(r"CREATE VIRTUAL TABLE (\w+) USING fts5\(.*\)", re.I | re.S)
_MATCH = "log_search MATCH ?"

# The catalogue queries the models ask, and their PostgreSQL answers.
CATALOGUE = {
    "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?":
        "SELECT 1 FROM pg_trigger WHERE NOT tgisinternal AND tgname = ?",
    "SELECT count(*) FROM sqlite_master": "SELECT count(*) FROM pg_class",
    # No page-level check exists on the server (amcheck is an extension); the server's own
    # checksums and WAL stand behind the pages, so these report sound.
    "PRAGMA integrity_check": "SELECT 'ok'",
    "PRAGMA quick_check": "SELECT 'ok'",
    # The server enforces every foreign key at each write: none can be broken.
    "PRAGMA foreign_key_check": "SELECT NULL, NULL, NULL WHERE false",
    "SELECT sqlite_version()": "SELECT current_setting('server_version')",
    # A bulk write's secondary indexes (models/roster/rotation.py), made again from their text.
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
    "AND sql NOT LIKE 'CREATE UNIQUE%'":
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ? "
        "AND indexdef NOT LIKE 'CREATE UNIQUE%'",
}


def _ddl(sql: str) -> str:
    """A SQLite schema statement as PostgreSQL takes it."""
    guard = _TRIGGER_GUARD.match(sql.strip())
    if guard:
        name, verb, table, message = guard.groups()
        sql = (f"CREATE TRIGGER {name} BEFORE {verb} ON {table} FOR EACH ROW "
               f"EXECUTE FUNCTION duty_refuse('{message}')")
        if verb.upper() == "DELETE":  # TRUNCATE passes row triggers by: refuse it as well
            sql += (f"; CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT "
                    f"EXECUTE FUNCTION duty_refuse('{message}')")
        return sql
    fts = _FTS.match(sql.strip())
    if fts:  # our own tokens, as FTS5 gets them (models/logbook/search.py): lexemes as they are
        table = fts.group(1)
        return (f"CREATE TABLE {table} (rowid BIGINT PRIMARY KEY, body TEXT NOT NULL); "
                f"CREATE INDEX {table}_terms ON {table} USING gin (duty_terms(body))")
    drop = _DROP_TRIGGER.match(sql.strip())
    if drop:
        table = drop.group(4) or drop.group(6)
        return f'DROP TRIGGER {drop.group(1) or ""}"{drop.group(2)}" ON "{table}"'
    if sql.lstrip().upper().startswith(("CREATE TABLE", "ALTER TABLE")):
        sql = re.sub(r"\bid INTEGER PRIMARY KEY\b", "id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", sql)
        # SQLite keeps what it is given; so does TEXT. Times stay ISO text, compared as text.
        sql = re.sub(r"\bVARCHAR\(\d+\)|\bDATETIME\b|\bDATE\b", "TEXT", sql)
        sql = re.sub(r"\bREAL\b", "DOUBLE PRECISION", sql)
    return sql


_INDEX_HINT = re.compile(r"\s+(?:INDEXED BY \w+|NOT INDEXED)\b", re.I)
_CROSS_JOIN_ON = re.compile(r"\bCROSS JOIN (?=\w+(?:\s+\w+)?\s+ON\b)", re.I)
_INSERT_OR_IGNORE = re.compile(r"\bINSERT OR IGNORE INTO", re.I)
# SQLite takes a 0/1 flag as a condition; PostgreSQL wants a boolean: ``WHERE active`` → ``<> 0``.
_FLAG = re.compile(r"\b(WHERE|AND|OR|NOT|ON|WHEN)\s+((?:\w+\.)?(?:active|locked|needs_approval|approved))\b"
                   r"(?!\s*(?:=|<>|!=|<|>|IS\b|IN\b))", re.I)


@functools.lru_cache(maxsize=2048)
def translate(sql: str) -> tuple[str, tuple[int, ...]]:
    """(*sql* for psycopg, positions of the parameters that are FTS5 search expressions)."""
    sql = CATALOGUE.get(sql.strip(), sql)
    head = sql.lstrip()[:20].upper()
    if head.startswith(("CREATE", "ALTER", "DROP")):
        sql = _ddl(sql)
    elif head.startswith("PRAGMA"):
        return "SELECT 0", ()  # page cache, checkpoints: the server's business
    sql = _FLAG.sub(r"\1 (\2 <> 0)", sql)
    sql = _CROSS_JOIN_ON.sub("JOIN ", sql)  # SQLite's join-order hint; an inner join here
    sql = _INDEX_HINT.sub("", sql)  # SQLite's index hints: the planner chooses here
    if _INSERT_OR_IGNORE.search(sql):
        sql = _INSERT_OR_IGNORE.sub("INSERT INTO", sql).rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    sql = sql.replace(_MATCH, "duty_terms(log_search.body) @@ ?::tsquery").replace("json_object(", "json_build_object(")
    match_marks = sql.split("?::tsquery")
    if "%s" in sql and "?" not in sql:
        return sql, ()  # peewee's own catalogue queries are written for psycopg already
    out, searches, n, quote = [], [], 0, None
    for i, ch in enumerate(sql):
        if quote:
            out.append(ch if ch != "%" else "%%")
            if ch == quote:
                quote = None
        elif ch == "-" and sql.startswith("--", i):
            quote = "\n"  # a comment to the end of the line: its apostrophes quote nothing
            out.append(ch)
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        elif ch == "?":
            if sql.startswith("?::tsquery", i) and len(match_marks) > 1:
                searches.append(n)
            out.append("%s")
            n += 1
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out), tuple(searches)


_FTS_TERM = re.compile(r'"((?:[^"]|"")*)"(\*?)')


def tsquery(expression: str) -> str:
    """An FTS5 expression of ``search.match_query`` as a tsquery: ``"a b"`` a phrase of
    tokens, ``"a"*`` a prefix, joined by AND."""
    parts = []
    for text, star in _FTS_TERM.findall(expression):
        tokens = [t.replace("\\", "\\\\").replace("'", "\\'") for t in text.replace('""', '"').split()]
        if not tokens:
            continue
        words = [f"'{t}'" for t in tokens]
        if star:
            words[-1] += ":*"
        parts.append("(" + " <-> ".join(words) + ")")
    return " & ".join(parts) or "''"


# -- the database ----------------------------------------------------------------------

class _Cursor:
    """A psycopg cursor that translates what it is given, as ``PostgresDesk.execute_sql`` does."""

    def __init__(self, raw):
        self._raw = raw

    def execute(self, sql, params=None):
        text, _searches = translate(sql)
        return self._raw.execute(text if params else text.replace("%%", "%"), params or None)

    def executemany(self, sql, rows):
        from peewee import __exception_wrapper__

        with __exception_wrapper__:
            return self._raw.executemany(translate(sql)[0], list(rows))

    def __iter__(self):
        return iter(self._raw)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._raw.close()

    def __getattr__(self, name):
        return getattr(self._raw, name)


class PostgresDesk(Psycopg3Database):
    """psycopg 3 through peewee, speaking the SQL the models are written in."""

    param = "?"  # peewee writes SQLite's placeholders too: one translation for all SQL

    def _connect(self):
        conn = super()._connect()
        _register_adapters(conn)
        with conn.cursor() as cur:
            cur.execute(f"SET lock_timeout = {LOCK_TIMEOUT_MS}")
        return conn

    def execute_sql(self, sql, params=None, named_cursor=None):
        text, searches = translate(sql)
        if params and searches:
            params = [tsquery(p) if i in searches else p for i, p in enumerate(params)]
        if not params:
            return self._execute_cursor(text.replace("%%", "%"), None, named_cursor=named_cursor)
        if not self.in_transaction() and text.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            self._tell_actor(local=False)  # an autocommit write: its audit rows need the actor too
        return self._execute_cursor(text, params, named_cursor=named_cursor)

    def _execute_cursor(self, sql, params, **cursor_options):
        from peewee import __exception_wrapper__

        self._log_query(sql, params)
        with __exception_wrapper__:
            cursor = super().cursor(**cursor_options)
            cursor.execute(sql, params)
        return cursor

    def cursor(self, named_cursor=None):
        """A cursor that takes SQLite's SQL too (``executemany`` of a bulk write)."""
        return _Cursor(super().cursor(named_cursor=named_cursor))

    def conflict_update(self, oc, query):
        """SQLite's ``OR REPLACE`` as an upsert on the primary key, the one peewee cannot write here."""
        if (oc._action or "").lower() == "replace":
            from peewee import OnConflict

            meta = query.model._meta
            oc = OnConflict("update", preserve=[f for f in meta.sorted_fields if not f.primary_key],
                            conflict_target=(meta.primary_key,))
        return super().conflict_update(oc, query)

    def begin(self, isolation_level=None):
        """BEGIN, then the desk's write lock (SQLite's IMMEDIATE): one writer at a time, on
        every host; then who acts, and the desk's clock, for the audit triggers."""
        super().begin(isolation_level)
        self._tell_actor(local=True, lock=True)

    def _tell_actor(self, local: bool, lock: bool = False) -> None:
        from duty_desk.models.storage.sql_functions import _actor_id, _actor_name, _now

        actor_id = _actor_id()
        scope = "true" if local else "false"
        sql = (f"SELECT set_config('duty.actor_id', %s, {scope}), set_config('duty.actor_name', %s, {scope}), "
               f"set_config('duty.now', %s, {scope})")
        if lock:
            sql += f", pg_advisory_xact_lock({WRITE_LOCK})"
        self._execute_cursor(sql, ("" if actor_id is None else str(actor_id), _actor_name(), _now()))


def connect(address: str) -> PostgresDesk:
    """Open the desk on a PostgreSQL server; a readable sentence when it cannot serve."""
    address = address_from(str(address))
    database = PostgresDesk(str(address), application_name="duty-desk")
    try:
        database.connect(reuse_if_open=True)
        version = database.connection().info.server_version
    except Exception as exc:
        database.close()
        raise unavailable(address, exc) from exc
    if version < MIN_SERVER:
        database.close()
        raise DatabaseUnavailable(
            N_("The PostgreSQL server at {path} is version {found}; Duty Desk needs 12 or newer."),
            path=shown(address), found=f"{version // 10000}.{version % 10000}")
    return database


def shown(address: str) -> str:
    """The address without anything secret (there should be nothing: see ``address_from``)."""
    parts = urlsplit(str(address))
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    user = f"{parts.username}@" if parts.username else ""
    return f"{parts.scheme}://{user}{host}{port}{parts.path}"


def unavailable(address: str, exc: Exception) -> DatabaseUnavailable:
    text = str(exc).lower()
    where = shown(address)
    if "password authentication failed" in text or "no password supplied" in text:
        msg = N_("The PostgreSQL server at {path} refused the password: check ~/.pgpass (or PGPASSFILE).")
    elif "does not exist" in text and "database" in text:
        msg = N_("There is no database {path} on that server: create it first (createdb).")
    elif "connection refused" in text or "could not connect" in text or "timeout" in text \
            or "name or service not known" in text or "translate host name" in text:
        msg = N_("No PostgreSQL server answers at {path}: check the host, the port and that it runs.")
    elif "permission denied" in text or "not permitted" in text or "pg_hba" in text:
        msg = N_("The PostgreSQL server at {path} does not let this user in: {reason}")
    else:
        msg = N_("The database {path} cannot be used: {reason}")
    return DatabaseUnavailable(msg, path=where, reason=str(exc).strip().splitlines()[0] if str(exc).strip() else "")


# -- schema support: the functions the triggers and queries call -------------------------

SUPPORT = [
    # Who acts and the desk's clock, told by the program at each write (PostgresDesk.begin);
    # another client tells nothing: its writes are recorded with no person, at the server's time.
    """CREATE OR REPLACE FUNCTION duty_now() RETURNS text LANGUAGE sql STABLE AS $$
        SELECT coalesce(nullif(current_setting('duty.now', true), ''),
                        to_char(localtimestamp, 'YYYY-MM-DD HH24:MI:SS.MS')) $$""",
    """CREATE OR REPLACE FUNCTION duty_actor_id() RETURNS integer LANGUAGE sql STABLE AS $$
        SELECT nullif(current_setting('duty.actor_id', true), '')::integer $$""",
    """CREATE OR REPLACE FUNCTION duty_actor_name() RETURNS text LANGUAGE sql STABLE AS $$
        SELECT coalesce(current_setting('duty.actor_name', true), '') $$""",
    # The append-only guards: any UPDATE or DELETE (or TRUNCATE) of the log is refused.
    """CREATE OR REPLACE FUNCTION duty_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation'; END $$""",
    # One audit function for every table: the row as JSON before and after, secrets left out
    # (the trigger's arguments); an update that changes nothing is not an event.
    """CREATE OR REPLACE FUNCTION duty_audit() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE before jsonb; after jsonb;
        BEGIN
            IF TG_OP <> 'INSERT' THEN before := to_jsonb(OLD) - coalesce(TG_ARGV, '{}'::text[]); END IF;
            IF TG_OP <> 'DELETE' THEN after := to_jsonb(NEW) - coalesce(TG_ARGV, '{}'::text[]); END IF;
            IF TG_OP = 'UPDATE' AND before = after THEN RETURN NULL; END IF;
            INSERT INTO audit_event (at, actor_id, actor_name, table_name, row_id, action, before, after)
            VALUES (duty_now(), duty_actor_id(), duty_actor_name(), TG_TABLE_NAME,
                    (coalesce(after, before) ->> 'id')::bigint, lower(TG_OP), before::text, after::text);
            RETURN NULL;
        END $$""",
    # The search index's lexemes are our own tokens (search.index_text: letters, digits and
    # CJK only), split on spaces and taken as they are, with their positions (a phrase of
    # character pairs needs them).
    """CREATE OR REPLACE FUNCTION duty_terms(body text) RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
        SELECT coalesce(string_agg('''' || t || ''':' || least(n, 16383), ' '), '')::tsvector
        FROM unnest(string_to_array(body, ' ')) WITH ORDINALITY AS u(t, n) WHERE t <> '' $$""",
    # SQLite's functions the raw queries use, on ISO text as SQLite keeps it.
    """CREATE OR REPLACE FUNCTION max(a bigint, b bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
        SELECT greatest(a, b) $$""",
    """CREATE OR REPLACE FUNCTION min(a bigint, b bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
        SELECT least(a, b) $$""",
    """CREATE OR REPLACE FUNCTION datetime(moment text, modifier text DEFAULT '0 s') RETURNS text
        LANGUAGE sql IMMUTABLE AS $$
        SELECT to_char(moment::timestamp + modifier::interval, 'YYYY-MM-DD HH24:MI:SS') $$""",
    """CREATE OR REPLACE FUNCTION instr(haystack text, needle text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
        SELECT strpos(haystack, needle) $$""",
]


def install_support(database) -> None:
    """Create (or renew) the support functions; run under the write lock, before migrations."""
    for statement in SUPPORT:
        database.execute_sql(statement)


def reset_identities(database) -> None:
    """Move every id sequence past the largest id in its table (rows copied or rebuilt
    with their ids, as migration 0013 and ``duty copy`` do)."""
    rows = database.execute_sql(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND column_name = 'id' AND is_identity = 'YES'").fetchall()
    for (table,) in rows:
        database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"coalesce((SELECT max(id) FROM \"{table}\"), 0) + 1, false)")


# -- the audit trail's triggers (models/accounts/audit.py asks here on PostgreSQL) ---------

def audit_trigger_sql(table: str, secret: tuple[str, ...]) -> list[str]:
    args = ", ".join("'" + c.replace("'", "''") + "'" for c in secret)
    out = []
    for action in ("insert", "update", "delete"):
        name = f"audit_{table}_{action}"
        out.append(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
        out.append(f'CREATE TRIGGER "{name}" AFTER {action.upper()} ON "{table}" FOR EACH ROW '
                   f"EXECUTE FUNCTION duty_audit({args})")
    return out


def tables(database) -> list[str]:
    return [r[0] for r in database.execute_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename").fetchall()]


def trigger_names(database, like: str = "%") -> set[str]:
    return {r[0] for r in database.execute_sql(
        "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE NOT t.tgisinternal AND n.nspname = current_schema() AND t.tgname LIKE ?", (like,)).fetchall()}


def audit_problems(database, audited: list[str]) -> list[str]:
    rows = database.execute_sql(
        "SELECT t.tgname, p.proname FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
        "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE NOT t.tgisinternal AND n.nspname = current_schema()").fetchall()
    found = dict(rows)
    problems = []
    for table in audited:
        for action in ("insert", "update", "delete"):
            fn = found.get(f"audit_{table}_{action}")
            if fn is None:
                problems.append(f"table {table} has no audit trigger for {action}")
            elif fn != "duty_audit":
                problems.append(f"the audit trigger of {table} does not call duty_audit()")
    return problems
