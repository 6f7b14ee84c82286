"""The SQL functions every connection gets: who acts and what time it is, for the audit
triggers (``duty_actor_id()``, ``duty_actor_name()``, ``duty_now()``).

Kept apart from ``models.accounts.audit`` so that ``models.storage.db`` can register them on each new
connection without importing the audit trail (which imports the database).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from collections.abc import Iterator
from typing import Any

from duty_desk.models import clock
from duty_desk.models.accounts.session import current_actor

_override = threading.local()  # a name writes in this thread are recorded under, if any


def _actor_id() -> int | None:
    if getattr(_override, "name", None) is not None:
        return None
    actor = current_actor()
    return actor.id if actor else None


def _actor_name() -> str:
    name: str | None = getattr(_override, "name", None)
    if name is not None:
        return name
    actor = current_actor()
    return actor.name if actor else ""


def _now() -> str:
    """The desk's clock for the triggers (not SQLite's 'now', which is the machine's)."""
    return f"{clock.now():%Y-%m-%d %H:%M:%S.%f}"[:-3]


def register_sql_functions(database: Any) -> None:
    """Give a peewee database (every connection it opens) or a raw cysqlite connection
    the functions the audit triggers call."""
    for fn, name in ((_actor_id, "duty_actor_id"), (_actor_name, "duty_actor_name"), (_now, "duty_now")):
        if hasattr(database, "register_function"):
            database.register_function(fn, name, 0)
        else:
            database.create_function(fn, name, 0)


@contextmanager
def recorded_as(name: str) -> Iterator[None]:
    """Writes in this thread are recorded under *name* with no person (sign-in attempts,
    the first run, command-line maintenance)."""
    previous = getattr(_override, "name", None)
    _override.name = name
    try:
        yield
    finally:
        _override.name = previous
