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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import peewee
from playhouse.cysqlite_ext import CySqliteDatabase

from duty_desk.models.errors import N_, DatabaseUnavailable
from duty_desk.models.storage.sql_functions import register_sql_functions

if TYPE_CHECKING:  # imported where used: dialect imports this module
    from duty_desk.models.storage import dialect

P = ParamSpec("P")
R = TypeVar("R")

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


def default_path() -> Path | dialect.Address:
    """Where the database lives unless ``--db`` or ``DUTY_DB`` say otherwise."""
    env = os.environ.get("DUTY_DB")
    if env:
        return path_from(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("duty-desk")) / "duty.db"


FILE_MODE = 0o660  # owner and group read and write (a `duty` group shares the desk), others nothing


def path_from(text: str) -> Path | dialect.Address:
    """The database file a person named, or a PostgreSQL address (``postgresql://…``, a
    ``dialect.Address``); any other address (``https://…``, ``file://…``) is refused.

    Checked on the text: ``Path`` would fold ``://`` into ``:/`` and make it a local folder.
    """
    from duty_desk.models.storage import dialect

    if dialect.is_address(text):  # a PostgreSQL server (models/storage/dialect.py)
        return dialect.address_from(text)
    if "://" in text:
        raise DatabaseUnavailable(
            N_("{path} looks like an address; Duty Desk opens only a database file, such as /srv/duty/duty.db."),
            path=text)
    return Path(text).expanduser()


def connect(path: str | os.PathLike[str], *, create: bool = True, create_folder: bool = False) -> CySqliteDatabase:
    """Open the database at *path* and bind the models to it.

    A new file is made only when *create*; its folder only when *create_folder* (the default
    path in the user data folder), because a mistyped ``--db`` must not leave folders and
    databases about. Raises ``DatabaseUnavailable`` with a readable sentence when the file
    cannot serve.
    """
    path = path_from(str(path))
    from duty_desk.models.storage import dialect

    if isinstance(path, dialect.Address):
        database = dialect.connect(path)
        db.initialize(database)
        return database
    new_file = _prepare_file(path, create, create_folder)
    database = CySqliteDatabase(
        str(path), pragmas={**PRAGMAS, "busy_timeout": int(BUSY_TIMEOUT_S * 1000)},
        timeout=BUSY_TIMEOUT_S, lock_type="IMMEDIATE"
    )
    register_sql_functions(database)  # the audit triggers ask who is acting, and when
    try:
        database.connect(reuse_if_open=True)
        database.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
        if new_file:
            # SQLite gives -wal and -shm the main file's mode; set them too in case it did not.
            for extra in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                if extra.exists():
                    os.chmod(extra, FILE_MODE)
    except Exception as exc:  # the driver's errors vary: name them for a person
        database.close()
        if new_file and path.is_file() and path.stat().st_size == 0:
            path.unlink()  # ours and still empty: leave nothing that a retry would refuse
        if not new_file and _cannot_write(path):
            return _connect_read_only(path, exc)
        raise _unavailable(path, exc) from exc
    db.initialize(database)
    return database


def _cannot_write(path: Path) -> bool:
    """The file, or the file system it is on, is read-only."""
    try:
        return not os.access(path, os.W_OK) or bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _connect_read_only(path: Path, first_error: Exception) -> CySqliteDatabase:
    """Open a file that cannot be written for reading only: the desk still reads, searches
    and exports, and every write says the database is read-only. On a read-only file
    system SQLite cannot make the WAL's shared-memory file, so the file is opened as
    immutable (nobody can change it there anyway)."""
    import cysqlite
    from urllib.parse import quote

    immutable = bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    uri = f"file:{quote(str(path))}?mode=ro" + ("&immutable=1" if immutable else "")
    pragmas = {"foreign_keys": 1, "cache_size": PRAGMAS["cache_size"], "temp_store": "memory",
               "busy_timeout": int(BUSY_TIMEOUT_S * 1000)}
    # cysqlite 0.4's stubs omit the open flags its module has
    flags = cysqlite.SQLITE_OPEN_READONLY | cysqlite.SQLITE_OPEN_URI  # type: ignore[attr-defined]
    database = CySqliteDatabase(uri, pragmas=pragmas, timeout=BUSY_TIMEOUT_S, flags=flags)
    register_sql_functions(database)
    try:
        database.connect(reuse_if_open=True)
        database.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
    except Exception as exc:
        database.close()
        raise _unavailable(path, first_error) from exc
    db.initialize(database)
    return database


