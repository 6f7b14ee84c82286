"""The throw-away PostgreSQL of a test run (``DUTY_TEST_PG``, set by ``.ci/with-postgres``).

Each fixture database is made once per worker as a template, then every test gets its own
copy (``CREATE DATABASE … TEMPLATE``), as the SQLite run copies a template file.
"""

from __future__ import annotations

import itertools
import os
from urllib.parse import urlsplit, urlunsplit

ADMIN = os.environ.get("DUTY_TEST_PG", "")
_PREFIX = f"duty_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
_numbers = itertools.count(1)


def url(name: str) -> str:
    parts = urlsplit(ADMIN)
    return urlunsplit(parts._replace(path="/" + name))


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def create(template: str | None = None) -> str:
    """A new database (a copy of *template* when given); its address."""
    name = f"{_PREFIX}_{next(_numbers)}"
    _admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""))
    return url(name)


def drop(address: str) -> None:
    name = urlsplit(address).path.lstrip("/")
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def name_of(address: str) -> str:
    return urlsplit(address).path.lstrip("/")
