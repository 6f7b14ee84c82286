"""Backups, restore and the file-permission check.

A backup is made with SQLite's online backup API, page by page from a read snapshot, so
it is consistent while other terminals keep writing. It is written to a temporary name and
renamed, so a half-made copy never looks like a backup. Files are created for the owner
and group only: the logbook and the PIN hashes are not for every account on the host.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import stat
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from duty_desk.models.storage.db import db
from duty_desk.models.errors import N_, DatabaseUnavailable, DutyError
from duty_desk.models import clock

log = logging.getLogger(__name__)

FILE_MODE = 0o660
DAILY_PREFIX = "duty-"


def database_path() -> Path:
    return Path(db.obj.database)


def _on_server() -> bool:
    from duty_desk.models.storage import dialect

    return dialect.is_postgres(db.obj)


def backup_dir() -> Path:
    """Backups live in ``<name>-backups/`` beside the database (one folder per database); a
    desk on a PostgreSQL server keeps them in the user data folder, named for its database."""
    if _on_server():
        import platformdirs
        from urllib.parse import urlsplit

        name = urlsplit(str(db.obj.database)).path.strip("/") or "duty"
        return Path(platformdirs.user_data_dir("duty-desk")) / f"{name}-backups"
    path = database_path()
    return path.parent / f"{path.stem}-backups"


def _pg_dump(target: Path) -> None:
    """A consistent snapshot of the server's database in pg_dump's own format (pg_restore
    reads it back); the password comes from ~/.pgpass, as for the desk."""
    import subprocess

    result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", str(db.obj.database)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise OSError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "pg_dump failed")


def default_target(now: dt.datetime | None = None) -> Path:
    now = now or clock.now()
    return backup_dir() / f"{DAILY_PREFIX}{now:%Y-%m-%d-%H%M%S}.db"


STEP_PAGES = 256  # 1 MB a step: the copy yields between steps, so a terminal stays quick
STEP_PAUSE_S = 0.002
RESTARTS_BEFORE_ONE_GO = 3  # a busy desk restarts a stepped copy; then copy in one read transaction


class _TooBusy(Exception):
    """Writers keep restarting the stepped copy."""


def _copy_in_steps(target: Path, progress=None) -> None:
    """SQLite's online backup, a few pages at a time. In WAL mode neither writers nor
    readers wait for it; a write between two steps restarts the copy (SQLite's rule), so
    after a few restarts the copy is made in one step, which reads one snapshot and still
    blocks no writer."""
    import cysqlite

    restarts = 0
    last_remaining = None

    def pace(remaining: int, _pages: int, done: bool) -> None:
        nonlocal restarts, last_remaining
        if last_remaining is not None and remaining > last_remaining:
            restarts += 1
            if restarts >= RESTARTS_BEFORE_ONE_GO:
                raise _TooBusy
        last_remaining = remaining
        if progress:
            progress("", _pages - remaining, _pages)
        if not done:
            time.sleep(STEP_PAUSE_S)  # let the interface have the disk and the interpreter

    source = db.obj.connection()
    dest = cysqlite.Connection(str(target))
    try:
        try:
            source.backup(dest, pages=STEP_PAGES, progress=pace)
        except _TooBusy:
            log.info("backup restarted %s times by writers: copied in one step", restarts)
            source.backup(dest)
    finally:
        dest.close()


def make_backup(target: str | os.PathLike | None = None, progress=None) -> Path:
    """A consistent copy of the open database at *target*; returns its path. *progress(step,
    done, total)* hears the pages copied (a progress bar's ``advance``)."""
    target = Path(target).expanduser() if target else default_target()
    if target.exists() and target.is_dir():
        target = target / default_target().name
    if not _on_server() and target.resolve() == database_path().resolve():
        raise DutyError(N_("A backup cannot overwrite the database itself."))
    old = os.umask(0o007)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        if partial.exists():
            partial.unlink()
        if _on_server():
            _pg_dump(partial)
        else:
            _copy_in_steps(partial, progress)
        os.chmod(partial, FILE_MODE)
        os.replace(partial, target)
    except OSError as exc:
        raise DutyError(N_("Cannot write the backup {path}: {reason}"), path=str(target),
                        reason=exc.strerror or str(exc)) from exc
    except Exception as exc:  # the driver's errors: one sentence
        raise DutyError(N_("Cannot write the backup {path}: {reason}"), path=str(target), reason=str(exc)) from exc
    finally:
        os.umask(old)
    return target


def daily_backups() -> list[Path]:
    folder = backup_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"{DAILY_PREFIX}*.db") if p.is_file())


