"""Fairness: who carries the nights, weekends and public holidays, over any range of days.

A night hour is one between 22:00 and 06:00; a night duty has at least three of them, so an
evening shift ending at midnight is not one. A weekend or holiday duty is one whose roster
day is a Saturday, Sunday or public holiday.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from duty_desk.models.roster.duties import duties_between, holidays_between

NIGHT_START, NIGHT_END = dt.time(22, 0), dt.time(6, 0)
NIGHT_DUTY_HOURS = 3.0


@dataclass
class FairnessRow:
    person_id: int
    name: str
    duties: int = 0
    hours: float = 0.0
    night_duties: int = 0
    night_hours: float = 0.0
    weekend_duties: int = 0
    weekend_hours: float = 0.0
    holiday_duties: int = 0
    holiday_hours: float = 0.0


def night_hours(starts: dt.datetime, ends: dt.datetime) -> float:
    """Hours of ``[starts, ends)`` that fall between 22:00 and 06:00."""
    total = 0.0
    day = starts.date() - dt.timedelta(days=1)
    while dt.datetime.combine(day, NIGHT_START) < ends:
        night_from = dt.datetime.combine(day, NIGHT_START)
        night_to = dt.datetime.combine(day + dt.timedelta(days=1), NIGHT_END)
        overlap = (min(ends, night_to) - max(starts, night_from)).total_seconds()
        if overlap > 0:
            total += overlap / 3600
        day += dt.timedelta(days=1)
    return total


def fairness(first_day: dt.date, last_day: dt.date, post_id: int | None = None) -> list[FairnessRow]:
    """One row per person on duty in the range, the heaviest night load first."""
    holidays = holidays_between(first_day, last_day)
    rows: dict[int, FairnessRow] = {}
    for d in duties_between(first_day, last_day, post_id=post_id):
        row = rows.setdefault(d.person_id, FairnessRow(d.person_id, d.person_name))
        hours = d.hours
        row.duties += 1
        row.hours += hours
        night = night_hours(d.starts_at, d.ends_at)
        row.night_hours += night
        if night >= NIGHT_DUTY_HOURS:
            row.night_duties += 1
        if d.day.weekday() >= 5:
            row.weekend_duties += 1
            row.weekend_hours += hours
        if d.day in holidays:
            row.holiday_duties += 1
            row.holiday_hours += hours
    return sorted(rows.values(), key=lambda r: (-r.night_hours, -r.weekend_hours, r.name))
