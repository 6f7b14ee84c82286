"""Items 3 and 10 (quick entry): the README's form typed literally, back-dated entries said and
shown in time order, full-width punctuation and Chinese category prefixes."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Static

from duty_desk.models.logbook import entries as log_entries
from duty_desk.models.logbook import query as log_query
from duty_desk.models.logbook.tables import LogEntry
from duty_desk.models.logbook.quick_entry import parse
from duty_desk.models.accounts.session import acting_as
from duty_desk.screens.log import LogScreen
from duty_desk.screens.log_quick import QuickEntry
from tests.helpers import screen_text, settle, wait_until
from tests.ux.keys import burst

NOON = dt.datetime(2026, 11, 20, 13, 30)


def test_the_form_in_brackets_full_width_and_chinese_prefixes(desk):
    cats = log_entries.categories()
    found = parse("[02:10] [p:] [@东门] [!!] gate open", cats, NOON)
    assert (found.at, found.category, found.post, found.severity, found.text) == (
        dt.datetime(2026, 11, 20, 2, 10), "patrol", "东门", "emergency", "gate open")
    assert parse("[02:10] p: all quiet", cats, NOON).category == "patrol"
    found = parse("14：05 巡：消防通道畅通", cats, NOON)
    assert (found.category, found.text, found.at.day) == ("patrol", "消防通道畅通", 19)  # later than now
    assert parse("巡逻：all quiet", cats, NOON).category == "patrol"
    assert parse("来访: 供应商", cats, NOON).category == "visitor"
    assert parse("火警：三楼有烟", cats, NOON).category == "emergency"
    assert parse("！！ 三楼有烟", cats, NOON).severity == "emergency"
    assert parse("！ UPS", cats, NOON).severity == "important"
    assert parse("[x] stays text", cats, NOON).text == "[x] stays text"


async def test_back_dated_entries_say_where_they_went_and_sit_in_time_order(desk, make_app):
    with acting_as(desk.officer):
        log_entries.add("p: noon round")
        log_entries.add("v: a visitor at noon")
    app = make_app(actor=desk.officer, start="log")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        burst(app, "ctrl+n", *"[02:10] p: gate 3 closed", "enter")
        assert await wait_until(pilot, lambda: LogEntry.select().count() == 3)
        await settle(app, pilot)
        hint = str(app.screen.query_one("#quick-hint", Static).render())
        assert "Saved entry 3 at 02:10 today (2026-11-19 night shift)." in hint
        burst(app, *"23:50 p: yard lights off", "enter")
        assert await wait_until(pilot, lambda: LogEntry.select().count() == 4)
        await settle(app, pilot)
        hint = str(app.screen.query_one("#quick-hint", Static).render())
        assert "23:50 is later than now, so entry 4 went to yesterday (2026-11-19 night shift)." in hint
        assert app.screen.query_one(Input).value == ""
        await pilot.press("escape")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, LogScreen)
        assert list(screen.view.seqs) == [4, 3, 1, 2]  # by when it happened, then by number
        lines = [line for line in screen_text(app).splitlines() if line.startswith("11-")]
        assert [line[:11] for line in lines] == ["11-19 23:50", "11-20 02:10", "11-20 12:00", "11-20 12:00"]
        assert not log_query.in_seq_order()


async def test_zh_quick_entry_takes_chinese_prefix_and_full_width_marks(desk, make_app):
    app = make_app(lang="zh_CN", actor=desk.officer, start="log")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        burst(app, "ctrl+n")
        assert await wait_until(pilot, lambda: isinstance(app.screen, QuickEntry))
        app.screen.query_one(Input).insert_text_at_cursor("巡：！！ 仓库门未锁")
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: LogEntry.select().count() == 1)
        entry = LogEntry.get()
        assert (entry.category.key, entry.severity, entry.text) == ("patrol", "emergency", "仓库门未锁")
        assert log_query.in_seq_order()