def daily_backup(keep: int, today: dt.date | None = None) -> Path | None:
    """Make today's backup unless one exists; keep only the newest *keep*. Returns the new file."""
    today = today or clock.today()
    made = None
    if not any(p.name.startswith(f"{DAILY_PREFIX}{today:%Y-%m-%d}") for p in daily_backups()):
        made = make_backup(backup_dir() / f"{DAILY_PREFIX}{today:%Y-%m-%d}.db")
    for old in daily_backups()[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)
    return made


SQLITE_HEADER = b"SQLite format 3\x00"
FIRST_TABLES = {"schema_migration", "department", "position", "person"}  # every version has them


def verify_source(path: str | os.PathLike) -> None:
    """Refuse to restore from a file that is not a sound Duty Desk database of this version
    or an earlier one; raises ``DutyError`` naming what is wrong."""
    with _checked_copy(path):
        pass


@contextmanager
def _checked_copy(source: str | os.PathLike) -> Iterator[Path]:
    """A private copy of *source* that passed ``duty check``, brought up to this schema.

    The copy, not the file, is opened and upgraded: the backup is left as it is (no -wal or
    -shm appear beside it), and what is put back is exactly what was checked.
    """
    if _on_server():
        raise DutyError(N_("A desk on a PostgreSQL server is restored with pg_restore from a backup made by "
                           "duty backup (see the README); nothing was done."))
    path = Path(source).expanduser()
    if not path.is_file():
        raise DutyError(N_("There is no file {path}."), path=str(path))
    try:
        with open(path, "rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DutyError(N_("Cannot read the backup {path}: {reason}"), path=str(path),
                        reason=exc.strerror or str(exc)) from exc
    if header != SQLITE_HEADER:
        raise DutyError(N_("The file {path} is not a Duty Desk database (not even a SQLite file): "
                           "choose a file made by duty backup."), path=str(path))
    # Beside the database, not in /tmp: the copy is as large as the desk and as private.
    try:
        folder = tempfile.TemporaryDirectory(
            prefix=".duty-restore-", dir=database_path().parent if db.obj is not None else None)
    except OSError:
        folder = tempfile.TemporaryDirectory(prefix="duty-restore-")
    with folder as tmp:
        copy = Path(tmp) / "backup.db"
        try:
            shutil.copyfile(path, copy)
            if Path(f"{path}-wal").is_file():  # committed work not yet checkpointed
                shutil.copyfile(f"{path}-wal", f"{copy}-wal")
        except OSError as exc:
            raise DutyError(N_("Cannot read the backup {path}: {reason}"), path=str(path),
                            reason=exc.strerror or str(exc)) from exc
        _check_file(path, copy)
        _check_as_desk(path, copy)
        yield copy


