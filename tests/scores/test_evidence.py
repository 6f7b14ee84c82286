"""Enter on a deduction opens the evidence behind it: the log entry or the roster record.

The log and roster screens offer ``show_entry(entry_id)``, ``show_assignment(id)`` and
``show_day(day)``; the score screens call exactly these, guarded.
"""

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Footer, Header, Static

from duty_desk.models.appraisal import facts
from duty_desk.models.logbook import followups
from duty_desk.models.logbook import entries as log_entries
from duty_desk.models.appraisal.review import Evidence, evidence_for
from duty_desk.models.accounts.session import acting_as
from duty_desk.screens.log import LogScreen
from duty_desk.screens.scoresheet import SheetScreen
from tests.helpers import screen_text, settle
from duty_desk.tui import app as tui_app
from duty_desk.tui.app import DutyApp
from duty_desk.tui.base import DutyScreen

from .conftest import at
from .test_screen import open_row_of, until
from duty_desk.models import clock


def test_each_kind_of_evidence_points_at_its_screen(office):
    with acting_as(office.supervisor):
        entry = log_entries.add_entry("other", "月度安全会议")
        follow_up = followups.open_followup(entry, office.officer.id, clock.now() + dt.timedelta(days=2),
                                            "会议纪要")
    when = at(3)
    assert evidence_for("log", 7, when) == Evidence("log", (("show_entry", 7),))
    assert evidence_for("followup", follow_up, when) == Evidence("log", (("show_entry", entry),))
    assert evidence_for("followup", 999_999, when) is None  # the follow-up is gone
    assert evidence_for("roster", 5, when) == Evidence("roster", (("show_assignment", 5), ("show_day", when.date())))
    assert evidence_for("checkin", 6, when).calls[0] == ("show_assignment", 6)
    assert evidence_for("patrol", 3, when) == Evidence("roster", (("show_day", when.date()),))
    assert evidence_for("handover", 4, when) == Evidence("roster", (("show_day", when.date()),))
    assert evidence_for("manual", None, when) is None


class Calls:
    made: list = []


class LogStandIn(DutyScreen):
    """A log screen that offers show_entry and records the call."""

    def compose(self):
        yield Static("log stand-in")

    def show_entry(self, entry_id):
        Calls.made.append(("show_entry", entry_id))


class RosterStandIn(DutyScreen):
    """A roster screen that offers only show_day."""

    def compose(self):
        yield Static("roster stand-in")

    def show_day(self, day):
        Calls.made.append(("show_day", day))


# the app's stylesheets, found from tui/ rather than from this folder
APP_CSS = [str(Path(tui_app.__file__).parent / name) for name in DutyApp.CSS_PATH]


class StandInApp(DutyApp):
    CSS_PATH = APP_CSS
    MODES = {**DutyApp.MODES, "log": LogStandIn, "roster": RosterStandIn}


async def test_enter_on_a_deduction_calls_the_other_screens_method(office, september):
    facts.record(office.officer.id, "missed_patrol", at(3), "patrol", 31, "no round 02:00")
    facts.record(office.officer.id, "absent_from_post", at(4), "log", 32, "not at the gate")
    Calls.made = []
    app = StandInApp(actor=office.supervisor, start="scores")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_row_of(app, pilot, september)
        await until(app, pilot, lambda: "2 to decide" in screen_text(app))
        await pilot.press("tab", "enter")  # the missed patrol: no entry behind it, its roster day
        await until(app, pilot, lambda: isinstance(app.screen, RosterStandIn) and Calls.made)
        assert Calls.made == [("show_day", dt.date(2026, 9, 3))]
        await pilot.press("f4")  # back to the sheet, as it was left
        await until(app, pilot, lambda: isinstance(app.screen, SheetScreen))
        await pilot.press("down", "enter")  # absent from post: the log entry
        await until(app, pilot, lambda: isinstance(app.screen, LogStandIn) and len(Calls.made) == 2)
        assert Calls.made[1] == ("show_entry", 32)


def toast_words(app) -> str:
    return " ".join(w for w in screen_text(app).split() if w != "▌")


async def test_a_screen_without_the_method_says_where_to_look(office, september):
    class Bare(DutyScreen):
        def compose(self):
            yield Header()
            yield Static("nothing to call")
            yield Footer()

    class BareApp(DutyApp):
        CSS_PATH = APP_CSS
        MODES = {**DutyApp.MODES, "log": Bare}

    facts.record(office.officer.id, "absent_from_post", at(4), "log", 32, "not at the gate")
    app = BareApp(actor=office.supervisor, start="scores")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_row_of(app, pilot, september)
        await until(app, pilot, lambda: "1 to decide" in screen_text(app))
        await pilot.press("tab", "enter")
        # the toast wraps at its width: look for its words in order
        await until(app, pilot, lambda: "Look for duty log #32 of 2026-09-04 03:00." in toast_words(app))
        assert isinstance(app.screen, Bare)


@pytest.mark.skipif(not hasattr(LogScreen, "show_entry"), reason="the log screen offers no show_entry yet")
async def test_enter_on_a_deduction_jumps_to_the_log_entry(office, september):
    with acting_as(office.supervisor):
        entry = log_entries.add_entry("other", "门岗无人值守 15 分钟", at=at(4))
        for n in range(60):  # later entries: the log opens at the newest, far from the evidence
            log_entries.add_entry("other", f"例行巡查 {n}", at=at(5) + dt.timedelta(minutes=n))
    facts.record(office.officer.id, "absent_from_post", at(4), "log", entry, "not at the gate")
    app = DutyApp(actor=office.supervisor, start="scores")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_row_of(app, pilot, september)
        await pilot.press("tab", "enter")
        await until(app, pilot, lambda: isinstance(app.screen, LogScreen) and "门岗无人值守" in screen_text(app))
        await settle(app, pilot)
        assert "门岗无人值守 15 分钟" in screen_text(app)
        assert "例行巡查 59" not in screen_text(app)  # it moved there, not to the newest


async def test_enter_on_a_missed_patrol_opens_its_roster_day(office, september):
    from duty_desk.screens.roster import RosterScreen

    facts.record(office.officer.id, "missed_patrol", at(3), "patrol", 31, "no round 02:00")
    app = DutyApp(actor=office.supervisor, start="scores")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_row_of(app, pilot, september)
        await pilot.press("tab", "enter")
        await until(app, pilot, lambda: isinstance(app.screen, RosterScreen) and app.screen.day == dt.date(2026, 9, 3))
