"""What the desk refuses before touching anything: foreign or unsound backups, odd ``--db``
paths, checks of missing files; the modes of the files it makes; PINs easy to guess."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import cysqlite
import pytest

from duty_desk.models.accounts import credentials as accounts
from duty_desk.models.storage import backup
from duty_desk.models.storage import db as dbmod
from duty_desk.models.accounts.audit import register_sql_functions
from duty_desk.models.errors import ValidationError
from duty_desk.models.storage.schema import available, latest_version, open_database
from duty_desk.models.accounts.session import SYSTEM, acting_as
from duty_desk.tui.cli import main


ADMIN_VERBS = ("backup", "restore", "set", "pin")


def run(capsys, *argv) -> tuple[int, str, str]:
    """The command line, acting as the administrator 王伟 for the verbs that need one (in
    development mode: proof of identity is tests/accounts/test_cli_proof.py's subject)."""
    argv = [str(a) for a in argv]
    verb = next((a for a in argv if a in ADMIN_VERBS), None)
    if verb:
        os.environ["DUTY_DEV"] = "1"
        argv[argv.index(verb) + 1:argv.index(verb) + 1] = ["--as", _admin(argv)]
    try:
        code = main(argv)
    finally:
        os.environ.pop("DUTY_DEV", None)
    dbmod.close()
    out = capsys.readouterr()
    assert "Traceback" not in out.err + out.out
    return code, out.out, out.err


def _admin(argv: list[str]) -> str:
    """The first administrator of the ``--db`` file (王伟 of the staff fixture, or the demo's)."""
    path = Path(argv[argv.index("--db") + 1]) if "--db" in argv else None
    if path and path.is_file() and path.stat().st_size:
        conn = cysqlite.Connection(str(path))
        try:
            row = conn.execute("SELECT name FROM person WHERE role = 'admin' ORDER BY id LIMIT 1").fetchone()
        except Exception:  # not a database at all: the command refuses it before anyone acts
            row = None
        finally:
            conn.close()
        if row:
            return row[0]
    return "王伟"


def refused(capsys, *argv) -> str:
    """The command fails with one sentence on stderr; returns it."""
    code, _out, err = run(capsys, *argv)
    assert code != 0 and len(err.strip().splitlines()) == 1, err
    return err


def raw(path: Path) -> cysqlite.Connection:
    """A connection as another program would have one, able to fire the audit triggers."""
    conn = cysqlite.Connection(str(path))
    register_sql_functions(conn)
    return conn


def contents(path: Path) -> dict[str, list]:
    """Every row of every table: what "the desk is unchanged" means."""
    conn = cysqlite.Connection(str(path))
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE '%fts%' ORDER BY name")]
        return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}
    finally:
        conn.close()


@pytest.fixture
def desk(staff) -> Path:
    """The staff database, closed, as the CLI finds it."""
    path = Path(dbmod.db.obj.database)
    dbmod.close()
    return path


@pytest.fixture
def good_backup(desk, tmp_path, capsys) -> Path:
    copy = tmp_path / "good.db"
    assert run(capsys, "--db", desk, "backup", copy)[0] == 0
    return copy


def restore_refused(capsys, desk: Path, source: Path) -> str:
    before = contents(desk)
    err = refused(capsys, "--db", desk, "restore", source, "--yes")
    assert contents(desk) == before
    assert not list((desk.parent / f"{desk.stem}-backups").glob("before-restore-*"))  # not even begun
    code, out, _ = run(capsys, "--db", desk, "check")  # and the desk still opens and is sound
    assert code == 0, out
    return err


# -- A. restore takes only a sound Duty Desk backup of this version or an earlier one ------

def test_a_backup_from_a_newer_version_is_refused(desk, good_backup, capsys):
    conn = raw(good_backup)
    conn.execute("INSERT INTO schema_migration (name, applied) VALUES (?, '2030-01-01')",
                 (f"{latest_version() + 1:04d}_future",))
    conn.close()
    err = restore_refused(capsys, desk, good_backup)
    assert "newer Duty Desk" in err and f"schema {latest_version() + 1}" in err


def test_a_migration_this_version_does_not_know_is_refused(desk, good_backup, capsys):
    conn = raw(good_backup)
    conn.execute("INSERT INTO schema_migration (name, applied) VALUES ('0001_elsewhere', '2030-01-01')")
    conn.close()
    assert "does not know (0001_elsewhere)" in restore_refused(capsys, desk, good_backup)


