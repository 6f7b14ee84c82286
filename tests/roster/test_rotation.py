"""Rotations generate duties over a range and leave manual changes alone unless told."""

import datetime as dt
from collections import Counter

import pytest

from duty_desk.models.roster import duties as roster
from duty_desk.models.roster import rotation
from duty_desk.models.errors import ValidationError
from duty_desk.models.roster.duties import Assignment, Rotation
from duty_desk.models.accounts.session import acting_as

from .conftest import DAY1


def days(n):
    return DAY1 + dt.timedelta(days=n)


def by_day(duties):
    return Counter((d.day, d.shift_key) for d in duties)


def make(office, pattern="D,N,-,-", members=None):
    members = members if members is not None else [office.off1, office.off2, office.off3, office.off4]
    return rotation.create_rotation("四班倒", pattern, office.patrol, members, DAY1)


def test_day_night_off_off_covers_every_day(office):
    with acting_as(office.as_sup):
        rid = make(office)
        report = rotation.generate(rid, DAY1, days(7))
    assert report.added == 16  # 4 people × 8 days ÷ 2 working steps of 4
    counts = by_day(roster.duties_between(DAY1, days(7)))
    assert all(counts[(days(n), key)] == 1 for n in range(8) for key in ("D", "N"))
    mine = [d.shift_key for d in roster.duties_between(DAY1, days(7), person_id=office.off1)]
    assert mine == ["D", "N", "D", "N"]
    # A night then two days off: the next day shift starts 48 h after the night ended.
    assert all(d.source == "rotation" for d in roster.duties_between(DAY1, days(7)))


def test_weekly_rotation(office):
    with acting_as(office.as_sup):
        rid = rotation.create_rotation("周轮换", "D*7, N*7", office.cmd, [office.off1, office.off2], DAY1)
        rotation.generate(rid, DAY1, days(13))
    first = [d.shift_key for d in roster.duties_between(DAY1, days(13), person_id=office.off1)]
    assert first == ["D"] * 7 + ["N"] * 7
    second = [d.shift_key for d in roster.duties_between(DAY1, days(13), person_id=office.off2)]
    assert second == ["N"] * 7 + ["D"] * 7


def test_regenerating_keeps_manual_changes_unless_told(office):
    with acting_as(office.as_sup):
        rid = make(office)
        rotation.generate(rid, DAY1, days(7))
        # By hand: off1's first day shift removed, a manual duty for off2 on a day off.
        first = roster.duties_between(DAY1, DAY1, person_id=office.off1)[0]
        roster.remove(first.assignment_id)
        off2_free = next(days(n) for n in range(8)
                         if not roster.duties_between(days(n), days(n), person_id=office.off2))
        manual = roster.assign(office.off2, off2_free, office.day, office.cmd)
        # off3 on leave for two days.
        roster.add_leave(office.off3, days(2), days(3))  # a day and a night shift
        report = rotation.generate(rid, DAY1, days(7))
        assert report.replaced == 15 and report.skipped == 1 and report.on_leave == 2
        assert roster.duty(manual) is not None
        assert not roster.duties_between(DAY1, DAY1, person_id=office.off1)
        assert not roster.duties_between(days(2), days(3), person_id=office.off3)
        report = rotation.generate(rid, DAY1, days(7), overwrite=True)
    # (not by id: SQLite may give a new duty the id the manual one had)
    assert [d.source for d in roster.duties_between(off2_free, off2_free, person_id=office.off2)] in ([], ["rotation"])
    assert roster.duties_between(DAY1, DAY1, person_id=office.off1)[0].shift_key == "D"
    assert report.on_leave == 2  # leave still wins


def test_generation_never_double_books(office):
    with acting_as(office.as_sup):
        roster.add_shift("E", "早班", "Early", "06:00", "14:00")
        roster.assign(office.off1, DAY1, office.night, office.cmd)  # by hand: until 08:00 on the next day
        rid = make(office, "E", [office.off1])
        report = rotation.generate(rid, DAY1, days(2))
    # 06:00 on the next day is still the manual night: that early shift is not added.
    assert (report.added, report.kept) == (2, 1)
    mine = roster.duties_between(DAY1, days(2), person_id=office.off1)
    assert [(d.day, d.shift_key, d.source) for d in mine] == [
        (DAY1, "E", "rotation"), (DAY1, "N", "manual"), (days(2), "E", "rotation")]


