"""Which shift a moment belongs to, and who is on duty: the roster's answer when there is one.

The roster answers through ``models.roster.duties.on_duty(at)`` and ``shift_at(person_id, at)``.
Where it has no duty for the moment (a new install, or before the roster is set up),
shifts are the duty office's two twelve-hour shifts, day 08:00–20:00 and night 20:00–08:00.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from duty_desk.models.roster import duties as roster

DAY_START = dt.time(8, 0)
SHIFT_HOURS = 12


@dataclass(frozen=True)
class ShiftInfo:
    start: dt.datetime
    end: dt.datetime
    label: str
    post: str = ""
    lead_id: int | None = None


def standard_shift(at: dt.datetime) -> ShiftInfo:
    """The twelve-hour shift holding *at* (day from 08:00, night from 20:00)."""
    day_start = dt.datetime.combine(at.date(), DAY_START)
    if at < day_start:
        day_start -= dt.timedelta(days=1)
    half = dt.timedelta(hours=SHIFT_HOURS)
    start = day_start if at < day_start + half else day_start + half
    kind = "day" if start.time() == DAY_START else "night"
    return ShiftInfo(start, start + dt.timedelta(hours=SHIFT_HOURS), f"{start:%Y-%m-%d} {kind}")


def shift_for(person_id: int | None, at: dt.datetime) -> ShiftInfo:
    """The shift *person_id* works at *at*, from the roster if it knows, else the standard one."""
    if person_id is not None:
        duty = roster.shift_at(person_id, at)
        if duty is not None:
            return ShiftInfo(duty.starts_at, duty.ends_at, f"{duty.starts_at:%Y-%m-%d} {duty.shift_zh}",
                             duty.post_zh or duty.post_en)
    return standard_shift(at)


def people_on_duty(at: dt.datetime) -> list[tuple[int, str]]:
    """(person id, role) of everyone the roster has on duty at *at*; [] when it has nobody."""
    return [(d.person_id, d.role) for d in roster.on_duty(at)]
