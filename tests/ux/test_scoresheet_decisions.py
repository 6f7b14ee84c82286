"""Item 5: c and r act only on a deduction in sight and never twice on one row; a asks
before it approves and locks; C confirms every proposal shown after one question."""

from __future__ import annotations

import datetime as dt

from duty_desk.models.appraisal import facts
from duty_desk.models.appraisal.tables import Adjustment, Scoresheet
from duty_desk.models.appraisal.scoresheets import submit_review, submit_self
from duty_desk.models.accounts.session import acting_as
from duty_desk.screens.scoresheet import SheetScreen
from tests.helpers import screen_text, settle, wait_until
from tests.scores.conftest import office, rate_all, september  # noqa: F401  (fixtures)
from duty_desk.tui.ask import Ask
from duty_desk.tui.linetable import LineTable

CODES = ("missed_patrol", "absent_from_post", "missed_patrol")


def at(day: int) -> dt.datetime:
    return dt.datetime(2026, 9, day, 3)


def statuses(sheet_id: int) -> list[str]:
    return [a.status for a in Adjustment.select().where(Adjustment.sheet == sheet_id).order_by(Adjustment.id)]


async def open_sheet(app, pilot, sheet_id: int) -> SheetScreen:
    await settle(app, pilot)
    app.push_screen(SheetScreen(sheet_id))
    assert await wait_until(pilot, lambda: isinstance(app.screen, SheetScreen) and app.screen.detail is not None
                            and app.screen.detail.adjustments)
    await settle(app, pilot)
    return app.screen


async def test_decisions_land_on_the_row_in_sight(office, september, make_app):  # noqa: F811
    for n, code in enumerate(CODES):
        facts.record(office.officer.id, code, at(3 + n), "patrol", 31 + n, f"fact {n}")
    app = make_app(actor=office.supervisor, start="scores")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sheet(app, pilot, september)
        adjustments = screen.query_one("#sheet-adjustments", LineTable)
        assert screen.focused is not adjustments
        await pilot.press("c")  # the deductions are not in focus: the first press shows the row
        await settle(app, pilot)
        assert screen.focused is adjustments and statuses(september) == ["proposed"] * 3
        assert any("Press the key again" in n.message for n in app._notifications)
        await pilot.press("c")
        assert await wait_until(pilot, lambda: statuses(september)[0] == "confirmed")
        assert await wait_until(pilot, lambda: adjustments.cursor_row == 1)  # on to the next to decide
        await pilot.press("r")
        assert await wait_until(pilot, lambda: "Why is this deduction rejected?" in screen_text(app))
        await pilot.press(*"on an errand", "enter")
        assert await wait_until(pilot, lambda: statuses(september) == ["confirmed", "rejected", "proposed"])
        # C: every proposal shown, after one question; Esc first leaves it as it was
        await pilot.press("C")
        assert await wait_until(pilot, lambda: isinstance(app.screen, Ask))
        assert "Confirm all 1 proposed deductions shown?" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert statuses(september)[2] == "proposed"
        await pilot.press("C")
        assert await wait_until(pilot, lambda: isinstance(app.screen, Ask))
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: statuses(september) == ["confirmed", "rejected", "confirmed"])


async def test_approve_asks_once(office, september, make_app):  # noqa: F811
    rate_all(september, office.officer, 8)
    with acting_as(office.officer):
        submit_self(september)
    rate_all(september, office.supervisor, 9)
    with acting_as(office.supervisor):
        submit_review(september)
    app = make_app(actor=office.supervisor, start="scores")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(SheetScreen(september))
        assert await wait_until(pilot, lambda: isinstance(app.screen, SheetScreen) and app.screen.detail)
        await settle(app, pilot)
        await pilot.press("a")
        assert await wait_until(pilot, lambda: isinstance(app.screen, Ask))
        assert "Approve and lock this sheet?" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, SheetScreen) and Scoresheet.get_by_id(september).state == "reviewed"
        await pilot.press("a", "enter")
        assert await wait_until(pilot, lambda: Scoresheet.get_by_id(september).state == "approved")


async def test_a_marked_range_is_decided_at_once(office, september, make_app):  # noqa: F811
    codes = CODES + ("missed_patrol", "absent_from_post")
    for n, code in enumerate(codes):
        facts.record(office.officer.id, code, at(3 + n), "patrol", 31 + n, f"fact {n}")
    app = make_app(actor=office.supervisor, start="scores")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sheet(app, pilot, september)
        adjustments = screen.query_one("#sheet-adjustments", LineTable)
        await pilot.press("space")  # out of sight: the first press only shows the row
        await settle(app, pilot)
        assert screen.focused is adjustments and screen.marked == set()
        # the second, third and fourth: shift+↓ marks and moves, space on a marked row unmarks it
        await pilot.press("down", "shift+down", "shift+down", "shift+down", "up", "space")
        await settle(app, pilot)
        ids = [a.id for a in screen.detail.adjustments]
        assert screen.marked == {ids[1], ids[2]}
        assert sum("■" in line for line in screen_text(app).splitlines()) == 2  # the marks are in sight
        await pilot.press("c")
        assert await wait_until(pilot, lambda: isinstance(app.screen, Ask))
        assert "Confirm the 2 marked deductions?" in screen_text(app)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: statuses(september) == ["proposed", "confirmed", "confirmed",
                                                                        "proposed", "proposed"])
        # r on a marked range: one reason for all
        await pilot.press("home", "space", "down", "down", "space")  # the first and the fourth
        await settle(app, pilot)
        await pilot.press("r")
        assert await wait_until(pilot, lambda: "Why are the 2 marked deductions rejected?" in screen_text(app))
        await pilot.press(*"duplicate", "enter")
        assert await wait_until(pilot, lambda: statuses(september) == ["rejected", "confirmed", "confirmed",
                                                                        "rejected", "proposed"])
        assert screen.marked == set()
