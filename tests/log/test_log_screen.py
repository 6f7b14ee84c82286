"""The log screen and quick entry by keys alone: what a duty officer and a shift lead press."""

from __future__ import annotations

from textual.widgets import Input

from duty_desk.models.logbook import followups
from duty_desk.models.logbook import entries as log_entries
from duty_desk.models.logbook import query as log_query
from duty_desk.models.accounts.session import acting_as, sign_in
from duty_desk.screens.handover import HandoverScreen
from duty_desk.screens.log import LogScreen
from duty_desk.screens.log_dialogs import FormDialog
from duty_desk.screens.log_quick import QuickEntry
from tests.helpers import screen_text, settle
from duty_desk.tui.ask import Ask
from duty_desk.tui.logview import LogView

SIZE = (80, 24)


async def type_line(pilot, text: str) -> None:
    await pilot.press(*text) if text.isascii() else None
    if not text.isascii():
        pilot.app.focused.insert_text_at_cursor(text)
        await pilot.pause()


async def test_quick_entry_of_several_categories_then_amend(office, make_app):
    app = make_app(actor=office.officer, start="log")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, LogScreen)
        assert "The log is empty" in screen_text(app)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, QuickEntry)
        for line in ("p: @东门 夜间巡逻正常", "v: @大厅 visitor from the bank", "f: @机房 UPS alarm"):
            await type_line(pilot, line)
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, Ask)  # a post never written at is asked about once
            await pilot.press("enter")
            await settle(app, pilot)
        # A category chosen by key: Down from "other" wraps to the first (patrol).
        await pilot.press("down")
        await type_line(pilot, "gate checked")
        await pilot.press("enter")
        await settle(app, pilot)
        # Bad input: the message at the line, the text stays, nothing saved.
        await type_line(pilot, "25:61 p: late")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "There is no time 25:61" in screen_text(app)
        assert app.screen.query_one(Input).value == "25:61 p: late"
        assert log_query.total() == 4
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, LogScreen)
        text = screen_text(app)
        assert "夜间巡逻正常" in text and "UPS alarm" in text and "gate checked" in text
        assert "4 entries" in text
        assert [r.category for r in log_query.rows_between(1, 4)] == ["patrol", "visitor", "fault", "patrol"]
        await pilot.press("up")  # the fault, one above the newest
        await settle(app, pilot)
        assert app.screen.view.current.text == "UPS alarm"
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        field = app.screen.query_one(Input)
        field.value = ""
        await type_line(pilot, "UPS alarm, battery replaced")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, LogScreen)
        fix = log_query.row_by_seq(5)
        assert fix.amends_seq == 3 and fix.text == "UPS alarm, battery replaced"
        assert log_query.row_by_seq(3).text == "UPS alarm"  # the original stays
        assert "✎3" in screen_text(app)


async def test_follow_up_opened_and_closed_by_keys(office, make_app):
    with acting_as(office.officer):
        entry = log_entries.add("m: 调度会: 东门监控更换")
    app = make_app(actor=office.officer, start="log")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        await type_line(pilot, "nobody")
        await pilot.press("enter", "enter", "enter")
        await settle(app, pilot)
        assert "No one on the staff is called" in screen_text(app)
        owner = app.screen.query_one("#form-owner", Input)
        owner.value = ""
        await type_line(pilot, "Li Na")
        await pilot.press("enter", "enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, LogScreen)
        [item] = followups.for_entry(entry)
        assert item.owner == "Li Na" and item.is_open
        assert "⚑" in screen_text(app)
        await pilot.press("c")
        await settle(app, pilot)
        await pilot.press("enter")  # an empty note is refused at the field
        await settle(app, pilot)
        assert "closing a follow-up needs a note" in screen_text(app)
        await type_line(pilot, "done")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, LogScreen)
        assert not followups.for_entry(entry)[0].is_open
        assert "done" in screen_text(app)


async def test_emergency_banner_until_a_lead_acknowledges(office, make_app):
    app = make_app(actor=office.officer, start="log")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        await type_line(pilot, "e: @仓库 smoke alarm in the store")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, Ask)  # a new post: asked once
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert "EMERGENCY #1" in screen_text(app)
        await pilot.press("f5")  # another screen: the banner is there too
        await settle(app, pilot)
        assert "EMERGENCY #1" in screen_text(app)
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press("a")  # an officer may not acknowledge
        await settle(app, pilot)
        assert log_query.unacknowledged_emergencies()
        sign_in(office.lead)
        await pilot.press("a")
        await settle(app, pilot)
        await settle(app, pilot)
        assert log_query.unacknowledged_emergencies() == []
        assert "EMERGENCY #1" not in screen_text(app)


