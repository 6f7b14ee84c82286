"""Start to sign-in: from a new process to the sign-in screen drawn, beside a bare app.

    python tests/bench/bench_start.py [--staff N]

Each figure is the median wall time of seven fresh processes, measured from the parent:
Python starting, imports, the database opened (ours), and the first screen written to a
headless driver, then exit. Floor: a bare Textual app with a header, a table and a footer,
started and timed the same way. Target (issue 16): at most 1.3× the floor.
The runs of the floor and ours alternate, so a busy machine slows both alike.
Also: one key typed into the sign-in's name field with 4,000 staff on the list (``--key-staff``),
beside a bare app's field over a list of 40 names; the difference is the sign-in's own work.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.report import record  # noqa: E402

RUNS = 7


def bare_child() -> None:
    from textual.app import App
    from textual.widgets import DataTable, Footer, Header

    class Bare(App):
        def compose(self):
            yield Header()
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            self.query_one(DataTable).add_columns("name", "role", "position")
            self.call_after_refresh(self.exit)

    Bare().run(headless=True, size=(80, 24))


def ours_child(path: str) -> None:
    from duty_desk.models.storage.schema import open_database
    from duty_desk.screens.signin import SignInScreen
    from duty_desk.tui.app import DutyApp

    open_database(path)
    app = DutyApp(lang="en", actor=None)

    def drawn() -> None:
        if isinstance(app.screen, SignInScreen) and app.screen.people:
            app.exit()
        else:
            app.set_timer(0.005, drawn)

    app.call_later(lambda: app.call_after_refresh(drawn))
    app.run(headless=True, size=(80, 24))


def timed(*argvs: tuple[str, ...]) -> list[float]:
    """Median wall time of each command. The runs alternate (floor, ours, floor, ours …) so
    that a machine busy with something else slows both alike, not one of them."""
    times: list[list[float]] = [[] for _ in argvs]
    for _ in range(RUNS):
        for n, argv in enumerate(argvs):
            began = time.perf_counter()
            subprocess.run([sys.executable, __file__, *argv], cwd=ROOT, check=True)
            times[n].append(time.perf_counter() - began)
    return [statistics.median(t) for t in times]


def build(path: Path, staff: int) -> None:
    from duty_desk.models.storage import db as dbmod
    from duty_desk.models.storage.schema import open_database
    from duty_desk.seed import demo

    open_database(path)
    demo.build(people=staff, days=2)
    dbmod.close()


async def _press_times(app, ready) -> float:
    """Median time of a key typed into the focused field, to the screen updated (Pilot's
    own wait for the app to go idle included, for ours and the floor alike)."""
    samples = []
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert ready(app)
        for letter in "王李张刘陈王李张刘陈":
            began = time.perf_counter()
            await pilot.press(letter)
            await app.workers.wait_for_complete()
            samples.append(time.perf_counter() - began)
            await pilot.press("backspace")
            await pilot.pause()
    return statistics.median(samples)


async def key_in_name_field(path: Path) -> tuple[float, float]:
    """(a key in the sign-in's name field, the same key in a bare app's field over a list)."""
    from textual.app import App
    from textual.widgets import Input, OptionList

    from duty_desk.models.storage import db as dbmod
    from duty_desk.models.storage.schema import open_database
    from duty_desk.screens.signin import SignInScreen
    from duty_desk.tui.app import DutyApp

    class Bare(App):
        def compose(self):
            yield Input()
            yield OptionList(*[f"name {n}" for n in range(40)])

    floor = await _press_times(Bare(), lambda app: True)
    open_database(path)
    ours = await _press_times(DutyApp(lang="en", actor=None), lambda app: isinstance(app.screen, SignInScreen))
    dbmod.close()
    return ours, floor


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--staff", type=int, default=1000)
    parser.add_argument("--key-staff", type=int, default=4000, help="staff on the list for the key in the name field")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        bare_child() if args.child[0] == "bare" else ours_child(args.child[1])
        return
    import asyncio

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "start.db"
        build(path, args.staff)
        bare, ours = timed(("--child", "bare"), ("--child", "ours", str(path)))
        record("bench_start", f"start → sign-in drawn ({args.staff:,} staff)", ours * 1000, bare * 1000,
               "≤ 1.3× floor", ok=ours <= 1.3 * bare)
        if args.key_staff != args.staff:
            path = Path(folder) / "key.db"
            build(path, args.key_staff)
        key, floor = asyncio.run(key_in_name_field(path))
        record("bench_start", f"one key in the sign-in name field ({args.key_staff:,} staff)", key * 1000,
               floor * 1000, "reference")
        record("bench_start", "  of which the sign-in's own work (beyond the bare app)", (key - floor) * 1000,
               None, "≤ 16 ms", ok=key - floor <= 0.016)


if __name__ == "__main__":
    main()
