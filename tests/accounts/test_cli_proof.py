"""The command line acts for a person only after proof: a PIN or an API token."""

from __future__ import annotations

import os

import pytest

from duty_desk.models.storage import db as dbmod
from duty_desk.models.accounts.credentials import Credential
from duty_desk.models.logbook.tables import LogEntry
from duty_desk.models.accounts.tokens import LogSource
from duty_desk.tui import cli_auth
from duty_desk.tui.cli import main

from ..helpers import proof
from .conftest import PINS


@pytest.fixture(autouse=True)
def no_terminal(monkeypatch):
    """As under cron or an alarm system: nobody to type a PIN at a prompt."""
    monkeypatch.delenv("DUTY_DEV", raising=False)
    monkeypatch.setattr(cli_auth, "_ask", lambda name: None)


def run(capsys, db, *argv):
    code = main(["--db", str(db), "--lang", "en", *argv])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out, out.err


def entries() -> int:
    return LogEntry.select().count()


def test_a_name_without_proof_is_refused_and_nothing_is_written(staff, seeded_db, capsys):
    code, out, err = run(capsys, seeded_db, "log", "add", "--as", "王伟", "p: @东门 all quiet")
    assert code == 1 and out == "" and "PIN is needed" in err and "--pin-file" in err
    dbmod.db.connect(reuse_if_open=True)
    assert entries() == 0
    code, _out, err = run(capsys, seeded_db, "log", "add", "p: nobody said who")
    assert code == 1 and "Say who acts" in err


def test_the_right_pin_from_a_file_a_descriptor_or_the_terminal(staff, seeded_db, capsys, tmp_path, monkeypatch):
    code, out, _err = run(capsys, seeded_db, "log", "add", *proof(tmp_path, "张敏", PINS["张敏"]), "p: @东门 from a file")
    assert code == 0
    read, write = os.pipe()
    os.write(write, (PINS["李娜"] + "\n").encode())
    os.close(write)
    code, _out, _err = run(capsys, seeded_db, "log", "add", "--as", "李娜", "--pin-fd", str(read), "p: from a pipe")
    os.close(read)
    assert code == 0
    monkeypatch.setattr(cli_auth, "_ask", lambda name: PINS[name])
    code, _out, _err = run(capsys, seeded_db, "log", "add", "--as", "王伟", "p: typed at the prompt")
    assert code == 0
    dbmod.db.connect(reuse_if_open=True)
    authors = [e.author.name for e in LogEntry.select().order_by(LogEntry.seq)]
    assert authors == ["张敏", "李娜", "王伟"]
    assert LogSource.select().count() == 0  # a person, not a source


def test_a_wrong_pin_is_refused_and_counted(staff, seeded_db, capsys, tmp_path):
    code, _out, err = run(capsys, seeded_db, "log", "add", *proof(tmp_path, "张敏", "9731"), "p: guess")
    assert code == 1 and "Wrong PIN" in err
    dbmod.db.connect(reuse_if_open=True)
    assert entries() == 0
    assert Credential.get(Credential.person == staff["张敏"].id).failures == 1


def test_a_token_writes_with_its_source_until_it_is_revoked(staff, seeded_db, capsys, tmp_path):
    admin = proof(tmp_path, "王伟", PINS["王伟"])
    code, token, err = run(capsys, seeded_db, "token", "add", "fire alarm", "--for", "李娜", *admin)
    assert code == 0 and "not shown again" in err
    token_file = tmp_path / "alarm.token"
    token_file.write_text(token)
    code, out, _err = run(capsys, seeded_db, "log", "add", "--token-file", str(token_file), "e: @仓库 smoke")
    assert code == 0
    dbmod.db.connect(reuse_if_open=True)
    entry = LogEntry.get_by_id(int(out))
    assert entry.author.name == "李娜" and LogSource.get_by_id(entry.id).source == "fire alarm"
    code, listing, _err = run(capsys, seeded_db, "token", "list", *admin)
    assert code == 0 and "fire alarm" in listing and "active" in listing
    assert token.strip() not in listing  # only its hash is kept
    code, _out, _err = run(capsys, seeded_db, "token", "revoke", listing.split()[0], *admin)
    assert code == 0
    code, _out, err = run(capsys, seeded_db, "log", "add", "--token-file", str(token_file), "e: again")
    assert code == 1 and "revoked" in err
    token_file.write_text("duty_forged")
    code, _out, err = run(capsys, seeded_db, "log", "add", "--token-file", str(token_file), "e: forged")
    assert code == 1 and "not known" in err
    dbmod.db.connect(reuse_if_open=True)
    assert entries() == 1


def test_only_an_administrator_issues_tokens(staff, seeded_db, capsys, tmp_path):
    code, out, err = run(capsys, seeded_db, "token", "add", "script", "--for", "张敏",
                         *proof(tmp_path, "李娜", PINS["李娜"]))
    assert code == 1 and out == "" and "may not" in err


def test_development_mode_skips_the_pin(staff, seeded_db, capsys, monkeypatch):
    monkeypatch.setenv("DUTY_DEV", "1")
    code, _out, _err = run(capsys, seeded_db, "log", "add", "--as", "张敏", "p: dev")
    assert code == 0


def test_each_administrative_verb_needs_its_role(staff, seeded_db, capsys, tmp_path):
    officer, lead, admin = (proof(tmp_path, n, PINS[n]) for n in ("张敏", "李娜", "王伟"))
    backup_file = tmp_path / "b.db"
    for who in (officer, lead):
        assert run(capsys, seeded_db, "backup", str(backup_file), *who)[0] == 1
        assert run(capsys, seeded_db, "set", "lock_minutes", "9", *who)[0] == 1
    assert not backup_file.exists()
    assert run(capsys, seeded_db, "backup", str(backup_file), *admin)[0] == 0 and backup_file.exists()
    code, _out, err = run(capsys, seeded_db, "restore", str(backup_file), "--yes", *lead)
    assert code == 1 and "may not" in err
    assert not list(tmp_path.rglob("before-restore-*"))  # refused before anything began
    assert run(capsys, seeded_db, "set", "lock_minutes", "9", *admin)[0] == 0
    code, _out, err = run(capsys, seeded_db, "roster", "now")
    assert code == 1 and "Say who acts" in err


def test_a_pin_of_ones_own_needs_the_old_one_and_someone_elses_an_administrator(staff, seeded_db, capsys,
                                                                                tmp_path, monkeypatch):
    from duty_desk.models.accounts.credentials import sign_in_with_pin

    monkeypatch.setenv("DUTY_NEW_PIN", "7093")
    code, _out, err = run(capsys, seeded_db, "pin", "李娜", *proof(tmp_path, "张敏", PINS["张敏"]))
    assert code == 1 and "Only an administrator" in err
    code, _out, err = run(capsys, seeded_db, "pin", "张敏", *proof(tmp_path, "张敏", "9731"))
    assert code == 1 and "Wrong PIN" in err
    assert run(capsys, seeded_db, "pin", "张敏", *proof(tmp_path, "张敏", PINS["张敏"]))[0] == 0
    monkeypatch.setenv("DUTY_NEW_PIN", "3705")
    assert run(capsys, seeded_db, "pin", "李娜", *proof(tmp_path, "王伟", PINS["王伟"]))[0] == 0
    dbmod.db.connect(reuse_if_open=True)
    assert sign_in_with_pin(staff["张敏"].id, "7093").name == "张敏"
    assert sign_in_with_pin(staff["李娜"].id, "3705").name == "李娜"
