"""The roster screen by keys alone: assign, see a warning appear and clear, swap, rotate, export."""

import datetime as dt

import pytest
from textual.widgets import DataTable, Input

from duty_desk.models.roster import coverage
from duty_desk.models.roster import duties as roster
from duty_desk.models.roster import swaps
from duty_desk.models.organisation.org import Person
from duty_desk.models.roster.duties import Rotation, Shift
from duty_desk.models.accounts.session import Actor, sign_in
from duty_desk.screens.roster import RosterScreen
from duty_desk.screens.roster_dialogs import (ChooseDuty, ExportDialog, OnDutyDialog, RotationDialog, ShiftDialog,
                                             SwapDialog)
from tests.helpers import screen_text, settle

TODAY = dt.date(2026, 11, 20)  # the demo's day
MONDAY = dt.date(2026, 11, 16)
SUNDAY = MONDAY + dt.timedelta(days=6)


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    monkeypatch.setattr("duty_desk.screens.roster.today", lambda: TODAY)
    monkeypatch.setattr("duty_desk.screens.roster_dialogs.clock", lambda: dt.datetime.combine(TODAY, dt.time(3)))


def actor_for(name):
    p = Person.get(Person.name == name)
    return Actor(p.id, p.name, p.role)


async def go_to(pilot, day: dt.date, shift_id: int):
    """From Monday's first shift (where the screen opens) to a cell, by arrow keys."""
    rows = [s.id for s in roster.shifts()]
    await pilot.press(*["right"] * day.weekday(), *["down"] * rows.index(shift_id))


async def open_roster(make_app, pilot_size=(80, 24), **kw):
    app = make_app(start="roster", **kw)
    return app


async def test_assign_makes_a_no_lead_warning_clear(demo_db, make_app):
    command = roster.posts()[0]
    gap = next(w for w in coverage.check(MONDAY, SUNDAY, post_id=command.id).warnings if w.kind == "no_lead")
    starts, ends = roster.shift_span(gap.day, *next((s.start, s.end) for s in roster.shifts() if s.id == gap.shift_id))
    lead = next(p for p in roster.people() if p.role == "lead" and roster.clash(p.id, starts, ends) is None)
    app = make_app(start="roster")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)
        text = screen_text(app)
        assert "2026-11-16 – 11-22" in text and "⚠no lead" in text
        assert f"No shift lead on Night of {gap.day.isoformat()}." in text
        await go_to(pilot, gap.day, gap.shift_id)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press(*lead.name)
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)
        cell = roster.duties_between(gap.day, gap.day, post_id=command.id)
        assert (lead.id, "lead", gap.shift_id) in {(d.person_id, d.role, d.shift_id) for d in cell}
        text = screen_text(app)
        assert "no lead" not in text and "No shift lead" not in text
        assert "★" + lead.name in text


async def test_removing_an_officer_shows_a_shortage_and_assigning_clears_it(demo_db, make_app):
    command = roster.posts()[0]
    day_shift = roster.shifts()[0]
    officer = next(d for d in roster.duties_between(MONDAY, MONDAY, post_id=command.id)
                   if d.shift_id == day_shift.id and d.role == "officer")
    app = make_app(start="roster")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        monday_short = "Command desk has 0 of 1 duty officers on Day of 2026-11-16."
        assert monday_short not in screen_text(app)
        shorts = screen_text(app).count("⚠0/1")  # the demo's own gap later this week
        await pilot.press("x")  # two people on Monday's day shift: choose the officer
        await settle(app, pilot)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert roster.duty(officer.assignment_id) is None
        text = screen_text(app)
        assert text.count("⚠0/1") == shorts + 1
        assert monday_short in text
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press(*officer.person_name, "enter")
        await settle(app, pilot)
        assert screen_text(app).count("⚠0/1") == shorts and monday_short not in screen_text(app)
        again = [d for d in roster.duties_between(MONDAY, MONDAY, post_id=command.id) if d.shift_id == day_shift.id]
        assert officer.person_id in [d.person_id for d in again]


