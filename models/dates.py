"""Dates and times: what people type into the forms, and what the database hands back.

Typed dates are read with arrow's format parser (a token pattern per accepted form, impossible
days such as 02-30 refused by it, instead of split() and int() by hand); the words people use
for days ("today", "昨天") and the "+24h" deadlines are ours, plain timedelta arithmetic.
Values the database stores are ISO text written by us, read with the standard library's exact
``fromisoformat``: naive local times, as the clock gives them.
"today" and "now" always come from models/clock.py.
"""

from __future__ import annotations

import datetime as dt
import re

from arrow.parser import DateTimeParser, ParserError

from duty_desk.models import clock
from duty_desk.models.errors import N_, ValidationError

# Each typed form once: a full date, a month and day of the current year, a time of day.
_FULL_DATE = ("YYYY-M-D",)
_PARSER = DateTimeParser()
_DAY_WORDS = {"today": 0, "今天": 0, "yesterday": -1, "昨天": -1}
_AHEAD = re.compile(r"^\+(\d{1,4})\s*([mhd])$")
_AHEAD_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")  # the roster's forms: ASCII colon only
_CLOCK_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})$")  # a deadline's time: the Chinese colon too


def _read(text: str, forms: tuple[str, ...]) -> dt.datetime | None:
    """*text* in the first of *forms* it fits whole, else None (impossible days included)."""
    for form in forms:
        try:
            return _PARSER.parse(text, form)
        except (ParserError, ValueError):
            continue
    return None


def parse_time(text: str, field: str = "start") -> dt.time:
    """ "08:00" → time(8, 0); anything else (25:00, 8h, 7:5) is a readable refusal."""
    found = _TIME.match(text or "")
    if found is None:
        raise ValidationError(N_("Write a time as HH:MM, for example 08:00."), field=field)
    hour, minute = int(found.group(1)), int(found.group(2))
    if hour > 23 or minute > 59:
        raise ValidationError(N_("{text} is not a time of day: hours go 00–23, minutes 00–59."),
                              field=field, text=text.strip())
    return dt.time(hour, minute)


def parse_day(text: str, field: str = "day") -> dt.date:
    """A required date written in full, "2026-11-20" (or "2026-11-2", or another ISO form);
    empty or anything else is refused."""
    cleaned = (text or "").strip()
    found = _read(cleaned, _FULL_DATE) if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", cleaned) else None
    if found is not None:
        return found.date()
    try:
        return dt.date.fromisoformat(cleaned)  # what this field took before: "20261120" too
    except ValueError:
        raise ValidationError(N_("Write a date as YYYY-MM-DD, for example 2026-11-20."), field=field) from None


def parse_date(text: str, field: str, today: dt.date | None = None) -> dt.date | None:
    """An optional date: "2026-11-20", "11-20" (this year), "today"/"今天", "yesterday"/"昨天";
    empty → None (an open end of a range)."""
    text = (text or "").strip().lower()
    today = today or clock.today()
    if not text:
        return None
    if text in _DAY_WORDS:
        return today + dt.timedelta(days=_DAY_WORDS[text])
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        found = _read(text, _FULL_DATE)
    elif re.fullmatch(r"\d{1,2}-\d{1,2}", text):
        found = _read(f"{today.year}-{text}", _FULL_DATE)
    else:
        found = None
    if found is None:
        raise ValidationError(N_("There is no date “{text}”: write it as 2026-11-20, 11-20 or today."),
                              field=field, text=text)
    return found.date()


def parse_deadline(text: str, now: dt.datetime, field: str = "due") -> dt.datetime:
    """"+24h", "+2d", "+30m", "14:00" (next such time), "11-21 14:00", "2026-11-21 14:00";
    empty → a day from *now*."""
    text = (text or "").strip().lower()
    if not text:
        return now + dt.timedelta(hours=24)
    ahead = _AHEAD.match(text)
    if ahead:
        amount, unit = int(ahead.group(1)), _AHEAD_UNITS[ahead.group(2)]
        return now + dt.timedelta(**{unit: amount})
    date_part, _, time_part = text.rpartition(" ")
    found = _CLOCK_TIME.match(time_part)
    hour, minute = (int(found.group(1)), int(found.group(2))) if found else (24, 60)
    if hour < 24 and minute < 60:
        if date_part:
            day = parse_date(date_part, field, now.date())
            if day is not None:
                return dt.datetime.combine(day, dt.time(hour, minute))
        else:
            moment = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
            return moment if moment > now else moment + dt.timedelta(days=1)
    raise ValidationError(N_("There is no deadline “{text}”: write +24h, 14:00 or 11-21 14:00."),
                          field=field, text=text)


def parse_moment(text: str, now: dt.datetime | None = None) -> dt.datetime:
    """When something happened, as a lead types it: empty is now; "14:05" is the last such
    moment (yesterday's, when today's is still to come); "11-19 14:05" or "2026-11-19 14:05"."""
    now = (now or clock.now()).replace(second=0, microsecond=0)
    words = " ".join((text or "").split())
    if not words:
        return now
    day_part, _, time_part = words.rpartition(" ")
    found = _CLOCK_TIME.match(time_part)
    if found and int(found.group(1)) < 24 and int(found.group(2)) < 60:
        clock_time = dt.time(int(found.group(1)), int(found.group(2)))
        if day_part:
            day = parse_date(day_part, "at", now.date())
            if day is not None:
                return dt.datetime.combine(day, clock_time)
        moment = dt.datetime.combine(now.date(), clock_time)
        return moment if moment <= now else moment - dt.timedelta(days=1)
    raise ValidationError(N_("There is no moment “{text}”: write 14:05, 11-19 14:05, or leave it empty for now."),
                          field="at", text=words)


# ---- what the database hands back -------------------------------------------------------

def stored_date(value: dt.date | str) -> dt.date:
    """A stored day (a date, a datetime, or its ISO text, time part ignored) as a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def stored_moment(value: dt.datetime | str) -> dt.datetime:
    """A stored moment (a datetime or its ISO text) as a naive datetime."""
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)


def stored_moment_or_none(value: dt.datetime | str | None) -> dt.datetime | None:
    """A stored moment that may be missing or unreadable: None then (shown as a blank)."""
    if value is None or isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
