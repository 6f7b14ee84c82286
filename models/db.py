"""Database set-up and the one write path.

SQLite runs through cysqlite, which bundles a SQLite newer than 3.51.3: older releases
can corrupt a WAL database when several processes write to it (the WAL-reset bug).
WAL lets readers go on while one terminal writes; every write is a short
``BEGIN IMMEDIATE`` transaction, so a writer takes the lock up front instead of failing
half-way, and a busy database is retried rather than shown to the user.
"""

from __future__ import annotations

import functools
import os
import random
import time
from contextlib import contextmanager
from pathlib import Path

import peewee
from playhouse.cysqlite_ext import CySqliteDatabase

from .errors import N_, DatabaseUnavailable

BUSY_TIMEOUT_S = 5.0
WRITE_RETRIES = 8

db = peewee.DatabaseProxy()

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",  # durable across application crashes in WAL mode
    "cache_size": -16000,  # 16 MB page cache per connection
    "temp_store": "memory",
}


def default_path() -> Path:
    """Where the database lives unless ``--db`` or ``DUTY_DB`` say otherwise."""
    env = os.environ.get("DUTY_DB")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("duty-desk")) / "duty.db"


def connect(path: str | os.PathLike) -> CySqliteDatabase:
    """Open (creating if needed) the database at *path* and bind the models to it.

    Raises ``DatabaseUnavailable`` with a readable sentence when the file cannot serve.
    """
    path = Path(path).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnavailable(
            N_("Cannot create the folder for the database {path}: {reason}"),
            path=str(path.parent), reason=exc.strerror or str(exc),
        ) from exc
    new_file = not path.exists()
    database = CySqliteDatabase(
        str(path), pragmas={**PRAGMAS, "busy_timeout": int(BUSY_TIMEOUT_S * 1000)},
        timeout=BUSY_TIMEOUT_S, lock_type="IMMEDIATE"
    )
    from .audit import register_sql_functions  # the audit triggers ask who is acting

    register_sql_functions(database)
    try:
        if new_file:
            # Only the owner (and group) may read the logbook and its PIN hashes.
            old = os.umask(0o007)
            try:
                database.connect(reuse_if_open=True)
            finally:
                os.umask(old)
        else:
            database.connect(reuse_if_open=True)
        database.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
    except Exception as exc:  # the driver's errors vary: name them for a person
        database.close()
        raise _unavailable(path, exc) from exc
    db.initialize(database)
    return database


def _unavailable(path: Path, exc: Exception) -> DatabaseUnavailable:
    text = str(exc).lower()
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        msg = N_("The file {path} is not a Duty Desk database, or it is damaged.")
    elif "locked" in text or "busy" in text:
        msg = N_("The database {path} is locked by another program; try again in a moment.")
    elif "readonly" in text or "read-only" in text or "permission" in text or "access" in text:
        msg = N_("The database {path} cannot be written: check its permissions.")
    elif "unable to open" in text or "cannot open" in text or "directory" in text:
        msg = N_("The database {path} cannot be opened.")
    else:
        msg = N_("The database {path} cannot be used: {reason}")
    return DatabaseUnavailable(msg, path=str(path), reason=str(exc))


def _is_busy(exc: Exception) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


@contextmanager
def transaction():
    """A short write transaction: ``BEGIN IMMEDIATE`` at the top, a savepoint when nested."""
    with db.atomic():
        yield


def writes(fn):
    """Run *fn* in one IMMEDIATE transaction, retrying while another terminal holds the lock.

    A nested call joins the caller's transaction as a savepoint and is not retried on its
    own: the outermost writer retries the whole unit.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if db.obj is not None and db.in_transaction():
            with db.atomic():
                return fn(*args, **kwargs)
        delay = 0.02
        for attempt in range(WRITE_RETRIES):
            try:
                with db.atomic():
                    return fn(*args, **kwargs)
            except peewee.OperationalError as exc:
                if not _is_busy(exc) or attempt == WRITE_RETRIES - 1:
                    raise _write_failed(exc) from exc
                time.sleep(delay + random.random() * delay)
                delay = min(delay * 2, 1.0)

    return wrapper


def _write_failed(exc: Exception) -> DatabaseUnavailable:
    text = str(exc).lower()
    if "full" in text:
        msg = N_("The disk is full: nothing was saved. Free some space and try again.")
    elif "readonly" in text or "read-only" in text:
        msg = N_("The database is read-only: nothing was saved.")
    elif _is_busy(exc):
        msg = N_("The database stayed busy: nothing was saved. Try again.")
    else:
        msg = N_("The database refused the change: {reason}")
    return DatabaseUnavailable(msg, reason=str(exc))


def sqlite_version() -> str:
    return db.execute_sql("SELECT sqlite_version()").fetchone()[0]


def close() -> None:
    if db.obj is not None and not db.is_closed():
        db.close()
