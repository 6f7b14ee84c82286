"""Creating and upgrading the schema through numbered migrations.

Each file in ``models/storage/migrations`` is ``NNNN_name.py`` with ``up(migrator, db)``; the runner
(peewee's ``playhouse.migrations``) records what it applied, so a database made by an
earlier version opens in this one with its rows intact.
"""

from __future__ import annotations

from pathlib import Path
import os

from playhouse.migrations import Migration, Runner

from duty_desk.models.storage.db import db
from duty_desk.models.errors import N_, DatabaseUnavailable

MIGRATIONS_DIR = str(Path(__file__).parent / "migrations")


def _runner() -> Runner:
    return Runner(db.obj, directory=MIGRATIONS_DIR)


def available() -> list[Migration]:
    return Migration.load_directory(MIGRATIONS_DIR)


def latest_version() -> int:
    return max((m.idx for m in available()), default=0)


def current_version() -> int:
    """The number of the newest migration applied to the open database (0 for none)."""
    applied = _runner().applied()
    return max((int(name[:4]) for name in applied), default=0)


def upgrade(target: str | None = None) -> list[str]:
    """Apply every pending migration (or up to *target*); return the names applied.

    The whole run is one IMMEDIATE transaction, so when several terminals start at once
    one of them migrates and the others wait, then find nothing left to do.
    """
    runner = _runner()
    if current_version() > latest_version():
        raise DatabaseUnavailable(
            N_("This database was made by a newer Duty Desk (schema {found}); this program knows schema {known}."),
            found=current_version(), known=latest_version(),
        )
    pending = [m for m in runner.status() if not m.applied and m.path]
    if not pending:
        return []
    with db.atomic():
        from duty_desk.models.storage import dialect

        if dialect.is_postgres(db.obj):
            dialect.install_support(db.obj)  # the functions the migrations' triggers call
        applied = runner.up(target)
        if dialect.is_postgres(db.obj):
            dialect.reset_identities(db.obj)  # tables rebuilt with their ids (0013)
        return applied


def open_database(path: str | os.PathLike[str], *, create: bool = True, create_folder: bool = False) -> None:
    """Open the database at *path*, creating or upgrading its schema as needed.

    *create* and *create_folder* are ``connect``'s: whether a missing file or folder is made.
    """
    from duty_desk.models.storage.db import connect

    connect(path, create=create, create_folder=create_folder)
    upgrade()
