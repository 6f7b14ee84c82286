"""Score review by keys alone: self-assess, review, decide deductions, approve, see the band."""

import asyncio

from textual.widgets import Input

from duty_desk.models.appraisal import facts
from duty_desk.models.appraisal.tables import Adjustment, Rating, Scoresheet
from duty_desk.models.accounts.session import SYSTEM, acting_as
from duty_desk.screens.score_dialogs import ScoreDialog
from duty_desk.screens.scores import ScoresScreen
from duty_desk.screens.scoresheet import SheetScreen
from tests.helpers import screen_text, settle
from duty_desk.tui.linetable import LineTable

from .conftest import at


async def until(app, pilot, condition, timeout: float = 10.0) -> None:
    """Wait, as a person would, until the screen shows what the last key leads to."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        await settle(app, pilot)
        if condition():
            return
        assert loop.time() < deadline, screen_text(app)
        await asyncio.sleep(0.02)


async def open_row_of(app, pilot, sheet_id: int) -> None:
    """Move the table's cursor to a sheet by pressing down, then Enter."""
    await settle(app, pilot)
    assert isinstance(app.screen, ScoresScreen)
    table = app.screen.query_one("#scores-table", LineTable)
    for _ in range(table.keys.index(sheet_id)):
        await pilot.press("down")
    await pilot.press("enter")
    await until(app, pilot, lambda: isinstance(app.screen, SheetScreen) and app.screen.detail is not None)


async def score_every_item(app, pilot, points: str) -> None:
    await pilot.press("s")
    for n in range(10):
        await until(app, pilot, lambda n=n: isinstance(app.screen, ScoreDialog) and app.screen.index == n + 1)
        app.screen.query_one("#score-points", Input).value = ""
        await pilot.press(*points, "enter")
    await until(app, pilot, lambda: isinstance(app.screen, SheetScreen)
                and all(i.parts.score is not None for i in app.screen.detail.items))


async def test_self_then_supervisor_decide_and_approve(office, september, make_app):
    facts.record(office.officer.id, "missed_patrol", at(3), "patrol", 31, "no round 02:00")
    facts.record(office.officer.id, "absent_from_post", at(4), "log", 32, "not at the gate")

    # The person scores their own sheet and hands it in.
    app = make_app(actor=office.officer, start="scores")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_row_of(app, pilot, september)
        await score_every_item(app, pilot, "8")
        await pilot.press("h")
        await until(app, pilot, lambda: "[self-assessed]" in screen_text(app))
    assert Scoresheet.get_by_id(september).state == "self_assessed"
    assert Rating.select().where(Rating.rater == "self", Rating.points == 8).count() == 10

    # The supervisor: a score above the maximum is refused at the field, then every item scored.
    app = make_app(actor=office.supervisor, start="scores")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_row_of(app, pilot, september)
        text = screen_text(app)
        assert "2 to decide" in text and "未按规定进行巡逻" in text and "patrol record #31" in text
        await pilot.press("s")
        await until(app, pilot, lambda: isinstance(app.screen, ScoreDialog))
        await pilot.press("1", "1", "enter")
        await until(app, pilot, lambda: "above this item's maximum of 10" in screen_text(app))
        assert isinstance(app.screen, ScoreDialog)
        assert app.screen.query_one("#score-points", Input).value == "11"
        assert Rating.select().where(Rating.rater == "supervisor").count() == 0
        await pilot.press("escape")
        await until(app, pilot, lambda: isinstance(app.screen, SheetScreen))
        await score_every_item(app, pilot, "9")
        await pilot.press("h")
        await until(app, pilot, lambda: "[reviewed]" in screen_text(app))
        # approving with proposals open is refused, nothing changes
        await pilot.press("a")
        await settle(app, pilot)
        assert Scoresheet.get_by_id(september).state == "reviewed"
        # confirm the patrol, reject the absence with a reason
        await pilot.press("tab", "c")
        await until(app, pilot, lambda: "1 to decide" in screen_text(app))
        await pilot.press("down", "r")
        await until(app, pilot, lambda: "Why is this deduction rejected?" in screen_text(app))
        await pilot.press(*"on the lead's errand", "enter")
        await until(app, pilot, lambda: "to decide" not in screen_text(app))
        await pilot.press("a")  # approving locks the sheet: asked once, Enter confirms
        await until(app, pilot, lambda: "Approve and lock this sheet?" in screen_text(app))
        await pilot.press("enter")
        await until(app, pilot, lambda: "[approved]" in screen_text(app))
        text = screen_text(app)
        assert "[approved]" in text
        # 8 × 25 % + 9 × 75 % = 8.75 an item, 87.5 in all, less 1 for the patrol
        assert "Score 86.5 Good" in text
    statuses = {a.code: (a.status, a.reason) for a in Adjustment.select()}
    assert statuses == {"missed_patrol": ("confirmed", ""), "absent_from_post": ("rejected", "on the lead's errand")}
    assert Scoresheet.get_by_id(september).state == "approved"


async def test_a_locked_sheet_in_chinese_shows_its_band_and_parts(office, september, make_app):
    from .conftest import rate_all
    from duty_desk.models.appraisal.scoresheets import approve, submit_review, submit_self

    rate_all(september, office.officer, 10)
    with acting_as(office.officer):
        submit_self(september)
    rate_all(september, office.supervisor, 9)
    with acting_as(office.supervisor):
        submit_review(september)
        approve(september)
    app = make_app(lang="zh_CN", actor=office.supervisor, start="scores")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(app, pilot, lambda: "优秀" in screen_text(app))  # 10 × 25 % + 9 × 75 % = 9.25 an item: 92.5
        await open_row_of(app, pilot, september)
        assert "92.5 优秀" in screen_text(app) and "已批准" in screen_text(app)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, SheetScreen)  # locked: no dialog
        await pilot.press("enter")  # the first item's parts
        await until(app, pilot, lambda: "75%" in screen_text(app))
        text = screen_text(app)
        assert "工作任务" in text and "75%" in text and "25%" in text
        await pilot.press("escape", "escape")
        await until(app, pilot, lambda: isinstance(app.screen, ScoresScreen))


async def test_periods_step_and_open_by_keys(office, september, make_app):
    app = make_app(actor=office.admin, start="scores")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(app, pilot, lambda: "2026-09" in screen_text(app))
        await pilot.press("o")
        await until(app, pilot, lambda: "Open an appraisal period" in screen_text(app))
        app.screen.query_one(Input).value = ""
        await pilot.press(*"2026-Q9", "enter")
        await until(app, pilot, lambda: "not a period" in screen_text(app))
        app.screen.query_one(Input).value = ""
        await pilot.press(*"2026-Q3", "enter")
        await until(app, pilot, lambda: "2026-Q3 quarter" in screen_text(app))
        await pilot.press("left_square_bracket")  # July's quarter is older than September
        await settle(app, pilot)
        assert "2026-Q3" in screen_text(app)
        await pilot.press("right_square_bracket")
        await until(app, pilot, lambda: "2026-09 month" in screen_text(app))
    with acting_as(SYSTEM):
        assert Scoresheet.select().count() == 5 + 2
