"""Fairness counts and the CSV and iCalendar exports."""

import csv
import datetime as dt
import io

import pytest

from models import fairness, roster, roster_export
from models.errors import ValidationError
from models.session import acting_as

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
    # 20:00–08:00 in the desk's zone (the tests' Asia/Shanghai, UTC+8), written in UTC
    assert "DTSTART:20261116T120000Z\r\n" in unfolded
    assert "DTEND:20261117T000000Z\r\n" in unfolded
    assert "LOCATION:大门\\, 东侧\\; 夜间\r\n" in unfolded
    assert unfolded.count("BEGIN:VEVENT") == 1
    assert "UID:duty-" in unfolded


def test_folding_never_splits_a_character():
    line = "SUMMARY:" + "值班" * 40
    folded = roster_export.fold(line)
    pieces = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in pieces)
    assert "".join(p[1:] if i else p for i, p in enumerate(pieces)) == line
    assert roster_export.escape("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"


def test_a_backwards_range_is_refused(exported):
    with pytest.raises(ValidationError) as err:
        roster_export.export("csv", DAY1, DAY1 - dt.timedelta(days=1))
    assert err.value.field == "to"
