"""Item 2: Enter on an empty name picks nobody; letters as a PIN count against nobody."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from duty_desk.models.accounts import credentials as accounts
from duty_desk.models.accounts.credentials import Credential
from duty_desk.models.accounts.audit import recorded_as
from duty_desk.models.accounts.session import SYSTEM, acting_as, current_actor
from duty_desk.screens.lock import LockScreen
from duty_desk.screens.signin import SignInScreen
from tests.helpers import screen_text, settle
from duty_desk.tui.app import DutyApp


@pytest.fixture
def two_with_pins(seeded_db, monkeypatch):
    monkeypatch.setitem(accounts.SCRYPT, "n", 2 ** 10)  # cheap hashes for a test
    with acting_as(SYSTEM), recorded_as("test set-up"):
        return {name: accounts.add_person(name, role, None, pin)
                for name, role, pin in (("王伟", "admin", "2570"), ("张敏", "officer", "8642"))}


def failures() -> dict[int, int]:
    return {c.person_id: c.failures for c in Credential.select()}


async def test_enter_on_an_empty_name_picks_nobody(two_with_pins):
    app = DutyApp(lang="en", actor=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, SignInScreen)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert screen.chosen is None
        assert "Type part of your name first." in screen_text(app)
        assert screen.focused is screen.query_one("#signin-name", Input)
        # a PIN typed now goes nowhere near anybody's count
        await pilot.press(*"0000", "enter")
        await settle(app, pilot)
        assert set(failures().values()) == {0} and current_actor() is None


async def test_letters_as_a_pin_are_refused_without_counting(two_with_pins):
    app = DutyApp(lang="en", actor=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#signin-name", Input).insert_text_at_cursor("张")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.chosen is not None and app.screen.chosen.name == "张敏"
        await pilot.press(*"abcd", "enter")
        await settle(app, pilot)
        assert "A PIN is digits only (0–9)." in screen_text(app)
        assert app.screen.query_one("#signin-pin", Input).value == "abcd"  # the text kept
        assert set(failures().values()) == {0}
        # An empty PIN is not a try either; a wrong number of digits is one.
        app.screen.query_one("#signin-pin", Input).value = ""
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Enter a PIN." in screen_text(app) and set(failures().values()) == {0}
        await pilot.press(*"0000", "enter")
        await settle(app, pilot)
        assert failures()[two_with_pins["张敏"]] == 1


async def test_letters_at_the_lock_screen_are_not_a_wrong_pin(two_with_pins):
    actor = accounts.actor_for(two_with_pins["张敏"])
    app = DutyApp(lang="zh_CN", actor=actor, start="log")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen)
        await pilot.press(*"pin", "enter")
        await settle(app, pilot)
        assert app.screen.query_one("#lock-pin", Input).value == "pin"
        assert set(failures().values()) == {0}
        assert "PIN" in screen_text(app) and isinstance(app.screen, LockScreen)
