"""Pilot tests at a shared keyboard: sign in, wrong PINs, switch user, idle lock, refusals."""

from __future__ import annotations

from textual.widgets import Input

from duty_desk.models.accounts import credentials as accounts
from duty_desk.models.accounts.credentials import Credential
from duty_desk.models.accounts.audit import AuditEvent
from duty_desk.models.organisation.org import Person
from duty_desk.models.accounts.session import current_actor
from duty_desk.screens.lock import LockScreen
from duty_desk.screens.signin import SignInScreen
from tests.helpers import wait_until, screen_text, settle
from duty_desk.tui.app import DutyApp


def new_app(**kwargs) -> DutyApp:
    return DutyApp(lang="en", actor=None, **kwargs)


async def sign_in(app, pilot, name_part: str, pin: str) -> None:
    await pilot.press(*name_part)
    await settle(app, pilot)
    await pilot.press("enter")
    await pilot.press(*pin, "enter")
    await settle(app, pilot)
    await settle(app, pilot)


async def test_sign_in_by_name_and_pin(staff):
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, SignInScreen)
        text = screen_text(app)
        assert "not signed in" in text and "王伟" in text and "张敏" in text
        await sign_in(app, pilot, "李", "1357")
        assert current_actor().name == "李娜"
        assert not isinstance(app.screen, SignInScreen)
        assert "signed in as 李娜" in screen_text(app)
        assert Credential.get(Credential.person == staff["李娜"].id).last_sign_in is not None


async def test_wrong_pins_until_the_wait_shows(staff):
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await sign_in(app, pilot, "张", "0000")
        assert "Wrong PIN. 4 more" in screen_text(app)
        for _ in range(4):
            await pilot.press(*"1111", "enter")
            await settle(app, pilot)
        text = screen_text(app)
        assert "wait 5 s" in text, text
        assert isinstance(app.screen, SignInScreen) and current_actor() is None
        # The right PIN during the wait is refused too; the count stays in the database.
        await pilot.press(*"8642", "enter")
        await settle(app, pilot)
        assert "wait" in screen_text(app) and current_actor() is None
        assert Credential.get(Credential.person == staff["张敏"].id).failures == 5


async def test_switch_user_starts_afresh_for_the_next_person(staff):
    app = DutyApp(lang="en", actor=staff["李娜"], start="positions")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"木料")
        await settle(app, pilot)
        assert app.screen.query_one(Input).value == "木料"
        await pilot.press("f8")
        await settle(app, pilot)
        assert isinstance(app.screen, SignInScreen)
        assert "木料" not in screen_text(app)
        await sign_in(app, pilot, "王", "2570")
        assert current_actor().name == "王伟"
        assert "signed in as 王伟" in screen_text(app)
        assert app.current_mode == "positions"
        assert app.screen.query_one(Input).value == ""  # nothing of 李娜's stays


async def test_idle_lock_hides_the_data_and_keeps_the_input(staff):
    app = DutyApp(lang="en", actor=staff["张敏"], start="positions", lock_after=2.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"木料")
        under = app.screen
        assert not isinstance(under, LockScreen)  # not before its time (typing keeps it open)
        assert await wait_until(pilot, lambda: isinstance(app.screen, LockScreen))
        await settle(app, pilot)
        text = screen_text(app)
        assert "Locked" in text and "木料" not in text and "张敏" in text
        await pilot.press("f5")  # no way around the lock
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        await pilot.press(*"1111", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen) and "Wrong PIN" in screen_text(app)
        await pilot.press(*"8642", "enter")
        await settle(app, pilot)
        assert app.screen is under
        assert under.query_one(Input).value == "木料"


async def test_switching_back_to_the_same_person_keeps_their_work(staff):
    app = DutyApp(lang="en", actor=staff["张敏"], start="positions")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"仓库")
        await pilot.press("f8")
        await settle(app, pilot)
        await pilot.press("escape")  # changed their mind: back to their own lock
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen)
        await pilot.press("f8")
        await settle(app, pilot)
        await sign_in(app, pilot, "张", "8642")
        assert app.screen.query_one(Input).value == "仓库"


async def test_first_run_asks_for_the_administrator(empty_db):
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "First run" in screen_text(app)
        await pilot.press(*"周杰", "enter", *"2570", "enter", *"2571", "enter")
        await settle(app, pilot)
        assert "differ" in screen_text(app) and Person.select().count() == 0
        app.screen.query_one("#signin-repeat", Input).value = ""
        await pilot.press(*"2570", "enter")
        await settle(app, pilot)
        await settle(app, pilot)
        assert current_actor().name == "周杰" and current_actor().role == "admin"
        assert "signed in as 周杰" in screen_text(app)


async def test_a_duty_officer_is_refused_staff_changes(staff):
    app = DutyApp(lang="en", actor=staff["张敏"], start="staff")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "Only an administrator changes staff" in screen_text(app)
        # Not offered, and refused before any form is filled in, saying who may (issue 15).
        assert "a" not in app.screen.active_bindings
        await pilot.press("a")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "StaffScreen"
        assert any("A duty officer may not do this; it needs the role administrator" in n.message
                   for n in app._notifications)
        assert not Person.select().where(Person.name == "赵六").exists()


async def test_an_admin_adds_a_person_with_a_pin(staff):
    app = DutyApp(lang="en", actor=staff["王伟"], start="staff")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press(*"赵六")
        app.screen.query_one("#person-pin", Input).focus()
        await pilot.press(*"1234", "enter")  # too easy: refused at the PIN field, name kept
        await settle(app, pilot)
        assert "too easy" in screen_text(app)
        assert app.screen.query_one("#person-name", Input).value == "赵六"
        app.screen.query_one("#person-pin", Input).value = ""
        await pilot.press(*"5791", "enter")
        await settle(app, pilot)
        await settle(app, pilot)
        assert "赵六" in screen_text(app)
        person = Person.get(Person.name == "赵六")
        assert accounts.sign_in_with_pin(person.id, "5791").name == "赵六"
        event = AuditEvent.get(AuditEvent.table_name == "person", AuditEvent.row_id == person.id)
        assert (event.actor_id, event.action) == (staff["王伟"].id, "insert")


async def test_the_audit_screen_lists_and_filters(staff):
    app = DutyApp(lang="en", actor=staff["王伟"], start="audit")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "person" in text and "event(s)" in text, text
        await pilot.press("slash", *"李娜")
        await settle(app, pilot)
        assert all(e.table_name in ("person", "credential") for e in app.screen.rows)
        assert any("李娜" in (e.after or {}).get("name", "") for e in app.screen.rows)
        await pilot.press("enter", "enter")
        await settle(app, pilot)
        assert "Before" in screen_text(app) and "After" in screen_text(app)


async def test_the_audit_trail_is_refused_below_admin(staff):
    app = DutyApp(lang="en", actor=staff["李娜"], start="audit")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "A shift lead may not do this" in text and "administrator or higher" in text
