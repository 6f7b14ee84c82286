"""Shifts, assignments and the roster rules, overnight shifts and leave included."""

import datetime as dt

import pytest

from duty_desk.models.roster import coverage
from duty_desk.models.roster import duties as roster
from duty_desk.models.errors import DutyError, ValidationError
from duty_desk.models.roster.duties import Assignment, Shift
from duty_desk.models.accounts.session import PermissionDenied, acting_as

from .conftest import DAY1
from duty_desk.models import clock

D2 = DAY1 + dt.timedelta(days=1)


def at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute))


@pytest.mark.parametrize("text", ["25:00", "8h", "07:60", "", "7.30", "24:00"])
def test_bad_times_are_refused_at_their_field(office, text):
    with acting_as(office.as_sup):
        with pytest.raises(ValidationError) as err:
            roster.add_shift("X", "错班", "", text, "12:00")
    assert err.value.field == "start"
    assert not Shift.select().where(Shift.key == "X").exists()


def test_a_shift_that_ends_when_it_starts_is_refused(office):
    with acting_as(office.as_sup):
        with pytest.raises(ValidationError) as err:
            roster.add_shift("X", "错班", "", "08:00", "8:00")
    assert err.value.field == "end"
    assert Shift.select().count() == 2


def test_overnight_shift_spans_midnight_and_on_duty_sees_it(office):
    with acting_as(office.as_sup):
        a = roster.assign(office.lead1, DAY1, office.night, office.cmd, "lead")
        roster.assign(office.off1, DAY1, office.night, office.patrol)
        roster.assign(office.off2, D2, office.day, office.cmd)
    d = roster.duty(a)
    assert (d.starts_at, d.ends_at) == (at(DAY1, 20), at(D2, 8))
    now = roster.on_duty(at(D2, 3))
    assert [x.person_id for x in now] == [office.lead1, office.off1]  # the lead first
    assert now[0].role == "lead" and now[0].post_zh == "指挥台"
    assert roster.shift_at(office.lead1, at(DAY1, 20)).assignment_id == a  # start included
    assert roster.shift_at(office.lead1, at(D2, 7, 59)).shift_key == "N"
    assert roster.shift_at(office.lead1, at(D2, 8)) is None  # end excluded
    assert [x.person_id for x in roster.on_duty(at(D2, 8))] == [office.off2]
    assert roster.shift_at(office.off2, at(DAY1, 12)) is None


def test_double_booking_is_refused_overnight_included(office):
    with acting_as(office.as_sup):
        early = roster.add_shift("E", "早班", "Early", "06:00", "14:00")
        roster.assign(office.off1, DAY1, office.night, office.cmd)
        roster.assign(office.off1, D2, office.day, office.patrol)  # 08:00 next day: back to back is possible
        with pytest.raises(DutyError) as err:
            roster.assign(office.off1, D2, early, office.patrol)  # 06:00 next day: still on the night shift
        assert err.value.field == "person"
        assert "夜班" in str(err.value)
        with pytest.raises(DutyError):
            roster.assign(office.off1, DAY1, office.night, office.patrol)  # the same shift at another post
    assert Assignment.select().where(Assignment.person == office.off1).count() == 2


def test_only_a_supervisor_edits_the_roster(office):
    with acting_as(office.as_lead):
        with pytest.raises(PermissionDenied):
            roster.assign(office.off1, DAY1, office.day, office.cmd)
    assert Assignment.select().count() == 0


def kinds(cover):
    return sorted((w.kind, w.day, w.shift_id, w.post_id) for w in cover.warnings)


def test_no_lead_and_short_officers_appear_and_clear(office):
    cover = coverage.check(DAY1, DAY1)
    assert ("no_lead", DAY1, office.day, office.cmd) in kinds(cover)
    assert ("short", DAY1, office.day, office.patrol) in kinds(cover)
    short = next(w for w in cover.warnings if w.kind == "short" and w.post_id == office.patrol and w.shift_id == office.day)
    assert short.text() == "巡逻 has 0 of 2 duty officers on 白班 of 2026-11-16."
    with acting_as(office.as_sup):
        roster.assign(office.lead1, DAY1, office.day, office.cmd, "lead")
        roster.assign(office.off1, DAY1, office.day, office.patrol)
    cover = coverage.check(DAY1, DAY1)
    assert ("no_lead", DAY1, office.day, office.cmd) not in kinds(cover)
    assert ("no_lead", DAY1, office.night, office.cmd) in kinds(cover)
    short = [w for w in cover.warnings if w.kind == "short" and w.post_id == office.patrol and w.shift_id == office.day]
    assert short[0].params["have"] == 1
    with acting_as(office.as_sup):
        roster.assign(office.off2, DAY1, office.day, office.patrol)
        roster.assign(office.off3, DAY1, office.day, office.cmd)
    cover = coverage.check(DAY1, DAY1)
    assert not [w for w in cover.warnings if w.shift_id == office.day]
    # One post's view leaves out the other post's shortage.
    only_cmd = coverage.check(DAY1, DAY1, post_id=office.cmd)
    assert all(w.post_id in (None, office.cmd) for w in only_cmd.warnings)


