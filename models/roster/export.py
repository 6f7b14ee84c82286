"""One person's or the whole roster's duties as CSV or as iCalendar (RFC 5545).

The calendar is written by the ``icalendar`` package: it escapes TEXT values (backslash,
semicolon, comma, newline), ends lines with CRLF and folds them at 75 octets without
splitting a character. Times are explicit UTC (``clock.to_utc`` of the stored desk-zone
time), so a calendar in any zone shows the right hour. Each event's UID is the
assignment's, so importing a newer export updates the same events.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

import icalendar

from duty_desk.models.errors import N_
from duty_desk.models.roster.duties import ROLE_NAMES, Duty, check_range, duties_between
from duty_desk.models.safe_text import csv_text, printable
from duty_desk.models import clock

FORMATS = ("csv", "ics")
CSV_COLUMNS = (N_("date"), N_("shift"), N_("start"), N_("end"), N_("post"), N_("role"), N_("person"))


def _same(text: str) -> str:
    return text


def duties(first_day: dt.date, last_day: dt.date, person_id: int | None = None) -> list[Duty]:
    check_range(first_day, last_day, field="to")
    return duties_between(first_day, last_day, person_id=person_id)


def to_csv(rows: list[Duty], translate: Callable[[str], str] = _same) -> str:
    return csv_text([[translate(c) for c in CSV_COLUMNS]] + [
        [d.day.isoformat(), d.shift_zh or d.shift_en, f"{d.starts_at:%Y-%m-%d %H:%M}",
         f"{d.ends_at:%Y-%m-%d %H:%M}", d.post_zh or d.post_en, translate(ROLE_NAMES[d.role]), d.person_name]
        for d in rows])


def _text(text: str) -> icalendar.vText:
    """A TEXT value: control characters shown as symbols; the library escapes the rest."""
    return icalendar.vText(printable(text, multiline=True))


def to_ics(rows: list[Duty], translate: Callable[[str], str] = _same, calendar_name: str = "Duty Desk",
           now: dt.datetime | None = None) -> str:
    stamp = (now or clock.now_utc()).astimezone(dt.timezone.utc)  # aware
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Duty Desk//Roster//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _text(calendar_name))
    for d in rows:
        role = translate(ROLE_NAMES[d.role])
        shift = d.shift_zh or d.shift_en
        post = d.post_zh or d.post_en
        event = icalendar.Event()
        event.add("uid", f"duty-{d.assignment_id}@duty-desk")
        event.add("dtstamp", stamp)
        event.add("dtstart", clock.to_utc(d.starts_at))  # explicit UTC, never floating
        event.add("dtend", clock.to_utc(d.ends_at))
        event.add("summary", _text(f"{shift} · {post} · {role}"))
        event.add("location", _text(post))
        event.add("description",
                  _text(f"{d.person_name}, {role}; {shift} {d.starts_at:%H:%M}–{d.ends_at:%H:%M}"))
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def export(fmt: str, first_day: dt.date, last_day: dt.date, person_id: int | None = None,
           translate: Callable[[str], str] = _same, calendar_name: str = "Duty Desk") -> str:
    rows = duties(first_day, last_day, person_id)
    if fmt == "csv":
        return to_csv(rows, translate)
    if fmt == "ics":
        return to_ics(rows, translate, calendar_name)
    raise ValueError(f"unknown export format {fmt!r}")
