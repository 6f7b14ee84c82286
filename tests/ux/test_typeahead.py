"""Item 1: keys typed right after "/" or ctrl+n reach the new input, in order, none lost."""

from __future__ import annotations

from textual.widgets import Input

from duty_desk.models.logbook import entries as log_entries
from duty_desk.models.logbook.query import unacknowledged_emergencies
from duty_desk.models.logbook.tables import LogEntry
from duty_desk.models.accounts.session import acting_as
from duty_desk.screens.log import LogScreen
from duty_desk.screens.log_quick import QuickEntry
from tests.helpers import screen_text, settle, wait_until
from tests.ux.keys import burst


async def test_search_typed_at_once_after_slash_goes_to_the_box(desk, make_app):
    with acting_as(desk.officer):
        log_entries.add("!! fire door open at the warehouse")  # an emergency nobody acknowledged
        log_entries.add("UPS alarm in the server room")
        log_entries.add("patrol: all quiet")
    app = make_app(actor=desk.lead, start="log")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, LogScreen)
        screen.search_text = "fire"  # an earlier search: typing replaces it
        burst(app, "slash", *"alarm", "enter")
        assert await wait_until(pilot, lambda: screen.search_text == "alarm")
        await settle(app, pilot)
        assert screen.search_text == "alarm"
        box = screen.query_one("#log-search", Input)
        assert not box.display and screen.focused is screen.view
        assert "hit at #2" in screen_text(app)
        # "a" did not reach the log as "acknowledge": the emergency is still open
        assert len(unacknowledged_emergencies()) == 1
        assert "acknowledged." not in screen_text(app)


async def test_slash_is_a_character_inside_the_search_box(desk, make_app):
    app = make_app(actor=desk.officer, start="log")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        burst(app, "slash", *"a/b")
        await settle(app, pilot)
        assert app.screen.query_one("#log-search", Input).value == "a/b"


async def test_quick_entry_typed_at_once_after_ctrl_n(desk, make_app):
    app = make_app(actor=desk.officer, start="log")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        burst(app, "ctrl+n", *"p: 巡逻正常 all quiet", "enter", *"v: visitor", "enter")
        assert await wait_until(pilot, lambda: LogEntry.select().count() == 2)
        await settle(app, pilot)
        assert isinstance(app.screen, QuickEntry)
        texts = [e.text for e in LogEntry.select().order_by(LogEntry.seq)]
        assert texts == ["巡逻正常 all quiet", "visitor"]
        assert app.screen.query_one("#quick-line", Input).value == ""