async def test_a_double_booking_is_refused_on_screen(demo_db, make_app):
    command = roster.posts()[0]
    day_shift = roster.shifts()[0]
    busy = next(d for d in roster.duties_between(MONDAY, MONDAY) if d.shift_id == day_shift.id
                and d.post_id != command.id)
    app = make_app(start="roster")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press(*busy.person_name, "enter")
        await settle(app, pilot)
        assert "is already on duty then" in screen_text(app)
    assert [d.post_id for d in roster.duties_between(MONDAY, MONDAY, person_id=busy.person_id)] == [busy.post_id]


async def test_swap_requested_accepted_and_approved_by_keys(demo_db, make_app):
    command = roster.posts()[0]
    day_shift = roster.shifts()[0]
    mine = next(d for d in roster.duties_between(MONDAY, MONDAY, post_id=command.id)
                if d.shift_id == day_shift.id and d.role == "officer")
    colleague = next(p for p in roster.people() if p.role == "officer" and p.id != mine.person_id
                     and roster.clash(p.id, mine.starts_at, mine.ends_at) is None)
    lead = next(p for p in roster.people() if p.role == "lead")
    me = actor_for(mine.person_name)
    app = make_app(start="roster", actor=me)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, SwapDialog)
        # Enter moves to the next field and saves on the last, as in the log's forms.
        await pilot.press(*mine.person_name, "enter", "enter")  # with oneself: refused at the field
        await settle(app, pilot)
        assert isinstance(app.screen, SwapDialog)
        assert "A swap needs a colleague, not yourself." in screen_text(app)
        assert app.screen.query_one("#field-colleague", Input).value == mine.person_name
        assert swaps.swaps() == []
        await pilot.press("ctrl+u", *colleague.name, "tab", *"病假", "enter")
        await settle(app, pilot)
        if isinstance(app.screen, ChooseDuty):  # the colleague's duties nearby: none taken in exchange
            await pilot.press("enter")
            await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)
        [asked] = swaps.swaps()
        assert (asked.status, asked.colleague_id, asked.reason) == ("requested", colleague.id, "病假")
        # The colleague comes to the terminal and accepts.
        sign_in(Actor(colleague.id, colleague.name, colleague.role))
        await pilot.press("w")
        await settle(app, pilot)
        assert f"{mine.person_name} → {colleague.name}" in screen_text(app)
        await pilot.press("a")
        await settle(app, pilot)
        assert swaps.swaps()[0].status == "accepted"
        assert roster.duty(mine.assignment_id).person_id == mine.person_id  # not yet
        # A shift lead approves: only now the roster changes.
        sign_in(Actor(lead.id, lead.name, "lead"))
        await pilot.press("p")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)
        assert roster.duty(mine.assignment_id).person_id == colleague.id
        row = swaps.swaps()[0]
        assert (row.status, row.decided_by) == ("approved", lead.name)
        assert colleague.name in screen_text(app)