@pytest.mark.parametrize("pattern, message", [
    ("", "A rotation needs a pattern"),
    ("-,-", "only days off"),
    ("D,X", "X is not a shift"),
])
def test_bad_patterns_are_refused_at_the_pattern(office, pattern, message):
    with acting_as(office.as_sup):
        with pytest.raises(ValidationError) as err:
            make(office, pattern)
    assert err.value.field == "pattern" and message in str(err.value)
    assert Rotation.select().count() == 0


def test_a_rotation_with_nobody_in_it_is_refused(office):
    with acting_as(office.as_sup):
        with pytest.raises(ValidationError) as err:
            make(office, members=[])
    assert err.value.field == "members"
    assert Rotation.select().count() == 0


def test_a_backwards_range_generates_nothing(office):
    with acting_as(office.as_sup):
        rid = make(office)
        with pytest.raises(ValidationError) as err:
            rotation.generate(rid, days(7), DAY1)
    assert err.value.field == "last"
    assert Assignment.select().count() == 0


def schema_of_assignment():
    from duty_desk.models.storage.db import db

    return sorted(db.execute_sql("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'assignment'").fetchall())


def test_regenerating_writes_only_what_changed_and_keeps_check_ins(office):
    from duty_desk.models.accounts import audit
    from duty_desk.models.accounts.audit import AuditEvent
    from duty_desk.models.roster.checkin import CheckIn
    from duty_desk.models.storage.db import db

    with acting_as(office.as_sup):
        rid = make(office)
        rotation.generate(rid, DAY1, days(7))
        first = roster.duties_between(DAY1, DAY1, person_id=office.off1)[0]
        CheckIn.insert(assignment=first.assignment_id, checked_in_at=first.starts_at).execute()
        ids = {d.assignment_id for d in roster.duties_between(DAY1, days(7))}
        events = AuditEvent.select().count()
        roster.add_leave(office.off3, days(2), days(2))  # a day shift of off3 goes, the rest stays
        report = rotation.generate(rid, DAY1, days(7))
    assert (report.replaced, report.added, report.unchanged, report.on_leave) == (16, 15, 15, 1)
    after = {d.assignment_id for d in roster.duties_between(DAY1, days(7))}
    assert after < ids and len(after) == 15
    assert CheckIn.select().where(CheckIn.assignment == first.assignment_id).exists()
    # One summary event for the leave and one for the rotation, none per duty; triggers back.
    new = list(AuditEvent.select().where(AuditEvent.id > 0).order_by(AuditEvent.id)[events:])
    assert [(e.table_name, e.action) for e in new] == [("leave", "insert"), ("assignment", "bulk")]
    assert audit.missing(db) == []


def test_two_rotations_in_one_pass_never_double_book_a_shared_member(office):
    with acting_as(office.as_sup):
        one = rotation.create_rotation("甲", "D", office.cmd, [office.off1, office.off2], DAY1)
        two = rotation.create_rotation("乙", "D", office.patrol, [office.off2, office.off3], DAY1)
        report = rotation.generate_all(DAY1, days(3), [one, two])
    assert (report.added, report.kept) == (12, 4)  # off2's days go to the first rotation
    assert [d.post_id for d in roster.duties_between(DAY1, days(3), person_id=office.off2)] == [office.cmd] * 4
    from duty_desk.models.roster import coverage

    assert coverage.double_bookings() == []


def test_a_big_write_rebuilds_indexes_and_a_failed_one_leaves_nothing(office, monkeypatch):
    from duty_desk.models.accounts import audit
    from duty_desk.models.storage.db import db

    schema = schema_of_assignment()
    monkeypatch.setattr(rotation, "_REBUILD_MIN_ROWS", 0)  # take the big-write path for a small roster
    with acting_as(office.as_sup):
        rid = make(office)
        monkeypatch.setattr(rotation, "_INSERT", rotation._INSERT.replace("VALUES", "VALUES (") + ")")
        with pytest.raises(Exception):  # noqa: B017 — any failure of the broken statement will do
            rotation.generate(rid, DAY1, days(7))
        assert Assignment.select().count() == 0
        assert schema_of_assignment() == schema and audit.missing(db) == []
        monkeypatch.undo()
        monkeypatch.setattr(rotation, "_REBUILD_MIN_ROWS", 0)
        assert rotation.generate(rid, DAY1, days(7)).added == 16
    assert schema_of_assignment() == schema and audit.missing(db) == []
    assert Assignment.select().count() == 16