async def test_search_jumps_to_a_two_character_chinese_word(office, make_app):
    with acting_as(office.officer):
        for n in range(300):
            log_entries.add(f"o: routine check {n}")
        log_entries.add("p: @东门 夜间巡逻正常")
        for n in range(300):
            log_entries.add(f"o: routine check late {n}")
    app = make_app(actor=office.officer, start="log")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        view = app.screen.query_one(LogView)
        assert view.cursor == 600
        await pilot.press("slash")
        await type_line(pilot, "巡逻")
        await pilot.press("enter")
        await settle(app, pilot)
        assert view.cursor == 300
        assert "hit at #301" in screen_text(app) and "夜间巡逻正常" in screen_text(app)
        await pilot.press("home")
        await settle(app, pilot)
        assert "routine check 0" in screen_text(app)
        await pilot.press("f")
        await settle(app, pilot)
        await pilot.press("enter", "enter")
        await type_line(pilot, "p")
        await pilot.press(*["enter"] * 6)
        await settle(app, pilot)
        assert view.total == 1 and "1 entry" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert view.total == 601


async def test_handover_by_keys(office, make_app):
    with acting_as(office.officer):
        log_entries.add("f: @机房 UPS alarm")
    app = make_app(actor=office.lead, start="log")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)
        assert "UPS alarm" in screen_text(app)
        await pilot.press("c")
        await settle(app, pilot)
        await type_line(pilot, "all quiet")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "waits for the incoming lead" in screen_text(app)
        sign_in(office.lead2)
        await pilot.press("s")
        await settle(app, pilot)
        from duty_desk.models.logbook import handover

        h = handover.get()
        assert h.outgoing == "陈海燕" and h.incoming == "赵国庆" and "all quiet" in h.report
        assert "UPS alarm" in h.report


async def test_the_log_in_chinese(office, make_app):
    with acting_as(office.officer):
        log_entries.add("p: @东门 巡逻正常")
    app = make_app(lang="zh_CN", actor=office.officer, start="log")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "巡逻" in text and "1 条记录" in text


async def test_show_entry_jumps_to_an_entry_and_marks_it(office, make_app):
    """The score review shows a deduction's evidence: switch to the log, then show_entry."""
    with acting_as(office.officer):
        for n in range(200):
            log_entries.add(f"p: @东门 round {n}")
        target = log_entries.add("o: @大门 门岗无人值守 15 分钟")
        for n in range(200):
            log_entries.add(f"p: @东门 late round {n}")
    app = make_app(actor=office.lead, start="positions")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await app.switch_mode("log")  # as the score review does, then at once:
        app.screen.show_entry(target)
        await settle(app, pilot)
        view = app.screen.query_one(LogView)
        assert view.current.id == target and view.shown == 201
        text = screen_text(app)
        assert "▶ 门岗无人值守 15 分钟" in text and "entry #201" in text
        assert "late round 199" not in text  # the newest entries are out of sight
        await pilot.press("up")  # the mark stays on the entry asked for
        await settle(app, pilot)
        assert view.current.seq == 200 and "▶ 门岗无人值守" in screen_text(app)
        # A filter that hides the entry is dropped to show it.
        await pilot.press("f")
        await settle(app, pilot)
        await pilot.press("enter", "enter")
        await type_line(pilot, "p")
        await pilot.press(*["enter"] * 6)
        await settle(app, pilot)
        assert view.total == 400 and "filtered" in screen_text(app)
        app.screen.show_entry(target)
        await settle(app, pilot)
        assert view.total == 401 and view.current.id == target
        assert "filtered" not in screen_text(app) and "▶ 门岗无人值守" in screen_text(app)
        app.screen.show_entry(99999)  # gone or never there: said, nothing moves
        await settle(app, pilot)
        assert "There is no log entry 99999." in screen_text(app)
        assert view.current.id == target and "▶ 门岗无人值守" in screen_text(app)