def test_lead_on_any_post_counts_for_the_shift(office):
    with acting_as(office.as_sup):
        roster.assign(office.lead1, DAY1, office.day, office.patrol, "lead")
    cover = coverage.check(DAY1, DAY1)
    assert not [w for w in cover.warnings if w.kind == "no_lead" and w.shift_id == office.day]


def test_too_little_rest_is_a_warning_with_a_configurable_minimum(office):
    with acting_as(office.as_sup):
        evening = roster.add_shift("L", "晚班", "Late", "16:00", "00:00")
        roster.assign(office.off1, DAY1, evening, office.patrol)      # ends 00:00 on D2
        roster.assign(office.off1, D2, office.day, office.patrol)     # starts 08:00: 8 h rest, fine
        roster.assign(office.off2, DAY1, office.night, office.patrol)  # ends 08:00 on D2
        roster.assign(office.off2, D2, office.night, office.patrol)   # 12 h rest, fine
        roster.assign(office.off3, DAY1, office.day, office.patrol)    # ends 20:00
        roster.assign(office.off3, D2, evening, office.cmd)            # wait: 20 h rest
    assert not [w for w in coverage.check(DAY1, D2).warnings if w.kind == "rest"]
    with acting_as(office.as_sup):
        roster.set_setting("min_rest_hours", 13)
    rest = [w for w in coverage.check(DAY1, D2).warnings if w.kind == "rest"]
    assert sorted((w.person_id, w.params["hours"]) for w in rest) == [(office.off1, "8"), (office.off2, "12")]
    assert rest[0].params["minimum"] == "13"
    # The duty before the range still counts: checking D2 alone sees the rest after D1's shifts.
    assert len([w for w in coverage.check(D2, D2).warnings if w.kind == "rest"]) == 2


def test_duty_on_leave_is_a_warning_overnight_included(office):
    with acting_as(office.as_sup):
        roster.add_leave(office.off1, D2, D2 + dt.timedelta(days=2), note="年假")
        roster.assign(office.off1, DAY1, office.night, office.patrol)  # runs into the first day of leave
        roster.assign(office.off2, DAY1, office.day, office.patrol)
        roster.assign(office.off1, D2 + dt.timedelta(days=3), office.day, office.patrol)  # back from leave
    leave = [w for w in coverage.check(DAY1, D2 + dt.timedelta(days=3)).warnings if w.kind == "leave"]
    assert [(w.person_id, w.day) for w in leave] == [(office.off1, DAY1)]
    assert "张立新 is on leave" in leave[0].text()


def test_leave_range_backwards_is_refused(office):
    with acting_as(office.as_sup):
        with pytest.raises(ValidationError) as err:
            roster.add_leave(office.off1, D2, DAY1)
    assert err.value.field == "last"
    assert roster.leaves_between(DAY1, D2) == []


def test_a_lead_accepts_a_warning_and_it_stays_marked(office):
    warning = next(w for w in coverage.check(DAY1, DAY1).warnings if w.kind == "short")
    before = coverage.check(DAY1, DAY1).counts()["short"]
    with acting_as(office.as_off1):
        with pytest.raises(PermissionDenied):
            coverage.accept(warning)
    with acting_as(office.as_lead):
        coverage.accept(warning, "借调一人")
    cover = coverage.check(DAY1, DAY1)
    same = next(w for w in cover.warnings if w.key == warning.key)
    assert same.accepted
    assert cover.counts()["short"] == before - 1
    assert cover.counts(open_only=False)["short"] == before


def test_a_double_booking_in_the_data_is_found_and_cannot_be_accepted(office):
    with acting_as(office.as_sup):
        roster.assign(office.off1, DAY1, office.night, office.cmd)
    # Two terminals or an old database: a row written past the rule.
    row = Assignment.get()
    Assignment.insert(person=office.off1, day=DAY1, shift=office.day, post=office.patrol, role="officer",
                      starts_at=row.starts_at + dt.timedelta(hours=1), ends_at=row.ends_at, source="manual",
                      created=clock.now()).execute()
    doubles = [w for w in coverage.check(DAY1, DAY1).warnings if w.kind == "double"]
    assert len(doubles) == 1 and doubles[0].person_id == office.off1
    with acting_as(office.as_lead):
        with pytest.raises(DutyError):
            coverage.accept(doubles[0])


def test_removing_a_duty(office):
    with acting_as(office.as_sup):
        a = roster.assign(office.off1, DAY1, office.day, office.patrol)
        roster.remove(a)
        with pytest.raises(DutyError):
            roster.remove(a)
    assert roster.duties_between(DAY1, DAY1) == []
