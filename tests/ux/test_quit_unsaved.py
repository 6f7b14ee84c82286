"""Item 11 (first part): ctrl+q with a quick entry typed and not saved asks first."""

from __future__ import annotations

from textual.widgets import Input

from duty_desk.screens.log_quick import QuickEntry
from tests.helpers import screen_text, settle, wait_until
from tests.ux.keys import burst
from duty_desk.tui.ask import Ask


async def test_ctrl_q_with_unsaved_text_asks_and_keeps_it(desk, make_app):
    app = make_app(actor=desk.officer, start="log")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        burst(app, "ctrl+n", *"p: gate 3 left open")
        assert await wait_until(pilot, lambda: isinstance(app.screen, QuickEntry)
                                and app.screen.query_one(Input).value == "p: gate 3 left open")
        await pilot.press("ctrl+q")
        assert await wait_until(pilot, lambda: isinstance(app.screen, Ask))
        assert "Quit and lose the entry not saved yet?" in screen_text(app)
        assert "p: gate 3 left open" in screen_text(app)
        await pilot.press("escape")  # keep it: back at the line, the text as typed
        await settle(app, pilot)
        assert app.is_running and isinstance(app.screen, QuickEntry)
        assert app.screen.query_one(Input).value == "p: gate 3 left open"
        await pilot.press("ctrl+q")
        assert await wait_until(pilot, lambda: isinstance(app.screen, Ask))
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: not app.is_running)


async def test_ctrl_q_with_nothing_unsaved_quits_at_once(desk, make_app):
    app = make_app(actor=desk.officer, start="log")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        assert await wait_until(pilot, lambda: not app.is_running)
