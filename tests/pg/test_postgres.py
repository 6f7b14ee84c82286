"""The desk on a PostgreSQL server: many writers from many processes, the log's guards and
the audit trail as the server's own triggers, and a bad address as one sentence.

Runs only beside a server (``DUTY_TEST_PG``, set by ``.ci/with-postgres``).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from duty_desk.models.storage import checks, dialect
from duty_desk.models.storage import db as dbmod
from duty_desk.models.errors import DatabaseUnavailable
from duty_desk.models.storage.schema import open_database
from tests.accounts.test_backup_cli import duty as admin_duty  # administrative verbs as 王伟
from tests.accounts.writer import forked_writer, writer_functions
from tests.conftest import PG

pytestmark = pytest.mark.skipif(not PG, reason="needs a PostgreSQL server (DUTY_TEST_PG; see README)")

ROOT = Path(__file__).resolve().parents[2]
PROCESSES, WRITES = 8, 250


def duty(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def client(address: str):
    """A connection that is not Duty Desk (psql, a script): no actor, no translation."""
    import psycopg

    return psycopg.connect(address, autocommit=True)


def test_the_desk_is_on_the_server(staff):
    assert dialect.is_postgres()
    assert str(dbmod.db.obj.database).startswith("postgresql://")


def test_eight_processes_write_250_each_at_once_into_one_chain(staff):
    address = str(dbmod.db.obj.database)
    _write, count, _model = writer_functions()
    start_at = time.time() + 2.0  # every process connected and waiting by then
    procs = [subprocess.Popen([sys.executable, "-m", "tests.accounts.writer", address, str(staff["王伟"].id),
                               "many", str(WRITES), str(start_at), f"p{n}"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in range(PROCESSES)]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "Traceback" not in err and out.strip() == "done"
    for n in range(PROCESSES):
        assert count(f"p{n}-") == WRITES
    assert count("p") == PROCESSES * WRITES == 2000
    seqs = [r[0] for r in dbmod.db.execute_sql("SELECT seq FROM log_entry ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1))  # one chain: no number taken twice, none skipped
    assert all(not problems for _name, problems in checks.run_all()), checks.run_all()
    result = duty("--db", address, "check")
    assert result.returncode == 0, result.stdout + result.stderr



@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_writers_killed_at_random_moments_lose_no_acknowledged_entry(staff):
    address = str(dbmod.db.obj.database)
    _write, _count, model = writer_functions()
    rng = random.Random(13)
    acknowledged: list[int] = []
    dbmod.close()  # no connection of ours is carried into the children
    for kill in range(20):
        pids = [forked_writer(address, staff["王伟"].id, f"{kill}-{k}") for k in range(2)]  # two at once
        time.sleep(rng.uniform(0.3, 0.8))
        for pid, pipe in pids:
            os.kill(pid, signal.SIGKILL)
            _pid, status = os.waitpid(pid, 0)
            assert os.WIFSIGNALED(status)
            with os.fdopen(pipe, "rb") as reader:
                lines = reader.read().decode().split("\n")
            acknowledged += [int(line) for line in lines[:-1] if line.strip()]  # whole lines only
    assert len(acknowledged) > 40
    open_database(address)
    present = {r.id for r in model.select(model.id).where(model.id.in_(acknowledged))}
    assert set(acknowledged) <= present
    assert all(not problems for _name, problems in checks.run_all()), checks.run_all()
    dbmod.close()
    result = duty("--db", address, "check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_another_client_cannot_edit_the_log_or_the_trail_and_a_dropped_guard_is_found(staff):
    import psycopg

    from duty_desk.models.accounts.session import acting_as
    from duty_desk.models.logbook.entries import add_entry

    address = str(dbmod.db.obj.database)
    with acting_as(staff["李娜"]):
        entry = add_entry("patrol", "巡逻 north gate")
    with client(address) as conn:
        for sql in ("UPDATE log_entry SET text = 'nothing happened' WHERE id = %s",
                    "DELETE FROM log_entry WHERE id = %s"):
            with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="append-only"):
                conn.execute(sql, (entry,))
        for sql in ("TRUNCATE log_entry CASCADE", "TRUNCATE audit_event"):
            with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="append-only"):
                conn.execute(sql)
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="append-only"):
            conn.execute("UPDATE audit_event SET actor_name = 'nobody'")
        # A superuser drops the guard and edits: the chain, not the trigger, now tells.
        conn.execute("DROP TRIGGER log_entry_no_update ON log_entry")
        conn.execute("UPDATE log_entry SET text = 'nothing happened' WHERE id = %s", (entry,))
    found = dict(checks.run_all())["duty log hash chain"]
    assert any("was changed after it was written" in p for p in found), found
    assert any("log_entry_no_update is missing" in p for p in found), found
    dbmod.close()
    result = duty("--db", address, "check")
    assert result.returncode != 0 and "Traceback" not in result.stderr


def test_a_write_from_another_client_is_in_the_trail_without_a_person(staff):
    address = str(dbmod.db.obj.database)
    with client(address) as conn:
        conn.execute("UPDATE person SET name = 'renamed' WHERE id = %s", (staff["张敏"].id,))
    row = dbmod.db.execute_sql("SELECT actor_id, actor_name, before, after FROM audit_event "
                               "WHERE table_name = 'person' AND action = 'update' ORDER BY id DESC LIMIT 1").fetchone()
    assert row[0] is None and row[1] == ""
    assert '"renamed"' in row[3] and '"张敏"' in row[2]


def test_the_desk_writes_under_its_lock_and_the_actor_is_recorded(staff):
    from duty_desk.models.accounts.session import acting_as
    from duty_desk.models.organisation.org import Person
    from duty_desk.models.storage.db import writes

    @writes
    def rename(pid):
        held = dbmod.db.execute_sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                                    "AND pid = pg_backend_pid()").fetchone()[0]
        Person.update(name="改名").where(Person.id == pid).execute()
        return held

    with acting_as(staff["王伟"]):
        assert rename(staff["张敏"].id) == 1
    row = dbmod.db.execute_sql("SELECT actor_id, actor_name, at FROM audit_event WHERE table_name = 'person' "
                               "ORDER BY id DESC LIMIT 1").fetchone()
    assert row[:2] == (staff["王伟"].id, "王伟")
    assert row[2].startswith("2026-11-20 12:")  # the desk's clock, not the server's


def test_a_password_in_the_address_is_refused_and_nothing_is_opened():
    with pytest.raises(DatabaseUnavailable, match="pgpass"):
        dialect.connect("postgresql://duty:secret@127.0.0.1:1/desk")


def test_a_server_that_does_not_answer_is_one_sentence():
    result = duty("--db", "postgresql://duty@127.0.0.1:1/desk", "check")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "No PostgreSQL server answers at postgresql://duty@127.0.0.1:1/desk" in result.stderr + result.stdout


def test_a_missing_database_is_one_sentence():
    from tests.pg import server

    address = server.url("no_such_desk")
    result = duty("--db", address, "check")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "There is no database" in result.stderr + result.stdout


def test_a_backup_is_a_pg_dump_snapshot_and_restore_points_at_pg_restore(staff, tmp_path):
    address = str(dbmod.db.obj.database)
    target = tmp_path / "desk.dump"
    result = admin_duty("--db", address, "backup", str(target))
    assert result.returncode == 0, result.stdout + result.stderr
    assert target.read_bytes()[:5] == b"PGDMP"  # pg_dump's own format: pg_restore reads it
    assert oct(target.stat().st_mode & 0o777) == "0o660"
    result = admin_duty("--db", address, "restore", str(target), stdin="y\n")
    assert result.returncode != 0 and "pg_restore" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
