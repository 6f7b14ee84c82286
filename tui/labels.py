"""A log entry's post and shift in the interface's language.

An entry keeps the post and shift as they were written when it was made (the logbook is
append-only and hash-chained): the roster's Chinese name (``值班指挥台``, ``2026-11-20 白班``),
or, before the roster knew the moment, the standard ``2026-11-20 day``. Shown, a name the
roster knows is given in the interface's language, as the roster itself shows it; any other
post (a free word such as ``东门``) is the writer's text and stays as written.
"""

from __future__ import annotations

import datetime as dt
import re

from duty_desk.models.logbook.shift import DAY_START, SHIFT_HOURS
from duty_desk.models.roster import duties as roster
from duty_desk.models.storage.db import db
from duty_desk.tui.i18n import N_, _, pick

# the standard shifts of models/logbook/shift.py, for moments the roster had no duty for
STANDARD_SHIFTS = {"day": N_("Day shift"), "night": N_("Night shift")}
_LABEL = re.compile(r"^(\d{4}-\d{2}-\d{2}) (.+)$")


_cache: dict = {}


def _names() -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """Every name a post or shift of the roster goes by → (Chinese, English); read once per
    database (the app, or a test, may open another)."""
    if _cache.get("db") is not db.obj:
        _cache.update(db=db.obj, names=_read_names())
    return _cache["names"]


def _read_names() -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    posts, shifts = {}, {}
    for table, rows in ((posts, roster.posts()), (shifts, roster.shifts())):
        for row in rows:
            for name in (row.name_zh, row.name_en):
                if name:
                    table.setdefault(name, (row.name_zh, row.name_en))
    night = (dt.datetime.combine(dt.date.min, DAY_START) + dt.timedelta(hours=SHIFT_HOURS)).time()
    for row in roster.shifts():  # the standard day and night: the roster's shifts that start then
        kind = {DAY_START: "day", night: "night"}.get(row.start)
        if kind and row.end == (night if kind == "day" else DAY_START):
            shifts.setdefault(kind, (row.name_zh, row.name_en))
    return posts, shifts


def forget() -> None:
    """The roster's posts or shifts changed: read them again when next needed."""
    _cache.clear()


def post_name(stored: str) -> str:
    names = _names()[0].get(stored)
    return pick(*names) if names else stored


def shift_label(stored: str) -> str:
    """``2026-11-20 白班`` → ``2026-11-20 Day`` in English; ``… day`` → ``… 白班`` in Chinese."""
    match = _LABEL.match(stored or "")
    if not match:
        return stored
    day, name = match.groups()
    names = _names()[1].get(name)
    if names:
        return f"{day} {pick(*names)}"
    return f"{day} {_(STANDARD_SHIFTS[name])}" if name in STANDARD_SHIFTS else stored