@pytest.mark.parametrize("kind", ["text", "empty", "other sqlite", "bare migrations"])
def test_a_file_that_is_not_a_duty_desk_database_is_refused(desk, tmp_path, capsys, kind):
    source = tmp_path / "other.db"
    if kind == "text":
        source.write_text("name,pin\nalice,1234\n" * 50)
    elif kind == "empty":
        source.write_bytes(b"")
    else:
        conn = cysqlite.Connection(str(source))
        if kind == "other sqlite":
            conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
            conn.execute("INSERT INTO notes (text) VALUES ('shopping')")
        else:  # the runner's table and nothing else
            conn.execute("CREATE TABLE schema_migration (id INTEGER PRIMARY KEY, name TEXT, applied TEXT)")
            conn.execute(f"INSERT INTO schema_migration (name, applied) VALUES ('{available()[0].name}', '2026')")
        conn.close()
    err = restore_refused(capsys, desk, source)
    assert "not a Duty Desk database" in err
    assert "duty backup" in err  # what to do instead


def test_a_backup_failing_integrity_check_is_refused(desk, good_backup, capsys):
    conn = raw(good_backup)
    conn.execute("CREATE TABLE t (a, b)")
    conn.execute("CREATE INDEX t_a ON t (a)")
    for i in range(20):
        conn.execute("INSERT INTO t VALUES (?, ?)", (i, 100 - i))
    conn.execute("PRAGMA writable_schema = ON")  # the index now describes another column
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX t_a ON t (b)' WHERE name = 't_a'")
    conn.close()
    err = restore_refused(capsys, desk, good_backup)
    assert "damaged" in err and "integrity_check" in err


def test_a_backup_failing_foreign_key_check_is_refused(desk, good_backup, capsys):
    conn = raw(good_backup)  # foreign keys are off in a plain connection
    conn.execute("INSERT INTO person (name, position_id, role, active, created) "
                 "VALUES ('无岗位', 999999, 'officer', 1, '2026-01-01 08:00:00')")
    conn.close()
    err = restore_refused(capsys, desk, good_backup)
    assert "fails duty check" in err and "foreign keys" in err


def test_a_backup_with_a_broken_hash_chain_is_refused(demo_db, tmp_path, capsys):
    desk = Path(dbmod.db.obj.database)
    dbmod.close()
    copy = tmp_path / "chain.db"
    assert run(capsys, "--db", desk, "backup", copy)[0] == 0
    conn = raw(copy)
    guard = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'log_entry_no_update'").fetchone()[0]
    conn.execute("DROP TRIGGER log_entry_no_update")  # edited behind the program's back ...
    conn.execute("UPDATE log_entry SET text = text || '（改）' WHERE seq = 3")
    conn.execute(guard)  # ... and the guard put back, so only the chain can tell
    conn.close()
    err = restore_refused(capsys, desk, copy)
    assert "duty log hash chain" in err and "entry 3" in err


def test_an_older_backup_is_restored_and_brought_up_to_date(desk, tmp_path, capsys):
    old = tmp_path / "old.db"
    dbmod.connect(old)
    from duty_desk.models.storage import schema

    schema.upgrade(target=available()[-2].name)
    dbmod.close()
    code, out, err = run(capsys, "--db", desk, "restore", old, "--yes")
    assert code == 0, err
    open_database(desk)
    assert schema.current_version() == latest_version()
    dbmod.close()
    assert run(capsys, "--db", desk, "check")[0] == 0
    assert not Path(f"{old}-wal").exists() and not Path(f"{old}-shm").exists()  # the backup untouched


# -- B. --db and duty check: nothing made where it was not asked for ----------------------

def test_an_empty_file_is_not_turned_into_a_database(tmp_path, capsys):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    for command in ("seed", "check", "backup"):
        err = refused(capsys, "--db", empty, command)
        assert "is empty" in err
    assert empty.stat().st_size == 0 and sorted(tmp_path.iterdir()) == [empty]


def test_a_missing_folder_is_refused_not_made(tmp_path, capsys, monkeypatch):
    target = tmp_path / "no" / "such" / "duty.db"
    assert "does not exist" in refused(capsys, "--db", target, "seed")
    monkeypatch.setenv("DUTY_DB", str(target))
    assert "does not exist" in refused(capsys, "seed")
    assert not (tmp_path / "no").exists()


