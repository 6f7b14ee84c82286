"""Shared fixtures: a real SQLite file per test, seeded once per session and copied.

Every test runs on the desk's clock set to ``TEST_NOW`` in ``TEST_ZONE`` (running on from
there), whatever the machine's date: the suite passes on any day of the year, and under
``faketime``. Commands run as subprocesses get the same through ``DUTY_NOW``/``DUTY_TZ``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TEST_NOW = dt.datetime(2026, 11, 20, 12, 0)  # the demo fixture's moment: noon of its day
TEST_ZONE = "Asia/Shanghai"
os.environ["DUTY_NOW"] = TEST_NOW.isoformat()
os.environ["DUTY_TZ"] = TEST_ZONE

from duty_desk.models import clock  # noqa: E402
from duty_desk.models.storage import db as dbmod  # noqa: E402
from duty_desk.models.storage.schema import open_database  # noqa: E402
from duty_desk.models.accounts.session import SYSTEM, Actor, sign_in  # noqa: E402


@pytest.fixture(autouse=True)
def _desk_clock():
    """Each test starts at ``TEST_NOW``, in ``TEST_ZONE``."""
    clock.set_zone(TEST_ZONE)
    clock.start_at(TEST_NOW)
    yield
    clock.set_zone(TEST_ZONE)
    clock.start_at(TEST_NOW)


# Set (by .ci/with-postgres): the database fixtures below are databases on that PostgreSQL
# server instead of SQLite files, for the tests that run on both (see README, PostgreSQL).
PG = os.environ.get("DUTY_TEST_PG")


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory) -> Path:
    from duty_desk.seed import loader

    if PG:
        from tests.pg import server

        address = server.create()
        open_database(address)
        loader.load()
        dbmod.close()
        return address
    path = tmp_path_factory.mktemp("template") / "seeded.db"
    open_database(path)
    loader.load()
    dbmod.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    dbmod.close()
    return path


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> Path:
    from duty_desk.seed import demo

    if PG:
        from tests.pg import server

        address = server.create()
        open_database(address)
        demo.build(people=30, days=28, today=TEST_NOW.date())
        dbmod.close()
        return address
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    open_database(path)
    demo.build(people=30, days=28, today=TEST_NOW.date())
    dbmod.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    dbmod.close()
    return path


def _copy(template: Path, tmp_path: Path) -> Path:
    if PG:
        from tests.pg import server

        address = server.create(server.name_of(template))
        open_database(address)
        return address
    path = tmp_path / "duty.db"
    shutil.copy(template, path)
    open_database(path)
    return path


def _drop(path) -> None:
    if PG:
        from tests.pg import server

        server.drop(path)


@pytest.fixture
def empty_db(tmp_path) -> Path:
    """A new database with the schema and nothing else."""
    path = tmp_path / "duty.db"
    if PG:
        from tests.pg import server

        path = server.create()
    open_database(path)
    yield path
    sign_in(None)
    dbmod.close()
    _drop(path)


@pytest.fixture
def seeded_db(_seeded_template, tmp_path) -> Path:
    """A database holding every seed position."""
    path = _copy(_seeded_template, tmp_path)
    yield path
    sign_in(None)
    dbmod.close()
    _drop(path)


@pytest.fixture
def demo_db(_demo_template, tmp_path) -> Path:
    """The demo organisation, built for 2026-11-20 so tests see the same days."""
    path = _copy(_demo_template, tmp_path)
    yield path
    sign_in(None)
    dbmod.close()
    _drop(path)


@pytest.fixture
def make_app():
    """An app factory: ``make_app(lang="zh_CN", actor=...)``, the database already open."""
    from duty_desk.tui.app import DutyApp

    def factory(lang: str = "en", actor: Actor | None = None, start: str | None = None) -> DutyApp:
        return DutyApp(lang=lang, actor=actor or SYSTEM, start=start)

    yield factory
    from duty_desk.tui.i18n import set_language

    set_language("en")
