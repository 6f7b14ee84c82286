"""One clock: nothing but ``models/clock.py`` reads the wall clock for domain time."""

from __future__ import annotations

import ast
import re
import datetime as dt
from pathlib import Path

import pytest

from duty_desk.models import clock

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("models", "seed", "tui", "screens", "tests")
# Known and meant: the migration test rebuilds the trigger that 0006 made, to upgrade it.
ALLOWED = {("tests/test_migrations.py", "SQLite 'now'")}
SQL_NOW = re.compile(r"(?i)\b(strftime|datetime|date|time|julianday|unixepoch)\s*\([^)]*'now'")


def wall_clock_reads(source: str, allow_time: bool = False) -> list[tuple[int, str]]:
    """(line, what) for each read of the wall clock in *source*: ``datetime.now``,
    ``date.today``, ``time.time`` and the like, called or passed as a default, and SQLite's
    ``'now'`` in SQL text. ``time.monotonic`` (the idle lock's timer) is not domain time;
    *allow_time* also lets ``time.time`` pass (tests start processes together by it)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            owner = node.value.attr if isinstance(node.value, ast.Attribute) else getattr(node.value, "id", "")
            if owner in ("datetime", "date") and node.attr in ("now", "utcnow", "today"):
                found.append((node.lineno, f"{owner}.{node.attr}"))
            elif owner == "time" and not allow_time and node.attr in (
                    "time", "time_ns", "localtime", "gmtime", "ctime", "strftime"):
                found.append((node.lineno, f"time.{node.attr}"))
        elif isinstance(node, ast.ImportFrom) and node.module in ("time", "datetime"):
            for alias in node.names:
                if alias.name in ("time", "time_ns", "localtime", "gmtime") and node.module == "time":
                    found.append((node.lineno, f"from time import {alias.name}"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_NOW.search(node.value):
            found.append((node.lineno, "SQLite 'now'"))
    return found


def test_the_scanner_finds_each_way_of_reading_the_clock():
    source = ("import datetime as dt, time\nfrom datetime import date, datetime\n"
              "a = dt.datetime.now()\nb = date.today()\nc = time.time()\nd = datetime.utcnow()\n"
              "class M:\n    created = Field(default=dt.datetime.now)\n"
              "sql = \"SELECT strftime('%s', 'now')\"\nfine = time.monotonic()\n")
    lines = [line for line, _what in wall_clock_reads(source)]
    assert sorted(lines) == [3, 4, 5, 6, 8, 9]


def test_no_module_but_the_clock_reads_the_wall_clock():
    offenders = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "models" / "clock.py":
                continue
            if path == ROOT / "tests" / "test_clock.py":
                continue  # its own examples
            source = path.read_text(encoding="utf-8")
            for line, what in wall_clock_reads(source, allow_time=package == "tests"):
                if (str(path.relative_to(ROOT)), what) not in ALLOWED:
                    offenders.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not offenders, "read the time from models.clock instead:\n" + "\n".join(offenders)


def test_a_frozen_clock_stands_still_and_a_started_one_runs():
    moment = dt.datetime(2028, 2, 29, 23, 59, 30)
    with clock.frozen_at(moment):
        assert clock.now() == moment and clock.today() == dt.date(2028, 2, 29)
    clock.start_at(moment)
    assert moment <= clock.now() < moment + dt.timedelta(seconds=30)


def test_the_zone_is_explicit(monkeypatch):
    monkeypatch.setenv("DUTY_TZ", "Europe/Berlin")
    clock.set_zone(None)
    try:
        clock.freeze(dt.datetime(2027, 7, 1, 14, 0))
        assert clock.now_utc() == dt.datetime(2027, 7, 1, 12, 0, tzinfo=dt.timezone.utc)  # CEST is UTC+2
        clock.freeze(dt.datetime(2027, 1, 1, 14, 0))
        assert clock.now_utc() == dt.datetime(2027, 1, 1, 13, 0, tzinfo=dt.timezone.utc)  # CET is UTC+1
    finally:
        monkeypatch.delenv("DUTY_TZ")
        clock.set_zone(None)


def test_a_bad_zone_or_moment_is_named(monkeypatch):
    monkeypatch.setenv("DUTY_TZ", "Mars/Olympus")
    with pytest.raises(clock.ClockError, match="Mars/Olympus"):
        clock.from_environment()
    monkeypatch.delenv("DUTY_TZ")
    monkeypatch.setenv("DUTY_NOW", "yesterday")
    with pytest.raises(clock.ClockError, match="yesterday"):
        clock.from_environment()
    monkeypatch.delenv("DUTY_NOW")
    clock.set_zone(None)
