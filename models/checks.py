"""``duty check``: everything that can say a database is not sound.

Each check returns a list of problems (empty when sound). Areas add their own checks to
``CHECKS`` (the logbook's hash chain, file permissions), so one command runs them all.
"""

from __future__ import annotations

from typing import Callable

from .db import db


def integrity() -> list[str]:
    rows = [r[0] for r in db.execute_sql("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else [f"integrity_check: {r}" for r in rows]


def foreign_keys() -> list[str]:
    rows = db.execute_sql("PRAGMA foreign_key_check").fetchall()
    return [f"foreign_key_check: table {r[0]} row {r[1]} points at a missing {r[2]}" for r in rows]


CHECKS: list[tuple[str, Callable[[], list[str]]]] = [
    ("integrity", integrity),
    ("foreign keys", foreign_keys),
]


def run_all() -> list[tuple[str, list[str]]]:
    """Every check with its problems, in order."""
    return [(name, check()) for name, check in CHECKS]
