"""Many terminals on one database: no lost write, no "locked", survives SIGKILL; bad files."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from duty_desk.models.storage import checks
from duty_desk.models.storage import db as dbmod
from duty_desk.models.errors import DatabaseUnavailable
from duty_desk.models.storage.schema import open_database
from tests.accounts.writer import forked_writer, writer_functions

ROOT = Path(__file__).resolve().parents[2]
PROCESSES, WRITES = 8, 1000


def spawn(*args, stdin=None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.accounts.writer", *map(str, args)], cwd=ROOT,
                            stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_eight_processes_write_a_thousand_each_at_once(staff):
    path = str(dbmod.db.obj.database)
    _write, count, _model = writer_functions()
    start_at = time.time() + 2.0  # every process connected and waiting by then
    procs = [spawn(path, staff["王伟"].id, "many", WRITES, start_at, f"p{n}") for n in range(PROCESSES)]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err
        assert out.strip() == "done"
    for n in range(PROCESSES):
        assert count(f"p{n}-") == WRITES
    assert count("p") == PROCESSES * WRITES
    assert all(not problems for _name, problems in checks.run_all())



@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_writer_killed_at_random_moments_loses_no_acknowledged_write(staff):
    path = str(dbmod.db.obj.database)
    _write, _count, model = writer_functions()
    rng = random.Random(6)
    acknowledged: list[int] = []
    dbmod.close()  # no connection of ours is carried into the children
    for kill in range(100):
        pid, pipe = forked_writer(path, staff["王伟"].id, str(kill))
        time.sleep(rng.uniform(0.01, 0.12))
        os.kill(pid, signal.SIGKILL)
        _pid, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        with os.fdopen(pipe, "rb") as reader:
            lines = reader.read().decode().split("\n")
        # The last line may be cut by the kill: only whole lines were acknowledged.
        acknowledged += [int(line) for line in lines[:-1] if line.strip()]
    assert len(acknowledged) > 100
    open_database(path)
    present = {r.id for r in model.select(model.id).where(model.id.in_(acknowledged))}
    assert set(acknowledged) <= present
    assert all(not problems for _name, problems in checks.run_all()), checks.run_all()
    dbmod.close()
    result = subprocess.run([sys.executable, "-m", "tui", "--db", path, "check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def _with_pragma(monkeypatch, name: str, value) -> None:
    """Every connection from now on (the UI's worker threads too) gets the pragma."""
    database = dbmod.db.obj
    monkeypatch.setattr(database, "_pragmas", [*database._pragmas, (name, value)])
    database.pragma(name, value)


def test_a_full_disk_is_a_sentence_and_nothing_half_saved(staff, monkeypatch):
    from duty_desk.models.accounts.credentials import add_person
    from duty_desk.models.organisation.org import Person
    from duty_desk.models.accounts.session import acting_as

    pages = dbmod.db.execute_sql("PRAGMA page_count").fetchone()[0]
    _with_pragma(monkeypatch, "max_page_count", pages)
    before = Person.select().count()
    with acting_as(staff["王伟"]), pytest.raises(DatabaseUnavailable, match="disk is full"):
        for n in range(2000):
            add_person(f"满盘{n}", "officer", None, "3690")
    after = Person.select().count()
    # Whatever was added is whole: every person that made it has a credential.
    from duty_desk.models.accounts.credentials import Credential

    assert Credential.select().where(Credential.person.in_(
        Person.select(Person.id).where(Person.name.startswith("满盘")))).count() == after - before


async def test_a_full_disk_in_the_staff_form_keeps_the_input(staff, monkeypatch):
    from textual.widgets import Input

    from duty_desk.models.accounts.credentials import add_person
    from duty_desk.models.organisation.org import Person
    from duty_desk.models.accounts.session import acting_as
    from tests.helpers import screen_text, settle
    from duty_desk.tui.app import DutyApp

    pages = dbmod.db.execute_sql("PRAGMA page_count").fetchone()[0]
    _with_pragma(monkeypatch, "max_page_count", pages)  # every connection the app opens
    with acting_as(staff["王伟"]), pytest.raises(DatabaseUnavailable):
        for n in range(5000):  # fill the last free pages with rows as small as the one typed below
            add_person(f"满{n}", "officer")
    app = DutyApp(lang="en", actor=staff["王伟"], start="staff")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press(*"钱七", "enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "The disk is full: nothing was saved" in text, text
        assert app.screen.query_one("#person-name", Input).value == "钱七"
    assert not Person.select().where(Person.name == "钱七").exists()


def test_a_read_only_database_is_a_sentence(staff, monkeypatch):
    from duty_desk.models.accounts.credentials import add_person
    from duty_desk.models.accounts.session import acting_as

    _with_pragma(monkeypatch, "query_only", 1)
    with acting_as(staff["王伟"]), pytest.raises(DatabaseUnavailable, match="read-only"):
        add_person("只读", "officer")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to any file")
def test_a_read_only_file_is_a_sentence(staff):
    path = str(dbmod.db.obj.database)
    dbmod.close()
    os.chmod(path, 0o440)
    result = subprocess.run([sys.executable, "-m", "tui", "--db", path, "set", "lock_minutes", "7"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "read-only" in result.stderr or "cannot be written" in result.stderr


def test_a_corrupt_file_is_a_sentence(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(os.urandom(8192))
    for command in (["check"], ["backup"], []):
        result = subprocess.run([sys.executable, "-m", "tui", "--db", str(bad), *command], cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 1, (command, result.stderr)
        assert "not a Duty Desk database, or it is damaged" in result.stderr
        assert "Traceback" not in result.stderr


def test_a_damaged_page_fails_the_check(staff):
    path = Path(dbmod.db.obj.database)
    dbmod.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    dbmod.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page * 3, min(len(data), page * 6)):
        data[offset] = 0x5A
    path.write_bytes(bytes(data))
    result = subprocess.run([sys.executable, "-m", "tui", "--db", str(path), "check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
