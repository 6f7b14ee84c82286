"""Check-in and check-out against the roster: facts at the edges of the grace period."""

import datetime as dt

import pytest

from duty_desk.models.roster import checkin
from duty_desk.models.appraisal import facts
from duty_desk.models.roster import duties as roster
from duty_desk.models.errors import DutyError
from duty_desk.models.accounts.session import PermissionDenied, acting_as

from .conftest import DAY1

START = dt.datetime.combine(DAY1, dt.time(20))  # the night shift
END = START + dt.timedelta(hours=12)


@pytest.fixture
def night(office):
    with acting_as(office.as_sup):
        return roster.assign(office.off1, DAY1, office.night, office.patrol)


def codes(office):
    return [(f.code, f.source, f.ref_id) for f in facts.between(START - dt.timedelta(days=1), END + dt.timedelta(days=1))]


@pytest.mark.parametrize("minutes, late", [(-90, False), (0, False), (10, False), (11, True), (300, True)])
def test_late_arrival_beyond_the_grace_period(office, night, minutes, late):
    with acting_as(office.as_off1):
        result = checkin.check_in(START + dt.timedelta(minutes=minutes))
    assert result.duty.assignment_id == night
    assert codes(office) == ([("late_arrival", "checkin", night)] if late else [])
    assert result.minutes_off == (minutes if late else 0)


@pytest.mark.parametrize("minutes, early", [(0, False), (-10, False), (-11, True), (30, False)])
def test_early_leave_beyond_the_grace_period(office, night, minutes, early):
    with acting_as(office.as_off1):
        checkin.check_in(START)
        checkin.check_out(END + dt.timedelta(minutes=minutes))
    assert codes(office) == ([("early_leave", "checkin", night)] if early else [])


def test_grace_period_is_configurable(office, night):
    with acting_as(office.as_sup):
        roster.set_setting("grace_minutes", 0)
    with acting_as(office.as_off1):
        checkin.check_in(START + dt.timedelta(minutes=1))
    assert codes(office) == [("late_arrival", "checkin", night)]


def test_no_show_when_a_duty_ended_without_check_in(office, night):
    with acting_as(office.as_off1):
        assert checkin.detect_no_shows(END - dt.timedelta(minutes=1)) == []  # still running
        first = checkin.detect_no_shows(END)
        again = checkin.detect_no_shows(END + dt.timedelta(hours=1))
    assert first == again and len(first) == 1
    assert codes(office) == [("no_show", "roster", night)]


def test_checked_in_is_not_a_no_show(office, night):
    with acting_as(office.as_off1):
        checkin.check_in(START)
        assert checkin.detect_no_shows(END + dt.timedelta(hours=1)) == []


def test_no_duty_to_check_in_to(office, night):
    with acting_as(office.as_off2):
        with pytest.raises(DutyError, match="no duty to check in"):
            checkin.check_in(START)
    with acting_as(office.as_off1):
        with pytest.raises(DutyError, match="no duty"):
            checkin.check_in(START - dt.timedelta(hours=3))  # too early
        with pytest.raises(DutyError, match="not checked in"):
            checkin.check_out(START)


def test_checking_in_someone_else_needs_a_lead(office, night):
    with acting_as(office.as_off2):
        with pytest.raises(PermissionDenied):
            checkin.check_in(START, person_id=office.off1)
    with acting_as(office.as_lead):
        checkin.check_in(START + dt.timedelta(minutes=20), person_id=office.off1)
    assert codes(office) == [("late_arrival", "checkin", night)]
    assert checkin.open_check_in(office.off1).checked_in_at == START + dt.timedelta(minutes=20)


@pytest.mark.parametrize("away, absent", [(10, False), (11, True), (95, True)])
def test_checking_in_again_during_the_duty_is_an_absence_from_post_not_an_early_leave(office, night, away, absent):
    """值班期间脱岗: out at 01:00, back before the night ends; the time away beyond the grace is
    the absence, and the early leave the check-out gave is taken back."""
    out = START + dt.timedelta(hours=5)
    with acting_as(office.as_off1):
        checkin.check_in(START)
        checkin.check_out(out)
        assert codes(office) == [("early_leave", "checkin", night)]
        back = checkin.check_in(out + dt.timedelta(minutes=away))
        assert back.duty.assignment_id == night and back.minutes_off == (away if absent else 0)
        assert codes(office) == ([("absent_from_post", "checkin", night)] if absent else [])
        checkin.check_out(END)  # then to the end of the night: no early leave
    found = facts.between(START, END)
    assert [f.code for f in found] == (["absent_from_post"] if absent else [])
    if absent:
        assert found[0].occurred_at == out and f"{away} min away" in found[0].detail


def test_after_the_duty_ended_there_is_nothing_to_come_back_to(office, night):
    with acting_as(office.as_off1):
        checkin.check_in(START)
        checkin.check_out(START + dt.timedelta(hours=5))
        with pytest.raises(DutyError):
            checkin.check_in(END + dt.timedelta(minutes=5))
    assert [f.code for f in facts.between(START, END + dt.timedelta(hours=1))] == ["early_leave"]
