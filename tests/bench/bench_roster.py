"""Roster benchmarks, each beside a floor measured in the same run.

    python tests/bench/bench_roster.py

1. A year of rotation for 1,000 staff (target ≤ 2 s); floor: the same rows inserted with raw
   cysqlite ``executemany`` into a bare table in one transaction.
2. From the key press to the drawn week of the busiest post (target ≤ 100 ms); floor: a bare
   Textual app that redraws a Static on a key press, timed the same way.
3. A month's coverage check over every post (target ≤ 200 ms); floor: reading the month's
   assignment rows with raw SQL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

STAFF, POSTS, GROUP = 1000, 25, 4
FIRST = dt.date(2026, 1, 5)  # a Monday
LAST = FIRST + dt.timedelta(days=364)


def line(name: str, took: float, floor: float, target: float) -> None:
    verdict = "ok" if took <= target else "SLOW"
    print(f"{name:<44} {took * 1000:9.1f} ms   floor {floor * 1000:8.1f} ms   target {target * 1000:7.0f} ms   {verdict}")


def build(folder: Path):
    from models.org import Person
    from models.roster import add_post, add_shift, set_need
    from models.rotation import create_rotation, generate_all
    from models.schema import open_database
    from models.session import SYSTEM, acting_as

    open_database(folder / "bench.db")
    with acting_as(SYSTEM):
        now = dt.datetime.now()
        Person.insert_many([{"name": f"员工{n:04d}", "role": "lead" if n % 5 == 0 else "officer", "active": True,
                             "created": now} for n in range(STAFF)]).execute()
        people = [p.id for p in Person.select(Person.id).order_by(Person.id)]
        posts = [add_post(f"p{n}", f"岗区{n}", f"Post {n}") for n in range(POSTS)]
        day = add_shift("D", "白班", "Day", "08:00", "20:00")
        night = add_shift("N", "夜班", "Night", "20:00", "08:00")
        for post in posts:
            set_need(day, post, 1, 4)
            set_need(night, post, 1, 3)
        rotations = []
        for n in range(0, STAFF, GROUP):
            members = people[n:n + GROUP]
            role = "lead" if n % 20 == 0 else "officer"
            rotations.append(create_rotation(f"r{n}", "D,N,-,-", posts[(n // GROUP) % POSTS], members, FIRST, role))
        started = time.perf_counter()
        added = generate_all(FIRST, LAST, rotations).added
        took = time.perf_counter() - started
        # The same again without the audit trail's row triggers, to show what they cost.
        from models.db import db

        copy = folder / "no-audit.db"
        db.execute_sql("VACUUM INTO ?", (str(copy),))
        open_database(copy)
        for (name,) in db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                      "AND tbl_name = 'assignment'").fetchall():
            db.execute_sql(f'DROP TRIGGER "{name}"')
        started = time.perf_counter()
        generate_all(FIRST, LAST, rotations)
        bare = time.perf_counter() - started
        open_database(folder / "bench.db")
    return took, bare, added


def insert_floor(folder: Path, rows: int) -> float:
    import cysqlite

    conn = cysqlite.connect(str(folder / "floor.db"))
    conn.execute("PRAGMA journal_mode=wal")
    conn.execute("CREATE TABLE assignment (id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL, day DATE NOT NULL,"
                 " shift_id INTEGER NOT NULL, post_id INTEGER NOT NULL, role VARCHAR(255) NOT NULL,"
                 " starts_at DATETIME NOT NULL, ends_at DATETIME NOT NULL, source VARCHAR(255) NOT NULL,"
                 " rotation_id INTEGER, author_id INTEGER, created DATETIME NOT NULL)")
    conn.execute("CREATE UNIQUE INDEX u ON assignment (person_id, day, shift_id)")
    conn.execute("CREATE INDEX a ON assignment (day, shift_id, post_id)")
    conn.execute("CREATE INDEX b ON assignment (person_id, starts_at)")
    conn.execute("CREATE INDEX c ON assignment (starts_at)")
    conn.execute("CREATE INDEX d ON assignment (rotation_id, day)")
    data = [(n % STAFF, f"2026-{1 + n // 20000 % 12:02d}-{1 + n // STAFF % 28:02d}", 1 + n % 2, 1, "officer",
             "2026-01-01 08:00:00", "2026-01-01 20:00:00", "rotation", 1, None, "2026-01-01 00:00:00")
            for n in range(rows)]
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    cur = conn.cursor()
    cur.executemany("INSERT OR IGNORE INTO assignment (person_id, day, shift_id, post_id, role, starts_at, ends_at,"
                    " source, rotation_id, author_id, created) VALUES (?,?,?,?,?,?,?,?,?,?,?)", data)
    conn.execute("COMMIT")
    took = time.perf_counter() - started
    conn.close()
    return took


def coverage_bench() -> tuple[float, float]:
    from models import coverage
    from models.db import db

    first = FIRST + dt.timedelta(days=120)
    last = first + dt.timedelta(days=29)
    times, floors = [], []
    for _ in range(5):
        started = time.perf_counter()
        coverage.check(first, last)
        times.append(time.perf_counter() - started)
        started = time.perf_counter()
        db.execute_sql("SELECT a.id, a.person_id, p.name, a.role, a.day, a.shift_id, a.post_id, a.starts_at, "
                       "a.ends_at FROM assignment a JOIN person p ON p.id = a.person_id WHERE a.day >= ? AND "
                       "a.day <= ? ORDER BY a.person_id, a.starts_at", (first.isoformat(), last.isoformat())).fetchall()
        floors.append(time.perf_counter() - started)
    return statistics.median(times), statistics.median(floors)


async def week_bench() -> tuple[float, float]:
    import screens.roster as roster_screen
    from models.roster_week import busiest_post
    from models.session import SYSTEM
    from textual.app import App
    from textual.widgets import Static
    from tui.app import DutyApp

    day = FIRST + dt.timedelta(days=140)
    roster_screen.today = lambda: day
    busiest = busiest_post(day, day + dt.timedelta(days=6))
    app = DutyApp(actor=SYSTEM, start="roster")
    times = []
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        screen.post_id = busiest
        screen.load()
        await app.workers.wait_for_complete()
        await pilot.pause()
        for n in range(12):
            started = time.perf_counter()
            await pilot.press("n" if n % 2 == 0 else "p")
            await app.workers.wait_for_complete()
            await pilot.pause()
            times.append(time.perf_counter() - started)
        assert screen.view.post.id == busiest

    class Bare(App):
        def compose(self):
            yield Static("", id="s")

        def on_key(self, event):
            self.query_one("#s", Static).update(f"{event.key} {time.time()}")

    floors = []
    bare = Bare()
    async with bare.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(12):
            started = time.perf_counter()
            await pilot.press("n")
            await pilot.pause()
            floors.append(time.perf_counter() - started)
    return statistics.median(times[2:]), statistics.median(floors[2:])


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        print(f"roster benchmarks: {STAFF} staff, {POSTS} posts, {FIRST} – {LAST}")
        took, bare, added = build(folder)
        floor = insert_floor(folder, added)
        line(f"year of rotation ({added} duties)", took, floor, 2.0)
        line("  the same without audit-trail triggers", bare, floor, 2.0)
        took, floor = asyncio.run(week_bench())
        line("key press → drawn week, busiest post", took, floor, 0.100)
        took, floor = coverage_bench()
        line("month's coverage check, every post", took, floor, 0.200)


if __name__ == "__main__":
    main()
