"""``duty backup``, ``duty restore`` and ``duty check``: copies while others write, permissions."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path


from duty_desk.models.storage import backup
from duty_desk.models.storage import checks
from duty_desk.models.storage import db as dbmod
from duty_desk.models.organisation.org import Person

ROOT = Path(__file__).resolve().parents[2]


def duty(*args, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    """``duty`` in a process; administrative verbs act as 王伟 (development mode: proof of
    identity is tests/accounts/test_cli_proof.py's subject)."""
    args = list(args)
    verb = next((a for a in args if a in ("backup", "restore", "set", "pin")), None)
    if verb:
        args[args.index(verb) + 1:args.index(verb) + 1] = ["--as", "王伟"]
    return subprocess.run([sys.executable, "-m", "tui", *args], cwd=ROOT, input=stdin, capture_output=True,
                          text=True, timeout=60, env={**os.environ, "DUTY_DEV": "1", **(env or {})})


def test_a_backup_while_another_thread_writes(staff, tmp_path):
    from duty_desk.models.accounts.credentials import add_person
    from duty_desk.models.accounts.session import acting_as

    stop = threading.Event()

    def writer():
        n = 0
        with acting_as(staff["王伟"]):
            while not stop.is_set() and n < 200:
                add_person(f"写入者{n}", "officer")
                n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        target = backup.make_backup(tmp_path / "copy.db")
    finally:
        stop.set()
        thread.join()
    assert stat.S_IMODE(target.stat().st_mode) & 0o007 == 0
    backup.verify_source(target)  # sound and a Duty Desk database


def test_daily_backups_keep_the_newest(staff):
    import datetime as dt

    for day in range(1, 6):
        backup.daily_backup(keep=3, today=dt.date(2026, 11, day))
    names = [p.name for p in backup.daily_backups()]
    assert names == ["duty-2026-11-03.db", "duty-2026-11-04.db", "duty-2026-11-05.db"]
    assert backup.daily_backup(keep=3, today=dt.date(2026, 11, 5)) is None


def test_permission_check_warns_when_world_readable(staff):
    path = Path(dbmod.db.obj.database)
    assert stat.S_IMODE(path.stat().st_mode) & 0o007 == 0  # created owner/group only
    assert checks.file_permissions() == []
    os.chmod(path, 0o644)
    problems = checks.file_permissions()
    assert problems and "every account" in problems[0]


def test_cli_backup_restore_and_check(staff, tmp_path, capsys):
    db_path = str(dbmod.db.obj.database)
    dbmod.close()
    copy = tmp_path / "b.db"
    assert duty("--db", db_path, "backup", str(copy)).returncode == 0
    assert copy.exists()
    # A change after the backup, then restore: the change is gone.
    from duty_desk.models.storage.schema import open_database

    open_database(db_path)
    from duty_desk.models.accounts.session import SYSTEM, acting_as

    with acting_as(SYSTEM):
        from duty_desk.models.accounts.credentials import add_person

        add_person("备份后", "officer")
    dbmod.close()
    result = duty("--db", db_path, "restore", str(copy))  # no terminal, no --yes: refused
    assert result.returncode == 2 and "--yes" in result.stderr and "Traceback" not in result.stderr
    result = duty("--db", db_path, "restore", str(copy), "--yes")
    assert result.returncode == 0, result.stderr
    open_database(db_path)
    assert not Person.select().where(Person.name == "备份后").exists()
    assert Person.select().where(Person.name == "张敏").exists()
    dbmod.close()
    result = duty("--db", db_path, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "audit trail: ok" in result.stdout and "file permissions: ok" in result.stdout


def test_restore_refuses_a_file_that_is_not_a_database(staff, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    db_path = str(dbmod.db.obj.database)
    dbmod.close()
    result = duty("--db", db_path, "restore", str(junk), "--yes")
    assert result.returncode == 1 and "not a Duty Desk database" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_fails_on_a_world_readable_database(staff):
    db_path = str(dbmod.db.obj.database)
    dbmod.close()
    os.chmod(db_path, 0o644)
    result = duty("--db", db_path, "check")
    assert result.returncode == 1 and "every account" in result.stdout


def test_set_and_pin_commands(staff):
    db_path = str(dbmod.db.obj.database)
    dbmod.close()
    result = duty("--db", db_path, "set", "lock_minutes", "0")
    assert result.returncode == 1 and "whole number" in result.stderr
    assert duty("--db", db_path, "set", "lock_minutes", "12").returncode == 0
    env_pin = duty("--db", db_path, "pin", "张敏", env={"DUTY_NEW_PIN": "3690"})
    assert env_pin.returncode == 0, env_pin.stderr
    from duty_desk.models.accounts.credentials import get_setting, sign_in_with_pin
    from duty_desk.models.storage.schema import open_database

    open_database(db_path)
    assert get_setting("lock_minutes") == 12
    assert sign_in_with_pin(staff["张敏"].id, "3690").name == "张敏"


def test_a_stepped_backup_never_blocks_a_writer_and_survives_their_writes(staff, tmp_path, monkeypatch):
    """Between steps another terminal writes: each write goes through at once, the copy
    restarts, and after a few restarts it is made in one step, whole and consistent."""
    import time as real_time

    import cysqlite

    from duty_desk.models.accounts.audit import register_sql_functions

    path = str(dbmod.db.obj.database)
    other = cysqlite.Connection(path, timeout=0.05)  # a writer that would fail if it had to wait
    register_sql_functions(other)
    waits = []

    def write_between_steps(_seconds):
        began = real_time.perf_counter()
        other.execute("INSERT INTO setting (key, value) VALUES (?, 'x')", (f"step-{len(waits)}",))
        waits.append(real_time.perf_counter() - began)

    monkeypatch.setattr(backup, "STEP_PAGES", 4)
    monkeypatch.setattr(backup.time, "sleep", write_between_steps)
    target = backup.make_backup(tmp_path / "stepped.db")
    other.close()
    assert len(waits) >= backup.RESTARTS_BEFORE_ONE_GO and max(waits) < 0.05
    copy = cysqlite.Connection(str(target))
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        copied = copy.execute("SELECT count(*) FROM setting WHERE key LIKE 'step-%'").fetchone()[0]
        assert copied == len(waits)  # the copy holds every write made before it finished
        assert copy.execute("SELECT count(*) FROM person").fetchone()[0] == 3
    finally:
        copy.close()


async def test_the_days_backup_waits_until_the_desk_is_in_use(staff, monkeypatch):
    from tests.helpers import settle, wait_until
    from duty_desk.tui.app import DutyApp

    monkeypatch.setattr(DutyApp, "BACKUP_DELAY_S", 0.5)
    app = DutyApp(lang="en", actor=staff["张敏"], daily_backup=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert backup.daily_backups() == []  # the first screen came first
        assert await wait_until(pilot, lambda: len(backup.daily_backups()) == 1)
        await app.workers.wait_for_complete()
