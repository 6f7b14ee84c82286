"""``duty check``: everything that can say a database is not sound.

Each check returns a list of problems (empty when sound). Areas add their own checks to
``CHECKS`` (the logbook's hash chain, file permissions), so one command runs them all.
"""

from __future__ import annotations

from typing import Callable

from duty_desk.models.logbook import chain as log_chain
from duty_desk.models.storage.db import db
from duty_desk.models.safe_text import printable


def integrity() -> list[str]:
    rows = [r[0] for r in db.execute_sql("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else [f"integrity_check: {r}" for r in rows]


def quick_integrity() -> list[str]:
    """``quick_check``: every page and record, not the indexes against their tables (4× faster)."""
    rows = [r[0] for r in db.execute_sql("PRAGMA quick_check").fetchall()]
    return [] if rows == ["ok"] else [f"quick_check: {r}" for r in rows]


def foreign_keys() -> list[str]:
    rows = db.execute_sql("PRAGMA foreign_key_check").fetchall()
    return [f"foreign_key_check: table {r[0]} row {r[1]} points at a missing {r[2]}" for r in rows]


def file_permissions() -> list[str]:
    from duty_desk.models.storage.backup import permission_problems  # the database and backups: owner/group only

    return permission_problems()


def audit_triggers() -> list[str]:
    from duty_desk.models.accounts.audit import check  # every table keeps its audit trail

    return check()


def roster_bookings() -> list[str]:
    from duty_desk.models.roster.coverage import double_bookings  # nobody on two duties at once

    return double_bookings()


def appraisals() -> list[str]:
    from duty_desk.models.appraisal.review import check  # approved scores unchanged, caps held, decisions complete

    return check()


CHECKS: list[tuple[str, Callable[[], list[str]]]] = [
    ("integrity", integrity),
    ("foreign keys", foreign_keys),
    ("duty log hash chain", log_chain.verify_full),
    ("file permissions", file_permissions),
    ("audit trail", audit_triggers),
    ("roster double bookings", roster_bookings),
    ("appraisals", appraisals),
]


# A backup must pass these before it is restored: all but the host's file modes, which
# belong to the file where it lies, not to its contents.
BACKUP_CHECKS = tuple(name for name, _check in CHECKS if name != "file permissions")


# The quick check (``duty check`` without ``--full``): SQLite's quick_check instead of the
# full integrity check, and the hash chain from where the last sound check stopped.
QUICK = {"integrity": quick_integrity, "duty log hash chain": log_chain.verify_quick}
WITH_PROGRESS = {log_chain.verify_full, log_chain.verify_quick}


def run_all(only: tuple[str, ...] | None = None, full: bool = True,
            progress: Callable[[str, int, int], None] | None = None) -> list[tuple[str, list[str]]]:
    """Every check (or those named in *only*) with its problems, in order. *full* False is
    the quick check; *progress(name, done, total)* hears how far each check has got."""
    results = []
    for name, check in CHECKS:
        if only is not None and name not in only:
            continue
        if not full:
            check = QUICK.get(name, check)
        if progress:
            progress(name, 0, 1)
        try:
            if progress and check in WITH_PROGRESS:
                problems = check(progress=lambda done, total, name=name: progress(name, done, total))
            else:
                problems = check()
            if progress:
                progress(name, 1, 1)
        except Exception as exc:  # a damaged file can stop a check outright: a fault, not a traceback
            problems = [f"{name} could not run: {exc}"]
        results.append((name, [printable(p) for p in problems]))  # problems may quote stored text
    return results
