"""One person's or the whole roster's duties as CSV or as iCalendar (RFC 5545).

The calendar is written by hand: CRLF line ends, text escaped (backslash, semicolon, comma,
newline) and lines folded at 75 octets without splitting a character. Times are "floating"
local times, the way a phone shows a duty at the hour on the roster wherever it is. Each
event's UID is the assignment's, so importing a newer export updates the same events.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from .errors import N_
from .roster import ROLE_NAMES, Duty, check_range, duties_between
from .safe_text import csv_text, printable
from . import clock

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


def escape(text: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon and comma escaped, newlines as \\n; no control characters."""
    return (printable(text, multiline=True).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def fold(line: str) -> str:
    """Fold a content line into 75-octet pieces, never inside a UTF-8 character."""
    pieces, current, size, limit = [], "", 0, 75
    for char in line:
        n = len(char.encode("utf-8"))
        if size + n > limit:
            pieces.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += n
    pieces.append(current)
    return "\r\n".join(pieces)


def _stamp(value: dt.datetime) -> str:
    """A stored time in UTC: explicit, so a calendar in another zone shows the right hour."""
    return clock.to_utc(value).strftime("%Y%m%dT%H%M%SZ")


def to_ics(rows: list[Duty], translate: Callable[[str], str] = _same, calendar_name: str = "Duty Desk",
           now: dt.datetime | None = None) -> str:
    stamp = (now or clock.now_utc()).astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")  # aware
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Duty Desk//Roster//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(calendar_name)}"]
    for d in rows:
        role = translate(ROLE_NAMES[d.role])
        shift = d.shift_zh or d.shift_en
        post = d.post_zh or d.post_en
        lines += ["BEGIN:VEVENT",
                  f"UID:duty-{d.assignment_id}@duty-desk",
                  f"DTSTAMP:{stamp}",
                  f"DTSTART:{_stamp(d.starts_at)}",
                  f"DTEND:{_stamp(d.ends_at)}",
                  f"SUMMARY:{escape(f'{shift} · {post} · {role}')}",
                  f"LOCATION:{escape(post)}",
                  f"DESCRIPTION:{escape(f'{d.person_name}, {role}; {shift} {d.starts_at:%H:%M}–{d.ends_at:%H:%M}')}",
                  "TRANSP:OPAQUE",
                  "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def export(fmt: str, first_day: dt.date, last_day: dt.date, person_id: int | None = None,
           translate: Callable[[str], str] = _same, calendar_name: str = "Duty Desk") -> str:
    rows = duties(first_day, last_day, person_id)
    if fmt == "csv":
        return to_csv(rows, translate)
    if fmt == "ics":
        return to_ics(rows, translate, calendar_name)
    raise ValueError(f"unknown export format {fmt!r}")
