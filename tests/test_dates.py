"""The one reader of typed dates and times (models/dates.py): every form the forms accept."""

import datetime as dt

import pytest

from duty_desk.models import dates
from duty_desk.models.errors import ValidationError

TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 12, 0)


@pytest.mark.parametrize("text, day", [
    ("2026-11-21", dt.date(2026, 11, 21)), ("2026-1-5", dt.date(2026, 1, 5)), ("11-21", dt.date(2026, 11, 21)),
    (" Today ", TODAY), ("今天", TODAY), ("yesterday", dt.date(2026, 11, 19)), ("昨天", dt.date(2026, 11, 19)),
    ("", None), ("  ", None),
])
def test_a_typed_date_in_every_accepted_form(text, day):
    assert dates.parse_date(text, "start", TODAY) == day


@pytest.mark.parametrize("text", ["2026-02-30", "02-29", "11/21", "tomorrow", "2026-11-21x"])
def test_a_date_that_is_none_is_refused_with_the_text_kept(text):
    with pytest.raises(ValidationError) as refused:
        dates.parse_date(text, "start", TODAY)
    assert refused.value.field == "start"
    assert text.lower() in str(refused.value)


def test_a_required_date_refuses_empty_input_and_half_dates():
    assert dates.parse_day("2026-11-21") == dt.date(2026, 11, 21)
    assert dates.parse_day(" 2026-11-2 ") == dt.date(2026, 11, 2)
    for text in ("", "11-21", "2026-13-01", "soon"):
        with pytest.raises(ValidationError, match="Write a date as YYYY-MM-DD"):
            dates.parse_day(text, "first")


@pytest.mark.parametrize("text, due", [
    ("", NOW + dt.timedelta(hours=24)), ("+24h", NOW + dt.timedelta(hours=24)), ("+2d", NOW + dt.timedelta(days=2)),
    ("+30m", NOW + dt.timedelta(minutes=30)), ("14:00", dt.datetime(2026, 11, 20, 14, 0)),
    ("11:00", dt.datetime(2026, 11, 21, 11, 0)), ("11-21 14:00", dt.datetime(2026, 11, 21, 14, 0)),
    ("2026-11-22 08：30", dt.datetime(2026, 11, 22, 8, 30)),
])
def test_a_deadline_in_every_accepted_form(text, due):
    assert dates.parse_deadline(text, NOW) == due


def test_a_moment_a_lead_types_is_the_last_such_moment():
    assert dates.parse_moment("", NOW) == NOW
    assert dates.parse_moment("23:50", NOW) == dt.datetime(2026, 11, 19, 23, 50)
    with pytest.raises(ValidationError, match="There is no moment"):
        dates.parse_moment("25:00", NOW)


def test_times_of_day_and_stored_values():
    assert dates.parse_time("8:00") == dt.time(8, 0)
    with pytest.raises(ValidationError, match="hours go 00–23"):
        dates.parse_time("25:00")
    assert dates.stored_date("2026-11-20 08:00:00") == TODAY
    assert dates.stored_date(NOW) == TODAY
    assert dates.stored_moment("2026-11-20T12:00") == NOW
    assert dates.stored_moment_or_none("") is None and dates.stored_moment_or_none(None) is None
