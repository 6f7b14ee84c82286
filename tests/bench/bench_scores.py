"""Benchmark: one quarter for 1,000 staff with 200,000 duty facts.

Run: ``python tests/bench/bench_scores.py``. Each figure is printed beside a floor measured
in the same run and the target:
- computing the quarter (``period_results``: every sheet's weighted criteria, capped
  deductions, clamp, band, rank) ≤ 500 ms, floor: the same totals by one raw SQL aggregate
  through the cysqlite driver;
- the review table ready (the screen's table filled from computed results and drawn) ≤ 150 ms,
  floor: a bare Textual App drawing the same rows as pre-joined strings in a minimal
  Line-API widget. For comparison (no target) the same rows in a bare DataTable, which the
  screen used before ``tui.linetable``.
Also shown, without a target: opening the quarter (sheets, items, 200,000 proposals).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from duty_desk.models.storage import db as dbmod  # noqa: E402
from duty_desk.models.storage.schema import open_database  # noqa: E402
from duty_desk.models import clock  # noqa: E402

STAFF, FACTS = 1000, 200_000
RUNS = 5


def timed(fn, runs=RUNS):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def build(path: Path) -> None:
    from duty_desk.models.appraisal.tables import Adjustment, Rating, SheetItem
    from duty_desk.models.appraisal.deductions import add_rule
    from duty_desk.models.appraisal.facts import FACT_CODES, DutyFact
    from duty_desk.models.organisation.org import Person, Position
    from duty_desk.models.appraisal.scoresheets import open_period
    from duty_desk.models.accounts.session import SYSTEM, acting_as
    from duty_desk.seed import loader

    open_database(path)
    loader.load()
    rng = random.Random(5)
    duty = Position.get(Position.key == "002-duty-officer")
    with acting_as(SYSTEM):
        for n, code in enumerate(FACT_CODES):
            add_rule(duty.id, f"bench {code}", "deduction", 1 + n % 3, cap=None if n % 2 else 20, code=code)
    now = clock.now()
    with dbmod.db.atomic():
        Person.insert_many([{"name": f"staff{n}", "position": duty.id, "role": "officer", "active": True,
                             "created": now} for n in range(STAFF)]).execute()
    ids = [p.id for p in Person.select(Person.id)]
    codes = list(FACT_CODES)
    start = dt.datetime(2026, 7, 1)
    rows = [{"person": rng.choice(ids), "code": rng.choice(codes),
             "occurred_at": start + dt.timedelta(minutes=rng.randrange(92 * 24 * 60)),
             "source": "log", "ref_id": n, "detail": "", "created": now} for n in range(FACTS)]
    with dbmod.db.atomic():
        for chunk in range(0, len(rows), 5000):
            DutyFact.insert_many(rows[chunk:chunk + 5000]).execute()
    t0 = time.perf_counter()
    with acting_as(SYSTEM):
        period_id, added = open_period("2026-Q3")
    opened_ms = (time.perf_counter() - t0) * 1000
    proposals = Adjustment.select().count()
    ratings = []
    for sid, item_id in SheetItem.select(SheetItem.sheet, SheetItem.id).tuples():
        for side, slot in (("self", 0), ("supervisor", 0), ("peer", 1), ("peer", 2)):
            ratings.append({"sheet": sid, "item": item_id, "rater": side, "slot": slot, "rater_id": None,
                            "points": rng.choice((6, 7, 8, 9, 10)), "comment": "", "updated": now})
    with dbmod.db.atomic():
        for chunk in range(0, len(ratings), 5000):
            Rating.insert_many(ratings[chunk:chunk + 5000]).execute()
        Adjustment.update(status="confirmed").where(Adjustment.id % 10 != 0).execute()
        Adjustment.update(status="rejected").where(Adjustment.id % 20 == 0).execute()
    print(f"opening 2026-Q3: {added} sheets, {proposals} proposals from {FACTS} facts in {opened_ms:.0f} ms")


FLOOR_SQL = """
WITH crit AS (
  SELECT r.sheet_id, r.item_id,
         sum(CASE r.rater WHEN 'self' THEN r.points * s.weight_self
                          WHEN 'supervisor' THEN r.points * s.weight_supervisor END) AS ws,
         avg(CASE WHEN r.rater = 'peer' THEN r.points END) * s.weight_peer AS wp
  FROM rating r JOIN scoresheet s ON s.id = r.sheet_id
  WHERE s.period_id = ? GROUP BY r.sheet_id, r.item_id),
rated AS (SELECT sheet_id, sum((ws + coalesce(wp, 0)) / 100.0) AS rated FROM crit GROUP BY sheet_id),
ded AS (
  SELECT sheet_id, sum(CASE WHEN cap IS NOT NULL AND pts > cap THEN cap ELSE pts END) AS d FROM (
    SELECT a.sheet_id, a.rule_id, max(a.cap) AS cap, sum(a.points * a.count) AS pts
    FROM adjustment a JOIN scoresheet s ON s.id = a.sheet_id
    WHERE s.period_id = ? AND a.status = 'confirmed' GROUP BY a.sheet_id, a.rule_id) GROUP BY sheet_id)
