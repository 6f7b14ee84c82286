"""Duty log benchmarks on a 1,000,000-entry logbook, each figure beside a floor from this run.

    python tests/bench/bench_log.py [--entries N] [--keep PATH]

``--keep PATH`` builds the database there once and reuses it afterwards (the fill is then
not measured again). Targets from issue 4. Floors, measured in the same run:

- SQL figures: the same statement through the raw cysqlite driver, without our code.
- Screen ready: a bare Textual app whose only widget is a Line-API view of the same size,
  ready when it draws its first line; ours is ready when the log view draws its first
  entry (not merely when the rows are read). Median of five starts, each after a
  ``gc.collect()``: the bench runs many apps in one process, and a full collection of
  their garbage (100 ms and more) would otherwise land in a start at random. For
  reference, the same app opening the positions workspace, to its first frame.
- Key press: the same bare app moving a cursor over its rows and repainting the view.
  Both are timed the same way: the action, every message it caused handled, then the
  screen's own update (layout if needed, then the changed lines composed and written to
  the headless driver). Pilot's idle waits (≥ 40 ms a key) are not counted for either.
- Quick entry: Enter reaches the app as a key event from the driver; the time runs until
  the frame that shows the new row has been written. No floor: nothing is simpler.
- Memory: peak resident set of a fresh process that opens the app headless on the
  database, pages through it, jumps to the first entry, searches and filters, and quits;
  floor: the same bare app in a fresh process pressing the same keys.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from duty_desk.models.storage.db import db  # noqa: E402
from duty_desk.models.storage.schema import open_database  # noqa: E402

SIZE = (80, 24)
RARE = "门禁读卡器"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def line(name: str, value: str, floor: str, target: str) -> None:
    """One figure ("12.34 ms", "57.0 MB") beside its floor, through tests/bench/report.py."""
    from tests.bench.report import record

    number, unit = value.split()[:2]
    limit = _target_value(target, unit)
    record("bench_log", name, float(number), float(floor.split()[0]) if floor.strip() else None, target, unit,
           ok=None if limit is None else float(number) <= limit)


def _target_value(target: str, unit: str) -> float | None:
    """"≤ 100 ms" → 100.0 when the units agree; None for a target in words."""
    parts = target.replace("≤", "").split()
    if len(parts) == 2 and parts[1] == unit:
        try:
            return float(parts[0])
        except ValueError:
            return None
    return None


def build(path: Path, entries: int) -> float:
    from duty_desk.models.organisation.org import Person
    from duty_desk.seed import demo_log, loader

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

    from duty_desk.models.logbook import query as log_query
    from duty_desk.models.logbook.search import match_query

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
    floor = timed(lambda: raw.execute("SELECT rowid FROM log_search WHERE log_search MATCH ? ORDER BY rowid LIMIT 1",
                                      (match_query("UPS alarm"),)).fetchone(), 5)
    line("search 'UPS alarm': first hit", ms(rare), ms(floor), "≤ 100 ms")
    hits = len(log_query.filtered_seqs(log_query.LogFilter(text=RARE)))
    filtered = timed(lambda: log_query.filtered_seqs(log_query.LogFilter(text=RARE)), 5)
    floor = timed(lambda: raw.execute("SELECT rowid FROM log_search WHERE log_search MATCH ?",
                                      (match_query(RARE),)).fetchall(), 5)
    line(f"search as a filter ({RARE}, {hits:,} hits)", ms(filtered), ms(floor), "≤ 100 ms")
    raw.close()


# -- the bare app: the floor for everything on screen ------------------------------------

VIEW_HEIGHT = 17  # the log view at 80×24: header, status line, detail (4) and footer around it


def bare_app():
    """A Textual app with one Line-API view of the log view's size, nothing else.

    Like ours it has no scrollbar and looks its two styles up once; it repaints the whole
    view on every key (a cursor move in ours repaints two lines, a scroll all of them).
    """
    from rich.segment import Segment
    from textual.app import App
    from textual.geometry import Size
    from textual.scroll_view import ScrollView
    from textual.strip import Strip

    class Lines(ScrollView, can_focus=True):
        DEFAULT_CSS = f"Lines {{ height: {VIEW_HEIGHT}; overflow-x: hidden; overflow-y: hidden; }}"
        COMPONENT_CLASSES = {"lines--cursor"}

        def __init__(self):
            super().__init__()
            self.cursor = 999_999
            self.first_drawn: float | None = None
            self.styles_seen = None

        def on_mount(self):
            self.virtual_size = Size(self.size.width, 1_000_000)
            self.scroll_to(y=1_000_000, animate=False, immediate=True, force=True)

        def action_move(self, delta: int) -> None:
            self.cursor = max(0, self.cursor + delta)
            top = int(self.scroll_offset.y)
            if not top <= self.cursor < top + self.size.height:
                self.scroll_to(y=self.cursor, animate=False, immediate=True, force=True)
            self.refresh()

        def render_line(self, y: int) -> Strip:
            if self.first_drawn is None:
                self.first_drawn = time.perf_counter()
            if self.styles_seen is None:
                self.styles_seen = (self.rich_style, self.rich_style + self.get_component_rich_style("lines--cursor"))
            index = int(self.scroll_offset.y) + y
            text = f"{index:>7} 11-20 14:05 巡逻      东门     值班员1 巡逻正常，门窗已锁"
            style = self.styles_seen[index == self.cursor]
            return Strip([Segment(text, style)]).crop_extend(0, self.size.width, self.styles_seen[0])

    class Bare(App):
        def compose(self):
            yield Lines()

    return Bare(), Lines


async def workers_done(app) -> None:
    """Every worker finished; one that a newer one replaced (an exclusive group) is not an error."""
    from textual.worker import WorkerCancelled

    while True:
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            await asyncio.sleep(0)


async def settled(app, nodes) -> None:
    """Let the app handle every message a key press caused (no sleeping, no idle wait)."""
    for _ in range(100):
        if all(node._message_queue.empty() for node in nodes):
            return
        await asyncio.sleep(0)


def frame(app) -> None:
    """The screen's own update, as its refresh timer runs it: layout if needed, then draw."""
    app.screen._on_timer_update()


