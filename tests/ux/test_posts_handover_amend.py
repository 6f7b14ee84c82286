"""Item 11 (rest): a new post is asked about once, the handover is rendered Markdown with the
stored text kept as text, a correction names the entry it corrects."""

from __future__ import annotations

from textual.widgets import Input, Markdown

from duty_desk.models.logbook import handover
from duty_desk.models.logbook import entries as log_entries
from duty_desk.models.logbook.tables import LogEntry
from duty_desk.models.accounts.session import acting_as
from duty_desk.screens.handover import HandoverScreen
from duty_desk.screens.log import LogScreen
from duty_desk.screens.log_quick import QuickEntry
from tests.helpers import screen_text, settle, wait_until
from tests.ux.keys import burst
from duty_desk.tui.ask import Ask


async def test_a_post_never_used_is_asked_about_once(desk, make_app):
    with acting_as(desk.officer):
        log_entries.add("p: @东门 gate closed")
    app = make_app(actor=desk.officer, start="log")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        burst(app, "ctrl+n", *"@huoxing door open", "enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, Ask))
        assert "Start a new post “huoxing”?" in screen_text(app)
        assert "known posts: 东门" in screen_text(app)
        await pilot.press("escape")  # back to the line, the text kept for mending
        await settle(app, pilot)
        assert isinstance(app.screen, QuickEntry)
        assert app.screen.query_one(Input).value == "@huoxing door open"
        assert LogEntry.select().count() == 1
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, Ask))
        await pilot.press("enter")  # yes: a new post
        assert await wait_until(pilot, lambda: LogEntry.select().count() == 2)
        await settle(app, pilot)
        assert LogEntry.get_by_id(2).post == "huoxing"
        assert app.screen.query_one(Input).value == ""
        burst(app, *"@东门 all quiet", "enter")  # a known post: no question
        assert await wait_until(pilot, lambda: LogEntry.select().count() == 3)
        await settle(app, pilot)
        assert isinstance(app.screen, QuickEntry)


async def test_handover_renders_markdown_and_keeps_stored_text_as_text(desk, make_app):
    with acting_as(desk.officer):
        log_entries.add("f: @机房 **UPS** [alarm](https://example.com) <b>x</b>")
    app = make_app(actor=desk.lead, start="log")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        await pilot.pause(0.3)
        assert isinstance(app.screen, HandoverScreen)
        text = screen_text(app)
        assert "Handover report:" in text and "# Handover" not in text  # a heading, not raw Markdown
        assert "**UPS** [alarm](https://example.com)" in text and "<b>x</b>" in text  # as it was typed
        report = app.screen.query_one("#handover-report", Markdown)
        assert not any(type(w).__name__ == "MarkdownLink" for w in report.walk_children())
    with acting_as(desk.lead):
        export = handover.markdown_to_text(handover.report_markdown(handover.draft()))
    assert "**UPS** [alarm](https://example.com) <b>x</b>" in export


async def test_a_correction_names_the_entry_it_corrects_in_the_detail_line(desk, make_app):
    with acting_as(desk.officer):
        first = log_entries.add("p: @东门 gate open")
    with acting_as(desk.lead):
        log_entries.amend(first, "p: gate closed")
    app = make_app(actor=desk.lead, start="log")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, LogScreen)
        detail = str(app.screen.query_one("#log-detail").render())
        assert detail.startswith("#2 corrects #1 ·")
