"""Backups, restore and the file-permission check.

A backup is made with SQLite's online backup API, page by page from a read snapshot, so
it is consistent while other terminals keep writing. It is written to a temporary name and
renamed, so a half-made copy never looks like a backup. Files are created for the owner
and group only: the logbook and the PIN hashes are not for every account on the host.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

from .db import db
from .errors import N_, DatabaseUnavailable, DutyError
from . import clock

FILE_MODE = 0o660
DAILY_PREFIX = "duty-"


def database_path() -> Path:
    return Path(db.obj.database)


def backup_dir() -> Path:
    """Backups live in ``<name>-backups/`` beside the database (one folder per database)."""
    path = database_path()
    return path.parent / f"{path.stem}-backups"


def default_target(now: dt.datetime | None = None) -> Path:
    now = now or clock.now()
    return backup_dir() / f"{DAILY_PREFIX}{now:%Y-%m-%d-%H%M%S}.db"


def make_backup(target: str | os.PathLike | None = None) -> Path:
    """A consistent copy of the open database at *target*; returns its path."""
    target = Path(target).expanduser() if target else default_target()
    if target.exists() and target.is_dir():
        target = target / default_target().name
    if target.resolve() == database_path().resolve():
        raise DutyError(N_("A backup cannot overwrite the database itself."))
    old = os.umask(0o007)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        if partial.exists():
            partial.unlink()
        db.obj.backup_to_file(str(partial))
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


def verify_source(path: str | os.PathLike) -> None:
    """Refuse to restore from a file that is not a sound Duty Desk database."""
    import cysqlite

    path = Path(path).expanduser()
    if not path.is_file():
        raise DutyError(N_("There is no file {path}."), path=str(path))
    try:
        conn = cysqlite.Connection(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchall()
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except Exception as exc:
        raise DutyError(N_("The file {path} is not a Duty Desk database, or it is damaged."), path=str(path)) from exc
    if [r[0] for r in ok] != ["ok"] or not {"schema_migration", "person"} <= tables:
        raise DutyError(N_("The file {path} is not a Duty Desk database, or it is damaged."), path=str(path))


def restore(source: str | os.PathLike) -> Path:
    """Replace the open database's contents with *source*, after a safety backup.

    The backup API writes into the live database under its write lock, so other terminals
    simply see new data (their ``data_version`` changes); returns the safety backup's path.
    """
    import cysqlite

    verify_source(source)
    safety = make_backup(backup_dir() / f"before-restore-{clock.now():%Y-%m-%d-%H%M%S}.db")
    try:
        src = cysqlite.Connection(str(Path(source).expanduser()))
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
    main = database_path()
    files = [main, Path(f"{main}-wal"), Path(f"{main}-shm")]
    files += daily_backups()
    folder = backup_dir()
    if folder.is_dir():
        files += sorted(p for p in folder.glob("*.db") if p not in files)
    return [f"warning: {p} can be read by every account on this host (chmod o-rwx {p})"
            for p in files if p.exists() and _world_readable(p)]