def _check_file(path: Path, copy: Path) -> None:
    """What can be told without this program's models: Duty Desk tables, version, integrity."""
    import cysqlite

    from duty_desk.models.storage.schema import available, latest_version

    damaged = N_("The file {path} is not a Duty Desk database, or it is damaged.")
    try:
        conn = cysqlite.Connection(str(copy))
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            applied = ([r[0] for r in conn.execute("SELECT name FROM schema_migration")]
                       if "schema_migration" in tables else [])
            integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        finally:
            conn.close()
    except Exception as exc:
        raise DutyError(damaged, path=str(path)) from exc
    if not FIRST_TABLES <= tables or not applied:
        raise DutyError(N_("The file {path} is not a Duty Desk database (a SQLite file without its tables): "
                           "choose a file made by duty backup."), path=str(path))
    known = {m.name for m in available()}
    numbers = [int(n[:4]) if n[:4].isdigit() else 0 for n in applied]
    if max(numbers) > latest_version():
        # Restoring it would leave a desk this program refuses to open: say so before.
        raise DutyError(N_("The backup {path} was made by a newer Duty Desk (schema {found}; this program "
                           "knows {known}): restore it with that version, or choose an older backup."),
                        path=str(path), found=max(numbers), known=latest_version())
    unknown = sorted(set(applied) - known)
    if unknown:
        raise DutyError(N_("The file {path} records a schema change this Duty Desk does not know ({name}): "
                           "choose a backup made by this version or an earlier one."),
                        path=str(path), name=unknown[0])
    if integrity != ["ok"]:
        raise DutyError(N_("The backup {path} is damaged ({problem}): choose another backup."),
                        path=str(path), problem=f"integrity_check: {integrity[0]}")


def _check_as_desk(path: Path, copy: Path) -> None:
    """Open the copy as the desk would after the restore and run ``duty check`` on it.

    The models are bound to the copy for the duration and then back to the desk, so this
    belongs to the command line, never to a running app with other threads.
    """
    from duty_desk.models.storage import checks
    from duty_desk.models.storage.db import connect
    from duty_desk.models.storage.schema import upgrade

    live = db.obj
    try:
        try:
            checked = connect(copy, create=False)
        except DutyError as exc:
            raise DutyError(N_("The file {path} is not a Duty Desk database, or it is damaged."),
                            path=str(path)) from exc
        try:
            try:
                upgrade()  # an older backup: as the desk will open it
            except Exception as exc:
                raise DutyError(N_("The backup {path} cannot be brought up to this version ({reason}): "
                                   "choose another backup."),
                                path=str(path), reason=str(exc)) from exc
            for name, problems in checks.run_all(checks.BACKUP_CHECKS):
                if problems:
                    raise DutyError(N_("The backup {path} fails duty check ({problem}): "
                                       "choose another backup."),
                                    path=str(path), problem=f"{name}: {problems[0]}")
        finally:
            checked.close()
    finally:
        db.initialize(live)


def restore(source: str | os.PathLike) -> Path:
    """Replace the open database's contents with *source*, after a safety backup.

    *source* is checked first (a refusal changes nothing); the checked copy is what goes in.
    The backup API writes into the live database under its write lock, so other terminals
    simply see new data (their ``data_version`` changes); returns the safety backup's path.
    """
    import cysqlite

    with _checked_copy(source) as copy:
        safety = make_backup(backup_dir() / f"before-restore-{clock.now():%Y-%m-%d-%H%M%S}.db")
        try:
            src = cysqlite.Connection(str(copy))
            try:
                src.backup(db.obj.connection())
            finally:
                src.close()
        except Exception as exc:
            raise DatabaseUnavailable(N_("The restore failed; the database is as it was: {reason}"),
                                      reason=str(exc)) from exc
    return safety


# -- duty check: who may read the files ----------------------------------------------------

def _world_readable(path: Path) -> bool:
    try:
        return bool(path.stat().st_mode & (stat.S_IROTH | stat.S_IWOTH))
    except FileNotFoundError:
        return False


def permission_problems() -> list[str]:
    if _on_server():
        return []  # the server's files are the server's; who may connect is its pg_hba.conf
    main = database_path()
    files = [main, Path(f"{main}-wal"), Path(f"{main}-shm")]
    files += daily_backups()
    folder = backup_dir()
    if folder.is_dir():
        files += sorted(p for p in folder.glob("*.db") if p not in files)
    return [f"warning: {p} can be read by every account on this host (chmod o-rwx {p})"
            for p in files if p.exists() and _world_readable(p)]
