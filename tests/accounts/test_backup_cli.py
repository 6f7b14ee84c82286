"""``duty backup``, ``duty restore`` and ``duty check``: copies while others write, permissions."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from models import backup, checks
from models import db as dbmod
from models.org import Person
from tui.cli import main

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
    from models.accounts import add_person
    from models.session import acting_as

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
    from models.schema import open_database

    open_database(db_path)
    from models.session import SYSTEM, acting_as

    with acting_as(SYSTEM):
        from models.accounts import add_person

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
    from models.accounts import get_setting, sign_in_with_pin
    from models.schema import open_database

    open_database(db_path)
    assert get_setting("lock_minutes") == 12
    assert sign_in_with_pin(staff["张敏"].id, "3690").name == "张敏"