async def test_export_by_keys_and_a_backwards_range(demo_db, make_app, tmp_path):
    target = tmp_path / "week.ics"
    app = make_app(start="roster")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, ExportDialog)
        # To before From: refused at the field, what was typed stays.
        await pilot.press("tab", "tab", "tab", "ctrl+u", *"2026-11-01", "enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ExportDialog)
        assert "The range ends before it starts" in screen_text(app)
        assert app.screen.query_one("#field-last", Input).value == "2026-11-01"
        assert not target.exists()
        await pilot.press("ctrl+u", *"2026-11-22", "tab", "ctrl+u", *str(target), "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)
    text = target.read_bytes().decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == len(roster.duties_between(MONDAY, SUNDAY))


async def test_rotation_with_nobody_is_refused_then_generated(demo_db, make_app):
    officers = [p.name for p in roster.people() if p.role == "officer"][:2]
    before = Rotation.select().count()
    app = make_app(start="roster")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("n", "n", "n")  # three weeks on: past the demo's roster
        await settle(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        assert isinstance(app.screen, RotationDialog)
        await pilot.press(*"test", "enter", *"D,N,-,-", "enter", "enter", "enter", "enter")
        await settle(app, pilot)
        assert "A rotation needs at least one person." in screen_text(app)
        assert app.screen.query_one("#field-pattern", Input).value == "D,N,-,-"
        assert Rotation.select().count() == before
        await pilot.press(*", ".join(officers), "ctrl+s")  # the refusal put the cursor there; ctrl+s saves
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)
    assert Rotation.select().count() == before + 1
    first = MONDAY + dt.timedelta(days=21)
    made = [d for d in roster.duties_between(first, first + dt.timedelta(days=27)) if d.source == "rotation"
            and d.person_name in officers and d.day >= first + dt.timedelta(days=0)]
    assert len(made) >= 20


async def test_a_bad_shift_time_stays_at_its_field(demo_db, make_app):
    app = make_app(start="roster")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        assert isinstance(app.screen, ShiftDialog)
        await pilot.press(*"早班", "tab", *"Early", "tab", "E", "tab", *"25:00", "tab", *"14:00", "enter", "enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ShiftDialog)
        assert "25:00 is not a time of day" in screen_text(app)
        assert app.screen.query_one("#field-start", Input).value == "25:00"
        assert not Shift.select().where(Shift.key == "E").exists()
        await pilot.press("ctrl+u", *"06:00", *["enter"] * (len(ShiftDialog.FIELDS) - 3))  # on to the last
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)
    assert Shift.get(Shift.key == "E").start_time == "06:00"


async def test_on_duty_now_from_any_screen(demo_db, make_app):
    at = dt.datetime.combine(TODAY, dt.time(3))
    lead = next(d for d in roster.on_duty(at) if d.role == "lead")
    app = make_app(start="positions")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        assert isinstance(app.screen, OnDutyDialog)
        text = screen_text(app)
        assert "On duty now" in text and lead.person_name in text and "shift lead" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, OnDutyDialog)


async def test_weeks_posts_and_chinese(demo_db, make_app):
    app = make_app(start="roster", lang="zh_CN")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "值班指挥台" in text and "周一" in text
        await pilot.press("n")
        await settle(app, pilot)
        assert "2026-11-23 – 11-29" in screen_text(app)
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert f"巡查 (2/{len(roster.posts())})" in screen_text(app)
        await pilot.press("t")
        await settle(app, pilot)
        assert "2026-11-16 – 11-22" in screen_text(app)
        assert app.screen.query_one(DataTable).row_count == 2


async def test_the_demo_gaps_are_in_the_week_a_new_user_sees_first(demo_db, make_app):
    app = make_app(start="roster")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
    assert f"2026-11-16 – 11-22  Command desk (1/{len(roster.posts())})  ⚠ 5 open" in text
    assert "⚠no lead" in text and "⚠0/1" in text
    assert "h rest before Day of 2026-11-21" in text and "is on leave on 2026-11-21" in text
    # The night with no lead is also an evening without 24-hour cover (002).
    assert "Sun 2026-11-22 20–24: no shift lead (24-hour cover)" in text
    kinds = {w.kind for w in coverage.check(MONDAY, SUNDAY, post_id=roster.posts()[0].id).open}
    assert kinds == {"no_lead", "short", "rest", "leave", "lead_cover"}


async def test_show_assignment_and_show_day_move_the_grid_there(demo_db, make_app, monkeypatch):
    import duty_desk.screens.roster as roster_screen

    patrol, night = roster.posts()[1], roster.shifts()[1]
    monday = MONDAY - dt.timedelta(days=14)
    duty = next(d for d in roster.duties_between(monday, monday + dt.timedelta(days=6), post_id=patrol.id)
                if d.shift_id == night.id and d.day.weekday() == 3)
    app = make_app(start="positions")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        # As the score review shows the evidence of a deduction: switch mode, then ask.
        app.switch_mode("roster")
        app.call_later(lambda: app.screen.show_assignment(duty.assignment_id))
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, RosterScreen)
        text = screen_text(app)
        assert f"2026-11-02 – 11-08  Patrol (2/{len(roster.posts())})" in text and duty.person_name in text
        assert screen.current() == (duty.day, night)
        assert screen.query_one(DataTable).has_focus
        # A day of the week on screen: the cursor moves, nothing is read again.
        # (The writes above are old news: the once-a-second watcher must not reload now.)
        app._data_version = app._read_data_version()
        reads = []
        real_week = roster_screen.week
        monkeypatch.setattr(roster_screen, "week", lambda *a: reads.append(a) or real_week(*a))
        screen.show_day(monday + dt.timedelta(days=1))
        await settle(app, pilot)
        assert screen.current() == (monday + dt.timedelta(days=1), night) and reads == []
        # Another week: there, on the same post.
        screen.show_day(TODAY)
        await settle(app, pilot)
        assert f"2026-11-16 – 11-22  Patrol (2/{len(roster.posts())})" in screen_text(app)
        assert screen.current()[0] == TODAY
        # A duty no longer on the roster: said so, the grid stays.
        screen.show_assignment(10 ** 9)
        await settle(app, pilot)
        assert "That duty is no longer on the roster." in screen_text(app)
        assert "2026-11-16 – 11-22" in screen_text(app)


