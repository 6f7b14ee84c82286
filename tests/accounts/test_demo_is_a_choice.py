"""A live database is not a demo: no shared PIN, no hint; a demo says DEMO on every screen."""

from __future__ import annotations

from duty_desk.models.accounts import credentials as accounts
from duty_desk.models.organisation.org import Person, Position
from duty_desk.models.accounts.session import current_actor
from duty_desk.screens.signin import SignInScreen
from tests.helpers import screen_text, settle
from duty_desk.tui import cli
from duty_desk.tui.app import DutyApp
from duty_desk.tui.workspaces import WORKSPACES


async def test_a_new_database_stays_empty_and_asks_for_its_administrator(tmp_path, monkeypatch, _seeded_template):
    """``duty --db /srv/duty/duty.db`` as in the README's deployment: nothing invented."""
    import cysqlite

    template = cysqlite.Connection(str(_seeded_template))
    seeded_positions = template.execute("SELECT count(*) FROM position WHERE retired IS NULL").fetchone()[0]
    template.close()
    monkeypatch.setattr(DutyApp, "run", lambda self: None)
    assert cli.main(["--db", str(tmp_path / "live.db")]) == 0
    assert not Person.select().exists() and accounts.demo_pin() is None and accounts.demo_as_of() is None
    assert Position.select().count() == seeded_positions  # the documents' positions are there to staff
    app = DutyApp(lang="en", actor=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "administrator" in text.lower() and "2468" not in text and "DEMO" not in text


async def test_the_shared_demo_pin_is_refused_on_a_live_database(staff):
    """A live desk (its staff added by an administrator) has no shared PIN and shows no hint,
    even if someone left the demo's PIN setting behind."""
    accounts.Setting.insert(key="demo_pin", value="2468").on_conflict_replace().execute()
    assert accounts.demo_pin() is None
    app = DutyApp(lang="en", actor=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "2468" not in text and "Demo" not in text and "DEMO" not in text
        await pilot.press(*"王伟")
        await settle(app, pilot)
        await pilot.press("enter", *"2468", "enter")
        await settle(app, pilot)
        assert current_actor() is None and isinstance(app.screen, SignInScreen)
        assert "Wrong PIN" in screen_text(app)


async def test_a_demo_says_so_on_every_screen(demo_db):
    app = DutyApp(lang="en", actor=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "every PIN is 2468" in screen_text(app) and "2026-11-20 12:00" in screen_text(app)
        await pilot.press(*"admin")
        await settle(app, pilot)
        await pilot.press("enter", *"2468", "enter")
        await settle(app, pilot)
        assert current_actor() is not None and current_actor().role == "admin"
        for workspace in WORKSPACES:
            await pilot.press(workspace.key)
            await settle(app, pilot)
            assert "DEMO" in screen_text(app).splitlines()[0], workspace.mode
