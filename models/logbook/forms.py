"""Reading what a person typed into the log's forms: dates, deadlines and filters."""

from __future__ import annotations

import datetime as dt
import re

from duty_desk.models.errors import N_, ValidationError
from duty_desk.models.logbook.entries import categories
from duty_desk.models.logbook.query import LogFilter
from duty_desk.models.logbook.tables import SEVERITIES
from duty_desk.models.organisation.org import Person
# the log's forms read dates through models/dates.py (re-exported: screens call log_forms.parse_date)
from duty_desk.models.dates import parse_date as parse_date, parse_deadline as parse_deadline

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
