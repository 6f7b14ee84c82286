"""A full disk or a read-only one degrades the desk, it does not lock it: sign-in and
reading go on, a write names the cause, and the text typed stays for a retry. On a real
(small) tmpfs, mounted for the test (root only; skipped elsewhere)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from textual.widgets import Input

from duty_desk.models.accounts import credentials as accounts
from duty_desk.models.logbook import entries as log_entries
from duty_desk.models.storage import db as dbmod
from duty_desk.models.errors import DatabaseUnavailable
from duty_desk.models.storage.schema import open_database
from duty_desk.models.accounts.session import SYSTEM, Actor, acting_as, current_actor
from tests.helpers import screen_text, settle
from duty_desk.tui.app import DutyApp
from duty_desk.tui.cli import main

PIN = "1357"


@pytest.fixture(params=["full", "read-only"])
def full_disk(request, tmp_path, _seeded_template):
    """A 4 MB tmpfs holding the seeded desk with one officer, then filled to the last page
    (and, for "read-only", mounted read-only)."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        path = mount / "duty.db"
        shutil.copy(_seeded_template, path)
        open_database(path)
        with acting_as(SYSTEM):
            accounts.add_person("王伟", "admin", None, "8642")
            person = accounts.add_person("林晓东", "officer", None, PIN)
        officer = Actor(person, "林晓东", "officer")
        with acting_as(officer):
            for n in range(20):
                log_entries.add(f"p: @东门 round {n} " + "巡逻正常" * 40)
        cause = "disk is full"
        if request.param == "full":
            with acting_as(officer), pytest.raises(DatabaseUnavailable, match="disk is full"):
                for n in range(100_000):
                    log_entries.add(f"p: @东门 round {n} " + "巡逻正常" * 40)
        else:
            dbmod.close()  # the last connection folds the WAL into the file
            subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
            open_database(path)
            cause = "read-only"
        yield path, officer, cause
    finally:
        dbmod.close()
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_write_on_a_full_disk_names_the_cause(full_disk, capsys, monkeypatch):
    path, officer, cause = full_disk
    dbmod.close()
    monkeypatch.setenv("DUTY_DEV", "1")
    code = main(["--db", str(path), "log", "add", "--as", officer.name, "p: one more"])
    err = capsys.readouterr().err
    assert code == 1 and cause in err and "rollback" not in err.lower()


async def test_sign_in_and_reading_go_on_and_typed_text_is_kept(full_disk):
    path, _officer, cause = full_disk
    count = log_entries_count()
    app = DutyApp(lang="en", actor=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"林晓东")
        await settle(app, pilot)
        await pilot.press("enter", *PIN, "enter")
        await settle(app, pilot)
        assert current_actor() is not None, screen_text(app)
        assert current_actor().name == "林晓东"
        await pilot.press("f3")
        await settle(app, pilot)
        assert "巡逻正常" in screen_text(app) and f"{count:,} entries" in screen_text(app)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        await pilot.press(*"p: @东门 still here")
        await pilot.press("enter")
        await settle(app, pilot)
        assert cause in screen_text(app)
        assert app.screen.query_one(Input).value == "p: @东门 still here"
    assert log_entries_count() == count


def log_entries_count() -> int:
    return dbmod.db.execute_sql("SELECT count(*) FROM log_entry").fetchone()[0]
