"""Roster benchmarks, each beside a floor measured in the same run.

    python tests/bench/bench_roster.py

1. A year of rotation for 1,000 staff (target ≤ 2 s). Floor: the very same rows written
   with raw cysqlite into a copy of the same database (the real ``assignment`` table, its
   indexes and foreign keys) in one transaction, audit triggers dropped as the app does;
   the faster of keeping the indexes up row by row and rebuilding them after the insert.
   Then the same year generated again: nothing changed, so nothing is written; floor:
   reading the year's rows back with raw SQL.
2. From the key press to the first frame that shows the next week of the busiest post
   (target ≤ 100 ms), paging forward through weeks not shown before: read ahead by the
   screen, and not (read from the database after the key). Floor: a bare Textual app that
   redraws a Static on a key press, timed the same way. Printed beside: Pilot's round trip
   (press, every worker done, the app idle), most of it Pilot's own 20 ms idle polling.
3. A month's coverage check over every post (target ≤ 200 ms); floor: reading the month's
   assignment rows with raw SQL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from duty_desk.models import clock

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

STAFF, POSTS, GROUP = 1000, 25, 4
FIRST = dt.date(2026, 1, 5)  # a Monday
LAST = FIRST + dt.timedelta(days=364)
COLUMNS = "person_id, day, shift_id, post_id, role, starts_at, ends_at, source, rotation_id, author_id, created"


def line(name: str, took: float, floor: float, target: float) -> None:
    from tests.bench.report import record

    record("bench_roster", name, took * 1000, floor * 1000, f"≤ {target * 1000:.0f} ms", ok=took <= target)


def build(folder: Path):
    """The staff, posts and rotations; then the year generated, and generated again."""
    from duty_desk.models.storage.db import db
    from duty_desk.models.organisation.org import Person
    from duty_desk.models.roster.duties import add_post, add_shift, set_need
    from duty_desk.models.roster.rotation import create_rotation, generate_all
    from duty_desk.models.storage.schema import open_database
    from duty_desk.models.accounts.session import SYSTEM, acting_as

    open_database(folder / "bench.db")
    with acting_as(SYSTEM):
        now = clock.now()
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
        db.execute_sql("VACUUM INTO ?", (str(folder / "before.db"),))  # for the floor: the same table, empty
        started = time.perf_counter()
        added = generate_all(FIRST, LAST, rotations).added
        took = time.perf_counter() - started
        rows = db.execute_sql(f"SELECT {COLUMNS} FROM assignment ORDER BY id").fetchall()
        db.execute_sql("VACUUM INTO ?", (str(folder / "after.db"),))  # and full, for regenerating
        started = time.perf_counter()
        again = generate_all(FIRST, LAST, rotations)
        regenerated = time.perf_counter() - started
        assert again.added == again.replaced == again.unchanged == added == len(rows)
    return took, regenerated, rows


def raw_write(source: Path, copy: Path, rows: list[tuple], rebuild: bool) -> float:
    """Raw cysqlite: insert *rows* into a copy of the app's database."""
    import cysqlite

    from duty_desk.models.accounts import audit
    from duty_desk.models.storage.db import PRAGMAS
    from duty_desk.models.roster.rotation import _BULK_CACHE_KIB

    shutil.copy(source, copy)
    conn = cysqlite.connect(str(copy))
    audit.register_sql_functions(conn)  # the audit triggers call these
    for name, value in {**PRAGMAS, "cache_size": -_BULK_CACHE_KIB}.items():
        conn.execute(f"PRAGMA {name} = {value}")
    marks = ",".join("?" * len(COLUMNS.split(",")))
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                "AND tbl_name = 'assignment'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    indexes = []
    if rebuild:
        indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'assignment' "
                               "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'").fetchall()
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX "{name}"')
    conn.cursor().executemany(f"INSERT INTO assignment ({COLUMNS}) VALUES ({marks})", rows)
    for _name, sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    took = time.perf_counter() - started
    conn.close()
    return took


def write_floor(folder: Path, rows: list[tuple]) -> tuple[float, float]:
    """(indexes kept up row by row, indexes rebuilt after the insert)."""
    source = folder / "before.db"
    return (raw_write(source, folder / "floor.db", rows, rebuild=False),
            raw_write(source, folder / "floor.db", rows, rebuild=True))


