"""Reading what a person typed into the log's forms: dates, deadlines and filters."""

from __future__ import annotations

import datetime as dt
import re

from duty_desk.models.errors import N_, ValidationError
from duty_desk.models.logbook.entries import categories
from duty_desk.models.logbook.query import LogFilter
from duty_desk.models.logbook.tables import SEVERITIES
from duty_desk.models.organisation.org import Person
from duty_desk.models import clock

_REL = re.compile(r"^\+(\d{1,4})\s*([mhd])$")


def parse_date(text: str, field: str, today: dt.date | None = None) -> dt.date | None:
    """"2026-11-20", "11-20", "today"/"今天", "yesterday"/"昨天"; empty → None."""
    text = text.strip().lower()
    today = today or clock.today()
    if not text:
        return None
    if text in ("today", "今天"):
        return today
    if text in ("yesterday", "昨天"):
        return today - dt.timedelta(days=1)
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            y, m, d = map(int, text.split("-"))
            return dt.date(y, m, d)
        if re.fullmatch(r"\d{1,2}-\d{1,2}", text):
            m, d = map(int, text.split("-"))
            return dt.date(today.year, m, d)
    except ValueError:
        pass
    raise ValidationError(N_("There is no date “{text}”: write it as 2026-11-20, 11-20 or today."),
                          field=field, text=text)


def parse_deadline(text: str, now: dt.datetime, field: str = "due") -> dt.datetime:
    """"+24h", "+2d", "+30m", "14:00" (next such time), "11-21 14:00", "2026-11-21 14:00"."""
    text = text.strip().lower()
    if not text:
        return now + dt.timedelta(hours=24)
    rel = _REL.match(text)
    if rel:
        amount, unit = int(rel.group(1)), rel.group(2)
        return now + dt.timedelta(**{{"m": "minutes", "h": "hours", "d": "days"}[unit]: amount})
    date_part, _, time_part = text.rpartition(" ")
    found = re.fullmatch(r"(\d{1,2})[:：](\d{2})", time_part)
    if found:
        hour, minute = int(found.group(1)), int(found.group(2))
        if hour < 24 and minute < 60:
            if date_part:
                day = parse_date(date_part, field, now.date())
                return dt.datetime.combine(day, dt.time(hour, minute))
            moment = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
            return moment if moment > now else moment + dt.timedelta(days=1)
    raise ValidationError(N_("There is no deadline “{text}”: write +24h, 14:00 or 11-21 14:00."),
                          field=field, text=text)


def build_filter(values: dict[str, str], today: dt.date | None = None) -> LogFilter:
    """A filter from the filter form's fields (empty fields filter nothing)."""
    start = parse_date(values.get("start", ""), "start", today)
    end = parse_date(values.get("end", ""), "end", today)
    if start and end and end < start:
        raise ValidationError(N_("The range ends before it starts."), field="end")
    keys = []
    known = categories()
    for word in re.split(r"[,，\s]+", values.get("categories", "").strip()):
        if not word:
            continue
        word = word.rstrip(":：").lower()
        match = next((c for c in known if word in (c.prefix, c.key, c.name_zh.lower(), c.name_en.lower())), None)
        if match is None:
            raise ValidationError(N_("Unknown category “{prefix}”: use one of {known}."), field="categories",
                                  prefix=word, known=", ".join(c.prefix + ":" for c in known))
        keys.append(match.key)
    severity = values.get("severity", "").strip().lower() or None
    if severity and severity not in SEVERITIES:
        raise ValidationError(N_("Severity is normal, important or emergency."), field="severity")
    author_id = None
    author = values.get("author", "").strip()
    if author:
        person = Person.get_or_none(Person.name == author)
        if person is None:
            raise ValidationError(N_("No one on the staff is called “{name}”."), field="author", name=author)
        author_id = person.id
    followups = values.get("followups", "").strip().lower()
    return LogFilter(start=start, end=end, categories=tuple(keys), severity=severity,
                     post=values.get("post", "").strip() or None, author_id=author_id,
                     open_followups=followups in ("y", "yes", "1", "是", "x"),
                     text=values.get("text", "").strip())
