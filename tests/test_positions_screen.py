"""Positions by keys alone: reach the screen, filter for a title, open it, see its rules."""

from textual.widgets import Input, OptionList

from duty_desk.screens.positions import PositionDetailScreen, PositionsScreen
from tests.helpers import screen_text, settle


async def test_filter_and_open_shows_rules(seeded_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, PositionsScreen)
        olist = app.screen.query_one(OptionList)
        assert olist.option_count > 60
        await pilot.press(*"木料场")
        await pilot.pause()
        assert app.screen.query_one(Input).value == "木料场"
        enabled = [olist.get_option_at_index(i) for i in range(olist.option_count)
                   if not olist.get_option_at_index(i).disabled]
        assert len(enabled) == 1
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, PositionDetailScreen)
        text = screen_text(app)
        assert "木料场会计" in text
        assert "值班期间脱岗一次" in text
        assert "-2" in text
        assert "¥50" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PositionsScreen)


async def test_a_departments_own_duties_open_from_its_heading(seeded_db, make_app):
    """㈡会计核算中心 of document 001 gives the department duties, not a position's."""
    from duty_desk.screens.positions import DepartmentDetailScreen

    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press(*"Accounting")
        await pilot.pause()
        text = screen_text(app)
        assert "Accounting Centre" in text and "the department's own duties" in text and "2 lines" in text
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DepartmentDetailScreen)
        text = screen_text(app)
        assert "会计核算中心" in text and "Duties" in text and "认真贯彻执行国家的经济政策" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PositionsScreen)