async def test_roster_set_up_is_not_offered_and_refused_for_other_roles(demo_db, make_app):
    from duty_desk.models.roster.duties import Assignment, Leave

    officer = next(p for p in roster.people() if p.role == "officer")
    lead = next(p for p in roster.people() if p.role == "lead")
    before = (Assignment.select().count(), Leave.select().count(), Rotation.select().count())
    app = make_app(start="roster", actor=Actor(officer.id, officer.name, "officer"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        keys = app.screen.active_bindings
        # Keys the role may not use are not offered (issue 15); pressed anyway, they say who may.
        assert not {"x", "g", "a"} & set(keys)
        assert [keys[k].enabled for k in ("s", "w", "n")] == [True, True, True]
        for key in ("x", "enter", "g", "h", "l", "r", "a"):
            await pilot.press(key)
            await settle(app, pilot)
            assert isinstance(app.screen, RosterScreen), key  # no picker, no form opened
            assert "A duty officer may not do this;" in screen_text(app), key
        # A shift lead may accept a warning, but still not set the roster up.
        sign_in(Actor(lead.id, lead.name, "lead"))
        app.screen.refresh_bindings()
        await settle(app, pilot)
        keys = app.screen.active_bindings
        assert keys["a"].enabled and "x" not in keys
        await pilot.press("x")
        await settle(app, pilot)
        assert "A shift lead may not do this;" in screen_text(app)
    assert (Assignment.select().count(), Leave.select().count(), Rotation.select().count()) == before


async def test_a_new_desk_adds_its_first_post_from_the_empty_roster(seeded_db, make_app):
    """A live database has no posts: the roster says how to add one, and o does it."""
    from duty_desk.models.roster.duties import Post
    from duty_desk.screens.roster_dialogs import PostDialog

    admin = Person.create(name="王主任", role="admin")
    app = make_app(actor=Actor(admin.id, admin.name, "admin"), start="roster")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "press o to add a post" in screen_text(app)
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, PostDialog)
        app.screen.query_one("#field-name_zh", Input).insert_text_at_cursor("值班指挥台")
        await pilot.press(*["enter"] * len(PostDialog.FIELDS))  # through the empty fields: the Chinese name is enough
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)
        assert "值班指挥台 (1/1)" in screen_text(app)  # the new post is open, for its shifts (h)
    assert [(p.key, p.name_zh) for p in Post.select()] == [("值班指挥台", "值班指挥台")]
