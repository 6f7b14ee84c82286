"""The app shell by keys alone: workspaces by their keys and by the palette, help, language."""

from duty_desk.screens.positions import PositionsScreen
from tests.helpers import screen_text, settle, wait_until
from duty_desk.tui.help import HelpScreen
from duty_desk.tui.workspaces import WORKSPACES


async def test_every_workspace_is_one_key_away(seeded_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert len(WORKSPACES) >= 2
        for workspace in reversed(WORKSPACES):
            await pilot.press(workspace.key)
            await settle(app, pilot)
            assert app.current_mode == workspace.mode


async def test_positions_from_the_command_palette_in_chinese(seeded_db, make_app):
    app = make_app(lang="zh_CN")
    other = next(w for w in WORKSPACES if w.mode != "positions")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(other.key)
        await settle(app, pilot)
        assert app.current_mode == other.mode
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"岗位")
        assert await wait_until(pilot, lambda: "岗位 · Positions" in screen_text(app))
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.current_mode == "positions"
        assert isinstance(app.screen, PositionsScreen)
        text = screen_text(app)
        assert "输入以筛选岗位" in text or "值班" in text
        assert "帮助" in text  # the footer speaks Chinese too


async def test_help_lists_the_keys_of_the_screen(seeded_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Keys on this screen" in text and "Filter" in text and "ctrl+p" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PositionsScreen)


async def test_theme_toggles(seeded_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        before = app.theme
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.theme != before