async def key_samples(app, act, count: int = 200, ready=lambda: True) -> list[float]:
    nodes = [app, app.screen, *app.screen.walk_children()]
    samples = []
    for n in range(count):
        t0 = time.perf_counter()
        act(n)
        await settled(app, nodes)
        while not ready():  # a page not read yet: wait for its worker (counted)
            await asyncio.sleep(0.0002)
            await settled(app, nodes)
        frame(app)
        samples.append(time.perf_counter() - t0)
        await asyncio.sleep(0.002)  # what is left over (timers, idle) runs between keys
    return samples


def moves(n: int) -> int:
    """Up forty times, page up ten times, and again."""
    return -1 if n % 50 < 40 else -20


STARTS = 5  # start-up figures are the median of this many starts (after one to warm up)


async def bare_floor() -> tuple[float, list[float]]:
    readies = []
    for n in range(STARTS + 1):
        app, lines_type = bare_app()
        gc.collect()  # the garbage of the apps run before is not this start's work
        t0 = time.perf_counter()
        async with app.run_test(size=SIZE):
            view = app.query_one(lines_type)
            while view.first_drawn is None:
                await asyncio.sleep(0.0005)
            readies.append(view.first_drawn - t0)
            if n == STARTS:
                await asyncio.sleep(0.05)
                samples = await key_samples(app, lambda n, view=view: view.action_move(moves(n)))
    return statistics.median(readies[1:]), samples


async def first_frame(officer, mode: str) -> float:
    """The same app opening another workspace, until its first frame is written."""
    from textual._compositor import Compositor

    from duty_desk.tui.app import DutyApp

    frames: list[float] = []
    render_update = Compositor.render_update

    def watched(self, *args, **kwargs):
        result = render_update(self, *args, **kwargs)
        frames.append(time.perf_counter())
        return result

    Compositor.render_update = watched
    try:
        app = DutyApp(actor=officer, start=mode)
        gc.collect()
        t0 = time.perf_counter()
        async with app.run_test(size=SIZE):
            while not frames:
                await asyncio.sleep(0.0005)
            await app.workers.wait_for_complete()
    finally:
        Compositor.render_update = render_update
    return frames[0] - t0


