"""Item 6: Enter on a missed patrol opens the duty log at the missing slot, named; Esc comes
back to the scoresheet as it was; no fact code is shown, only the fact's name."""

from __future__ import annotations

import datetime as dt

from duty_desk.models.appraisal import facts
from duty_desk.models.logbook import entries as log_entries
from duty_desk.models.storage.db import db
from duty_desk.models.logbook.chain import stamp
from duty_desk.models.logbook.patrols import PatrolRule
from duty_desk.models.accounts.session import SYSTEM, acting_as
from duty_desk.screens.log import LogScreen
from tests.helpers import screen_text, settle, wait_until
from tests.scores.conftest import at, office, september  # noqa: F401  (fixtures)
from tests.scores.test_screen import open_row_of
from duty_desk.tui.linetable import LineTable

DUE = dt.datetime(2026, 9, 3, 2, 0)


def a_missed_patrol(office) -> int:  # noqa: F811
    """The log of that night (a round at 01:00, nothing at 02:00, much later), and the slot."""
    with acting_as(office.supervisor):
        log_entries.add_entry("patrol", "木料场巡逻正常", at=DUE - dt.timedelta(minutes=50))
        log_entries.add_entry("other", "门卫交接钥匙", at=DUE - dt.timedelta(minutes=20))
        log_entries.add_entry("other", "仓库来电确认明早到货", at=DUE + dt.timedelta(minutes=40))
        for n in range(60):  # the log opens at the newest, far from the slot
            log_entries.add_entry("other", f"例行巡查 {n}", at=at(6) + dt.timedelta(minutes=n))
    with acting_as(SYSTEM):
        rule = PatrolRule.get_or_create(post="木料场", defaults={"every_minutes": 60})[0]  # the seed's (001)
    missed = db.execute_sql("INSERT INTO missed_patrol (rule_id, due_at, person_id) VALUES (?, ?, ?)",
                            (rule.id, stamp(DUE), office.officer.id)).lastrowid
    facts.record(office.officer.id, "missed_patrol", DUE, "patrol", missed, "木料场")
    return missed


async def test_a_missed_patrol_opens_the_log_at_its_slot_and_esc_comes_back(office, september, make_app):  # noqa: F811
    a_missed_patrol(office)
    facts.record(office.officer.id, "absent_from_post", at(5), "manual", None, "【演示】absent_from_post")
    app = make_app(actor=office.supervisor, start="scores")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_row_of(app, pilot, september)
        sheet = app.screen
        assert await wait_until(pilot, lambda: "2 to decide" in screen_text(app))
        assert "absent_from_post" not in screen_text(app)
        await pilot.press("tab", "enter")  # the missed patrol, first by time
        assert await wait_until(pilot, lambda: isinstance(app.screen, LogScreen)
                                and "missing" in screen_text(app))
        await settle(app, pilot)
        text = screen_text(app)
        assert "Patrol due at 木料场 09-03 02:00 — missing" in text
        assert "门卫交接钥匙" in text and "木料场巡逻正常" in text and "仓库来电确认明早到货" in text
        assert "例行巡查 59" not in text  # it went to the slot, not to the newest
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: app.screen is sheet)  # the same sheet, as it was left
        await settle(app, pilot)
        table = sheet.query_one("#sheet-adjustments", LineTable)
        assert sheet.focused is table and table.cursor_row == 0
        await pilot.press("down", "enter")  # added by hand: its note, the code named
        assert await wait_until(pilot, lambda: "absent from post" in " ".join(screen_text(app).split()))
        assert "absent_from_post" not in screen_text(app)
        await pilot.press("escape")  # the log's Esc is its own again: back there, it clears
        await app.switch_mode("log")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, LogScreen)


async def test_zh_names_the_slot_and_the_fact(office, september, make_app):  # noqa: F811
    a_missed_patrol(office)
    facts.record(office.officer.id, "absent_from_post", at(5), "manual", None, "【演示】absent_from_post")
    app = make_app(actor=office.supervisor, start="scores", lang="zh_CN")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_row_of(app, pilot, september)
        await pilot.press("tab", "down", "enter")
        assert await wait_until(pilot, lambda: "脱岗" in screen_text(app))
        assert "absent_from_post" not in screen_text(app)
        await pilot.press("up", "enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, LogScreen)
                                and "应巡逻：木料场 09-03 02:00 — 未巡" in screen_text(app))