SELECT rated.sheet_id, max(0, min(100, rated.rated - coalesce(ded.d, 0)))
FROM rated LEFT JOIN ded ON ded.sheet_id = rated.sheet_id
"""


def floor_totals(path: Path, period_id: int) -> dict[int, float]:
    import cysqlite

    conn = cysqlite.connect(str(path))
    try:
        return {sid: score for sid, score in conn.execute(FLOOR_SQL, (period_id, period_id))}
    finally:
        conn.close()


async def table_figures(results) -> tuple[float, float, float]:
    """(screen ms, bare Line-API floor ms, bare DataTable ms) for the same rows, each the
    median of 3: rows handed over, then the app idle with the visible lines drawn."""
    from rich.segment import Segment
    from textual.app import App
    from textual.geometry import Size
    from textual.scroll_view import ScrollView
    from textual.strip import Strip
    from textual.widgets import DataTable

    from duty_desk.models.accounts.session import SYSTEM
    from duty_desk.screens.scores import ScoresScreen
    from tests.helpers import screen_text
    from duty_desk.tui.app import DutyApp

    class Lines(ScrollView):
        """The least a Line-API table does: one pre-joined string per row, a strip per line."""

        lines: list[str] = []
        drawn = 0

        def render_line(self, y: int) -> Strip:
            index = int(self.scroll_offset.y) + y
            Lines.drawn += 1
            text = self.lines[index] if index < len(self.lines) else ""
            return Strip([Segment(text)]).crop_extend(0, self.size.width, None)

    class BareLines(App):
        def compose(self):
            yield Lines()

    def joined(r) -> str:
        return " ".join((str(r.rank or "–"), r.name, r.department_en, r.position_en, f"{r.score}", r.band_en,
                         r.state))

    floor = []
    bare = BareLines()
    async with bare.run_test(size=(80, 24)) as pilot:
        view = bare.query_one(Lines)
        for _ in range(3):
            Lines.drawn = 0
            start = time.perf_counter()
            view.lines = [joined(r) for r in results.rows]
            view.virtual_size = Size(80, len(view.lines))
            view.refresh()
            await pilot.pause()
            floor.append((time.perf_counter() - start) * 1000)
            assert Lines.drawn >= 20, "the floor drew nothing"

    data_table = []
    for _ in range(3):
        class BareTable(App):
            def compose(self):
                yield DataTable()

        bare_table = BareTable()
        async with bare_table.run_test(size=(80, 24)) as pilot:
            table = bare_table.query_one(DataTable)
            start = time.perf_counter()
            for col in ("Rank", "Name", "Department", "Position", "Score", "Band", "State"):
                table.add_column(col)
            for r in results.rows:
                table.add_row(str(r.rank), r.name, r.department_en, r.position_en, f"{r.score}", r.band_en, r.state)
            await pilot.pause()
            data_table.append((time.perf_counter() - start) * 1000)

    app = DutyApp(actor=SYSTEM, start="scores")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScoresScreen), f"the app opened {type(screen).__name__}"
        times = []
        for _ in range(3):
            start = time.perf_counter()
            screen.show(([results.period], results))
            await pilot.pause()
            times.append((time.perf_counter() - start) * 1000)
        assert results.rows[0].name in screen_text(app), "the screen shows no rows"
    return statistics.median(times), statistics.median(floor), statistics.median(data_table)


def main() -> None:
    from duty_desk.models.appraisal.review import find_period, period_results
    from duty_desk.models.accounts.session import SYSTEM, sign_in

    sign_in(SYSTEM)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        build(path)
        period_id = find_period("2026-Q3").id
        ours_ms, results = timed(lambda: period_results("2026-Q3"))
        floor_ms, floor = timed(lambda: floor_totals(path, period_id))
        worst = max(abs(round(floor[r.sheet_id], 1) - r.score) for r in results.rows)
        from tests.bench.report import record

        record("bench_scores", "a quarter for 1,000 staff, 200,000 facts (floor: one SQL aggregate)", ours_ms,
               floor_ms, "≤ 500 ms", ok=ours_ms <= 500)
        print(f"   (largest difference from the floor's scores: {worst:.2f})")
        fill_ms, floor_ms, table_ms = asyncio.run(table_figures(results))
        record("bench_scores", "score-review table ready, 1,000 rows (floor: bare Line-API view)", fill_ms,
               floor_ms, "≤ 150 ms", ok=fill_ms <= 150)
        print(f"   for comparison: the same rows in a bare DataTable {table_ms:.1f} ms (no target)")
        dbmod.close()


if __name__ == "__main__":
    main()
