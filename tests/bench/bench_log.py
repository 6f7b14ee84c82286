"""Duty log benchmarks on a 1,000,000-entry logbook, each figure beside a floor from this run.

    python tests/bench/bench_log.py [--entries N] [--keep PATH]

Floors: raw SQLite through the cysqlite driver (the same statement without our code) and a
bare Textual app (the same key or start-up without our screen). Targets from issue 4.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from models.db import db  # noqa: E402
from models.schema import open_database  # noqa: E402


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def line(name: str, value: str, floor: str, target: str) -> None:
    print(f"{name:<38} {value:>12}   floor {floor:>12}   target {target}")


def build(path: Path, entries: int) -> float:
    from models.org import Person
    from seed import demo_log, loader

    open_database(path)
    loader.load()
    people = [Person.create(name=f"值班员{n}", role="officer" if n else "lead").id for n in range(12)]
    rng = random.Random(4)
    start = dt.datetime(2025, 1, 1)
    texts = [t for group in demo_log.TEXTS.values() for t in group]
    cats = ["patrol"] * 6 + ["visitor", "phone", "fault", "other", "meeting"]

    def rows():
        for n in range(entries):
            at = start + dt.timedelta(seconds=30 * n)
            yield (at, rng.choice(people), rng.choice(cats), rng.choice(demo_log.PLACES), "", rng.choice(texts), None)

    t0 = time.perf_counter()
    demo_log.fill(rows())
    return time.perf_counter() - t0


def raw_insert_floor(entries: int) -> float:
    import cysqlite

    with tempfile.TemporaryDirectory() as tmp:
        conn = cysqlite.connect(str(Path(tmp) / "raw.db"))
        conn.execute("PRAGMA journal_mode=wal")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, seq INTEGER UNIQUE, at TEXT, text TEXT, hash TEXT)")
        rows = [(n, n, "2025-01-01 00:00:00", "巡逻正常，门窗已锁", "x" * 64) for n in range(1, entries + 1)]
        t0 = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
        elapsed = time.perf_counter() - t0
        conn.close()
    return elapsed


def timed(fn, repeat: int = 20) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def queries(path: Path, total: int) -> None:
    import cysqlite

    from models import log_query

    raw = cysqlite.connect(str(path))
    mid = total // 2
    page = timed(lambda: log_query.rows_between(mid, mid + 127))
    floor = timed(lambda: raw.execute("SELECT * FROM log_entry WHERE seq BETWEEN ? AND ?", (mid, mid + 127)).fetchall())
    line("a page of 128 rows", ms(page), ms(floor), "(part of the key press)")
    hit = timed(lambda: log_query.next_hit("巡逻", mid))
    floor = timed(lambda: raw.execute("SELECT rowid FROM log_search WHERE log_search MATCH '\"巡逻\"' AND rowid > ? "
                                      "ORDER BY rowid LIMIT 1", (mid,)).fetchone())
    line("search 巡逻: next hit", ms(hit), ms(floor), "≤ 100 ms")
    rare = timed(lambda: log_query.next_hit("UPS alarm", 0), 5)
    line("search 'UPS alarm': first hit", ms(rare), "", "≤ 100 ms")
    filtered = timed(lambda: log_query.filtered_seqs(log_query.LogFilter(text="门禁读卡器")), 3)
    line("search as a filter (rare word)", ms(filtered), "", "≤ 100 ms")
    raw.close()


async def bare_app_floor() -> tuple[float, float]:
    from textual.app import App
    from textual.binding import Binding
    from textual.widgets import Static

    class Bare(App):
        BINDINGS = [Binding("up", "noop", "")]

        def compose(self):
            yield Static("ready")

        def action_noop(self):
            self.query_one(Static).update(str(time.perf_counter()))

    app = Bare()
    t0 = time.perf_counter()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        ready = time.perf_counter() - t0
        samples = []
        for _ in range(50):
            t1 = time.perf_counter()
            app.action_noop()
            redraw(app)
            samples.append(time.perf_counter() - t1)
    return ready, statistics.median(samples)


def redraw(app) -> None:
    """What a key press costs on screen: refresh the changed widgets, compose every line."""
    app.screen._refresh_layout()
    app.screen._compositor.render_strips()


async def app_figures(officer) -> None:
    from screens.log_quick import QuickEntry
    from tui.app import DutyApp
    from tui.logview import LogView

    bare_ready, bare_key = await bare_app_floor()
    app = DutyApp(actor=officer, start="log")
    t0 = time.perf_counter()
    async with app.run_test(size=(80, 24)) as pilot:
        view = None
        while True:
            await asyncio.sleep(0.001)
            views = app.screen.query(LogView)
            if views and views.first().total and views.first().current is not None:
                view = views.first()
                break
        ready = time.perf_counter() - t0
        line("log screen ready (first rows drawn)", ms(ready), ms(bare_ready), "≤ 100 ms")
        samples = []
        for n in range(200):
            t1 = time.perf_counter()
            view.action_move(-1) if n % 50 < 40 else view.action_page(-1)
            while view.current is None:  # a page not yet read: wait for its worker
                await asyncio.sleep(0.0005)
            redraw(app)
            samples.append(time.perf_counter() - t1)
            await pilot.pause()
        line("key press to redrawn view (median)", ms(statistics.median(samples)), ms(bare_key), "≤ 5 ms")
        line("key press, 95th percentile", ms(sorted(samples)[int(len(samples) * 0.95)]), "", "")
        await pilot.press("end")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        while not isinstance(app.screen, QuickEntry):
            await asyncio.sleep(0.001)
        app.screen.query_one("#quick-line").value = "p: @东门 bench patrol 巡逻正常"
        await app.workers.wait_for_complete()
        before = view.total
        t1 = time.perf_counter()
        await pilot.press("enter")
        while not (view.total > before and view.row_at(view.total - 1) is not None
                   and view.row_at(view.total - 1).text.startswith("bench patrol")):
            await asyncio.sleep(0.0005)
        line("Enter on quick entry to the row on screen", ms(time.perf_counter() - t1), "", "≤ 30 ms")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    line("resident memory (peak, whole bench)", f"{rss:8.1f} MB", "", "≤ 150 MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the database at this path")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    path = args.keep or Path(tmp.name) / "bench.db"
    print(f"Duty log bench: {args.entries:,} entries, SQLite via cysqlite, {path}")
    if path.exists():
        open_database(path)
    else:
        elapsed = build(path, args.entries)
        line(f"fill {args.entries:,} entries (demo)", f"{elapsed:8.2f} s ", f"{raw_insert_floor(args.entries):8.2f} s",
             "well under a minute")
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    from models import log_query
    from models.org import Person
    from models.session import Actor

    total = log_query.total()
    queries(path, total)
    person = Person.select().where(Person.role == "officer").first()
    asyncio.run(app_figures(Actor(person.id, person.name, person.role)))


if __name__ == "__main__":
    main()