async def app_figures(officer) -> None:
    from textual import events

    from duty_desk.screens.log_quick import QuickEntry
    from duty_desk.tui.app import DutyApp
    from duty_desk.tui.logview import LogView

    first_row: list[float] = []
    render_line = LogView.render_line

    def watched(self, y):  # the moment the first entry is drawn
        strip = render_line(self, y)
        if not first_row and self._strips:
            first_row.append(time.perf_counter())
        return strip

    bare_ready, bare_keys = await bare_floor()
    readies = []
    for _ in range(STARTS + 1):
        app = DutyApp(actor=officer, start="log")
        first_row.clear()
        LogView.render_line = watched
        gc.collect()
        t0 = time.perf_counter()
        async with app.run_test(size=SIZE):
            while not first_row:
                await asyncio.sleep(0.0005)
            readies.append(first_row[0] - t0)
            LogView.render_line = render_line
            await app.workers.wait_for_complete()
    line("log screen ready (first entry drawn)", ms(statistics.median(readies[1:])), ms(bare_ready), "≤ 100 ms")
    others = [await first_frame(officer, "positions") for _ in range(STARTS + 1)]
    line("  (same app, positions: first frame)", ms(statistics.median(others[1:])), "", "reference")

    app = DutyApp(actor=officer, start="log")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        view = app.screen.query_one(LogView)
        if view.size.height != VIEW_HEIGHT:
            print(f"(the log view is {view.size.height} lines high, the floor's {VIEW_HEIGHT})")
        await app.workers.wait_for_complete()
        await asyncio.sleep(0.05)

        def act(n):
            view.action_move(-1) if n % 50 < 40 else view.action_page(-1)

        samples = await key_samples(app, act, ready=lambda: view.current is not None)
        line("key press to redrawn view (median)", ms(statistics.median(samples)), ms(statistics.median(bare_keys)),
             "≤ 5 ms")
        line("key press, 95th percentile", ms(sorted(samples)[int(len(samples) * 0.95)]),
             ms(sorted(bare_keys)[int(len(bare_keys) * 0.95)]), "")

        await pilot.press("end")
        await pilot.press("ctrl+n")
        while not isinstance(app.screen, QuickEntry):
            await asyncio.sleep(0.001)
        enter_samples = []
        for n in range(15):
            text = f"bench patrol {n} 巡逻正常"
            app.screen.query_one("#quick-line").value = f"p: @东门 {text}"
            await workers_done(app)
            await pilot.pause()
            before = view.total
            t1 = time.perf_counter()
            app._driver.send_message(events.Key("enter", "\r"))  # as the terminal sends it
            while not (view.total > before and (row := view.row_at(view.total - 1)) is not None and row.text == text):
                await asyncio.sleep(0.0002)
            view.screen._on_timer_update()  # the log screen draws the row, under the quick entry
            frame(app)  # and the quick entry's frame, over it, is written
            enter_samples.append(time.perf_counter() - t1)
            assert text in "\n".join(strip.text for strip in view.screen._compositor.render_strips())
            row_y = view.region.y + view.total - 1 - int(view.scroll_offset.y)
            box = app.screen.query_one("#quick-entry").region
            assert row_y < box.y, f"the new row (line {row_y}) is under the quick entry ({box})"
            await asyncio.sleep(0.05)
        line("Enter on quick entry to the row on screen", ms(statistics.median(enter_samples)), "", "≤ 30 ms")


# -- memory: the app (and the bare app) alone in a fresh process ------------------------

async def memory_walk(db_path: str, officer: dict) -> None:
    from duty_desk.models.logbook.query import LogFilter
    from duty_desk.models.accounts.session import Actor
    from duty_desk.tui.app import DutyApp
    from duty_desk.tui.logview import LogView

    open_database(Path(db_path))
    app = DutyApp(actor=Actor(**officer), start="log")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        view = app.screen.query_one(LogView)
        for n in range(200):
            view.action_move(-1) if n % 50 < 40 else view.action_page(-1)
            await app.workers.wait_for_complete()
        await pilot.press("home")
        await app.workers.wait_for_complete()
        screen = app.screen
        screen.search_text = "巡逻"
        screen.jump_hit(1)
        await app.workers.wait_for_complete()
        screen._filtered(LogFilter(text=RARE))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert view.total > 0
        await pilot.press("ctrl+q")


async def memory_walk_bare() -> None:
    app, lines_type = bare_app()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(lines_type)
        for n in range(200):
            view.action_move(moves(n))
            await asyncio.sleep(0)
        await pilot.press("home")
        await pilot.pause()


def peak_rss_mb() -> float:
    """This process's peak resident set. Not ru_maxrss: Linux carries that over from the
    parent through fork and exec, so a child would report at least the bench's own size."""
    try:
        for text in Path("/proc/self/status").read_text().splitlines():
            if text.startswith("VmHWM:"):
                return int(text.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_rss(*args: str) -> float:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the database at this path")
    parser.add_argument("--memory-child", nargs=2, metavar=("DB", "ACTOR"), help=argparse.SUPPRESS)
    parser.add_argument("--memory-floor-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        asyncio.run(memory_walk(args.memory_child[0], json.loads(args.memory_child[1])))
        print(peak_rss_mb())
        return
    if args.memory_floor_child:
        asyncio.run(memory_walk_bare())
        print(peak_rss_mb())
        return

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
    from duty_desk.models.logbook import query as log_query
    from duty_desk.models.organisation.org import Person
    from duty_desk.models.accounts.session import Actor

    total = log_query.total()
    queries(path, total)
    person = Person.select().where(Person.role == "officer").first()
    officer = Actor(person.id, person.name, person.role)
    asyncio.run(app_figures(officer))
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    rss = child_rss("--memory-child", str(path), json.dumps({"id": officer.id, "name": officer.name,
                                                             "role": officer.role}))
    floor = child_rss("--memory-floor-child")
    line("resident memory (peak, app alone)", f"{rss:8.1f} MB", f"{floor:8.1f} MB", "≤ 150 MB")


if __name__ == "__main__":
    main()
