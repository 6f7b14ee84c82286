"""Issue 11, item 4: the local choices on a screen of their own (F9), by keys alone.

An administrator changes the grace minutes and the database holds them; a bad value is
explained in the dialog, which keeps what was typed; anyone else reads the list and is told
who may change it. Every row says it is a local choice, in English and in Chinese.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from duty_desk.models.roster import duties as roster
from duty_desk.models.accounts.audit import AuditEvent
from duty_desk.screens.settings import ChoiceDialog, SettingsScreen
from tests.helpers import screen_text, settle, wait_until


async def open_settings(app, pilot) -> None:
    await settle(app, pilot)
    await pilot.press("f9")
    assert await wait_until(pilot, lambda: isinstance(app.screen, SettingsScreen) and app.screen.choices)
    await settle(app, pilot)


async def go_to(app, pilot, key: str) -> None:
    table = app.screen.query_one("#settings-table")
    while table.cursor_key != key:
        before = table.cursor_row
        await pilot.press("down")
        assert table.cursor_row != before, f"no row {key}"
    await settle(app, pilot)


async def test_an_administrator_changes_the_grace_minutes(desk, make_app):
    app = make_app(actor=desk.admin, start="log")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(app, pilot)
        text = screen_text(app)
        assert "Local choices (本地设定)" in text and "grace period for checking in" in text
        await go_to(app, pilot, "grace_minutes")
        assert "Local choice: No document gives it: chosen here." in screen_text(app)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await settle(app, pilot)
        line = app.screen.query_one("#choice-value", Input)
        assert line.value == "10" and line.has_focus
        await pilot.press("ctrl+a", "ctrl+k", *"15", "enter")  # ctrl+a: home, ctrl+k: delete to the end
        assert await wait_until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        await settle(app, pilot)
        assert roster.setting("grace_minutes") == 15
        assert "15 minutes" in screen_text(app)
        event = (AuditEvent.select().where(AuditEvent.table_name == "roster_setting")
                 .order_by(AuditEvent.id.desc()).first())
        assert event.actor_id == desk.admin.id and '"15"' in event.after


async def test_a_bad_value_is_explained_in_the_dialog_and_kept(desk, make_app):
    app = make_app(actor=desk.admin, start="log")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(app, pilot)
        await go_to(app, pilot, "grace_minutes")
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await settle(app, pilot)
        await pilot.press("ctrl+a", "ctrl+k", *"half an hour", "enter")
        assert await wait_until(pilot, lambda: "Type a whole number from 0 to 120." in screen_text(app))
        assert isinstance(app.screen, ChoiceDialog)
        assert app.screen.query_one("#choice-value", Input).value == "half an hour"
        assert roster.setting("grace_minutes") == 10
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, SettingsScreen) and roster.setting("grace_minutes") == 10


@pytest.mark.parametrize("role", ["officer", "supervisor"])
async def test_anyone_else_reads_them_and_is_told_who_may(desk, make_app, role):
    app = make_app(actor=getattr(desk, role), start="log")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(app, pilot)
        assert "grace period for checking in" in screen_text(app)
        assert "it needs the role administrator" in screen_text(app)
        assert "e" not in app.screen.active_bindings  # the key is not offered
        await go_to(app, pilot, "grace_minutes")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert "may not do this; it needs the role administrator" in screen_text(app)
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, SettingsScreen)
    assert roster.setting("grace_minutes") == 10


async def test_settings_from_the_palette_in_chinese(desk, make_app):
    app = make_app(actor=desk.admin, start="log", lang="zh_CN")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"设置")
        assert await wait_until(pilot, lambda: "设置 · Settings" in screen_text(app))
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, SettingsScreen) and app.screen.choices)
        await settle(app, pilot)
        text = screen_text(app)
        assert "本地设定" in text and "宽限" in text
        last = text.splitlines()[-1]
        assert last.rstrip().endswith("^p 命令面板") and "e 变更" in last
        assert "本地设定：文件中没有给出，在此选定。" in text  # the highlighted row says why it is local


async def test_help_lists_the_settings_key(desk, make_app):
    app = make_app(actor=desk.officer, start="log")
    async with app.run_test(size=(120, 50)) as pilot:  # the help whole, unscrolled
        await settle(app, pilot)
        await pilot.press("f1")
        await settle(app, pilot)
        assert any(line.split()[:2] == ["f9", "Settings"] for line in
                   (row.strip("│ ") for row in screen_text(app).splitlines()))