def is_read_only() -> bool:
    """True when the open database could only be opened for reading."""
    return db.obj is not None and "mode=ro" in str(db.obj.database)


def _prepare_file(path: Path, create: bool, create_folder: bool) -> bool:
    """Refuse what must not become a database; make a new file 660. True when it is new."""
    if path.is_file() and path.stat().st_size == 0:
        # An empty file is something else's (a touch, a log, a mistyped path): never ours to fill.
        raise DatabaseUnavailable(
            N_("The file {path} is empty, so it is not a Duty Desk database: remove it or choose another file."),
            path=str(path))
    if path.exists():
        return False
    if not create:
        raise DatabaseUnavailable(N_("There is no database at {path}; nothing was done."), path=str(path))
    if not path.parent.is_dir():
        if not create_folder:
            raise DatabaseUnavailable(
                N_("The folder {path} does not exist: create it first, or choose another database path."),
                path=str(path.parent))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnavailable(
                N_("Cannot create the folder for the database {path}: {reason}"),
                path=str(path.parent), reason=exc.strerror or str(exc),
            ) from exc
    # Created here, not by SQLite (which would make it 644 less the umask): owner and group
    # only, and SQLite gives the -wal and -shm files the same mode.
    old = os.umask(0o007)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:  # another terminal made it a moment ago: open theirs
        return False
    except OSError as exc:
        raise _unavailable(path, exc) from exc
    finally:
        os.umask(old)
    return True


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


def _is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    # SQLite's lock, or PostgreSQL's: the write lock not granted in time, a deadlock.
    return "locked" in text or "busy" in text or "lock timeout" in text or "deadlock" in text


@contextmanager
def transaction() -> Iterator[None]:
    """A short write transaction: ``BEGIN IMMEDIATE`` at the top, a savepoint when nested."""
    with db.atomic():
        yield


def writes(fn: Callable[P, R]) -> Callable[P, R]:
    """Run *fn* in one IMMEDIATE transaction, retrying while another terminal holds the lock.

    A nested call joins the caller's transaction as a savepoint and is not retried on its
    own: the outermost writer retries the whole unit.
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if db.obj is not None and db.in_transaction():
            with db.atomic():
                return fn(*args, **kwargs)
        delay = 0.02
        for attempt in range(WRITE_RETRIES):
            try:
                with db.atomic():
                    return fn(*args, **kwargs)
            except peewee.OperationalError as exc:
                cause = _root_cause(exc)
                if not _is_busy(cause) or attempt == WRITE_RETRIES - 1:
                    raise _write_failed(cause) from cause
                time.sleep(delay + random.random() * delay)
                delay = min(delay * 2, 1.0)
        raise AssertionError("unreachable: the last attempt returns or raises")

    return wrapper


def _root_cause(exc: BaseException) -> BaseException:
    """The error that ended the transaction, not the failed ROLLBACK that followed it.

    On a full disk (or an I/O error) SQLite rolls the transaction back itself; peewee's
    ROLLBACK then fails with "no transaction is active", which would hide the cause.
    """
    seen: BaseException | None = exc
    while seen is not None and "no transaction is active" in str(seen).lower():
        seen = seen.__context__
    return seen or exc


def _write_failed(exc: BaseException) -> DatabaseUnavailable:
    text = str(exc).lower()
    if "full" in text:
        msg = N_("The disk is full: nothing was saved. Free some space and try again.")
    elif "readonly" in text or "read-only" in text:
        msg = N_("The database is read-only (its file or its disk): nothing was saved. "
                 "Ask the administrator to make it writable.")
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
