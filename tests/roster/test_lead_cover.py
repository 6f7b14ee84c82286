"""24-hour cover (002: 24小時值班, with a shift lead): every hour of a day has a lead on duty."""

from __future__ import annotations

import datetime as dt

import pytest

from duty_desk.models.roster import coverage
from duty_desk.models.roster import duties as roster
from duty_desk.models.organisation.org import Person
from duty_desk.models.accounts.session import SYSTEM, acting_as
from duty_desk.screens.roster import RosterScreen
from tests.helpers import screen_text, settle

from .conftest import DAY1  # a Monday

SUNDAY = DAY1 - dt.timedelta(days=1)


def cover_warnings(first: dt.date, last: dt.date, post_id: int | None = None) -> list[coverage.CoverageWarning]:
    return [w for w in coverage.check(first, last, post_id=post_id).warnings if w.kind == "lead_cover"]


def leads(pairs) -> None:
    """Put each (person, day, shift) on the command desk as its shift lead."""
    post = roster.posts()[0].id
    with acting_as(SYSTEM):
        for person, day, shift in pairs:
            roster.assign(person, day, shift, post, "lead")


def test_a_day_covered_exactly_by_two_12_hour_lead_shifts_has_no_warning(office):
    with acting_as(SYSTEM):
        am = roster.add_shift("AM", "上午", "Morning", "00:00", "12:00")
        pm = roster.add_shift("PM", "下午", "Afternoon", "12:00", "00:00")
    leads([(office.lead1, DAY1, am), (office.lead2, DAY1, pm)])
    assert cover_warnings(DAY1, DAY1) == []
    # The day before and after have nobody: each of them is one warning for the whole day.
    around = cover_warnings(SUNDAY, DAY1 + dt.timedelta(days=1))
    assert [(w.day, w.params["hours"]) for w in around] == [(SUNDAY, "00–24"), (DAY1 + dt.timedelta(days=1), "00–24")]


def test_a_night_shift_from_the_day_before_covers_the_small_hours(office):
    leads([(office.lead2, SUNDAY, office.night), (office.lead1, DAY1, office.day), (office.lead2, DAY1, office.night)])
    assert cover_warnings(DAY1, DAY1) == []
    # Without Sunday's night lead, Monday 00–08 is open.
    with acting_as(SYSTEM):
        sunday_night = next(d for d in roster.duties_between(SUNDAY, SUNDAY) if d.role == "lead")
        roster.remove(sunday_night.assignment_id)
    [gap] = cover_warnings(DAY1, DAY1)
    assert gap.params["hours"] == "00–08"


def test_a_gap_from_03_to_07_names_those_hours(office):
    with acting_as(SYSTEM):
        early = roster.add_shift("E", "早班", "Early", "07:00", "19:00")
        late = roster.add_shift("L", "晚班", "Late", "19:00", "03:00")
    leads([(office.lead2, SUNDAY, late), (office.lead1, DAY1, early), (office.lead2, DAY1, late)])
    [gap] = cover_warnings(DAY1, DAY1)
    assert (gap.day, gap.shift_id, gap.params["hours"]) == (DAY1, None, "03–07")
    assert gap.text(choose=lambda zh, en: en) == "Mon 2026-11-16 03–07: no shift lead (24-hour cover)"
    from duty_desk.tui.i18n import _, pick, set_language

    set_language("zh_CN")
    try:
        assert gap.text(_, pick) == "周一 2026-11-16 03–07：无值班长（24小时值班）"
    finally:
        set_language("en")
    # An officer on those hours is no shift lead.
    with acting_as(SYSTEM):
        night_watch = roster.add_shift("W", "凌晨", "Small hours", "03:00", "07:00")
        roster.assign(office.off1, DAY1, night_watch, office.cmd, "officer")
    assert [w.params["hours"] for w in cover_warnings(DAY1, DAY1)] == ["03–07"]
    # A lead on part of them leaves the rest, to the minute.
    with acting_as(SYSTEM):
        half = roster.add_shift("H", "凌晨半", "Half", "03:00", "05:30")
        roster.assign(office.lead1, DAY1, half, office.cmd, "lead")
    assert [w.params["hours"] for w in cover_warnings(DAY1, DAY1)] == ["05:30–07:00"]


