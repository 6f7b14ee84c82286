"""The ``duty`` command: versions, seeding, and one clear sentence for a bad database."""

import subprocess
import sys
from pathlib import Path

import cysqlite

from duty_desk.models.storage import db as dbmod
from duty_desk.models.storage.schema import latest_version
from duty_desk.tui.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *argv):
    code = main(list(argv))
    dbmod.close()
    out = capsys.readouterr()
    assert "Traceback" not in out.err + out.out
    return code, out.out, out.err


def test_version_names_program_and_schema(tmp_path, capsys):
    db = tmp_path / "v.db"
    code, out, _ = run(capsys, "--db", str(db), "seed")
    assert code == 0 and "55 positions" in out
    code, out, _ = run(capsys, "--db", str(db), "--version")
    assert code == 0 and f"schema {latest_version()}" in out and str(db) in out


def test_seed_twice_says_nothing_was_added(tmp_path, capsys):
    db = tmp_path / "s.db"
    run(capsys, "--db", str(db), "seed")
    code, out, _ = run(capsys, "--db", str(db), "seed")
    assert code == 0 and "nothing added" in out


def test_duty_db_variable_chooses_the_file(tmp_path, capsys, monkeypatch):
    db = tmp_path / "env.db"
    monkeypatch.setenv("DUTY_DB", str(db))
    code, out, _ = run(capsys, "seed")
    assert code == 0 and db.exists() and str(db) in out


def test_zh_cn_messages(tmp_path, capsys):
    code, out, _ = run(capsys, "--lang", "zh_CN", "--db", str(tmp_path / "z.db"), "seed")
    from duty_desk.tui.i18n import set_language
    set_language("en")
    assert code == 0 and "个岗位" in out


def test_a_corrupt_file_is_one_sentence(tmp_path, capsys):
    bad = tmp_path / "corrupt.db"
    bad.write_bytes(b"this is not sqlite at all" * 500)
    code, _, err = run(capsys, "--db", str(bad), "seed")
    assert code == 1 and "not a Duty Desk database" in err and len(err.strip().splitlines()) == 1


def test_a_path_that_cannot_be_made(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(capsys, "--db", str(blocker / "sub" / "d.db"), "seed")
    assert code == 1 and "does not exist" in err  # a chosen path's folder is never made


def test_a_directory_is_not_a_database(tmp_path, capsys):
    code, _, err = run(capsys, "--db", str(tmp_path), "seed")
    assert code == 1 and "cannot" in err.lower()


def test_a_locked_database_is_one_sentence(tmp_path, capsys, monkeypatch):
    db = tmp_path / "locked.db"
    holder = cysqlite.Connection(str(db))
    holder.execute("PRAGMA journal_mode=delete")
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO t VALUES (1)")
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_S", 0.2)
    try:
        code, _, err = run(capsys, "--db", str(db), "seed")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 1 and "locked" in err


def test_the_console_script_runs_without_a_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "tui", "--db", str(tmp_path), "check"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1 and "Traceback" not in result.stderr and result.stderr.strip()


def test_demo_for_a_chosen_day(tmp_path, capsys):
    db = tmp_path / "d.db"
    code, out, _ = run(capsys, "--db", str(db), "demo", "--people", "8", "--days", "3", "--today", "2027-01-01")
    assert code == 0 and "as of 2027-01-01 12:00" in out
    dbmod.connect(db)
    latest = dbmod.db.execute_sql("SELECT max(at) FROM log_entry").fetchone()[0]
    assert latest.startswith("2027-01-01 1")  # the morning of that day, nothing after its noon


def test_a_bad_demo_day_is_one_sentence_and_writes_nothing(tmp_path, capsys):
    db = tmp_path / "bad.db"
    for value in ("tomorrow", "2027-02-30", "1999-12-31", "2101-01-01", ""):
        code, out, err = run(capsys, "--db", str(db), "demo", "--today", value)
        assert code == 2 and err.count("\n") == 1 and "--today" in err and repr(value) in err, err
        assert not db.exists()


def test_a_bad_zone_or_clock_is_one_sentence(tmp_path, capsys, monkeypatch):
    db = tmp_path / "z.db"
    monkeypatch.setenv("DUTY_TZ", "Nowhere/Atlantis")
    code, _out, err = run(capsys, "--db", str(db), "seed")
    assert code == 2 and "Nowhere/Atlantis" in err and err.count("\n") == 1 and not db.exists()
    monkeypatch.setenv("DUTY_TZ", "Asia/Shanghai")
    monkeypatch.setenv("DUTY_NOW", "noonish")
    code, _out, err = run(capsys, "--db", str(db), "seed")
    assert code == 2 and "noonish" in err and not db.exists()


def test_the_version_is_written_once(tmp_path, capsys):
    from importlib.metadata import version

    code, out, _ = run(capsys, "--db", str(tmp_path / "v.db"), "--version")
    assert code == 0 and f"Duty Desk {version('duty-desk')}," in out


def test_global_options_go_before_or_after_the_verb(tmp_path, capsys):
    db = tmp_path / "order.db"
    code, out, _ = run(capsys, "demo", "--db", str(db), "--people", "5", "--days", "1", "--today", "2027-01-01")
    assert code == 0 and str(db) in out and db.exists()
    code, out, _ = run(capsys, "check", "--db", str(db), "--lang", "zh_CN")
    assert code == 0 and "完好" in out
    code, out, _ = run(capsys, "--db", str(db), "check")
    assert code == 0 and "sound" in out
