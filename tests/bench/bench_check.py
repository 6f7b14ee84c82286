"""``duty check`` and missed-patrol detection on the large demo (1,000 staff × 365 days).

    python tests/bench/bench_check.py [--keep PATH]

Floors, measured in the same run through the raw cysqlite driver: SQLite's own
``quick_check`` (for the quick check) and ``integrity_check`` (for ``--full``); the raw
query of a month's patrols (for detection). Targets (issue 16): the check ≤ 3 s (or
incremental from the last verified point), detection linear in entries, not in queries.
The quick check is timed as a day at the desk sees it: a sound check yesterday, then a
day's entries, then the check.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.report import record  # noqa: E402

TODAY = dt.date(2026, 11, 20)


def build(path: Path) -> None:
    from duty_desk.models.storage import db as dbmod
    from duty_desk.models.storage.schema import open_database
    from duty_desk.seed import demo

    open_database(path)
    demo.build(people=1000, days=365, today=TODAY)
    dbmod.close()


def raw(path: Path, sql: str, params=()) -> float:
    import cysqlite

    conn = cysqlite.Connection(str(path))
    try:
        began = time.perf_counter()
        conn.execute(sql, params).fetchall()
        return time.perf_counter() - began
    finally:
        conn.close()


def a_day_of_entries() -> None:
    from duty_desk.models.logbook import entries as log_entries
    from duty_desk.models.organisation.org import Person
    from duty_desk.models.accounts.session import Actor, acting_as

    officer = Person.select().where(Person.role == "officer").first()
    with acting_as(Actor(officer.id, officer.name, "officer")):
        for n in range(2500):
            log_entries.add_entry("patrol", f"巡逻 {n}", post="木料场")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", metavar="PATH", help="build the large demo there once and reuse it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(args.keep) if args.keep else Path(folder) / "big.db"
        if not path.exists():
            began = time.perf_counter()
            build(path)
            print(f"(built the large demo in {time.perf_counter() - began:.1f} s)", flush=True)
        from duty_desk.models.storage import checks
        from duty_desk.models import clock
        from duty_desk.models.storage import db as dbmod
        from duty_desk.models.logbook import patrols
        from duty_desk.models.storage.schema import open_database
        from duty_desk.models.accounts.session import SYSTEM, acting_as

        clock.start_at(dt.datetime.combine(TODAY, dt.time(12)))
        open_database(path)
        assert all(not p for _n, p in checks.run_all(full=True))  # yesterday's check: sound, the mark set
        a_day_of_entries()
        began = time.perf_counter()
        quick = checks.run_all(full=False)
        took = time.perf_counter() - began
        assert all(not p for _n, p in quick), quick
        record("bench_check", "duty check (quick: since the last sound check)", took, raw(path, "PRAGMA quick_check"),
               "≤ 3 s", unit="s", ok=took <= 3)
        began = time.perf_counter()
        checks.run_all(full=True)
        took = time.perf_counter() - began
        record("bench_check", "duty check --full (every entry, integrity_check)", took,
               raw(path, "PRAGMA integrity_check"), "reference", unit="s")
        start = dt.datetime.combine(TODAY - dt.timedelta(days=30), dt.time())
        end = dt.datetime.combine(TODAY, dt.time())
        with acting_as(SYSTEM):
            patrols.set_rule("木料场", 60)
            began = time.perf_counter()
            missed = patrols.detect_missed(start, end)
            took = time.perf_counter() - began
        floor = raw(path, "SELECT e.at FROM log_entry e JOIN log_category c ON c.id = e.category_id "
                          "WHERE c.key = 'patrol' AND e.post = ? AND e.at >= ? AND e.at < ? ORDER BY e.at",
                    ("木料场", f"{start:%Y-%m-%d %H:%M:%S}", f"{end:%Y-%m-%d %H:%M:%S}"))
        record("bench_check", f"missed patrols over 30 days ({len(missed)} found)", took * 1000, floor * 1000,
               "linear in entries", ok=None)
        dbmod.close()


if __name__ == "__main__":
    main()