def test_cover_is_counted_accepted_and_reopened_when_the_gap_changes(office):
    with acting_as(SYSTEM):
        early = roster.add_shift("E", "早班", "Early", "07:00", "19:00")
        late = roster.add_shift("L", "晚班", "Late", "19:00", "03:00")
    leads([(office.lead2, SUNDAY, late), (office.lead1, DAY1, early), (office.lead2, DAY1, late)])
    cover = coverage.check(DAY1, DAY1)
    assert cover.counts()["lead_cover"] == 1
    assert ("hours without a shift lead", 1) in coverage.summary(cover)
    [gap] = cover_warnings(DAY1, DAY1)
    with acting_as(office.as_lead):
        coverage.accept(gap, "临时由主任代班")
    [gap] = cover_warnings(DAY1, DAY1)
    assert gap.accepted and coverage.check(DAY1, DAY1).counts()["lead_cover"] == 0
    # Another gap that day is another warning: the acceptance was for 03–07.
    with acting_as(SYSTEM):
        late_duty = next(d for d in roster.duties_between(DAY1, DAY1) if d.shift_id == late)
        roster.remove(late_duty.assignment_id)
    [gap] = cover_warnings(DAY1, DAY1)
    assert gap.params["hours"] == "03–07, 19–24" and not gap.accepted


def test_cover_shows_with_the_post_that_needs_the_lead(office):
    # Nobody rostered: the command desk (which needs a lead) shows it, the patrol post does not.
    assert [w.params["hours"] for w in cover_warnings(DAY1, DAY1, office.cmd)] == ["00–24"]
    assert cover_warnings(DAY1, DAY1, office.patrol) == []


def test_no_cover_warning_where_no_shift_needs_a_lead(empty_db):
    with acting_as(SYSTEM):
        gate = roster.add_post("gate", "门岗", "Gate")
        roster.add_shift("D", "白班", "Day", "08:00", "20:00", {gate: (0, 1)})
    assert cover_warnings(DAY1, DAY1) == []


@pytest.mark.parametrize("lang, expected", [
    ("en", "Tue 2026-11-17 03–07: no shift lead (24-hour cover)"),
    ("zh_CN", "周二 2026-11-17 03–07：无值班长（24小时值班）"),
])
async def test_the_roster_screen_shows_the_hours_without_a_lead(empty_db, make_app, lang, expected):
    """A week covered round the clock but for Tuesday 03–07: one warning, in the panel, at 80×24."""
    with acting_as(SYSTEM):
        a, b, c = (Person.insert(name=name, role="lead").execute() for name in ("王志强", "李海燕", "周建国"))
        desk = roster.add_post("command", "指挥台", "Command desk")
        early = roster.add_shift("E", "早班", "Early", "07:00", "19:00", {desk: (1, 0)})
        late = roster.add_shift("L", "晚班", "Late", "19:00", "03:00", {desk: (1, 0)})
        small = roster.add_shift("S", "凌晨", "Small hours", "03:00", "07:00")  # no need: only cover
        monday = dt.date(2026, 11, 16)  # the week of the tests' day (2026-11-20)
        for n in range(-1, 7):
            day = monday + dt.timedelta(days=n)
            roster.assign(a, day, early, desk, "lead")
            roster.assign(b, day, late, desk, "lead")
            if day != monday + dt.timedelta(days=1):
                roster.assign(c, day, small, desk, "lead")
    app = make_app(lang=lang, start="roster")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)
        text = screen_text(app)
        assert expected in text
        title, count = {"en": ("Warnings: hours without a shift lead 1", "⚠ 1 open"),
                        "zh_CN": ("提醒: 无值班长时段 1", "⚠ 1 项待处理")}[lang]
        assert title in text and count in text  # the week's one open warning
