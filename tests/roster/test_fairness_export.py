"""Fairness counts and the CSV and iCalendar exports."""

import csv
import datetime as dt
import io

import icalendar
import pytest

from duty_desk.models.roster import fairness
from duty_desk.models.roster import duties as roster
from duty_desk.models.roster import export as roster_export
from duty_desk.models.errors import ValidationError
from duty_desk.models.accounts.session import acting_as

from .conftest import DAY1

SAT = DAY1 + dt.timedelta(days=5)


def test_night_weekend_and_holiday_load(office):
    with acting_as(office.as_sup):
        evening = roster.add_shift("L", "晚班", "Late", "16:00", "00:00")
        roster.add_holiday(DAY1 + dt.timedelta(days=2), "假日", "Holiday")
        roster.assign(office.off1, DAY1, office.night, office.patrol)  # 8 night hours
        roster.assign(office.off1, SAT, office.day, office.patrol)    # weekend
        roster.assign(office.off2, DAY1, evening, office.patrol)       # 2 night hours: not a night duty
        roster.assign(office.off2, DAY1 + dt.timedelta(days=2), office.night, office.patrol)  # holiday night
    rows = {r.name: r for r in fairness.fairness(DAY1, SAT + dt.timedelta(days=1))}
    one, two = rows["张立新"], rows["刘文静"]
    assert (one.duties, one.hours, one.night_duties, one.night_hours) == (2, 24, 1, 8)
    assert (one.weekend_duties, one.weekend_hours, one.holiday_duties) == (1, 12, 0)
    assert (two.duties, two.night_duties, two.night_hours) == (2, 1, 10)
    assert (two.holiday_duties, two.holiday_hours, two.weekend_duties) == (1, 12, 0)
    assert list(rows) == ["刘文静", "张立新"]  # the heaviest night load first


def test_night_hours():
    at = dt.datetime(2026, 11, 16)
    assert fairness.night_hours(at.replace(hour=20), at.replace(hour=20) + dt.timedelta(hours=12)) == 8
    assert fairness.night_hours(at, at.replace(hour=8)) == 6
    assert fairness.night_hours(at.replace(hour=8), at.replace(hour=20)) == 0


@pytest.fixture
def exported(office):
    with acting_as(office.as_sup):
        roster.add_post("gate", "大门, 东侧; 夜间", "Gate")
        gate = roster.posts()[-1].id
        roster.assign(office.off1, DAY1, office.night, gate)
        roster.assign(office.lead1, DAY1, office.day, office.cmd, "lead")
    return office


def test_csv_export(exported):
    text = roster_export.export("csv", DAY1, DAY1)
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["date", "shift", "start", "end", "post", "role", "person"]
    assert rows[1] == ["2026-11-16", "白班", "2026-11-16 08:00", "2026-11-16 20:00", "指挥台", "shift lead", "王志强"]
    assert rows[2][3:5] == ["2026-11-17 08:00", "大门, 东侧; 夜间"]
    one = roster_export.export("csv", DAY1, DAY1, person_id=exported.off1)
    assert len(list(csv.reader(io.StringIO(one)))) == 2


def test_ics_export_is_rfc5545(exported):
    text = roster_export.export("ics", DAY1, DAY1, person_id=exported.off1)
    assert "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "LOCATION:大门\\, 东侧\\; 夜间\r\n" in unfolded  # escaped by the library
    calendar = icalendar.Calendar.from_ical(text)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    # 20:00–08:00 in the desk's zone (the tests' Asia/Shanghai, UTC+8), written in UTC
    assert event.decoded("dtstart") == dt.datetime(2026, 11, 16, 12, tzinfo=dt.timezone.utc)
    assert event.decoded("dtend") == dt.datetime(2026, 11, 17, 0, tzinfo=dt.timezone.utc)
    assert "DTSTART:20261116T120000Z\r\n" in unfolded and "DTEND:20261117T000000Z\r\n" in unfolded
    assert str(event["location"]) == "大门, 东侧; 夜间"
    assert str(event["summary"]) == "夜班 · 大门, 东侧; 夜间 · duty officer"
    assert str(event["uid"]).startswith("duty-") and str(event["uid"]).endswith("@duty-desk")
    assert event.decoded("dtstamp").tzinfo is not None


def test_ics_uids_are_stable_and_every_duty_is_an_event(exported):
    first = icalendar.Calendar.from_ical(roster_export.export("ics", DAY1, DAY1))
    again = icalendar.Calendar.from_ical(roster_export.export("ics", DAY1, DAY1))
    uids = [str(e["uid"]) for e in first.walk("VEVENT")]
    assert len(uids) == 2 and len(set(uids)) == 2
    assert uids == [str(e["uid"]) for e in again.walk("VEVENT")]
    by_location = {str(e["location"]): e for e in first.walk("VEVENT")}
    lead = by_location["指挥台"]
    assert lead.decoded("dtstart") == dt.datetime(2026, 11, 16, 0, tzinfo=dt.timezone.utc)  # 08:00 +08:00
    assert str(lead["summary"]) == "白班 · 指挥台 · shift lead"
    assert "王志强" in str(lead["description"])


def test_long_text_is_folded_without_splitting_a_character(exported):
    rows = roster_export.duties(DAY1, DAY1, exported.off1)
    text = roster_export.to_ics(rows, calendar_name="值班" * 40 + ", ; \\ end\nline")
    pieces = text.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in pieces)
    unfolded = text.replace("\r\n ", "")
    assert "X-WR-CALNAME:" + "值班" * 40 + "\\, \\; \\\\ end\\nline\r\n" in unfolded


def test_a_backwards_range_is_refused(exported):
    with pytest.raises(ValidationError) as err:
        roster_export.export("csv", DAY1, DAY1 - dt.timedelta(days=1))
    assert err.value.field == "to"