def test_the_default_place_may_have_its_folder_made(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DUTY_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # platformdirs on Linux
    code, _out, err = run(capsys, "seed")
    assert code == 0, err
    assert (tmp_path / "xdg" / "duty-desk" / "duty.db").is_file()


@pytest.mark.parametrize("url", ["https://example.com/duty.db", "sqlite:///srv/duty/duty.db",
                                 "file:///tmp/duty.db"])
def test_an_address_is_refused(tmp_path, capsys, monkeypatch, url):
    monkeypatch.chdir(tmp_path)  # a folded "https:/…" would appear here
    assert "looks like an address" in refused(capsys, "--db", url, "seed")
    monkeypatch.setenv("DUTY_DB", url)
    assert "looks like an address" in refused(capsys, "check")
    assert list(tmp_path.iterdir()) == []


def test_check_on_a_missing_file_creates_nothing(tmp_path, capsys):
    missing = tmp_path / "missing.db"
    err = refused(capsys, "--db", missing, "check")
    assert "no database" in err and "sound" not in err
    assert list(tmp_path.iterdir()) == []


# -- C. the database, its -wal and -shm and every backup: owner and group, read and write ---

@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_files_are_made_660_whatever_the_umask(tmp_path, umask, capsys):
    path = tmp_path / "modes.db"
    files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]

    def modes(paths) -> set[str]:
        return {oct(stat.S_IMODE(f.stat().st_mode)) for f in paths}

    old = os.umask(umask)
    try:
        open_database(path)  # a new file: schema written, so -wal and -shm are there
        assert modes(files) == {"0o660"}
        backup.make_backup(tmp_path / "b.db")
        with acting_as(SYSTEM):  # someone to run the daily backup below
            accounts.add_person("王伟", "admin", None, "1357")
        dbmod.close()  # the last connection removes -wal and -shm ...
        open_database(path)  # ... and the next makes them again
        assert modes(files) == {"0o660"}
        dbmod.close()
        assert run(capsys, "--db", path, "backup", "--daily", "--keep", "5")[0] == 0
    finally:
        os.umask(old)
    made = [tmp_path / "b.db", *backup_files(path)]
    assert len(made) == 2 and modes(made) == {"0o660"}  # a chosen file and a daily one


def backup_files(path: Path) -> list[Path]:
    return sorted((path.parent / f"{path.stem}-backups").glob("*.db"))


def test_the_before_restore_backup_is_660(desk, good_backup, capsys):
    assert run(capsys, "--db", desk, "restore", good_backup, "--yes")[0] == 0
    safety = [p for p in backup_files(desk) if p.name.startswith("before-restore-")]
    assert safety and stat.S_IMODE(safety[0].stat().st_mode) == 0o660


def test_an_existing_database_keeps_its_mode(tmp_path):
    """The mode is set on files the desk makes; an administrator's own choice stays."""
    path = tmp_path / "own.db"
    open_database(path)
    dbmod.close()
    os.chmod(path, 0o600)
    open_database(path)
    dbmod.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# -- D. PINs an onlooker or a guesser gets at once ------------------------------------------

@pytest.mark.parametrize("pin, why", [
    ("1111", "one digit"), ("000000", "one digit"),
    ("1234", "run"), ("9876", "run"), ("8901", "run"), ("3456789", "run"),
    ("1212", "pattern"), ("1122", "pattern"), ("123123", "pattern"), ("112233", "pattern"),
    ("5454", "pattern"), ("271271271", "pattern"),
    ("2580", "keypad"), ("0852", "keypad"), ("147258369", "keypad"), ("963852", "keypad"),
    ("789123", "keypad"), ("159357", "keypad"), ("3690852", "keypad"),
])
def test_easy_pins_are_refused_with_the_reason(pin, why):
    words = {"one digit": "one digit repeated", "run": "run of digits", "pattern": "repeats a pattern",
             "keypad": "straight lines on the keypad"}
    with pytest.raises(ValidationError, match=words[why]) as info:
        accounts.validate_pin(pin)
    assert info.value.field == "pin" and str(info.value).count(".") == 1


@pytest.mark.parametrize("pin", ["2468", "1357", "8642", "3690", "2570", "7410", "1470", "5791",
                                 "24680", "135790", "90210", "314159265358"])
def test_ordinary_pins_are_accepted(pin):
    assert accounts.validate_pin(pin) == pin


def test_the_demo_pin_passes_the_rule():
    from duty_desk.seed.demo_accounts import DEMO_PIN

    assert accounts.validate_pin(DEMO_PIN) == DEMO_PIN