def read_floor(folder: Path) -> float:
    """Raw cysqlite: read the year's duties back, the least a regeneration must do to find
    that nothing changed."""
    import cysqlite

    conn = cysqlite.connect(str(folder / "after.db"))
    started = time.perf_counter()
    conn.execute("SELECT id, person_id, day, shift_id, post_id, role, starts_at, ends_at, source, rotation_id "
                 "FROM assignment WHERE day >= ? AND day <= ?", (FIRST.isoformat(), LAST.isoformat())).fetchall()
    took = time.perf_counter() - started
    conn.close()
    return took


def coverage_bench() -> tuple[float, float]:
    from duty_desk.models.roster import coverage
    from duty_desk.models.storage.db import db

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


async def press_to_frame(app, pilot, key: str, drawn) -> tuple[float, float]:
    """(key sent → first frame written once drawn() holds, the Pilot round trip: press, workers, idle)."""
    frames: list[float] = []
    display = app._display

    def timed(screen, renderable):
        display(screen, renderable)
        if renderable is not None and not frames and drawn():
            frames.append(time.perf_counter())

    app._display = timed
    started = time.perf_counter()
    await pilot.press(key)
    await app.workers.wait_for_complete()
    await pilot.pause()
    round_trip = time.perf_counter() - started
    for _ in range(100):
        if frames:
            break
        await pilot.pause()
    app._display = display
    return frames[0] - started, round_trip


async def week_bench() -> dict[str, float]:
    import duty_desk.screens.roster as roster_screen
    from duty_desk.models.roster.week import busiest_post
    from duty_desk.models.accounts.session import SYSTEM
    from textual.app import App
    from textual.widgets import Static
    from duty_desk.tui.app import DutyApp

    day = FIRST + dt.timedelta(days=140)
    roster_screen.today = lambda: day
    busiest = busiest_post(day, day + dt.timedelta(days=6))
    app = DutyApp(actor=SYSTEM, start="roster")
    ahead, cold, trips = [], [], []
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        screen.post_id = busiest
        screen.load()
        await app.workers.wait_for_complete()
        await pilot.pause()
        for n in range(24):  # forward into weeks not shown before; every other one not read ahead
            if n % 2:
                screen.weeks.clear()
            monday = screen.view.monday + dt.timedelta(days=7)
            frame, trip = await press_to_frame(app, pilot, "n", lambda monday=monday: screen.view.monday == monday)
            (cold if n % 2 else ahead).append(frame)
            trips.append(trip)
        assert screen.view.post.id == busiest

    class Bare(App):
        def compose(self):
            yield Static("", id="s")

        def on_key(self, event):
            self.query_one("#s", Static).update(f"{event.key} {time.monotonic()}")

    frames, bare_trips = [], []
    bare = Bare()
    async with bare.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(12):
            frame, trip = await press_to_frame(bare, pilot, "n", lambda: True)
            frames.append(frame)
            bare_trips.append(trip)
    median = statistics.median
    return {"ahead": median(ahead[1:]), "cold": median(cold[1:]), "bare": median(frames[2:]),
            "trip": median(trips[2:]), "bare trip": median(bare_trips[2:])}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        print(f"roster benchmarks: {STAFF} staff, {POSTS} posts, {FIRST} – {LAST}")
        took, regenerated, rows = build(folder)
        kept, rebuilt = write_floor(folder, rows)
        line(f"year of rotation ({len(rows)} duties)", took, min(kept, rebuilt), 2.0)
        print(f"  floor: raw insert keeping indexes up {kept * 1000:.0f} ms, rebuilding them {rebuilt * 1000:.0f} ms")
        line("the same year generated again (no change)", regenerated, read_floor(folder), 2.0)
        week = asyncio.run(week_bench())
        line("key press → drawn week, read ahead", week["ahead"], week["bare"], 0.100)
        line("key press → drawn week, not read ahead", week["cold"], week["bare"], 0.100)
        print(f"  Pilot round trip (press, workers done, idle): {week['trip'] * 1000:.0f} ms, "
              f"bare app {week['bare trip'] * 1000:.0f} ms")
        took, floor = coverage_bench()
        line("month's coverage check, every post", took, floor, 0.200)


if __name__ == "__main__":
    main()
